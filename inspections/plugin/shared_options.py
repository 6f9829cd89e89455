"""Option names a project may define itself: `--image`, `--registry`, `--owner`, `--variant`,
`--stack`.

The plugin's own options are `--stack-image`, `--stack-registry`, `--stack-owner`,
`--stack-variant` and `--stack-dir`. Each also answers to its short name, unless a conftest
or another plugin defines that name; pytest then starts as it would without this plugin, and
the short name is the other option. Where the other option means the same (an image name,
the registry, the owner), the plugin reads its value as well, so that one `--image
base-notebook` serves the project's tests and the inspections; another `--variant` or
`--stack` is never read. Another option never switches the plugin on.

pytest registers entry-point plugins' options before the initial conftests define theirs,
and parses the command line for good only after. So the short names are attached for the
early parse (finding the rootdir and the initial conftests), taken off while the initial
conftests load, and attached again where they are still free. This works on pytest's parser
internals, pinned to pytest 9.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class SharedName:
    """A short option name the plugin uses where nobody else does."""

    short: str  # --image
    own: str  # --stack-image, always the plugin's
    read_theirs: bool  # whether another option of this name gives this option's value


SHARED_NAMES = (
    SharedName("--image", "--stack-image", read_theirs=True),
    SharedName("--registry", "--stack-registry", read_theirs=True),
    SharedName("--owner", "--stack-owner", read_theirs=True),
    SharedName("--variant", "--stack-variant", read_theirs=False),
    SharedName("--stack", "--stack-dir", read_theirs=False),
)

# short name -> the destination of the other option that took it, in this session
_TAKEN = pytest.StashKey[dict[str, str]]()


def _actions(parser: pytest.Parser) -> dict[str, argparse.Action]:
    return parser.optparser._option_string_actions


def attach_free_names(parser: pytest.Parser) -> list[str]:
    """Let the plugin's options answer to their short names where nobody took them."""
    actions = _actions(parser)
    attached = []
    for name in SHARED_NAMES:
        if name.short in actions:
            continue
        own = actions[name.own]
        own.option_strings = [name.short, *own.option_strings]
        actions[name.short] = own
        parser._opt2dest[name.short] = own.dest
        attached.append(name.short)
    return attached


def detach_names(parser: pytest.Parser, names: list[str]) -> None:
    """Undo `attach_free_names` for `names`, so that a conftest may define them."""
    actions = _actions(parser)
    for short in names:
        action = actions.pop(short)
        action.option_strings = [other for other in action.option_strings if other != short]
        parser._opt2dest.pop(short, None)


def settle_names(config: pytest.Config, parser: pytest.Parser) -> None:
    """After the initial conftests: attach the free names, and say in `--help` which are not."""
    attach_free_names(parser)
    actions = _actions(parser)
    taken: dict[str, str] = {}
    for name in SHARED_NAMES:
        other = actions[name.short]
        own = actions[name.own]
        if other is own:
            continue
        taken[name.short] = other.dest
        if name.read_theirs:
            own.help = (
                f"{own.help}; {name.short} is defined by a conftest or another plugin, "
                "and its value is read here too"
            )
        else:
            own.help = f"{own.help}; {name.short} is defined by a conftest or another plugin"
    config.stash[_TAKEN] = taken


def their_value(config: pytest.Config, short: str) -> object:
    """The value of another option named `short` that means the same as the plugin's; None
    when there is none, or when the plugin has the name itself."""
    dest = config.stash.get(_TAKEN, {}).get(short)
    readable = any(name.short == short and name.read_theirs for name in SHARED_NAMES)
    if dest is None or not readable:
        return None
    return getattr(config.option, dest, None)


def shown_name(config: pytest.Config, short: str) -> str:
    """The name the plugin's option answers to in this session: `short`, or its `--stack-`
    name where another option has `short`."""
    if short in config.stash.get(_TAKEN, {}):
        return next(name.own for name in SHARED_NAMES if name.short == short)
    return short
