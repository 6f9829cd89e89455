"""The OS tag from /etc/os-release."""

from __future__ import annotations

import pytest

from inspections import InspectionError
from inspections.inventory.distro import os_release_fields
from inspections.library import system

from .support import FakeHost, recorded


@pytest.mark.parametrize(
    ("name", "tag"),
    [("os-release-ubuntu-24.04.txt", "ubuntu-24.04"), ("os-release-debian-12.txt", "debian-12")],
)
def test_recorded_os_release_files(name: str, tag: str) -> None:
    assert system.parse_os_tag(recorded(name)) == tag


def test_parse_os_release_reads_quoted_and_bare_values() -> None:
    fields = os_release_fields(recorded("os-release-debian-12.txt"))
    assert fields["PRETTY_NAME"] == "Debian GNU/Linux 12 (bookworm)"
    assert fields["VERSION_CODENAME"] == "bookworm"
    assert fields["ID"] == "debian"


def test_parse_os_release_skips_comments_and_blank_lines_and_unescapes() -> None:
    text = "\n".join(
        ["# vendor note", "", "ID='alpine'", "  VERSION_ID=3.20.3", r'NAME="say \"hi\""', "junk"]
    )
    assert os_release_fields(text) == {
        "ID": "alpine",
        "VERSION_ID": "3.20.3",
        "NAME": 'say "hi"',
    }


def test_double_quotes_unescape_only_what_os_release_escapes() -> None:
    """os-release(5): in a value, only a backslash, `$`, `"` and a backquote are escaped."""
    text = r'PRETTY_NAME="a\nb \$HOME \\ \` \"x\" \q"' + "\n" + r"NAME='a\$b'" + "\n" + r"ID=c\$d\n"
    assert os_release_fields(text) == {
        "PRETTY_NAME": r'a\nb $HOME \ ` "x" \q',
        "NAME": r"a\$b",
        "ID": r"c$d\n",
    }


def test_a_missing_version_id_names_the_field_and_the_command() -> None:
    rolling = 'PRETTY_NAME="Debian GNU/Linux trixie/sid"\nNAME="Debian GNU/Linux"\nID=debian\n'
    with pytest.raises(InspectionError, match=r"`cat /etc/os-release` has no VERSION_ID="):
        system.parse_os_tag(rolling)


def test_garbage_has_no_id() -> None:
    with pytest.raises(InspectionError, match="no ID="):
        system.parse_os_tag("<html>404 Not Found</html>")


def test_a_value_outside_the_tag_grammar_is_refused() -> None:
    with pytest.raises(InspectionError, match=r"VERSION_ID='24\.04 LTS'"):
        system.parse_os_tag('ID=ubuntu\nVERSION_ID="24.04 LTS"\n')


def test_a_refused_value_is_quoted_short() -> None:
    with pytest.raises(InspectionError) as raised:
        system.parse_os_tag(f'ID=ubuntu\nVERSION_ID="{"9 " * 5000}"\n')
    message = str(raised.value)
    assert message.startswith("`cat /etc/os-release` has VERSION_ID='9 9 9 ")
    assert len(message) < 300


def test_os_tag_runs_cat_os_release() -> None:
    host = FakeHost.printing({"cat /etc/os-release": recorded("os-release-ubuntu-24.04.txt")})
    assert system.os_tag(host) == "ubuntu-24.04"
    assert host.commands == ["cat /etc/os-release"]
