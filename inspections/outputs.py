"""Deciding which images pass, and writing their files atomically."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspections.build_info import BuildInfo
from inspections.errors import StackInspectionError
from inspections.render import InspectedImage, history_line, manifest_markdown, tags_file
from inspections.results import ImageResult
from inspections.stack import NAME_PATTERN

SUMMARY_FILE = "inspections.json"
OUTPUT_FILE_MODE = 0o644  # readable by later CI steps that run as another user


@dataclass(frozen=True)
class OutputSettings:
    """What the session was asked for, as needed to name and fill the outputs."""

    registry: str
    owner: str
    variant: str
    repository: str
    test_gate: bool


@dataclass
class ImageVerdict:
    """Whether an image gets its files, why not, and which files it got.

    Failures make the session fail; missing inspections (deselected, skipped, or a
    session stopped early) only mean the image's outputs would be partial.
    """

    name: str
    failures: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    inspected: InspectedImage | None = None
    written: list[Path] = field(default_factory=list)

    @property
    def status(self) -> str:
        """`passed`, `failed` or `incomplete`."""
        if self.failures:
            return "failed"
        if self.missing or self.inspected is None:
            return "incomplete"
        return "passed"

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    @property
    def reasons(self) -> list[str]:
        return [*self.failures, *self.missing]


def _duplicate_tags(result: ImageResult) -> list[str]:
    seen: dict[str, str] = {"latest": "the implicit latest tag"}
    problems = []
    for inspection in result.inspections.values():
        if inspection.kind != "tag" or inspection.value is None:
            continue
        if inspection.value in seen:
            problems.append(
                f"taggers {seen[inspection.value]} and {inspection.name} both gave tag "
                f"{inspection.value!r}: make one of them distinct"
            )
        seen[inspection.value] = inspection.name
    return problems


def judge(
    result: ImageResult, settings: OutputSettings, build: BuildInfo, dockerfile: str
) -> ImageVerdict:
    """The verdict for one image: its outputs when everything passed, else the reasons."""
    verdict = ImageVerdict(
        result.name, failures=result.inspection_failures(), missing=result.missing_inspections()
    )
    if settings.test_gate:
        verdict.failures += [
            f"image test {nodeid} failed: {result.test_errors.get(nodeid, '')}"
            for nodeid in result.failed_tests
        ]
    verdict.failures += _duplicate_tags(result)
    if verdict.reasons:
        return verdict
    platform = str(result.facts.get("platform", ""))
    if not NAME_PATTERN.fullmatch(platform.replace("_", "-")):
        verdict.failures.append(f"unknown platform {platform!r} of the image")
        return verdict
    values = list(result.inspections.values())
    try:
        verdict.inspected = InspectedImage(
            name=result.name,
            platform=platform,
            variant=settings.variant,
            registry=settings.registry,
            owner=settings.owner,
            repository=settings.repository,
            dockerfile=dockerfile,
            size_bytes=int(result.facts.get("size_bytes", 0)),
            tags=tuple(str(v.value) for v in values if v.kind == "tag"),
            pieces=tuple((v.title, str(v.value)) for v in values if v.kind == "manifest"),
            build=build,
        )
        verdict.inspected.all_tags()
        verdict.inspected.sha12  # noqa: B018 - raises when git facts are missing
    except StackInspectionError as error:
        verdict.inspected = None
        verdict.failures.append(str(error))
    return verdict


def rendered_files(image: InspectedImage) -> dict[str, str]:
    """Relative output path -> content, for one passing image."""
    return {
        f"tags/{image.file_stem}.txt": tags_file(image),
        f"manifests/{image.manifest_stem}.md": manifest_markdown(image),
        f"hist_lines/{image.manifest_stem}.txt": history_line(image),
    }


def summary_document(
    results: dict[str, ImageResult], verdicts: dict[str, ImageVerdict], build: BuildInfo
) -> dict[str, Any]:
    """The machine-readable record of the session: `inspections.json`."""
    images = {}
    for name, result in results.items():
        verdict = verdicts[name]
        inspected = verdict.inspected
        images[name] = {
            "outcome": verdict.status,
            "reasons": verdict.reasons,
            "image": result.facts,
            "tags": inspected.all_tags() if inspected and verdict.passed else [],
            "manifest_pieces": [
                {"title": title, "markdown": markdown}
                for title, markdown in (inspected.pieces if inspected and verdict.passed else ())
            ],
            "inspections": [
                {
                    "name": item.name,
                    "key": item.key,
                    "kind": item.kind,
                    "outcome": item.outcome,
                    "duration_seconds": round(item.duration, 3),
                    "cached": item.cached,
                    "error": item.error,
                }
                for item in result.inspections.values()
            ],
            "tests": {"passed": result.passed_tests, "failed": result.failed_tests},
            "timing": result.timing_summary(),
        }
    return {
        "build": {
            "timestamp": build.timestamp.isoformat(),
            "git_commit": build.git_commit,
        },
        "images": images,
    }


def write_atomically(path: Path, content: str) -> None:
    """Write `content` to `path` so readers see the old file or the new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, OUTPUT_FILE_MODE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def check_output_folder(folder: Path) -> None:
    """Fail before any container starts when `folder` cannot receive the outputs."""
    if folder.exists() and not folder.is_dir():
        raise StackInspectionError(
            f"--emit-manifests {folder} is a file: pass a folder (it is created if missing)"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise StackInspectionError(
            f"--emit-manifests {folder} is not writable ({error.strerror}): pass a writable folder"
        ) from error


def write_outputs(folder: Path, verdicts: dict[str, ImageVerdict], summary: dict[str, Any]) -> None:
    """Render every passing image's files first, then write each one atomically."""
    planned: list[tuple[ImageVerdict, Path, str]] = []
    for verdict in verdicts.values():
        if verdict.passed and verdict.inspected is not None:
            for relative, content in rendered_files(verdict.inspected).items():
                planned.append((verdict, folder / relative, content))
    for verdict, path, content in planned:
        write_atomically(path, content)
        verdict.written.append(path)
    write_atomically(folder / SUMMARY_FILE, json.dumps(summary, indent=2, sort_keys=False) + "\n")
