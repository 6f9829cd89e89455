"""A build history wiki in the Jupyter Docker Stacks' format, and the stack checkout it counts.

The pages are written from what their wiki tool does, not by our own code:

- a monthly page `monthly-files/<year>/<year>-<month>.md` is the header
  `# Images built during <year>-<month>`, a blank line, `| Date | Image | Links |` and
  `| - | - | - |`, then one row per build, each new row right below the header;
- a row is `` | `<timestamp>` | `<reference>`<br />… | [Git diff](…)<br />[Dockerfile](…)<br />
  [Build manifest](./<stem>) | ``, one reference per tag but `-latest`;
- a manifest is filed as `manifests/<year>/<year>-<month>/<stem>.md` by its first
  `Build timestamp: `;
- `Home.md` is the template's text up to its `<!-- YEAR_MONTHLY_TABLES -->` line (with
  `{REPOSITORY}` replaced by `owner/name`), then per year, newest first, a blank line, `## <year>`,
  a blank line and a GitHub table; then a newline.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

REPOSITORY = "https://github.com/jupyter/docker-stacks"
SHA_NOV, SHA_DEC = "a" * 40, "b" * 40
TEMPLATE = """\
# Test stack manifests of {REPOSITORY}

Pages of builds, by month. Clone: `git clone git@github.com:{REPOSITORY}.wiki.git`

<!-- YEAR_MONTHLY_TABLES -->
Text after the marker is not part of the page.
"""
INTRO = """\
# Test stack manifests of jupyter/docker-stacks

Pages of builds, by month. Clone: `git clone git@github.com:jupyter/docker-stacks.wiki.git`

<!-- YEAR_MONTHLY_TABLES -->"""


_PICTURES = re.compile(
    r"(?<=<!-- YEAR_MONTHLY_TABLES -->)\n\n## (?:The stack|Build history of each image)\n"
    r".*?(?=\n\n## \d{4}\n|\n\Z)",
    re.DOTALL,
)


def without_pictures(home: str) -> str:
    """The Home page as their tool writes it: without the stack and the links to the image
    history pages that stack-update-wiki puts between the intro and the tables."""
    return _PICTURES.sub("", home)


def header(month: str) -> str:
    return f"# Images built during {month}\n\n| Date | Image | Links |\n| - | - | - |\n"


def row(
    timestamp: str,
    platform: str,
    image: str,
    sha: str,
    tags: tuple[str, ...],
    variant: str = "default",
) -> str:
    """A row as their tools write it, for a build of `image` on `platform` from `sha`.

    The tags of a variant other than the default are prefixed with it after the platform.
    """
    prefix = platform if variant == "default" else f"{platform}-{variant}"
    references = "<br />".join(f"`localhost/demo/{image}:{prefix}-{tag}`" for tag in tags)
    links = "<br />".join(
        [
            f"[Git diff]({REPOSITORY}/commit/{sha})",
            f"[Dockerfile]({REPOSITORY}/blob/{sha}/images/{image}/Dockerfile)",
            f"[Build manifest](./{platform}-{variant}-{image}-{sha[:12]})",
        ]
    )
    return f"| `{timestamp}` | {references} | {links} |"


def manifest(timestamp: str, image: str, sha: str) -> str:
    """A short manifest with the build-info piece their tools write."""
    return (
        f"# Build manifest for image: {image}:{sha[:12]}\n\n## Build Info\n\n"
        f"- Build timestamp: {timestamp}\n"
        f"- Docker image: `localhost/demo/{image}:{sha[:12]}`\n"
        "- Docker image size: 548MB\n"
        f"- Git commit SHA: [{sha}]({REPOSITORY}/commit/{sha})\n"
        "- Git commit message:\n\n```text\nOlder build\n```\n"
    )


NOV_X86 = row("2025-11-20T10:00:00Z", "x86_64", "base-notebook", SHA_NOV, (SHA_NOV[:12],))
NOV_ARM = row("2025-11-20T10:30:00Z", "aarch64", "base-notebook", SHA_NOV, (SHA_NOV[:12],))
DEC_X86 = row("2025-12-01T00:00:00Z", "x86_64", "base-notebook", SHA_DEC, (SHA_DEC[:12],))

EXISTING = {
    "Home.md": INTRO + "\n\n## 2025\n\n(tables of the previous update)\n",
    "monthly-files/2025/2025-11.md": header("2025-11") + NOV_X86 + "\n" + NOV_ARM + "\n",
    "monthly-files/2025/2025-12.md": header("2025-12") + DEC_X86 + "\n",
    f"manifests/2025/2025-11/x86_64-default-base-notebook-{SHA_NOV[:12]}.md": manifest(
        "2025-11-20T10:00:00Z", "base-notebook", SHA_NOV
    ),
    f"manifests/2025/2025-11/aarch64-default-base-notebook-{SHA_NOV[:12]}.md": manifest(
        "2025-11-20T10:30:00Z", "base-notebook", SHA_NOV
    ),
    f"manifests/2025/2025-12/x86_64-default-base-notebook-{SHA_DEC[:12]}.md": manifest(
        "2025-12-01T00:00:00Z", "base-notebook", SHA_DEC
    ),
}


def write_wiki(folder: Path) -> Path:
    """The wiki as their tool left it after builds in November and on 1 December 2025."""
    for relative, text in EXISTING.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


# The checkout's first-parent history: (committer date in UTC, message). A side branch of two
# commits in January is merged: with --first-parent only the merge counts.
MAIN_LINE = [
    ("2025-11-15T12:00:00Z", "November"),
    ("2025-12-01T00:00:00Z", "First second of December"),
    ("2025-12-30T07:00:00Z", "End of December"),
    ("2026-01-05T12:00:00Z", "January on main"),
]
SIDE_BRANCH = [("2026-01-03T12:00:00Z", "side one"), ("2026-01-04T12:00:00Z", "side two")]
AFTER_MERGE = [("2026-01-15T09:00:00Z", "Mid January"), ("2026-02-01T00:00:05Z", "February")]
MERGED_AT = "2026-01-06T12:00:00Z"
# The commits of each month as git counts them for their tool: the commit made at midnight on
# 1 December counts in November too, as git's --since and --until both include it.
COMMITS_PER_MONTH = {"2025-11": 2, "2025-12": 2, "2026-01": 3, "2026-02": 1}


def _git(folder: Path, *args: str, when: str = "2025-01-01T00:00:00Z") -> None:
    environment = {
        **os.environ,
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    subprocess.run(["git", "-C", str(folder), *args], check=True, env=environment)


def write_checkout(folder: Path) -> Path:
    """A git checkout whose first-parent history has COMMITS_PER_MONTH."""
    folder.mkdir(parents=True)
    _git(folder, "init", "-q", "-b", "main")
    for when, message in MAIN_LINE[:3]:
        _git(folder, "commit", "-q", "--allow-empty", "-m", message, when=when)
    _git(folder, "checkout", "-q", "-b", "side")
    for when, message in SIDE_BRANCH:
        _git(folder, "commit", "-q", "--allow-empty", "-m", message, when=when)
    _git(folder, "checkout", "-q", "main")
    when, message = MAIN_LINE[3]
    _git(folder, "commit", "-q", "--allow-empty", "-m", message, when=when)
    _git(folder, "merge", "-q", "--no-ff", "-m", "Merge side", "side", when=MERGED_AT)
    for when, message in AFTER_MERGE:
        _git(folder, "commit", "-q", "--allow-empty", "-m", message, when=when)
    return folder
