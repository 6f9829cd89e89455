"""Merging the single-platform tags of an image and variant into multi-platform tags.

Each tags file holds the tags of one platform (`...:x86_64-python-3.11`); the merged tag is
the same tag without the platform (`...:python-3.11`), and lists every platform whose tags
file declares it. A merged tag is pushed only when every one of its platforms is in the
registry as the image its run inspected (the manifest's config digest is the recorded image
id); the list then names those manifests by digest, so nothing pushed meanwhile slips in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from inspections.publishing.errors import PublishError, PublishUsageError
from inspections.publishing.registry_manifests import ManifestCli
from inspections.publishing.tags_files import TagsFile
from inspections.references import Reference, short_id


@dataclass(frozen=True)
class PlatformSource:
    """The single-platform tag a merged tag takes one platform from, and its inspected image."""

    platform: str
    reference: Reference
    image_id: str


@dataclass(frozen=True)
class MergedTag:
    """One multi-platform tag and its single-platform sources, platforms in name order."""

    target: Reference
    sources: tuple[PlatformSource, ...]

    def describe(self) -> str:
        return f"{self.target} <- {', '.join(str(source.reference) for source in self.sources)}"


@dataclass(frozen=True)
class MergeOutcome:
    """What happened to one merged tag: the sources' digests once checked, the list's once
    pushed, or why it was not."""

    merged: MergedTag
    source_digests: dict[str, str] = field(default_factory=dict)  # platform -> manifest digest
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
    declared: dict[Reference, list[PlatformSource]] = {}
    for tags_file in sorted(tags_files, key=lambda found: found.platform):
        for reference in tags_file.references:
            source = PlatformSource(tags_file.platform, reference, tags_file.image_id)
            declared.setdefault(tags_file.unprefixed(reference), []).append(source)
    return [MergedTag(target, tuple(sources)) for target, sources in declared.items()]


def _source_digests(merged: MergedTag, cli: ManifestCli) -> dict[str, str]:
    """Platform -> manifest digest of every source, checked; PublishError naming each problem."""
    hint = "" if cli.insecure else " (for a plain-HTTP registry pass --insecure)"
    problems, digests = [], {}
    for source in merged.sources:
        found = cli.inspect(str(source.reference))
        if found is None:
            problems.append(f"{source.reference} is not in the registry{hint}: push it first")
        elif found.platform != source.platform:
            problems.append(
                f"{source.reference} is a {found.platform} image, not {source.platform}: "
                "push the right one"
            )
        elif found.config_digest != source.image_id:
            problems.append(
                f"{source.reference} in the registry is image {short_id(found.config_digest)}, "
                f"not {short_id(source.image_id)} that the run inspected: push it with "
                "stack-push-tags"
            )
        else:
            digests[source.platform] = found.digest
    if problems:
        raise PublishError("; ".join(problems))
    return digests


def _merge_one(merged: MergedTag, cli: ManifestCli) -> MergeOutcome:
    digests = _source_digests(merged, cli)
    pinned = [source.reference.pinned(digests[source.platform]) for source in merged.sources]
    return MergeOutcome(merged, digests, digest=cli.create_and_push(str(merged.target), pinned))


def merge(plan: list[MergedTag], cli: ManifestCli) -> list[MergeOutcome]:
    """Check every merged tag's sources in the registry, then create and push it.

    A merged tag whose sources are not all there as inspected is not pushed; the others are.
    """
    outcomes = []
    for merged in plan:
        try:
            outcomes.append(_merge_one(merged, cli))
        except PublishError as error:
            outcomes.append(MergeOutcome(merged, problem=str(error)))
    return outcomes
