"""Run folders read through their record: the publishing commands trust nothing else.

A run folder is the folder given to `pytest --emit-manifests`. Its record, `inspections.json`,
must be there and valid. Only entries whose outcome is `passed` are published, and only
through the files the record lists for them, read by `record.verified_file` (checksum
matched, no symbolic link). Entries of any other outcome are skipped with a note; files left
for them, if any, are never read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from inspections.formats.run_folder import MANIFESTS_FOLDER, RECORD_FILE, TAGS_FOLDER, in_folder
from inspections.outputs.record import RecordError, RunRecord, read_record, verified_file
from inspections.outputs.record_entry import RecordEntry
from inspections.publishing.errors import PublishUsageError
from inspections.publishing.tags_files import RERUN, TagsFile, parse_tags_file, recorded_tags_file

Notify = Callable[[str], None]


def read_run(folder: Path) -> RunRecord:
    """The record of the run folder `folder`, every entry checked; else one-line error."""
    try:
        record = read_record(folder)
    except RecordError as error:
        raise PublishUsageError(str(error)) from error
    for number, image in enumerate(record.images, start=1):
        if image.passed:
            _check_passed(record, number, image)
    return record


def _check_passed(record: RunRecord, number: int, image: RecordEntry) -> None:
    where = f"{record.folder / RECORD_FILE}, entry {number}"
    if recorded_tags_file(image) not in image.files:
        raise PublishUsageError(
            f"{where} ({image.label}): lists no {recorded_tags_file(image)}: {RERUN}"
        )


def skipped_note(record: RunRecord, image: RecordEntry) -> str:
    """The line that says why an entry that did not pass is not published."""
    return (
        f"skipped {image.label} in {record.folder}: {RECORD_FILE} says its outcome is "
        f"{image.outcome}; only passed images are published"
    )


def passed_images(record: RunRecord, on_skip: Notify) -> list[RecordEntry]:
    """The passed entries of `record`; `on_skip` hears of every other one."""
    passed = []
    for image in record.images:
        if image.passed:
            passed.append(image)
        else:
            on_skip(skipped_note(record, image))
    return passed


def verified_text(record: RunRecord, image: RecordEntry, relative: str) -> str:
    """The text of a file the record backs for `image`, checked; else one-line error."""
    try:
        data = verified_file(record, image, relative)
    except RecordError as error:
        raise PublishUsageError(str(error)) from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PublishUsageError(f"{record.folder / relative} is not UTF-8 text: {RERUN}") from error


def manifest_text(record: RunRecord, image: RecordEntry) -> str:
    """The verified build manifest of a passed entry."""
    listed = [name for name in image.files if in_folder(name, MANIFESTS_FOLDER)]
    if len(listed) != 1:
        raise PublishUsageError(
            f"{record.folder / RECORD_FILE} lists {len(listed)} manifests for {image.label}, "
            f"not one: {RERUN}"
        )
    return verified_text(record, image, listed[0])


def run_tags_file(record: RunRecord, image: RecordEntry) -> TagsFile:
    """The verified tags file of a passed entry."""
    relative = recorded_tags_file(image)
    return parse_tags_file(record.folder / relative, verified_text(record, image, relative), image)


def tags_file_arguments(paths: Iterable[Path]) -> list[TagsFile]:
    """The tags files `paths`, each given as `<run folder>/tags/<name>.txt` and verified by the
    record of its run, which is read once per run folder."""
    records: dict[Path, RunRecord] = {}
    tags_files = []
    for path in paths:
        if path.parent.name != TAGS_FOLDER:
            raise PublishUsageError(
                f"{path} is not in the {TAGS_FOLDER} folder of a run folder: pass "
                f"<folder>/{TAGS_FOLDER}/<file>.txt as pytest --emit-manifests wrote it"
            )
        folder = path.parent.parent
        if folder not in records:
            records[folder] = read_run(folder)
        tags_files.append(_listed_tags_file(records[folder], path))
    return tags_files


def _listed_tags_file(record: RunRecord, path: Path) -> TagsFile:
    """The tags file `path` of the run `record`, which must list it for a passed image."""
    relative = f"{TAGS_FOLDER}/{path.name}"
    image = next((image for image in record.images if recorded_tags_file(image) == relative), None)
    if image is None:
        raise PublishUsageError(
            f"{path} is not listed in {record.folder / RECORD_FILE}: it is not from the run "
            "recorded there; pass the tags files of that run"
        )
    if not image.passed:
        raise PublishUsageError(
            f"{path}: {RECORD_FILE} says {image.label} {image.outcome} in the last run, so it "
            f"has no tags to publish (a file found there is left from an earlier run): fix the "
            f"image and {RERUN}"
        )
    return run_tags_file(record, image)


def read_run_tags(
    run_folders: Iterable[Path], on_skip: Notify
) -> tuple[list[TagsFile], set[tuple[str, str]]]:
    """The verified tags files of every passed image of the runs, and (image, variant) of every
    entry that did not pass, which `on_skip` hears of; each record is read once."""
    tags_files: list[TagsFile] = []
    unpublished: set[tuple[str, str]] = set()
    for folder in run_folders:
        record = read_run(folder)
        tags_files += [run_tags_file(record, image) for image in passed_images(record, on_skip)]
        unpublished |= {(image.image, image.variant) for image in record.images if not image.passed}
    return tags_files, unpublished
