"""Decorators that turn plain functions into inspections of an image."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import pytest

from inspections.values import Kind

InspectionFunction = TypeVar("InspectionFunction", bound=Callable[..., Any])

# Specs are kept here rather than as attributes of the functions, so that nothing internal
# shows up among an item's keywords (pytest's -k matches a function's attribute names).
_SPECS: WeakKeyDictionary[Callable[..., Any], InspectionSpec] = WeakKeyDictionary()


@dataclass(frozen=True)
class InspectionSpec:
    """What an inspection's return value is: a tag, a manifest piece with its H2 title, or an
    inventory of installed packages."""

    kind: Kind
    title: str = ""


def _mark(function: InspectionFunction, spec: InspectionSpec) -> InspectionFunction:
    """Remember `spec` for `function` and bind it to the image under inspection."""
    _SPECS[function] = spec
    marked: InspectionFunction = pytest.mark.usefixtures("image")(function)
    return marked


def tagger(function: InspectionFunction) -> InspectionFunction:
    """Declare `function` a tagger: it returns one tag of the image, without any prefix."""
    return _mark(function, InspectionSpec(kind="tag"))


def manifest(title: str) -> Callable[[InspectionFunction], InspectionFunction]:
    """Declare a manifest piece: the function returns Markdown shown under `## {title}`."""
    if not title.strip():
        raise ValueError("@manifest needs a non-empty title, e.g. @manifest('Apt Packages')")

    def decorate(function: InspectionFunction) -> InspectionFunction:
        return _mark(function, InspectionSpec(kind="manifest", title=title.strip()))

    return decorate


def packages(function: InspectionFunction) -> InspectionFunction:
    """Declare an inventory: the function returns the image's packages of one kind.

    It returns an `inspections.inventory.model.Inventory` (or an iterable of its `Package`s),
    usually parsed from the output of the command a manifest piece quotes.
    """
    return _mark(function, InspectionSpec(kind="inventory"))


def spec_of(obj: object) -> InspectionSpec | None:
    """The inspection spec of `obj`, or None when it is not an inspection."""
    try:
        return _SPECS.get(obj)  # type: ignore[call-overload]
    except TypeError:  # not weakly referenceable, so never an inspection
        return None
