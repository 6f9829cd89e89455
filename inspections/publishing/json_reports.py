"""The `--json FILE` reports: what a command tagged or pushed, with digests, for CI to read.

Every report has `command`, `version` and `complete` (false when the command stopped on an
error: the report then lists what was done before it). Pushed images and merged tags carry
`reference`, `<repository>@<digest>`, the form a signing step (cosign) takes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspections.files import write_named_output
from inspections.publishing.errors import PublishError, PublishUsageError
from inspections.publishing.merging import MergeOutcome
from inspections.publishing.tags_files import TagsFile
from inspections.references import Reference

REPORT_VERSION = 1


def check_report_path(path: Path | None) -> None:
    """Refuse, before any work is done, a --json path that cannot be written."""
    if path is None:
        return
    if path.is_dir():
        raise PublishUsageError(f"--json {path} is a folder: pass a file name")
    if not path.parent.is_dir():
        raise PublishUsageError(f"--json {path}: folder {path.parent} not found: create it first")
    if not os.access(path.parent, os.W_OK):
        raise PublishUsageError(f"--json {path}: folder {path.parent} is not writable")


def write_report(path: Path, document: dict[str, Any]) -> None:
    """Write `document` to `path` as JSON, all at once."""
    try:
        write_named_output(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    except OSError as error:
        raise PublishError(
            f"cannot write --json {path} ({error.strerror}): pass a writable file"
        ) from error


@dataclass
class ImagesReport:
    """The images a command tagged (stack-apply-tags) or pushed (stack-push-tags), as it goes."""

    command: str
    images: dict[Path, dict[str, Any]] = field(default_factory=dict)

    def add(self, tags_file: TagsFile, reference: Reference, digest: str = "") -> None:
        """Note that `reference` of `tags_file` was tagged, or pushed as `digest`."""
        entry = self.images.setdefault(
            tags_file.path,
            {
                "image": tags_file.image,
                "variant": tags_file.variant,
                "platform": tags_file.platform,
                "image_id": tags_file.image_id,
                "tags_file": str(tags_file.path),
                "repository": tags_file.repository,
                "tags": [],
            },
        )
        entry["tags"].append(str(reference))
        if digest:
            entry["digest"] = digest
            entry["reference"] = reference.pinned(digest)

    def document(self, complete: bool) -> dict[str, Any]:
        return {
            "command": self.command,
            "version": REPORT_VERSION,
            "complete": complete,
            "images": list(self.images.values()),
        }


def _merged_entry(outcome: MergeOutcome, push: bool) -> dict[str, Any]:
    status = "failed" if outcome.problem else "pushed" if push else "ready"
    entry: dict[str, Any] = {"tag": str(outcome.merged.target), "status": status}
    if outcome.digest:
        entry["digest"] = outcome.digest
        entry["reference"] = outcome.merged.target.pinned(outcome.digest)
    if outcome.problem:
        entry["problem"] = outcome.problem
    platforms = []
    for source in outcome.merged.sources:
        platform = {
            "platform": source.platform,
            "tag": str(source.reference),
            "image_id": source.image_id,
        }
        digest = outcome.source_digests.get(source.platform)
        if digest:
            platform["digest"] = digest
            platform["reference"] = source.reference.pinned(digest)
        platforms.append(platform)
    entry["platforms"] = platforms
    return entry


def merge_document(outcomes: list[MergeOutcome], push: bool, complete: bool) -> dict[str, Any]:
    """The report of stack-merge-tags: every merged tag, pushed, ready (dry run) or failed."""
    return {
        "command": "stack-merge-tags",
        "version": REPORT_VERSION,
        "complete": complete,
        "push": push,
        "merged": [_merged_entry(outcome, push) for outcome in outcomes],
    }
