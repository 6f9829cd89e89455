"""`apt list --installed` on Debian 12 (demo images) and Ubuntu 24.04 (published listing)."""

from __future__ import annotations

import pytest

from inspections.inventory.distro import Distro, parse_os_release
from inspections.inventory.errors import InventoryError
from inspections.inventory.parsers.apt import guess_distro, parse_apt_list, parse_dpkg_query

from .support import data_lines, debian_12, recorded

LISTINGS = [
    "apt-list-installed.txt",
    "apt-list-installed-minimal-notebook.txt",
    "apt-list-installed-minimal-notebook-backports.txt",
]


@pytest.mark.parametrize("name", LISTINGS)
def test_every_listed_line_becomes_a_package(name: str) -> None:
    text = recorded(name)
    inventory = parse_apt_list(text, debian_12())
    listed = data_lines(text, ("Listing...",))
    assert len(inventory) == len(listed)
    assert {(p.name, p.version, p.arch) for p in inventory.packages} == {
        (line.split("/")[0], *line.split()[1:3]) for line in listed
    }


def test_debian_purls_have_namespace_arch_and_distro() -> None:
    inventory = parse_apt_list(recorded("apt-list-installed-minimal-notebook.txt"), debian_12())
    purls = {package.name: package.purl for package in inventory.packages}
    # [installed,local] lines, an epoch and a Debian revision with '+'
    assert (
        purls["bsdutils"]
        == "pkg:deb/debian/bsdutils@1:2.38.1-5%2Bdeb12u3?arch=amd64&distro=debian-12"
    )
    assert purls["adduser"] == "pkg:deb/debian/adduser@3.134?arch=all&distro=debian-12"


def test_backports_lines_keep_their_tilde_versions() -> None:
    text = recorded("apt-list-installed-minimal-notebook-backports.txt")
    curl = next(p for p in parse_apt_list(text, debian_12()).packages if p.name == "curl")
    assert curl.version == "8.14.1-2+deb13u2~bpo13+1"
    assert curl.purl.startswith("pkg:deb/debian/curl@8.14.1-2%2Bdeb13u2~bpo13%2B1?")


def test_ubuntu_listing_gets_the_ubuntu_namespace() -> None:
    text = recorded("apt-list-installed-ubuntu-24.04.txt")
    distro = parse_os_release(recorded("os-release-ubuntu-24.04.txt"))
    inventory = parse_apt_list(text, distro)
    assert len(inventory) == len(data_lines(text, ("Listing...",)))
    packages = {package.name: package for package in inventory.packages}
    assert packages["binutils"].version == "2.42-4ubuntu2.5"  # [installed,upgradable to: ...]
    assert packages["cuda-nvcc-13-0"].purl == (
        "pkg:deb/ubuntu/cuda-nvcc-13-0@13.0.88-1?arch=amd64&distro=ubuntu-24.04"
    )
    assert all(p.purl.startswith("pkg:deb/ubuntu/") for p in inventory.packages)


def test_distro_is_guessed_from_ubuntu_versions() -> None:
    assert guess_distro(recorded("apt-list-installed-ubuntu-24.04.txt")) == Distro("ubuntu")
    assert guess_distro(recorded("apt-list-installed.txt")) == Distro("debian")


def test_apts_stderr_warning_is_tolerated_when_mixed_in() -> None:
    stdout = recorded("apt-list-installed.txt")
    mixed = recorded("apt-list-stderr.txt") + stdout
    assert parse_apt_list(mixed, debian_12()) == parse_apt_list(stdout, debian_12())


@pytest.mark.parametrize(
    ("output", "fragment"),
    [
        ("Listing...\nE: Unable to locate package\n", "line 2 'E: Unable to locate package'"),
        ("Listing...\nadduser 3.134 all\n", "line 2"),
        ("Listing...\n", "listed no package"),
        ("Listing...\nadduser/now 3.134 all [installed]\x00\n", "binary data"),
    ],
)
def test_unreadable_output_names_the_command(output: str, fragment: str) -> None:
    with pytest.raises(InventoryError) as raised:
        parse_apt_list(output, debian_12())
    assert str(raised.value).startswith("`apt list --installed` ")
    assert fragment in str(raised.value)


def test_os_release_without_id_is_refused() -> None:
    with pytest.raises(InventoryError, match="ID="):
        parse_os_release('NAME="Nothing"\n')


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (f'ID=debian\nVERSION_ID="{"1" * 3000}"\n', "VERSION_ID"),
        (f"ID={'d' * 3000}\nVERSION_ID=12\n", "ID"),
    ],
)
def test_an_overlong_os_release_value_is_blamed_on_os_release(text: str, field: str) -> None:
    with pytest.raises(InventoryError) as raised:
        parse_os_release(text)
    message = str(raised.value)
    assert message.startswith(f"`cat /etc/os-release` has {field}='")
    assert "(3000 characters); expected at most 64" in message and len(message) < 300


def test_the_longest_os_release_values_make_valid_purls() -> None:
    distro = parse_os_release(f"ID={'d' * 64}\nVERSION_ID={'1' * 64}\n")
    (package,) = parse_dpkg_query("installed\tadduser\t3.134\tall", distro).packages
    assert package.purl.endswith(f"distro={'d' * 64}-{'1' * 64}")
