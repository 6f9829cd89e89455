"""Taggers for the Jupyter applications, read from the Python distributions listing."""

from __future__ import annotations

from inspections import tagger
from inspections.library.distributions import distribution_version
from inspections.library.protocols import Host


@tagger
def notebook_tag(host: Host) -> str:
    """The Jupyter Notebook version, e.g. `notebook-7.2.2`."""
    return "notebook-" + distribution_version(host, "notebook")


@tagger
def lab_tag(host: Host) -> str:
    """The JupyterLab version, e.g. `lab-4.2.5`."""
    return "lab-" + distribution_version(host, "jupyterlab")


@tagger
def hub_tag(host: Host) -> str:
    """The JupyterHub version, e.g. `hub-5.2.0`."""
    return "hub-" + distribution_version(host, "jupyterhub")
