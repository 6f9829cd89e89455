"""One entry of the run record: the build of one image, variant and platform, typed.

`RecordEntry.to_json()` is what `inspections.json` holds for an image (one line, keys in the
order of the fields); `RecordEntry.from_json()` is the only way back, and checks each field
as it reads it: an entry damaged or edited by hand gives one line naming the record file, the
entry and the field. Entries written before inventories and change reports existed, or with
the manifest pieces' text, still read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar, get_args

from inspections.build_info import TIMESTAMP_FORMAT
from inspections.errors import StackInspectionError
from inspections.formats.run_folder import is_managed_file
from inspections.formats.stack_diagram import DiagramBuild
from inspections.references import DIGEST, IMAGE_NAME, PLATFORM, TAG, split_tag
from inspections.values import Kind

if TYPE_CHECKING:
    from inspections.inventory.changes import ChangeReport
    from inspections.inventory.model import Inventory

PASSED, FAILED, INCOMPLETE = "passed", "failed", "incomplete"
OUTCOMES = (PASSED, FAILED, INCOMPLETE)
INSPECTION_OUTCOMES = ("passed", "failed", "skipped", "not run")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_GIT_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_FIELD_NAME = re.compile(r"[a-z_]+")
_TOKEN = re.compile(r"[^\s\x00-\x1f\x7f-\x9f]{1,512}")  # a reference, a digest, a session id
# The largest count, size in bytes or number of seconds an entry may hold: a 64-bit integer's.
MAX_NUMBER = 2**63 - 1
# The years of a build timestamp in UTC: from SOURCE_DATE_EPOCH's 1970 to four digits' end.
FIRST_YEAR, LAST_YEAR = 1970, 9999

Parsed = TypeVar("Parsed")


class RecordError(StackInspectionError):
    """An output folder's record is missing, invalid, or does not back a file: `problem`,
    then the advice `fix` (which depends on what the record was read for)."""

    def __init__(self, problem: str, fix: str = "") -> None:
        super().__init__(f"{problem}: {fix}" if fix else problem)


class _FieldError(ValueError):
    """A field of an entry is missing or holds something it cannot hold."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"field {field} {problem}")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


def _kind_of(value: object) -> str:
    return "null" if value is None else type(value).__name__


class _Fields:
    """One JSON object of an entry, read field by field; errors name the field's path."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, Mapping):
            raise _FieldError(path, f"is {_kind_of(data)}, not an object")
        self.data = data
        self.path = path
        self.seen: set[str] = set()

    def name(self, key: str) -> str:
        """The path of the field `key`: `build.timestamp`, `files['tags/x.txt']`."""
        if not _FIELD_NAME.fullmatch(key):
            return f"{self.path}[{_shown(key)}]"
        return f"{self.path}.{key}" if self.path else key

    def value(self, key: str, default: Any = ...) -> Any:
        """The raw value of `key`; without a default, a missing key is an error."""
        self.seen.add(key)
        if key in self.data:
            return self.data[key]
        if default is ...:
            raise _FieldError(self.name(key), "is missing")
        return default

    def fail(self, key: str, problem: str) -> _FieldError:
        return _FieldError(self.name(key), problem)

    def text(self, key: str, pattern: re.Pattern[str] | None = None, empty: bool = True) -> str:
        value = self.value(key)
        if not isinstance(value, str):
            raise self.fail(key, f"is {_kind_of(value)}, not text")
        if value == "" and empty:
            return value
        if pattern is not None and not pattern.fullmatch(value):
            raise self.fail(key, f"is {_shown(value)}, not {_EXPECTED[pattern]}")
        return value

    def texts(self, key: str, pattern: re.Pattern[str] | None = None) -> tuple[str, ...]:
        values = self.value(key)
        if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
            raise self.fail(key, "is not a list of text")
        for value in values:
            if pattern is not None and not pattern.fullmatch(value):
                raise self.fail(key, f"lists {_shown(value)}, not {_EXPECTED[pattern]}")
        return tuple(values)

    def flag(self, key: str) -> bool:
        value = self.value(key)
        if not isinstance(value, bool):
            raise self.fail(key, f"is {_kind_of(value)}, not true or false")
        return value

    def count(self, key: str) -> int:
        """A whole number of 0 or more, at most MAX_NUMBER."""
        value = self.value(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(key, f"is {_shown(value)}, not a whole number of 0 or more")
        if value > MAX_NUMBER:
            raise self.fail(key, f"is {_shown(value)}, more than {MAX_NUMBER}")
        return value

    def seconds(self, key: str) -> float:
        """A number from 0 to MAX_NUMBER, kept as written (an integer stays one)."""
        value = self.value(key)
        # Compared, never converted: an integer too large for a float compares all the same,
        # and NaN fails every comparison.
        if not isinstance(value, int | float) or isinstance(value, bool) or not value >= 0:
            raise self.fail(key, f"is {_shown(value)}, not a number of seconds")
        if not value <= MAX_NUMBER:
            raise self.fail(key, f"is {_shown(value)}, not a number of seconds up to {MAX_NUMBER}")
        return value

    def optional(self, key: str, read: Callable[[str], Parsed]) -> Parsed | None:
        """`read(key)`, or None when the field is null."""
        return None if self.value(key) is None else read(key)

    def nested(self, key: str, parse: Callable[[_Fields], Parsed]) -> Parsed:
        """`parse` applied to the object `key`, every field of which it must read."""
        return _Fields(self.value(key), self.name(key)).parsed(parse)

    def each(self, key: str, parse: Callable[[_Fields], Parsed]) -> tuple[Parsed, ...]:
        """`parse` applied to every object of the list `key`."""
        values = self.value(key)
        if not isinstance(values, list):
            raise self.fail(key, f"is {_kind_of(values)}, not a list")
        return tuple(
            _Fields(item, f"{self.name(key)}[{index}]").parsed(parse)
            for index, item in enumerate(values)
        )

    def parsed(self, parse: Callable[[_Fields], Parsed]) -> Parsed:
        """`parse(self)`, then refuse any field it did not read: the object is not one this
        version writes."""
        result = parse(self)
        unknown = sorted(str(key) for key in self.data if key not in self.seen)
        if unknown:
            raise _FieldError(self.name(unknown[0]), "is unknown to this version")
        return result


_EXPECTED = {
    IMAGE_NAME: "a lowercase name",
    PLATFORM: "a platform like x86_64",
    DIGEST: "an image id sha256:<64 hex digits>",
    TAG: "a Docker tag",
    _SHA256: "a sha256 checksum",
    _GIT_COMMIT: "a git commit sha",
    _TOKEN: "text without spaces or control characters",
}


def utc_moment(timestamp: str) -> datetime:
    """The ISO 8601 `timestamp`, which must have an offset, in UTC; ValueError saying why
    when it is no such time, or falls outside the years FIRST_YEAR to LAST_YEAR in UTC."""
    try:
        moment = datetime.fromisoformat(timestamp)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise ValueError("not a time like 2026-11-27T12:00:00+00:00")
    outside = ValueError(f"outside the years {FIRST_YEAR} to {LAST_YEAR} in UTC")
    try:
        utc = moment.astimezone(UTC)
    except OverflowError:  # the offset moves it past year 1 or 9999
        raise outside from None
    if not FIRST_YEAR <= utc.year <= LAST_YEAR:
        raise outside
    return utc


def zulu(timestamp: str) -> str:
    """An ISO timestamp as UTC with a `Z`, whole seconds: `2026-11-27T14:50:46Z`; ValueError
    as `utc_moment` says."""
    return utc_moment(timestamp).strftime(TIMESTAMP_FORMAT)


@dataclass(frozen=True)
class RecordedBuild:
    """The session's build facts: its timestamp (ISO 8601 with offset) and git commit."""

    timestamp: str
    git_commit: str  # empty when the stack had no commit
    git_modified: bool
    git_changes: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "timestamp": self.timestamp,
            "git_commit": self.git_commit,
            "git_modified": self.git_modified,
            "git_changes": list(self.git_changes),
        }

    @classmethod
    def _read(cls, fields: _Fields) -> RecordedBuild:
        timestamp = fields.text("timestamp")
        try:
            utc_moment(timestamp)
        except ValueError as error:
            raise fields.fail("timestamp", f"is {_shown(timestamp)}, {error}") from None
        return cls(
            timestamp=timestamp,
            git_commit=fields.text("git_commit", _GIT_COMMIT),
            git_modified=fields.flag("git_modified"),
            git_changes=fields.texts("git_changes"),
        )


@dataclass(frozen=True)
class InspectionRecord:
    """How one planned inspection went on the image."""

    name: str
    key: str
    kind: str
    outcome: str
    duration_seconds: float
    cached: bool
    error: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "key": self.key,
            "kind": self.kind,
            "outcome": self.outcome,
            "duration_seconds": self.duration_seconds,
            "cached": self.cached,
            "error": self.error,
        }

    @classmethod
    def _read(cls, fields: _Fields) -> InspectionRecord:
        kind, outcome = fields.text("kind"), fields.text("outcome")
        if kind not in get_args(Kind):
            raise fields.fail("kind", f"is {_shown(kind)}, not one of {', '.join(get_args(Kind))}")
        if outcome not in INSPECTION_OUTCOMES:
            raise fields.fail("outcome", f"is {_shown(outcome)}")
        return cls(
            name=fields.text("name"),
            key=fields.text("key"),
            kind=kind,
            outcome=outcome,
            duration_seconds=fields.seconds("duration_seconds"),
            cached=fields.flag("cached"),
            error=fields.text("error"),
        )


@dataclass(frozen=True)
class ImageTests:
    """The image tests that ran on the image: how many passed, which failed."""

    passed: int
    failed: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"passed": self.passed, "failed": list(self.failed)}

    @classmethod
    def _read(cls, fields: _Fields) -> ImageTests:
        return cls(passed=fields.count("passed"), failed=fields.texts("failed"))


@dataclass(frozen=True)
class CommandTime:
    """One distinct command run in the image's container, and how long it took."""

    command: str
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"command": self.command, "seconds": self.seconds}

    @classmethod
    def _read(cls, fields: _Fields) -> CommandTime:
        return cls(command=fields.text("command"), seconds=fields.seconds("seconds"))


@dataclass(frozen=True)
class Timing:
    """What the image cost: container start, each command, wall time and the limit it could
    reach (container start plus its slowest command); None where nothing ran."""

    container_start_seconds: float | None
    commands: tuple[CommandTime, ...]
    commands_executed: int
    distinct_commands: int
    cached_values: int
    wall_seconds: float | None
    limit_seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "container_start_seconds": self.container_start_seconds,
            "commands": [command.to_json() for command in self.commands],
            "commands_executed": self.commands_executed,
            "distinct_commands": self.distinct_commands,
            "cached_values": self.cached_values,
            "wall_seconds": self.wall_seconds,
            "limit_seconds": self.limit_seconds,
        }

    @classmethod
    def _read(cls, fields: _Fields) -> Timing:
        return cls(
            container_start_seconds=fields.optional("container_start_seconds", fields.seconds),
            commands=fields.each("commands", CommandTime._read),
            commands_executed=fields.count("commands_executed"),
            distinct_commands=fields.count("distinct_commands"),
            cached_values=fields.count("cached_values"),
            wall_seconds=fields.optional("wall_seconds", fields.seconds),
            limit_seconds=fields.seconds("limit_seconds"),
        )


@dataclass(frozen=True)
class RecordEntry:
    """One image build (image, variant, platform) as the run record keeps it.

    A passed entry's `files` (relative path -> sha256) are complete and of this build; an
    entry of any other outcome says why in `reasons` and lists no files. `inventory` is None
    for an image without inventories, `changes` None without a change report.
    """

    image: str
    parent: str  # the image's parent in the stack, "" for a root (and in older records)
    variant: str
    platform: str  # empty when the image was never found
    outcome: str
    reasons: tuple[str, ...]
    image_id: str
    reference: str  # the inspected reference, `<registry>/<owner>/<image>:<tag>`
    size_bytes: int | None
    repo_digests: tuple[str, ...]
    session: str
    build: RecordedBuild
    tags: tuple[str, ...]
    references: tuple[str, ...]
    manifest_pieces: tuple[str, ...]  # their titles
    inspections: tuple[InspectionRecord, ...]
    tests: ImageTests
    timing: Timing
    inventory: Inventory | None
    changes: ChangeReport | None
    files: Mapping[str, str]

    @property
    def passed(self) -> bool:
        return self.outcome == PASSED

    @property
    def label(self) -> str:
        return f"{self.image} ({self.platform}, {self.variant})"

    @property
    def key(self) -> tuple[str, str]:
        """What a session decides an entry by: (image, variant)."""
        return (self.image, self.variant)

    @property
    def repository(self) -> str:
        """The inspected reference without its tag: `<registry>/<owner>/<image>`."""
        return split_tag(self.reference)[0]

    def diagram_build(self) -> DiagramBuild:
        """The build as the stack diagram shows it."""
        return DiagramBuild(
            image=self.image,
            variant=self.variant,
            platform=self.platform,
            outcome=self.outcome,
            tags=self.tags,
            size_bytes=self.size_bytes,
            parent=self.parent,
            timestamp=self.build.timestamp,
        )

    def to_json(self) -> dict[str, Any]:
        """The entry as `inspections.json` holds it."""
        return {
            "image": self.image,
            "parent": self.parent,
            "variant": self.variant,
            "platform": self.platform,
            "outcome": self.outcome,
            "reasons": list(self.reasons),
            "image_id": self.image_id,
            "reference": self.reference,
            "size_bytes": self.size_bytes,
            "repo_digests": list(self.repo_digests),
            "session": self.session,
            "build": self.build.to_json(),
            "tags": list(self.tags),
            "references": list(self.references),
            "manifest_pieces": list(self.manifest_pieces),
            "inspections": [inspection.to_json() for inspection in self.inspections],
            "tests": self.tests.to_json(),
            "timing": self.timing.to_json(),
            "inventory": self.inventory.to_json() if self.inventory is not None else {},
            "changes": self.changes.to_json() if self.changes else None,
            "files": dict(self.files),
        }

    @classmethod
    def from_json(cls, data: object, where: str, fix: str) -> RecordEntry:
        """The entry `data`, checked; RecordError `<where>: field <name> …: <fix>` if invalid.

        `where` names the record file and the entry, `fix` says what to do about it.
        """
        try:
            entry = _Fields(data, "").parsed(cls._read)
        except _FieldError as error:
            raise RecordError(f"{where}: {error}", fix) from None
        return entry

    @classmethod
    def _read(cls, fields: _Fields) -> RecordEntry:
        outcome = fields.text("outcome")
        if outcome not in OUTCOMES:
            raise fields.fail("outcome", f"is {_shown(outcome)}, not one of {', '.join(OUTCOMES)}")
        passed = outcome == PASSED
        entry = cls(
            image=fields.text("image", IMAGE_NAME, empty=False),
            parent=fields.text("parent", IMAGE_NAME) if "parent" in fields.data else "",
            variant=fields.text("variant", IMAGE_NAME, empty=False),
            # An image that failed may have been found with an unknown platform, or not at all.
            platform=fields.text("platform", PLATFORM if passed else _TOKEN, empty=not passed),
            outcome=outcome,
            reasons=fields.texts("reasons"),
            image_id=fields.text("image_id", DIGEST, empty=not passed),
            reference=fields.text("reference", _TOKEN, empty=not passed),
            size_bytes=fields.count("size_bytes")
            if passed
            else fields.optional("size_bytes", fields.count),
            repo_digests=fields.texts("repo_digests", _TOKEN),
            session=fields.text("session", _TOKEN),
            build=fields.nested("build", RecordedBuild._read),
            tags=fields.texts("tags", TAG),
            references=fields.texts("references", _TOKEN),
            manifest_pieces=_piece_titles(fields),
            inspections=fields.each("inspections", InspectionRecord._read),
            tests=fields.nested("tests", ImageTests._read),
            timing=fields.nested("timing", Timing._read),
            inventory=_inventory(fields),
            changes=_changes(fields),
            files=fields.nested("files", _files),
        )
        if passed and (entry.reasons or not entry.build.git_commit):
            problem = "lists reasons" if entry.reasons else "has no git commit"
            raise _FieldError("outcome", f"is passed, but the entry {problem}")
        if not passed and (entry.files or not entry.reasons):
            problem = "lists files" if entry.files else "gives no reasons"
            raise _FieldError("outcome", f"is {outcome}, but the entry {problem}")
        return entry


def _piece_titles(fields: _Fields) -> tuple[str, ...]:
    """The manifest pieces' titles; older records kept `{"title": …, "markdown": …}` each."""
    pieces = fields.value("manifest_pieces")
    if pieces and isinstance(pieces, list) and isinstance(pieces[0], Mapping):
        return fields.each("manifest_pieces", _piece_title)
    return fields.texts("manifest_pieces")


def _piece_title(piece: _Fields) -> str:
    piece.text("markdown")
    return piece.text("title")


def _inventory(fields: _Fields) -> Inventory | None:
    """The image's packages; `{}` (or nothing, in records older than inventories): none."""
    from inspections.inventory.errors import InventoryError
    from inspections.inventory.model import Inventory

    data = fields.value("inventory", {})
    if data == {}:
        return None
    try:
        return Inventory.from_json(data)
    except InventoryError as error:
        raise fields.fail("inventory", f"is invalid: {error}") from None


def _changes(fields: _Fields) -> ChangeReport | None:
    from inspections.inventory.changes import ChangeReport
    from inspections.inventory.errors import InventoryError

    data = fields.value("changes", None)
    if data is None:
        return None
    try:
        return ChangeReport.from_json(data)
    except InventoryError as error:
        raise fields.fail("changes", f"is invalid: {error}") from None


def folder_files(data: object, where: str, fix: str) -> dict[str, str]:
    """The files a record lists for its folder as a whole (relative path -> sha256), checked;
    RecordError `<where>: field files…: <fix>` if invalid."""
    try:
        return _Fields(data, "files").parsed(_files)
    except _FieldError as error:
        raise RecordError(f"{where}: {error}", fix) from None


def _files(files: _Fields) -> dict[str, str]:
    """Relative path -> sha256 of every file of the entry, each inside an output folder."""
    for relative in files.data:
        if not is_managed_file(str(relative)):
            raise files.fail(relative, "is no file directly in one of the output folders")
        files.text(relative, _SHA256, empty=False)
    return dict(files.data)


def entry_identity(data: object) -> tuple[str, str, str] | None:
    """(image, platform, variant) of an entry not yet read, when they are text; else None.

    A reader that wants one image's entry finds it by these, then reads it with `from_json`.
    """
    if not isinstance(data, Mapping):
        return None
    identity = (data.get("image"), data.get("platform"), data.get("variant"))
    if not all(isinstance(part, str) for part in identity):
        return None
    return identity  # type: ignore[return-value]
