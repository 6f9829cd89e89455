"""The batched listing of installed Python distributions."""

from __future__ import annotations

import json

import pytest

from inspections import InspectionError
from inspections.inventory.parsers.pip import Distribution, parse_distributions
from inspections.library import distributions

from .support import FakeHost, recorded


def test_normalize_name_follows_pep_503() -> None:
    assert distributions.normalize_name("jupyterlab_pygments") == "jupyterlab-pygments"
    assert distributions.normalize_name("Jupyter.Server__Terminals") == "jupyter-server-terminals"
    assert distributions.normalize_name("torch") == "torch"


def versions(output: str) -> dict[str, str]:
    """Normalized name -> version, as the taggers read the listing."""
    return {name: found.version for name, found in parse_distributions(output).items()}


def test_parse_the_recorded_listing() -> None:
    found = versions(recorded("python-distributions-base-notebook.json"))
    assert found["jupyterlab"] == "4.6.6"
    assert found["jupyter-server"] == "2.21.1"
    assert found["jupyterlab-pygments"] == "0.3.0"
    assert "jupyter_server" not in found
    assert len(found) == len(json.loads(recorded("python-distributions-base-notebook.json")))


def test_the_first_of_two_same_named_distributions_wins() -> None:
    listing = '[["Notebook", "7.2.2"], ["notebook", "6.5.7"]]'
    assert parse_distributions(listing) == {"notebook": Distribution("Notebook", "7.2.2", 0)}


def test_entries_with_broken_metadata_are_skipped() -> None:
    listing = '[[null, "1.0"], ["broken", null], ["", "1.0"], ["ok", "2.0"]]'
    assert versions(listing) == {"ok": "2.0"}


def test_lines_printed_before_the_listing_are_ignored() -> None:
    listing = 'sitecustomize: hello\n[["numpy", "2.1.2"]]'
    assert versions(listing) == {"numpy": "2.1.2"}


@pytest.mark.parametrize(
    ("output", "complaint"),
    [
        ("", "printed no JSON list"),
        ("Traceback (most recent call last):", "printed no JSON list"),
        ('[["numpy", "2.1.2"]', "not valid JSON"),
        ('[["numpy", "2.1.2"], "junk"]', "has item 1 '\"junk\"'; expected a \\[name, version\\]"),
        ('[["a", "b", "c"]]', "has item 0"),
    ],
)
def test_garbage_is_a_clear_error(output: str, complaint: str) -> None:
    with pytest.raises(InspectionError, match=complaint):
        parse_distributions(output)


def test_pick_version_falls_back_to_later_names() -> None:
    found = parse_distributions('[["tensorflow_cpu", "2.17.0"]]')
    assert distributions.pick_version(found, "tensorflow", "tensorflow-cpu") == "2.17.0"
    assert distributions.pick_version(found, "TensorFlow_CPU") == "2.17.0"


def test_pick_version_names_what_is_missing() -> None:
    with pytest.raises(InspectionError, match="no Python distribution 'torch' is installed"):
        distributions.pick_version(parse_distributions('[["numpy", "2.1.2"]]'), "torch")


def test_distribution_version_runs_the_listing_command() -> None:
    host = FakeHost.printing(
        {distributions.DISTRIBUTIONS_COMMAND: recorded("python-distributions-base-notebook.json")}
    )
    assert distributions.distribution_version(host, "notebook") == "7.6.5"
    assert host.commands == [distributions.DISTRIBUTIONS_COMMAND]
