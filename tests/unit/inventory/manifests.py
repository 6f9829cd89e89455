"""Build manifests and history rows in the Jupyter Docker Stacks' format, made from recordings.

The layout follows the format's definition (title, `## Build Info`, H2 pieces of sections
separated by blank lines; a quoted section is `` `<command>`: ``, a blank line and a `text`
fence holding the output stripped of surrounding blank lines, every line right-stripped).
"""

from __future__ import annotations

from .support import recorded

REPOSITORY = "https://github.com/example/demo-stack"


def quoted(command: str, output: str, fence: str = "```") -> str:
    body = "\n".join(line.rstrip() for line in output.strip("\n").split("\n"))
    return f"`{command}`:\n\n{fence}text\n{body}\n{fence}"


def manifest(
    image: str, commit: str, timestamp: str, size: str, pieces: dict[str, list[str]], message: str
) -> str:
    fence = "````" if "```" in message else "```"
    build_info = "\n".join(
        [
            f"- Build timestamp: {timestamp}",
            f"- Docker image: `localhost/demo/{image}:{commit[:12]}`",
            f"- Docker image size: {size}",
            f"- Git commit SHA: [{commit}]({REPOSITORY}/commit/{commit})",
            "- Git commit message:",
            "",
            f"{fence}text\n{message}\n{fence}",
        ]
    )
    parts = [f"# Build manifest for image: {image}:{commit[:12]}", "## Build Info", build_info]
    for title, sections in pieces.items():
        parts += [f"## {title}", *sections]
    return "\n\n".join(parts) + "\n"


def minimal_notebook_manifest(changed: bool, commit: str, timestamp: str, size: str) -> str:
    """The demo minimal-notebook's manifest with its recorded pip and apt listings."""
    pip = "pip-list-minimal-notebook" + ("-changed" if changed else "") + ".txt"
    apt = "apt-list-installed-minimal-notebook" + ("-backports" if changed else "") + ".txt"
    pieces = {
        "Python Packages": [
            recorded("python-version.txt").strip(),
            quoted("python -m pip list --disable-pip-version-check", recorded(pip)),
        ],
        "Apt Packages": [quoted("apt list --installed", recorded(apt))],
    }
    return manifest("minimal-notebook", commit, timestamp, size, pieces, "Rebuild")


def history_row(image: str, commit: str, timestamp: str, tags: list[str]) -> str:
    references = "<br />".join(f"`localhost/demo/{image}:x86_64-{tag}`" for tag in tags)
    links = "<br />".join(
        [
            f"[Git diff]({REPOSITORY}/commit/{commit})",
            f"[Dockerfile]({REPOSITORY}/blob/{commit}/images/{image}/Dockerfile)",
            f"[Build manifest](./x86_64-default-{image}-{commit[:12]})",
        ]
    )
    return f"| `{timestamp}` | {references} | {links} |"
