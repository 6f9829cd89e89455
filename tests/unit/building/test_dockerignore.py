"""`.dockerignore` rules as the engine applies them."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspections.building.dockerignore import IgnoreRules, ignore_file

CASES = [
    ("*.md", "README.md", True),
    ("*.md", "docs/README.md", False),  # `*` stops at `/`
    ("**/*.md", "docs/deep/README.md", True),
    ("**/*.md", "README.md", True),  # `**/` also matches no folder at all
    ("docs", "docs/deep/file.txt", True),  # a folder's pattern covers what is below it
    ("/build", "build/out.o", True),  # a leading `/` is dropped
    ("./build", "build", True),
    ("docs/**/*.txt", "docs/a/b/c.txt", True),
    ("docs/**/*.txt", "other/a/c.txt", False),
    ("file?.txt", "file1.txt", True),
    ("file?.txt", "file10.txt", False),
    ("[a-c].txt", "b.txt", True),
    # The engine copies a class's body into its regular expression: `!` is no negation.
    ("[!a-c].txt", "b.txt", True),
    ("[!a-c].txt", "!.txt", True),
    ("[!a-c].txt", "d.txt", False),
    ("[!x]ocs", "docs/x.md", False),
    ("[!x]ocs", "xocs/x.md", True),
    ("[^a-c].txt", "d.txt", True),
    ("[^a-c].txt", "b.txt", False),
    ("a.b", "axb", False),  # `.` is a plain character
    ("\\*.txt", "*.txt", True),
    ("\\*.txt", "a.txt", False),
    ("**", "anything/at/all", True),
]


@pytest.mark.parametrize(("pattern", "path", "excluded"), CASES)
def test_one_pattern(pattern: str, path: str, excluded: bool) -> None:
    assert IgnoreRules.parse(pattern + "\n").excludes(path) is excluded


def test_the_last_matching_line_wins_and_exceptions_take_back() -> None:
    rules = IgnoreRules.parse("*.md\n!README.md\n# a comment line\n\nREADME.md\n!docs\n")
    assert rules.excludes("CHANGES.md")
    assert rules.excludes("README.md")  # excluded again by the later line
    assert not rules.excludes("docs")
    assert rules.takes_back


def test_exceptions_reach_into_excluded_folders() -> None:
    rules = IgnoreRules.parse("docs\n!docs/keep.txt\n")
    assert rules.excludes("docs/drop.txt")
    assert not rules.excludes("docs/keep.txt")


def test_comments_blank_lines_and_spaces() -> None:
    rules = IgnoreRules.parse("# *.py\n   \n  *.log  \n")
    assert not rules.excludes("setup.py")
    assert rules.excludes("debug.log")
    assert not rules.takes_back


def test_a_byte_order_mark_before_the_first_line_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / ".dockerignore"
    path.write_bytes(b"\xef\xbb\xbfsecret.txt\n")
    assert IgnoreRules.of_file(path).excludes("secret.txt")
    assert not IgnoreRules.parse("\ufeff# a comment line\n").rules


def test_no_file_excludes_nothing(tmp_path: Path) -> None:
    assert not IgnoreRules.of_file(tmp_path / ".dockerignore").excludes("anything")


def test_buildkit_prefers_the_dockerfiles_own_ignore_file(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    (tmp_path / ".dockerignore").write_text("a\n")
    assert ignore_file(tmp_path, dockerfile, buildkit=True) == tmp_path / ".dockerignore"
    (tmp_path / "Dockerfile.dockerignore").write_text("b\n")
    assert ignore_file(tmp_path, dockerfile, buildkit=True) == tmp_path / "Dockerfile.dockerignore"
    assert ignore_file(tmp_path, dockerfile, buildkit=False) == tmp_path / ".dockerignore"
    other = tmp_path / "docker" / "build.Dockerfile"
    other.parent.mkdir()
    (other.parent / "build.Dockerfile.dockerignore").write_text("c\n")
    assert (
        ignore_file(tmp_path, other, buildkit=True)
        == other.parent / "build.Dockerfile.dockerignore"
    )
