"""stack-update-wiki never goes through a symlink, and a failed or killed update changes nothing.

Failures are real where they can be: a full disk (a small tmpfs), a file size limit, a killed
process. A failing rename at each step of the commit is injected, since renames do not fail
on their own on a healthy disk.
"""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import subprocess
import textwrap
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from inspections.publishing.staged_update import STAGING, recover
from inspections.publishing.update_wiki_command import update_wiki_main
from inspections.safe_folder import SafeFolder
from tests.publishing.jupyter_wiki import write_wiki
from tests.publishing.runs import Build, write_run
from tests.publishing.scripts import run_python

JANUARY = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
BIG_PIECE = (("Apt Packages", "`apt list --installed`:\n\n```text\n" + "x" * 40_000 + "\n```"),)


def tree(folder: Path) -> dict[str, object]:
    """Every entry below `folder`, symlinks not followed: file bytes, link targets, folders."""
    found: dict[str, object] = {}
    for parent, folders, files in os.walk(folder, followlinks=False):
        for name in folders + files:
            path = Path(parent, name)
            relative = str(path.relative_to(folder))
            if path.is_symlink():
                found[relative] = ("link", os.readlink(path))
            elif path.is_dir():
                found[relative] = "folder"
            else:
                found[relative] = path.read_bytes()
    return found


@pytest.fixture
def january(tmp_path: Path) -> Path:
    return write_run(tmp_path / "runs/jan", JANUARY, "d" * 40, [Build("base-notebook")])


def arguments(wiki: Path, checkout: Path, *runs: Path, max_manifests: int = 4500) -> list[str]:
    return [
        "--wiki",
        str(wiki),
        "--checkout",
        str(checkout),
        "--max-manifests",
        str(max_manifests),
        *map(str, runs),
    ]


# --- symlinks ------------------------------------------------------------------------------


def _month_folder_leaves(wiki: Path, outside: Path) -> None:
    (wiki / "manifests/2000").mkdir()
    (wiki / "manifests/2000/2000-01").symlink_to(outside)


def _year_folder_leaves(wiki: Path, outside: Path) -> None:
    shutil.rmtree(wiki / "manifests/2025")
    (wiki / "manifests/2025").symlink_to(outside)


def _manifests_folder_leaves(wiki: Path, outside: Path) -> None:
    shutil.rmtree(wiki / "manifests")
    (wiki / "manifests").symlink_to(outside)


def _monthly_page_leaves(wiki: Path, outside: Path) -> None:
    (wiki / "monthly-files/2026").mkdir()
    (wiki / "monthly-files/2026/2026-01.md").symlink_to(outside / "page.md")


def _monthly_files_leave(wiki: Path, outside: Path) -> None:
    shutil.rmtree(wiki / "monthly-files")
    (wiki / "monthly-files").symlink_to(outside)


def _home_leaves(wiki: Path, outside: Path) -> None:
    (wiki / "Home.md").unlink()
    (wiki / "Home.md").symlink_to(outside / "page.md")


def _staging_folder_leaves(wiki: Path, outside: Path) -> None:
    (wiki / STAGING).symlink_to(outside)


def _page_links_inside_the_wiki(wiki: Path, outside: Path) -> None:
    (wiki / "monthly-files/2025/2025-10.md").symlink_to("2025-11.md")


@pytest.mark.parametrize(
    "plant",
    [
        _month_folder_leaves,
        _year_folder_leaves,
        _manifests_folder_leaves,
        _monthly_page_leaves,
        _monthly_files_leave,
        _home_leaves,
        _staging_folder_leaves,
        _page_links_inside_the_wiki,
    ],
)
def test_a_symlink_in_the_wiki_is_refused_and_nothing_is_touched(
    tmp_path: Path,
    checkout: Path,
    january: Path,
    capsys: pytest.CaptureFixture[str],
    plant: Callable[[Path, Path], None],
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    # An old manifest out there, the first to go with --max-manifests 1 if it were followed.
    (outside / "x86_64-default-base-notebook-000000000000.md").write_text(
        "# Build manifest for image: base-notebook:000000000000\n\n"
        "## Build Info\n\n- Build timestamp: 2000-01-01T00:00:00Z\n"
    )
    (outside / "page.md").write_text("# Images built during 2026-01\n\nnot the wiki's\n")
    wiki = write_wiki(tmp_path / "wiki")
    plant(wiki, outside)
    wiki_before, outside_before = tree(wiki), tree(outside)

    status = update_wiki_main(arguments(wiki, checkout, january, max_manifests=1))

    error = capsys.readouterr().err
    assert status == 2, error
    assert error.startswith("stack-update-wiki: error: ") and error.count("\n") == 1
    assert " is a symlink (to " in error
    assert tree(outside) == outside_before
    assert tree(wiki) == wiki_before


# --- failures while writing ----------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KiB tmpfs, mounted for the test (needs root)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def test_a_full_disk_leaves_the_wiki_as_it_was(
    small_disk: Path, tmp_path: Path, checkout: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wiki = write_wiki(small_disk / "wiki")
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (os.statvfs(small_disk).f_bavail - 2) * 4096)
    run = write_run(
        tmp_path / "runs/big", JANUARY, "d" * 40, [Build("base-notebook", pieces=BIG_PIECE)]
    )
    before = tree(wiki)

    assert update_wiki_main(arguments(wiki, checkout, run)) == 1

    error = capsys.readouterr().err
    assert "(No space left on device): nothing was changed" in error
    assert error.count("\n") == 1
    assert tree(wiki) == before


def test_a_file_size_limit_leaves_the_wiki_as_it_was(tmp_path: Path, checkout: Path) -> None:
    wiki = write_wiki(tmp_path / "wiki")
    run = write_run(
        tmp_path / "runs/big", JANUARY, "d" * 40, [Build("base-notebook", pieces=BIG_PIECE)]
    )
    before = tree(wiki)
    script = textwrap.dedent(
        """
        import resource, sys
        resource.setrlimit(resource.RLIMIT_FSIZE, (16384, 16384))
        from inspections.publishing.update_wiki_command import update_wiki_main
        sys.exit(update_wiki_main(sys.argv[1:]))
        """
    )
    completed = run_python(script, arguments(wiki, checkout, run), capture_output=True)
    assert completed.returncode == 1, completed.stderr
    assert completed.stderr.count("\n") == 1
    assert "(File too large): nothing was changed" in completed.stderr
    assert tree(wiki) == before


def _renames_of_an_update(tmp_path: Path, checkout: Path, run: Path) -> int:
    """How many renames a successful update of a fresh fixture wiki makes."""
    counted = 0
    rename = os.rename

    def counting(*args: object, **kwargs: object) -> None:
        nonlocal counted
        counted += 1
        rename(*args, **kwargs)  # type: ignore[arg-type]

    wiki = write_wiki(tmp_path / "counted")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "rename", counting)
        assert update_wiki_main(arguments(wiki, checkout, run, max_manifests=2)) == 0
    return counted


def _rename_failing_at(failing: int) -> Callable[..., None]:
    """os.rename, failing with an I/O error on its `failing`-th call."""
    rename, calls = os.rename, 0

    def failing_rename(*args: object, **kwargs: object) -> None:
        nonlocal calls
        calls += 1
        if calls == failing:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        rename(*args, **kwargs)  # type: ignore[arg-type]

    return failing_rename


def test_a_failure_at_any_step_of_the_commit_is_undone(
    tmp_path: Path, checkout: Path, january: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renames = _renames_of_an_update(tmp_path, checkout, january)
    # The journal; Home.md replaced (2), a new monthly page, a new manifest and the image's new
    # history page; 2 manifests removed.
    assert renames == 8
    for failing in range(1, renames + 1):
        wiki = write_wiki(tmp_path / f"wiki-{failing}")
        before = tree(wiki)
        capsys.readouterr()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(os, "rename", _rename_failing_at(failing))
            status = update_wiki_main(arguments(wiki, checkout, january, max_manifests=2))
        error = capsys.readouterr().err
        assert status == 1, (failing, error)
        assert "(Input/output error)" in error and error.count("\n") == 1
        assert tree(wiki) == before, failing


CRASHING = textwrap.dedent(
    """
    import os, sys
    crash_at, calls, rename = int(sys.argv[1]), 0, os.rename
    def crashing(*args, **kwargs):
        global calls
        calls += 1
        if calls == crash_at:
            os._exit(9)
        rename(*args, **kwargs)
    os.rename = crashing
    from inspections.publishing.update_wiki_command import update_wiki_main
    sys.exit(update_wiki_main(sys.argv[2:]))
    """
)


def test_an_update_killed_at_any_step_is_undone_by_the_next_run(
    tmp_path: Path, checkout: Path, january: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    renames = _renames_of_an_update(tmp_path, checkout, january)
    clean = write_wiki(tmp_path / "clean")
    assert update_wiki_main(arguments(clean, checkout, january, max_manifests=2)) == 0
    for crash_at in range(1, renames + 1):
        wiki = write_wiki(tmp_path / f"wiki-{crash_at}")
        before = tree(wiki)
        killed = run_python(
            CRASHING,
            [str(crash_at), *arguments(wiki, checkout, january, max_manifests=2)],
            capture_output=True,
        )
        assert killed.returncode == 9, killed.stderr
        assert (wiki / STAGING).is_dir()
        undone = tmp_path / f"undone-{crash_at}"
        shutil.copytree(wiki, undone, symlinks=True)
        with SafeFolder(undone) as folder:
            assert recover(folder)
        assert tree(undone) == before, crash_at
        capsys.readouterr()
        assert update_wiki_main(arguments(wiki, checkout, january, max_manifests=2)) == 0
        assert capsys.readouterr().out.startswith("undid an interrupted earlier update\n")
        assert tree(wiki) == tree(clean), crash_at


def test_a_wiki_being_updated_is_left_to_that_update(
    tmp_path: Path, checkout: Path, january: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wiki = write_wiki(tmp_path / "wiki")
    before = tree(wiki)
    holder = os.open(wiki, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        assert update_wiki_main(arguments(wiki, checkout, january)) == 1
    finally:
        os.close(holder)
    error = capsys.readouterr().err
    assert "is being updated by another stack-update-wiki: wait for it" in error
    assert tree(wiki) == before


@pytest.mark.parametrize(
    "journal", [b"{not json", b"[" * 100_000], ids=["truncated", "nested 100 000 deep"]
)
def test_a_damaged_journal_is_one_line_and_nothing_is_undone(
    tmp_path: Path,
    january: Path,
    checkout: Path,
    capsys: pytest.CaptureFixture[str],
    journal: bytes,
) -> None:
    wiki = write_wiki(tmp_path / "wiki")
    (wiki / STAGING).mkdir()
    (wiki / STAGING / "journal.json").write_bytes(journal)
    before = tree(wiki)
    status = update_wiki_main(arguments(wiki, checkout, january))
    error = capsys.readouterr().err
    assert status == 2
    assert error.startswith(f"stack-update-wiki: error: {wiki / STAGING}/journal.json is damaged (")
    assert error.count("\n") == 1
    assert tree(wiki) == before
