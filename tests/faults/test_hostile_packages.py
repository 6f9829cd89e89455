"""Hostile images that forge packages: the session refuses their inventory, writes no SBOM.

Each scenario builds an image on the demo root image with a hand-written Python distribution
or dpkg database entry, inspects it with the library's pieces and inventories, and observes
the one line that refuses it and the files left in the output folder.
"""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import docker
import pytest

from tests.conftest import FAULT_PROPERTY
from tests.faults.harness import ROOT_IMAGE, record_entry, run, write_root_stack
from tests.plugin.stacks import LIBRARY_INVENTORIES, remove_tags_of

pytestmark = pytest.mark.docker

Record = Callable[[str, object], None]
SITE = "/opt/venv/lib/python3.11/site-packages"


def printf_text(text: str) -> str:
    """`text` for a single-quoted printf format: every byte but plain ASCII as an octal escape."""
    plain = {*"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-_|<>/:"}
    return "".join(chr(byte) if chr(byte) in plain else f"\\{byte:03o}" for byte in text.encode())


def distribution(name: str, version: str, folder: str = "") -> str:
    """Shell lines that install a distribution by hand: a dist-info folder (`folder`, or
    `forged-<version>`) with its METADATA."""
    info = f"{SITE}/{folder or f'forged-{version}'}.dist-info"
    metadata = printf_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    return (
        f"mkdir -p {info} && printf '{metadata}' > {info}/METADATA"
        f" && echo pip > {info}/INSTALLER && touch {info}/RECORD"
    )


def dpkg_entry(package: str, version: str) -> str:
    """Shell lines that append a package to dpkg's database by hand."""
    stanza = printf_text(
        f"\nPackage: {package}\nStatus: install ok installed\nVersion: {version}\n"
        "Architecture: all\nMaintainer: t <t@example.org>\nDescription: forged\n"
    )
    return f"printf '{stanza}' >> /var/lib/dpkg/status"


@dataclass(frozen=True)
class Forgery:
    """What the image forges, how, which inventory must refuse it, and with what words."""

    scenario: str
    shell: str
    inventory: str
    says: str  # in the inventory's one-line reason
    fake_purl: str  # what an SBOM listed before


FORGERIES = [
    Forgery(
        "a distribution name holding a record separator",
        distribution("ghost 1.0\x1enumpy", "7.7"),
        "pip_inventory",
        "package 'ghost 1.0\\x1enumpy' is refused: its name is not a PEP 508 name",
        "pkg:pypi/numpy@7.7",
    ),
    Forgery(
        "a distribution name holding a space",
        distribution("evil pkg", "6.6.6"),
        "pip_inventory",
        "package 'evil pkg' is refused: its name is not a PEP 508 name",
        "pkg:pypi/evil@pkg",
    ),
    Forgery(
        "a distribution name that makes a lying purl",
        distribution("x|y<b>bold</b>", "1.0"),
        "pip_inventory",
        "package 'x|y<b>bold</b>' is refused: its name is not a PEP 508 name",
        "pkg:pypi/x%7Cy%3Cb%3Ebold%3C/b%3E@1.0",
    ),
    Forgery(
        "a Debian package name holding a slash",
        dpkg_entry("fake/x", "1.0"),
        "apt_inventory",
        "invalid package name in 'Package' field: character '/' not allowed",
        "pkg:deb/debian/fake@1.0?arch=all&distro=debian-12",
    ),
    Forgery(
        "a Debian version holding a record separator",
        dpkg_entry("forged", "1.0\x1enumpy"),
        "apt_inventory",
        "package 'forged' is refused: its version '1.0\\x1enumpy' is not a Debian version",
        "pkg:deb/debian/forged@1.0?arch=all&distro=debian-12",
    ),
]


@contextmanager
def root_image_with(shell: str) -> Iterator[str]:
    """The demo root image with `shell` run as root at build, under an owner of its own,
    for the block's length; that owner."""
    owner = f"forged-{uuid.uuid4().hex[:8]}"
    dockerfile = f"FROM localhost/demo/{ROOT_IMAGE}:latest\nUSER root\nRUN {shell}\nUSER 1000\n"
    client = docker.from_env()
    # No layer cache: another scenario's clean-up must not remove a layer this build uses.
    reference = f"localhost/{owner}/{ROOT_IMAGE}:latest"
    client.images.build(fileobj=BytesIO(dockerfile.encode()), tag=reference, rm=True, nocache=True)
    try:
        yield owner
    finally:
        remove_tags_of(client, owner, noprune=False)


@pytest.fixture
def forged_image(request: pytest.FixtureRequest) -> Iterator[tuple[str, Forgery]]:
    """The demo root image with the forgery built in, under an owner of its own."""
    forgery: Forgery = request.param
    with root_image_with(forgery.shell) as owner:
        yield owner, forgery


@pytest.mark.parametrize(
    "forged_image", FORGERIES, ids=[f.scenario for f in FORGERIES], indirect=True
)
def test_a_forged_package_fails_its_inventory_and_no_sbom_is_written(
    tmp_path: Path, record_property: Record, forged_image: tuple[str, Forgery]
) -> None:
    owner, forgery = forged_image
    write_root_stack(tmp_path, LIBRARY_INVENTORIES, owner=owner)
    observed = run(tmp_path, "--stack", "stack", "--emit-manifests", "out")
    entry = record_entry(tmp_path / "out")
    reasons = [reason for reason in entry["reasons"] if forgery.inventory in reason]
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {reasons[:1]}")
    assert observed.returncode == pytest.ExitCode.TESTS_FAILED, observed.stdout[-3000:]
    assert entry["outcome"] == "failed" and entry["inventory"] == {}
    assert len(reasons) == 1 and forgery.says in reasons[0], entry["reasons"]
    assert "\n" not in reasons[0] and "\x1e" not in reasons[0]
    assert not [name for name in observed.files if name.startswith("sbom/")]
    assert forgery.fake_purl not in (tmp_path / "out/inspections.json").read_text()
    assert "Traceback" not in observed.stdout + observed.stderr


def test_a_dist_info_folder_named_for_another_version_is_listed_at_the_installed_one(
    tmp_path: Path, record_property: Record
) -> None:
    """`foo-1.0.dist-info` holding `Version: 2.0`: Python and pip's table say 2.0 is
    installed, pip's JSON listing says 1.0 (from the folder's name); the SBOM says 2.0."""
    with root_image_with(distribution("foo", "2.0", folder="foo-1.0")) as owner:
        reference = f"localhost/{owner}/{ROOT_IMAGE}:latest"
        installed = subprocess.run(
            [
                "docker",
                "run",
                "--rm",
                "--network",
                "none",
                reference,
                "python",
                "-c",
                "import importlib.metadata as m; print(m.version('foo'))",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        write_root_stack(tmp_path, LIBRARY_INVENTORIES, owner=owner)
        observed = run(tmp_path, "--stack", "stack", "--emit-manifests", "out")
    entry = record_entry(tmp_path / "out")
    listed = sorted(
        p["purl"] for p in entry["inventory"].get("packages", []) if "/foo@" in p["purl"]
    )
    record_property(FAULT_PROPERTY, f"exit {observed.returncode}: {listed}")
    assert observed.returncode == 0, observed.stdout[-3000:]
    assert installed == "2.0"
    assert listed == ["pkg:pypi/foo@2.0"]
    (sbom,) = (tmp_path / "out/sbom").iterdir()
    assert "pkg:pypi/foo@2.0" in sbom.read_text() and "pkg:pypi/foo@1.0" not in sbom.read_text()
    (manifest,) = (tmp_path / "out/manifests").iterdir()
    assert "\nfoo        2.0\n" in manifest.read_text()
