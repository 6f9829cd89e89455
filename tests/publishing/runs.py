"""Run folders exactly as `pytest --emit-manifests` writes them, by the plugin's own code.

The files come from `finishing.rendered_files`, the record entries from
`finishing.record_entry`, and the folder is written by `outputs.commit_run`, record included.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inspections.build_info import BuildInfo
from inspections.files import write_atomically
from inspections.formats.inspected_image import InspectedImage
from inspections.formats.run_folder import RECORD_FILE, change_report_file, tags_file_name
from inspections.formats.tags_file import tag_lines
from inspections.inventory.model import Inventory
from inspections.outputs.finish import record_entry, rendered_files
from inspections.outputs.record import sha256_of
from inspections.outputs.record_entry import PASSED
from inspections.outputs.results import ImageResult
from inspections.outputs.verdicts import ImageVerdict
from inspections.outputs.writer import commit_run
from inspections.stack import inspected_tag

REPOSITORY_URL = "https://github.com/jupyter/docker-stacks"
# When, and from which commit, the runs of most tests were made.
WHEN = datetime(2026, 11, 27, 11, 38, 14, tzinfo=UTC)
COMMIT = "7a2e4f31f5f46b2240d7c5d4dab7bc9af01d8c86"
# The id of an image no engine has: for runs that are only read, never tagged or pushed.
UNKNOWN_IMAGE_ID = "sha256:" + "0" * 64
FAILURE = "image test tests/test_python.py::test_python_version failed"


@dataclass(frozen=True)
class Build:
    """One image build of a run: what the plugin would have inspected, and its outcome."""

    image: str
    platform: str = "x86_64"
    variant: str = "default"
    tags: tuple[str, ...] = ("python-3.11.2", "lab-4.6.6")
    registry: str = "localhost"
    owner: str = "demo"
    image_id: str = UNKNOWN_IMAGE_ID
    outcome: str = PASSED  # or "failed": then the run writes no files for it
    pieces: tuple[tuple[str, str], ...] = (
        ("Apt Packages", "`apt list --installed`:\n\n```text\nbash/now 5.2\n```"),
    )
    changes: str | None = None  # its change report (as with --compare-to), if any
    parent: str = ""  # the image's parent in the stack


def _build_info(timestamp: datetime, commit: str) -> BuildInfo:
    return BuildInfo(
        timestamp=timestamp,
        git_toplevel="/repo",
        git_commit=commit,
        git_message=f"Commit {commit[:7]}",
    )


def inspected(build: Build, timestamp: datetime, commit: str) -> InspectedImage:
    """The plugin's record of `build`, in a run at `timestamp` of `commit` (40 hex digits)."""
    return InspectedImage(
        name=build.image,
        platform=build.platform,
        variant=build.variant,
        registry=build.registry,
        owner=build.owner,
        repository=REPOSITORY_URL,
        dockerfile=f"images/{build.image}/Dockerfile",
        size_bytes=123_456_789,
        tags=build.tags,
        pieces=build.pieces,
        build=_build_info(timestamp, commit),
    )


def _entry(build: Build, timestamp: datetime, commit: str, files: dict[str, str]) -> Any:
    passed = build.outcome == PASSED
    facts = {
        "id": build.image_id,
        "reference": f"{build.registry}/{build.owner}/{build.image}:{inspected_tag(build.variant)}",
        "platform": build.platform,
        "size_bytes": 123_456_789,
        "repo_digests": [],
    }
    verdict = ImageVerdict(
        build.image,
        failures=[] if passed else [FAILURE],
        inspected=inspected(build, timestamp, commit) if passed else None,
        inventory=Inventory() if passed else None,  # inventoried: packages are compared
    )
    result = ImageResult(build.image, facts=facts)
    return record_entry(
        result,
        verdict,
        files,
        variant=build.variant,
        build=_build_info(timestamp, commit),
        run_id="test-run",
        parent=build.parent,
    )


def write_run(folder: Path, timestamp: datetime, commit: str, builds: list[Build]) -> Path:
    """Write the outputs of a run of `builds` into `folder`, as the plugin commits them.

    Entries of other images already in the folder's record are kept, as in the plugin.
    """
    folder.mkdir(parents=True, exist_ok=True)
    entries, contents = [], {}
    for build in builds:
        files: dict[str, str] = {}
        if build.outcome == PASSED:
            image = inspected(build, timestamp, commit)
            rendered = rendered_files(image, with_changes=build.changes is not None)
            if build.changes is not None:
                rendered[change_report_file(image.manifest_stem)] = build.changes
            for relative, text in rendered.items():
                contents[relative] = text.encode("utf-8")
                files[relative] = sha256_of(contents[relative])
        entries.append(_entry(build, timestamp, commit, files))
    decided = {(build.image, build.variant) for build in builds}
    commit_run(folder, decided, entries, contents, interrupted=lambda: False)
    return folder


def fail_and_restore(folder: Path, timestamp: datetime, commit: str, build: Build) -> None:
    """Run `build` again in `folder`, failed this time, then put its old files back.

    The plugin removes the files of an image that failed; a copy of the old folder (a CI
    cache, or by hand) brings them back, and the record must still say it failed.
    """
    pattern = f"*/*{build.image}*"
    old = {path: path.read_bytes() for path in folder.glob(pattern)}
    write_run(folder, timestamp, commit, [dataclasses.replace(build, outcome="failed")])
    assert not list(folder.glob(pattern))  # the plugin removed them
    for path, content in old.items():
        path.write_bytes(content)


def tags_of(build: Build, timestamp: datetime, commit: str) -> list[str]:
    """The references of `build`'s tags file."""
    return tag_lines(inspected(build, timestamp, commit))


def tags_file(folder: Path, build: Build) -> Path:
    """The tags file of `build` in the run folder `folder`."""
    return folder / tags_file_name(build.platform, build.variant, build.image)


def rewrite_backed(folder: Path, relative: str, content: str) -> None:
    """Replace a file of the run and its checksum in the record: a record that backs it."""
    path = folder / RECORD_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    data = content.encode("utf-8")
    for entry in document["images"]:
        if relative in entry["files"]:
            entry["files"][relative] = sha256_of(data)
    write_atomically(folder / relative, data)
    write_atomically(path, json.dumps(document, indent=2) + "\n")


def edit_record(folder: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    """Apply `edit` to every entry of the folder's record (a dict, changed in place)."""
    path = folder / RECORD_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    for entry in document["images"]:
        edit(entry)
    write_atomically(path, json.dumps(document, indent=2) + "\n")
