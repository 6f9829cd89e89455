"""Jupyter application taggers, all from the one distributions listing."""

from __future__ import annotations

import pytest

from inspections import InspectionError
from inspections.library import jupyter
from inspections.library.distributions import DISTRIBUTIONS_COMMAND

from .support import FakeHost, recorded


def base_notebook() -> FakeHost:
    """A host replaying the listing recorded in the demo stack's base-notebook."""
    return FakeHost.printing(
        {DISTRIBUTIONS_COMMAND: recorded("python-distributions-base-notebook.json")}
    )


def test_tags_from_the_recorded_listing() -> None:
    host = base_notebook()
    assert jupyter.notebook_tag(host) == "notebook-7.6.5"
    assert jupyter.lab_tag(host) == "lab-4.6.6"
    assert jupyter.hub_tag(host) == "hub-6.1.1"
    assert set(host.commands) == {DISTRIBUTIONS_COMMAND}


def test_an_image_without_jupyterhub() -> None:
    host = FakeHost.printing({DISTRIBUTIONS_COMMAND: '[["jupyterlab", "4.2.5"]]'})
    with pytest.raises(InspectionError, match="'jupyterhub'"):
        jupyter.hub_tag(host)
