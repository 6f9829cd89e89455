"""Validation of the values inspections return, before anything is written."""

from __future__ import annotations

from typing import Any, Literal

from inspections.commands import InspectionError
from inspections.references import MAX_TAG_LENGTH, TAG

Kind = Literal["tag", "manifest", "inventory"]  # what an inspection returns


def check_tag(tag: str) -> str:
    """`tag` if it is a valid Docker tag, else InspectionError saying what is wrong."""
    if len(tag) > MAX_TAG_LENGTH:
        raise InspectionError(
            f"tag {tag[:40]!r}... is {len(tag)} characters long: Docker allows {MAX_TAG_LENGTH}"
        )
    if not TAG.fullmatch(tag):
        raise InspectionError(
            f"tag {tag!r} is not a valid Docker tag: use letters, digits, '_', '.' and '-' "
            "(not first)"
        )
    return tag


# What crosses pytest-xdist's wire and goes into inspections.json: text, or an inventory's JSON.
Value = str | dict[str, Any]


def check_inventory(value: object) -> dict[str, Any]:
    """An inventory inspection's value as JSON built-ins; InspectionError otherwise."""
    from inspections.inventory.model import Inventory, Package

    if isinstance(value, Inventory):
        return value.to_json()
    if isinstance(value, dict):
        return Inventory.from_json(value).to_json()
    if isinstance(value, list | tuple) and all(isinstance(item, Package) for item in value):
        return Inventory.of(value).to_json()
    raise InspectionError(
        f"returned {type(value).__name__} {value!r:.60}: an inventory inspection must return an "
        "Inventory (inspections.inventory.model) or a list of its Package objects"
    )


def check_value(kind: str, value: object) -> Value:
    """The inspection's return value if it fits its kind; InspectionError otherwise."""
    if kind == "inventory":
        return check_inventory(value)
    if not isinstance(value, str):
        raise InspectionError(
            f"returned {type(value).__name__} {value!r:.60}: a {kind} inspection must return a str"
        )
    if not value.strip():
        raise InspectionError(f"returned an empty string: a {kind} inspection must return text")
    return check_tag(value) if kind == "tag" else value
