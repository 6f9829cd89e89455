"""The same SBOM built with cyclonedx-python-lib's model and writer, to check ours against."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from uuid import UUID

from cyclonedx.model import Property
from cyclonedx.model.bom import Bom
from cyclonedx.model.bom_ref import BomRef
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.dependency import Dependency
from cyclonedx.output.json import BY_SCHEMA_VERSION
from cyclonedx.schema import SchemaVersion
from packageurl import PackageURL

from inspections.formats.sbom import IMAGE_REF, PROPERTY_PREFIX, SPEC_VERSION, TOOL_NAME
from inspections.inventory.builds import BuildFacts


def library_sbom(facts: BuildFacts, serial_number: str, version: str) -> dict[str, Any]:
    """The SBOM of `facts` as the library writes it, parsed."""
    properties = [
        Property(name=PROPERTY_PREFIX + "image", value=facts.image),
        Property(name=PROPERTY_PREFIX + "platform", value=facts.platform),
        Property(name=PROPERTY_PREFIX + "variant", value=facts.variant),
        Property(name=PROPERTY_PREFIX + "commit", value=facts.commit),
        *(Property(name=PROPERTY_PREFIX + "tag", value=tag) for tag in facts.tags),
    ]
    if facts.image_id:
        properties.append(Property(name=PROPERTY_PREFIX + "image-id", value=facts.image_id))
    image = Component(
        type=ComponentType.CONTAINER,
        name=facts.reference or facts.image,
        version=facts.image_id or facts.commit,
        bom_ref=BomRef(IMAGE_REF),
        properties=properties,
    )
    packages = [
        Component(
            type=ComponentType.LIBRARY,
            name=package.name,
            version=package.version or None,
            purl=PackageURL.from_string(package.purl),
            bom_ref=BomRef(package.purl),
        )
        for package in (facts.inventory.packages if facts.inventory is not None else ())
    ]
    bom = Bom(serial_number=UUID(serial_number.removeprefix("urn:uuid:")), components=packages)
    bom.metadata.timestamp = datetime.fromisoformat(facts.timestamp.replace("Z", "+00:00"))
    bom.metadata.component = image
    bom.metadata.tools.components.add(
        Component(type=ComponentType.APPLICATION, name=TOOL_NAME, version=version)
    )
    bom.dependencies.update(
        [
            Dependency(ref=image.bom_ref, dependencies=[Dependency(p.bom_ref) for p in packages]),
            *(Dependency(ref=package.bom_ref) for package in packages),
        ]
    )
    writer = BY_SCHEMA_VERSION[SchemaVersion.from_version(SPEC_VERSION)]
    document: dict[str, Any] = json.loads(writer(bom).output_as_string())
    return document


def normalised(document: dict[str, Any]) -> dict[str, Any]:
    """`document` with every list in one order and empty lists left out, to compare BOMs."""
    copy = json.loads(json.dumps(document))
    copy["metadata"]["timestamp"] = datetime.fromisoformat(
        copy["metadata"]["timestamp"].replace("Z", "+00:00")
    ).isoformat()
    image = copy["metadata"]["component"]
    image["properties"] = sorted(image["properties"], key=lambda p: (p["name"], p["value"]))
    copy["components"] = sorted(copy.get("components", []), key=lambda c: c["bom-ref"])
    for dependency in copy["dependencies"]:
        dependency["dependsOn"] = sorted(dependency.get("dependsOn", []))
        if not dependency["dependsOn"]:
            del dependency["dependsOn"]
    copy["dependencies"] = sorted(copy["dependencies"], key=lambda d: d["ref"])
    if not copy["components"]:
        del copy["components"]
    return copy
