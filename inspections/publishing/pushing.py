"""Pushing tagged references to their registry with the Docker engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import docker
import docker.errors

from inspections.publishing.errors import PublishError
from inspections.publishing.references import Reference, parse_reference


@dataclass(frozen=True)
class PushedTag:
    """A reference as the registry now holds it."""

    reference: str
    digest: str


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


def push_tags(client: docker.DockerClient, references: Sequence[str]) -> list[PushedTag]:
    """Push every reference, in order, and return the digests the registry gave them.

    All references must be tagged locally; a missing one is reported before anything is pushed.
    """
    parsed = [parse_reference(reference) for reference in references]
    missing = [str(reference) for reference in parsed if not _tagged(client, reference)]
    if missing:
        raise PublishError(f"not tagged locally: {', '.join(missing)}: run stack-apply-tags first")
    pushed = []
    for reference in parsed:
        try:
            events = client.images.push(
                reference.repository, tag=reference.tag, stream=True, decode=True
            )
            pushed.append(PushedTag(str(reference), _digest_of(reference, events)))
        except docker.errors.APIError as error:
            raise PublishError(
                f"pushing {reference} failed ({error.explanation}): check the registry"
            ) from error
    return pushed


def _tagged(client: docker.DockerClient, reference: Reference) -> bool:
    try:
        client.images.get(str(reference))
    except docker.errors.ImageNotFound:
        return False
    return True
