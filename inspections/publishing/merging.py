"""Merging the single-platform tags of an image and variant into multi-platform tags.

Each tags file holds the tags of one platform (`...:x86_64-python-3.11`); the merged tag is
the same tag without the platform (`...:python-3.11`), and lists every platform whose tags
file declares it. A merged tag is pushed only when all its platforms are in the registry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from inspections.publishing.errors import PublishError, PublishUsageError
from inspections.publishing.manifest_cli import ManifestCli
from inspections.publishing.tags_files import TagsFile


@dataclass(frozen=True)
class MergedTag:
    """One multi-platform tag and its single-platform sources, by platform."""

    target: str
    sources: tuple[tuple[str, str], ...]  # (platform, reference), platforms in name order

    def describe(self) -> str:
        return f"{self.target} <- {', '.join(reference for _, reference in self.sources)}"


@dataclass(frozen=True)
class MergeOutcome:
    """What happened to one merged tag: its digest once pushed, or why it was not."""

    merged: MergedTag
    digest: str = ""
    problem: str = ""


def group_tags_files(tags_files: Iterable[TagsFile]) -> dict[tuple[str, str], list[TagsFile]]:
    """Tags files by (image, variant), each group with one file per platform."""
    groups: dict[tuple[str, str], list[TagsFile]] = {}
    for tags_file in tags_files:
        group = groups.setdefault((tags_file.image, tags_file.variant), [])
        for other in group:
            if other.platform == tags_file.platform:
                raise PublishUsageError(
                    f"{other.path} and {tags_file.path} both hold the {tags_file.platform} tags "
                    f"of {tags_file.image} ({tags_file.variant}): pass each run folder once"
                )
            if other.repository != tags_file.repository:
                raise PublishUsageError(
                    f"{other.path} and {tags_file.path} name different repositories "
                    f"({other.repository}, {tags_file.repository}): emit them with the same "
                    "--registry and --owner"
                )
        group.append(tags_file)
    return groups


def plan_merge(tags_files: list[TagsFile]) -> list[MergedTag]:
    """The merged tags of one image and variant, in the order the tags files list them."""
    declared: dict[str, dict[str, str]] = {}
    for tags_file in sorted(tags_files, key=lambda found: found.platform):
        for reference in tags_file.references:
            target = str(tags_file.unprefixed(reference))
            declared.setdefault(target, {})[tags_file.platform] = str(reference)
    return [MergedTag(target, tuple(sources.items())) for target, sources in declared.items()]


def _source_problems(merged: MergedTag, cli: ManifestCli) -> list[str]:
    hint = "" if cli.insecure else " (for a plain-HTTP registry pass --insecure)"
    problems = []
    for platform, reference in merged.sources:
        found = cli.platform(reference)
        if found is None:
            problems.append(f"{reference} is not in the registry{hint}: push it first")
        elif found != platform:
            problems.append(f"{reference} is a {found} image, not {platform}: push the right one")
    return problems


def _merge_one(merged: MergedTag, cli: ManifestCli, push: bool) -> MergeOutcome:
    problems = _source_problems(merged, cli)
    if problems:
        raise PublishError("; ".join(problems))
    if not push:
        return MergeOutcome(merged)
    sources = [reference for _, reference in merged.sources]
    return MergeOutcome(merged, digest=cli.create_and_push(merged.target, sources))


def merge(plan: list[MergedTag], cli: ManifestCli, push: bool) -> list[MergeOutcome]:
    """Check every merged tag's sources in the registry; create and push it when asked.

    A merged tag whose sources are not all there is not pushed; the others still are.
    """
    outcomes = []
    for merged in plan:
        try:
            outcomes.append(_merge_one(merged, cli, push))
        except PublishError as error:
            outcomes.append(MergeOutcome(merged, problem=str(error)))
    return outcomes
