"""A CycloneDX SBOM of one image, as JSON: writing it, and reading back what it describes.

The image is the main component (type container) with its id, tags, platform, variant and
commit as properties; every inventoried package is a library component with its purl (also
its bom-ref, unique within an inventory), and the image depends on each. The same facts give
the same bytes: the timestamp is the build's and the serial number is derived from the facts.

The document has one fixed shape, so it is written here as plain JSON: building it with
cyclonedx-python-lib's model costs about half a second per image of a few hundred packages
(its sorted sets compare every component many times). The tests check every SBOM with that
library's schema validator, and that it describes the same BOM as the library's own writer.
An SBOM holds every fact of the build but its size, so `read_sbom` gives the facts less the
size.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from functools import cache
from importlib import metadata
from typing import Any

from packageurl import PackageURL

from inspections.bounded_json import parse_json
from inspections.inventory.builds import BuildFacts
from inspections.inventory.errors import InventoryError, shown
from inspections.inventory.model import Inventory, Package

SPEC_VERSION = "1.7"
SCHEMA_URL = f"http://cyclonedx.org/schema/bom-{SPEC_VERSION}.schema.json"
TOOL_NAME = "stack-inspections"
PROPERTY_PREFIX = "stack-inspections:"
IMAGE_REF = "image"
_SERIAL_NAMESPACE = uuid.UUID("8a5d3e52-6f1c-4b8e-9f4a-2c7d0b1e9a33")


@cache
def tool_version() -> str:
    """The installed version of stack-inspections."""
    try:
        return metadata.version(TOOL_NAME)
    except metadata.PackageNotFoundError:
        return "unknown"


def _property(name: str, value: str) -> dict[str, str]:
    return {"name": PROPERTY_PREFIX + name, "value": value}


def _image_component(facts: BuildFacts) -> dict[str, Any]:
    properties = [
        _property("image", facts.image),
        _property("platform", facts.platform),
        _property("variant", facts.variant),
        _property("commit", facts.commit),
        *(_property("tag", tag) for tag in facts.tags),
    ]
    if facts.image_id:
        properties.append(_property("image-id", facts.image_id))
    return {
        "type": "container",
        "bom-ref": IMAGE_REF,
        "name": facts.reference or facts.image,
        "version": facts.image_id or facts.commit,
        "properties": properties,
    }


def _package_component(package: Package) -> dict[str, Any]:
    component: dict[str, Any] = {"type": "library", "bom-ref": package.purl, "name": package.name}
    if package.version:
        component["version"] = package.version
    component["purl"] = package.purl
    return component


def _serial_number(facts: BuildFacts, version: str) -> uuid.UUID:
    """A serial number that only changes with the facts or the tool's version."""
    canonical = json.dumps([facts.to_json(), version], sort_keys=True, separators=(",", ":"))
    return uuid.uuid5(_SERIAL_NAMESPACE, canonical)


def sbom_document(facts: BuildFacts, version: str | None = None) -> dict[str, Any]:
    """The image's SBOM as a CycloneDX JSON document of plain built-ins."""
    version = version or tool_version()
    packages = facts.inventory.packages if facts.inventory is not None else ()
    purls = [package.purl for package in packages]
    return {
        "$schema": SCHEMA_URL,
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": _serial_number(facts, version).urn,
        "version": 1,
        "metadata": {
            "timestamp": facts.timestamp,
            "tools": {
                "components": [{"type": "application", "name": TOOL_NAME, "version": version}]
            },
            "component": _image_component(facts),
        },
        "components": [_package_component(package) for package in packages],
        "dependencies": [
            {"ref": IMAGE_REF, "dependsOn": purls},
            *({"ref": purl} for purl in purls),
        ],
    }


def sbom_json(facts: BuildFacts, version: str | None = None) -> str:
    """The image's SBOM as CycloneDX JSON text, compact (`jq .` shows it indented)."""
    return json.dumps(sbom_document(facts, version), ensure_ascii=False) + "\n"


def _object(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InventoryError(f"SBOM: {where} is not an object")
    return value


def _objects(value: object, where: str) -> list[Mapping[str, Any]]:
    if not isinstance(value, list):
        raise InventoryError(f"SBOM: {where} is not a list")
    return [_object(item, f"{where}[{index}]") for index, item in enumerate(value)]


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise InventoryError(f"SBOM: {where} has no text {key!r}")
    return value


def _read_package(component: Mapping[str, Any], where: str) -> Package:
    """A package component as the inventory held it: its type is its ecosystem, and a deb
    package's architecture is its purl's `arch`."""
    purl = _text(component, "purl", where)
    try:
        parsed = PackageURL.from_string(purl)
    except ValueError as error:
        raise InventoryError(f"SBOM: {where} has purl {shown(purl)}: {error}") from None
    qualifiers = parsed.qualifiers if isinstance(parsed.qualifiers, dict) else {}
    return Package(
        ecosystem=parsed.type,
        name=_text(component, "name", where),
        version=_text(component, "version", where) if "version" in component else "",
        purl=purl,
        arch=qualifiers.get("arch", "") if parsed.type == "deb" else "",
    )


def read_sbom(text: str) -> BuildFacts:
    """The build an SBOM of this plugin describes: the image's facts and its inventory, every
    fact but the size (None). InventoryError, in one line, for any other document."""
    try:
        parsed = parse_json(text.encode("utf-8"))
    except ValueError as error:
        raise InventoryError(f"SBOM: not JSON ({error})") from None
    document = _object(parsed, "the document")
    if document.get("bomFormat") != "CycloneDX":
        raise InventoryError("SBOM: not a CycloneDX document (bomFormat)")
    found = _object(document.get("metadata"), "metadata")
    image = _object(found.get("component"), "metadata.component")
    facts: dict[str, str] = {}
    tags = []
    for item in _objects(image.get("properties"), "metadata.component.properties"):
        name = _text(item, "name", "a property").removeprefix(PROPERTY_PREFIX)
        value = _text(item, "value", f"property {shown(name)}")
        if name == "tag":
            tags.append(value)
        else:
            facts[name] = value
    missing = [key for key in ("image", "platform", "variant", "commit") if key not in facts]
    if missing:
        raise InventoryError(f"SBOM: the image has no {', '.join(missing)} property")
    name = _text(image, "name", "metadata.component")
    packages = [
        _read_package(component, f"component {index}")
        for index, component in enumerate(_objects(document.get("components", []), "components"))
    ]
    return BuildFacts(
        image=facts["image"],
        platform=facts["platform"],
        variant=facts["variant"],
        commit=facts["commit"],
        timestamp=_text(found, "timestamp", "metadata"),
        tags=tuple(tags),
        inventory=Inventory.of(packages),
        reference="" if name == facts["image"] else name,
        image_id=facts.get("image-id", ""),
    )
