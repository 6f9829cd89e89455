"""The layout of a run folder, the folder `pytest --emit-manifests` writes.

```
inspections.json                                   the run record
tags/<platform>-<variant>-<image>.txt              the tags file
manifests/<platform>-<variant>-<image>-<sha12>.md  the build manifest
hist_lines/<platform>-<variant>-<image>-<sha12>.txt  the build history line
sbom/<platform>-<variant>-<image>-<sha12>.cdx.json   the CycloneDX SBOM
changes/<platform>-<variant>-<image>-<sha12>.md    the change report (with --compare-to)
diagrams/stack.md                                  the stack, drawn from every entry
```

The names of tags files, manifests and history lines are those of the Jupyter Docker
Stacks' own tools. Paths are relative to the folder, with `/` between their parts.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from inspections.stack import DEFAULT_VARIANT, build_stem

RECORD_FILE = "inspections.json"
TAGS_FOLDER = "tags"
MANIFESTS_FOLDER = "manifests"
HISTORY_FOLDER = "hist_lines"
SBOM_FOLDER = "sbom"
CHANGES_FOLDER = "changes"
DIAGRAMS_FOLDER = "diagrams"
# The folders whose files the record accounts for; nothing else in a run folder is touched.
# `diagrams/` holds the folder's own files, listed outside any entry.
MANAGED_FOLDERS = (
    TAGS_FOLDER,
    MANIFESTS_FOLDER,
    HISTORY_FOLDER,
    SBOM_FOLDER,
    CHANGES_FOLDER,
    DIAGRAMS_FOLDER,
)
STACK_DIAGRAM_FILE = f"{DIAGRAMS_FOLDER}/stack.md"
SHA_LENGTH = 12  # the commit's digits in a build's stem and its sha tag
_SHA12 = re.compile(rf"[0-9a-f]{{{SHA_LENGTH}}}")


def manifest_stem(platform: str, variant: str, image: str, commit: str) -> str:
    """`<platform>-<variant>-<image>-<sha12>`: the name of every file of one build but its
    tags file."""
    return f"{build_stem(platform, variant, image)}-{commit[:SHA_LENGTH]}"


def is_stem_of(stem: str, platform: str, variant: str, image: str) -> bool:
    """Whether `stem` is the manifest stem of a build of this image, platform and variant."""
    rest = stem.removeprefix(f"{build_stem(platform, variant, image)}-")
    return rest != stem and bool(_SHA12.fullmatch(rest))


def series_of_stem(stem: str, image: str) -> tuple[str, str] | None:
    """(platform, variant) of `<platform>-<variant>-<image>-<sha12>`, the manifest stem of a
    build of `image` (no variant: the default one, as the Jupyter wiki names them); None for a
    stem named otherwise."""
    sha = stem[-SHA_LENGTH:]
    ending = f"-{image}-{sha}"
    if not (_SHA12.fullmatch(sha) and stem.endswith(ending) and len(stem) > len(ending)):
        return None
    platform, _, variant = stem.removesuffix(ending).partition("-")
    return platform, variant or DEFAULT_VARIANT


def tags_file_name(platform: str, variant: str, image: str) -> str:
    """`tags/<platform>-<variant>-<image>.txt`."""
    return f"{TAGS_FOLDER}/{build_stem(platform, variant, image)}.txt"


def manifest_name(stem: str) -> str:
    """`<stem>.md`: a manifest's file name, here and in the build history wiki."""
    return f"{stem}.md"


def manifest_file(stem: str) -> str:
    """`manifests/<stem>.md`."""
    return f"{MANIFESTS_FOLDER}/{manifest_name(stem)}"


def history_file(stem: str) -> str:
    """`hist_lines/<stem>.txt`."""
    return f"{HISTORY_FOLDER}/{stem}.txt"


def sbom_file(stem: str) -> str:
    """`sbom/<stem>.cdx.json`."""
    return f"{SBOM_FOLDER}/{stem}.cdx.json"


def change_report_file(stem: str) -> str:
    """`changes/<stem>.md`."""
    return f"{CHANGES_FOLDER}/{stem}.md"


def stem_of(relative: str) -> str:
    """The stem of a manifest, history line or change report from its relative path."""
    return PurePosixPath(relative).stem


def is_managed_file(relative: str) -> bool:
    """Whether `relative` names a file directly in one of the MANAGED_FOLDERS, written as the
    plugin writes it: `<folder>/<name>`, nothing more (no `tags/`, `tags//x`, `tags/./x`)."""
    folder, _, name = relative.partition("/")
    return (
        folder in MANAGED_FOLDERS
        and name not in ("", ".", "..")
        and "/" not in name
        and "\\" not in name
    )


def in_folder(relative: str, folder: str) -> bool:
    """Whether the relative path `relative` is a file of `folder` (`tags`, `manifests`…)."""
    return relative.startswith(f"{folder}/")
