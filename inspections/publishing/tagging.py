"""Putting the tags of a tags file on the local image they were computed for."""

from __future__ import annotations

from collections.abc import Sequence

import docker
import docker.errors
from docker.models.images import Image

from inspections.docker_engine import platform_of
from inspections.publishing.errors import PublishError
from inspections.publishing.references import Reference, parse_reference
from inspections.publishing.tags_files import TagsFile


def local_image(client: docker.DockerClient, image: str) -> Image:
    """The local image `image` (an id or a reference), or PublishError; never pulls."""
    try:
        return client.images.get(image)
    except docker.errors.ImageNotFound as error:
        raise PublishError(
            f"image {image} not found in the local engine: build it, or pass the right one"
        ) from error


def apply_tags(client: docker.DockerClient, image: str, references: Sequence[str]) -> list[str]:
    """Tag the local `image` (id or reference) with every fully qualified reference.

    Every reference is checked and the image found before the first tag is set, so a bad
    reference or a missing image tags nothing. A reference that already names another image
    is moved to this one, as `docker tag` does. Returns the references, in order.
    """
    parsed: list[Reference] = [parse_reference(reference) for reference in references]
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


def check_source(client: docker.DockerClient, tags_file: TagsFile, source: str) -> str:
    """The id of `source` after checking it is built for the platform of `tags_file`."""
    found = local_image(client, source)
    platform = platform_of(str(found.attrs.get("Architecture", "")))
    if platform != tags_file.platform:
        raise PublishError(
            f"{source} is a {platform} image but {tags_file.path} holds {tags_file.platform} "
            "tags: pass the matching --source or tags file"
        )
    return str(found.id)
