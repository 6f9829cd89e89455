"""Putting the tags of a tags file on the image id the run inspected, never on a moving tag."""

from __future__ import annotations

from collections.abc import Sequence

import docker
import docker.errors
from docker.models.images import Image

from inspections.publishing.errors import PublishError, PublishUsageError
from inspections.publishing.tags_files import TagsFile
from inspections.references import InvalidReference, Reference, parse_reference, short_id
from inspections.runtime.engine import platform_of


def local_image(client: docker.DockerClient, image: str) -> Image:
    """The local image `image` (an id or a reference), or PublishError; never pulls."""
    try:
        return client.images.get(image)
    except docker.errors.ImageNotFound as error:
        raise PublishError(
            f"image {image} not found in the local engine: build it, or pass the right one"
        ) from error


def local_id(client: docker.DockerClient, reference: str) -> str | None:
    """The id of the local image `reference` names, or None when nothing has that name."""
    try:
        return str(client.images.get(reference).id)
    except docker.errors.ImageNotFound:
        return None


def check_inspected(client: docker.DockerClient, tags_file: TagsFile) -> None:
    """Refuse unless the image id the run inspected for `tags_file` is in the local engine."""
    try:
        found = client.images.get(tags_file.image_id)
    except docker.errors.ImageNotFound as error:
        raise PublishError(
            f"image {short_id(tags_file.image_id)}, which the run inspected for "
            f"{tags_file.path}, is no longer in the local engine (removed, or its tag rebuilt "
            "and the old image pruned): build the image and run pytest --emit-manifests again"
        ) from error
    platform = platform_of(str(found.attrs.get("Architecture", "")))
    if platform != tags_file.platform:
        raise PublishError(
            f"the engine's image {short_id(tags_file.image_id)} is a {platform} image but "
            f"{tags_file.path} holds {tags_file.platform} tags: run pytest --emit-manifests again"
        )


def apply_tags(client: docker.DockerClient, image: str, references: Sequence[str]) -> list[str]:
    """Tag the local `image` (id or reference) with every fully qualified reference.

    Every reference is checked and the image found before the first tag is set, so a bad
    reference or a missing image tags nothing. A reference that already names another image
    is moved to this one, as `docker tag` does. Returns the references, in order.
    """
    try:
        parsed: list[Reference] = [parse_reference(reference) for reference in references]
    except InvalidReference as error:
        raise PublishUsageError(str(error)) from error
    found = local_image(client, image)
    for reference in parsed:
        try:
            found.tag(reference.repository, reference.tag)
        except docker.errors.APIError as error:
            raise PublishError(
                f"tagging {image} as {reference} failed ({error.explanation}): "
                "check the engine's log"
            ) from error
    return [str(reference) for reference in parsed]
