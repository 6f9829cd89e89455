"""A CycloneDX SBOM of one image, built with cyclonedx-python-lib (imported here only).

The image is the main component (type container) with its id, tags, platform, variant and
commit as properties; every inventoried package is a library component with its purl (also
its bom-ref, unique within an inventory). The same facts give the same bytes: the timestamp is
the build's and the serial number is derived from the facts.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from importlib import metadata

from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.bom_ref import BomRef
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.dependency import Dependency
from cyclonedx.output.json import JsonV1Dot7
from cyclonedx.schema import SchemaVersion
from packageurl import PackageURL

from inspections.inventory.builds import BuildFacts
from inspections.inventory.model import Package

SPEC_VERSION = SchemaVersion.V1_7
TOOL_NAME = "stack-inspections"
PROPERTY_PREFIX = "stack-inspections:"
_SERIAL_NAMESPACE = uuid.UUID("8a5d3e52-6f1c-4b8e-9f4a-2c7d0b1e9a33")


def tool_version() -> str:
    """The installed version of stack-inspections."""
    try:
        return metadata.version(TOOL_NAME)
    except metadata.PackageNotFoundError:
        return "unknown"


def _image_component(facts: BuildFacts) -> Component:
    properties = [
        Property(name=PROPERTY_PREFIX + "image", value=facts.image),
        Property(name=PROPERTY_PREFIX + "platform", value=facts.platform),
        Property(name=PROPERTY_PREFIX + "variant", value=facts.variant),
        Property(name=PROPERTY_PREFIX + "commit", value=facts.commit),
        *(Property(name=PROPERTY_PREFIX + "tag", value=tag) for tag in facts.tags),
    ]
    if facts.image_id:
        properties.append(Property(name=PROPERTY_PREFIX + "image-id", value=facts.image_id))
    return Component(
        type=ComponentType.CONTAINER,
        name=facts.reference or facts.image,
        version=facts.image_id or facts.commit,
        bom_ref=BomRef("image"),
        properties=properties,
    )


def _package_component(package: Package) -> Component:
    return Component(
        type=ComponentType.LIBRARY,
        name=package.name,
        version=package.version or None,
        purl=PackageURL.from_string(package.purl),
        bom_ref=BomRef(package.purl),
    )


def _serial_number(facts: BuildFacts, version: str) -> uuid.UUID:
    """A serial number that only changes with the facts or the tool's version."""
    canonical = json.dumps([facts.to_json(), version], sort_keys=True, separators=(",", ":"))
    return uuid.uuid5(_SERIAL_NAMESPACE, canonical)


def sbom_json(facts: BuildFacts, version: str | None = None) -> str:
    """The image's SBOM as CycloneDX JSON (the newest spec version the library writes)."""
    version = version or tool_version()
    image = _image_component(facts)
    packages = [_package_component(package) for package in facts.inventory.packages]
    bom = Bom(serial_number=_serial_number(facts, version), components=packages)
    bom.metadata.timestamp = datetime.fromisoformat(facts.timestamp.replace("Z", "+00:00"))
    bom.metadata.component = image
    bom.metadata.tools.components.add(
        Component(type=ComponentType.APPLICATION, name=TOOL_NAME, version=version)
    )
    # The image depends on every package, and each package's own entry lists nothing (as
    # Bom.register_dependency records it, but without its search through every entry).
    bom.dependencies.update(
        [
            Dependency(ref=image.bom_ref, dependencies=[Dependency(p.bom_ref) for p in packages]),
            *(Dependency(ref=package.bom_ref) for package in packages),
        ]
    )
    return JsonV1Dot7(bom).output_as_string(indent=2) + "\n"
