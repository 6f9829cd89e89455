"""Pushing the tags of tags files, each only while it names the image id the run inspected."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import docker
import docker.errors

from inspections.publishing.errors import PublishError
from inspections.publishing.tagging import local_id
from inspections.publishing.tags_files import TagsFile, check_one_image_per_reference
from inspections.references import Reference, short_id

_SHOWN_PROBLEMS = 3


@dataclass(frozen=True)
class PushedTag:
    """A reference as the registry now holds it."""

    reference: Reference
    digest: str


OnPushed = Callable[[TagsFile, PushedTag], None]


def _registry(reference: Reference) -> str:
    return reference.repository.split("/", 1)[0]


def _digest_of(reference: Reference, events: Any) -> str:
    """The digest the engine reports once the push is done; PublishError on an error event."""
    digest = ""
    for event in events:
        if "error" in event:
            raise PublishError(
                f"pushing {reference} failed ({event['error'].strip()}): check that the "
                f"registry answers and that you are logged in (docker login {_registry(reference)})"
            )
        digest = event.get("aux", {}).get("Digest", digest)
    if not digest:
        raise PublishError(f"pushing {reference} reported no digest: check the engine's log")
    return str(digest)


def check_tagged(client: docker.DockerClient, tags_files: Sequence[TagsFile]) -> None:
    """Refuse, naming the first problems, unless every reference names its inspected image."""
    problems = []
    for tags_file in tags_files:
        for reference in tags_file.references:
            found = local_id(client, str(reference))
            if found is None:
                problems.append(f"{reference} is not tagged locally")
            elif found != tags_file.image_id:
                problems.append(
                    f"{reference} is image {short_id(found)}, not {short_id(tags_file.image_id)} "
                    "that the run inspected"
                )
    if problems:
        more = len(problems) - _SHOWN_PROBLEMS
        shown = "; ".join(problems[:_SHOWN_PROBLEMS]) + (f"; {more} more" if more > 0 else "")
        raise PublishError(
            f"nothing pushed: {shown}: run stack-apply-tags with these tags files, then push again"
        )


def _push_one(client: docker.DockerClient, reference: Reference) -> str:
    try:
        events = client.images.push(
            reference.repository, tag=reference.tag, stream=True, decode=True
        )
        return _digest_of(reference, events)
    except docker.errors.APIError as error:
        raise PublishError(
            f"pushing {reference} failed ({error.explanation}): check the registry"
        ) from error


def _check_pushed(
    client: docker.DockerClient, tags_file: TagsFile, reference: Reference, digest: str
) -> None:
    """Refuse a digest the engine does not know as the inspected image (a tag moved meanwhile)."""
    attrs = client.images.get(tags_file.image_id).attrs
    if not any(known.endswith(f"@{digest}") for known in attrs.get("RepoDigests") or ()):
        raise PublishError(
            f"{reference} was pushed as {digest}, which is not image "
            f"{short_id(tags_file.image_id)} that the run inspected (the tag was moved during "
            "the push): run stack-apply-tags and stack-push-tags again"
        )


def push_tags(
    client: docker.DockerClient, tags_files: Sequence[TagsFile], on_pushed: OnPushed
) -> None:
    """Push every reference of the tags files, in order; `on_pushed` hears of each one.

    Before the first push every reference must be tagged locally on the image id its run
    inspected; otherwise nothing is pushed. After each push the digest must be one the engine
    knows for that image. All tags of one image are one manifest, with one digest.
    """
    check_one_image_per_reference(tags_files)
    check_tagged(client, tags_files)
    for tags_file in tags_files:
        first = ""
        for reference in tags_file.references:
            digest = _push_one(client, reference)
            _check_pushed(client, tags_file, reference, digest)
            first = first or digest
            if digest != first:
                raise PublishError(
                    f"{reference} was pushed as {digest} but the image's first tag as {first}: "
                    "the registry holds two manifests of one image; check the registry"
                )
            on_pushed(tags_file, PushedTag(reference, digest))
