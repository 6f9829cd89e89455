"""A change report as Markdown, one file per image beside its build manifest."""

from __future__ import annotations

import re

from inspections.formats.run_folder import SHA_LENGTH
from inspections.inventory.changes import KINDS, MINUS, ChangeReport, SizeChange
from inspections.inventory.sizes import human_size
from inspections.markdown import cell, inline_code, table

_ECOSYSTEM_TITLES = {
    "deb": "Debian packages (deb)",
    "pypi": "Python packages (pypi)",
    "conda": "conda packages",
    "cran": "R packages (cran)",
    "julia": "Julia packages",
    "npm": "npm packages",
}
# A count has at most nine digits: no image holds a billion packages, and a longer number
# (a page edited by hand) is no count the charts could draw.
_COUNT = r"\d{1,9}"
_PACKAGES_LINE = re.compile(
    rf"^- Packages: \+(?P<added>{_COUNT}) {MINUS}(?P<removed>{_COUNT}) "
    rf"↑(?P<upgraded>{_COUNT}) ↓(?P<downgraded>{_COUNT})(?: ~(?P<changed>{_COUNT}))? \(",
    re.MULTILINE,
)


def _size_line(size: SizeChange | None) -> str:
    if size is None:
        return "- Size: not known for both builds"
    sign = "+" if size.change >= 0 else MINUS
    percent = size.percent
    change = f"{sign}{human_size(abs(size.change))}"
    if percent is not None:
        change += f", {sign}{abs(percent):.2f} %"
    before, after = human_size(size.previous.bytes), human_size(size.current.bytes)
    line = f"- Size: {before} → {after} ({change})"
    rounded = [
        f"the {side} build's {inline_code(part.shown)}"
        for side, part in (("previous", size.previous), ("current", size.current))
        if not part.exact
    ]
    if rounded:
        line += f"; approximate, from {' and '.join(rounded)} (rounded by the engine)"
    return line


def _package_section(report: ChangeReport, ecosystem: str) -> str:
    title = _ECOSYSTEM_TITLES.get(ecosystem, f"{ecosystem} packages")
    counts = report.counts(ecosystem)
    rows = []
    for change in report.packages:
        if change.ecosystem == ecosystem:
            name = f"{change.name}:{change.arch}" if change.arch else change.name
            rows.append([change.kind, cell(name), cell(change.old), cell(change.new)])
    heading = f"### {title}: " + ", ".join(f"{counts[k]} {k}" for k in counts if counts[k])
    return heading + "\n\n" + table(["change", "package", "previous", "current"], rows)


def _uninventoried(sides: tuple[str, ...]) -> str:
    """What a report says of the builds (`previous`, `current`) that were not inventoried."""
    if len(sides) == 2:
        return "neither build's packages are inventoried"
    return f"the {sides[0]} build's packages are not inventoried"


def _not_compared(report: ChangeReport) -> str:
    """Why packages were not compared, and how the current build gets inventoried."""
    why = _uninventoried(report.not_inventoried).capitalize()
    if report.not_inventoried == ("previous",):
        return (
            f"{why} (its run record holds no inventory, or its manifest quotes no package "
            "listing), so none were compared: the next build is compared with this one."
        )
    if not report.to_declare:
        advice = (
            "declare an inventory (`@packages`) for the packages each manifest piece lists, "
            "e.g. `apt_inventory` from `inspections.library.apt` next to `apt_packages_manifest`"
        )
    else:
        advice = "declare " + ", ".join(
            f"{inline_code(inventory)} next to {inline_code(piece)}"
            for inventory, piece in report.to_declare
        )
        advice += " (from `inspections.library`) in the image's inspections"
    return f"{why}, so none were compared: to compare them, {advice}."


def render_change_report(report: ChangeReport) -> str:
    """The report as a Markdown document; names from the image are shown as code."""
    current, previous = report.current, report.previous
    old_commit = inline_code(previous.commit[:SHA_LENGTH])
    new_commit = inline_code(current.commit[:SHA_LENGTH])
    image, platform, variant = (
        inline_code(part) for part in (current.image, current.platform, current.variant)
    )
    if report.packages_compared:
        packages = f"{report.summary()} (added, removed, upgraded, downgraded" + (
            ", other version changes)" if report.counts()["changed"] else ")"
        )
    else:
        packages = f"not compared: {_uninventoried(report.not_inventoried)}"
    lines = [
        f"# Changes in {image} ({platform}, {variant})",
        "",
        f"From the build of {previous.timestamp} (commit {old_commit}) "
        f"to the build of {current.timestamp} (commit {new_commit}).",
        "",
        f"- Packages: {packages}",
        f"- Tags: {len(report.tags_gained)} gained, {len(report.tags_lost)} lost",
        _size_line(report.size),
    ]
    if report.tags_gained or report.tags_lost:
        rows = [["gained", cell(tag)] for tag in report.tags_gained]
        rows += [["lost", cell(tag)] for tag in report.tags_lost]
        lines += ["", "## Tags", "", table(["change", "tag"], rows)]
    lines += ["", "## Packages", ""]
    if not report.packages_compared:
        lines.append(_not_compared(report))
    elif report.packages:
        lines.append("\n\n".join(_package_section(report, e) for e in report.ecosystems()))
    else:
        lines.append("No package was added, removed or changed.")
    return "\n".join(lines) + "\n"


def package_counts(report: str) -> dict[str, int] | None:
    """The packages added, removed, upgraded, downgraded and changed that a change report's
    Markdown counts, or None when it has no such line."""
    found = _PACKAGES_LINE.search(report)
    if found is None:
        return None
    return {kind: int(found[kind] or 0) for kind in KINDS}
