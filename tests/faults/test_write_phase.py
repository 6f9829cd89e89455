"""The output folder is all or nothing: whatever ends a session, readers can trust the record.

A three-image stack on the demo images writes large manifests, so that the write phase lasts
long enough to be hit: SIGKILL, Ctrl-C and SIGTERM land in it, a full disk ends it. After each,
every passed entry of the record has exactly its files, and the images' files are either all
of the earlier run or all of the new one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from inspections.outputs.record import read_record, verified_file
from tests.conftest import FAULT_PROPERTY
from tests.faults.harness import clean_environment, files_under, start, write_faults_project
from throwaway_stacks import StackImage

pytestmark = pytest.mark.docker

Record = Callable[[str, object], None]
CHAIN = {"docker-stacks-foundation": "", "base-notebook": "docker-stacks-foundation"}
CHAIN["minimal-notebook"] = "base-notebook"
INSPECTIONS = """
    import os

    from inspections import manifest, output_of, tagger

    @tagger
    def os_tag(host):
        return output_of(host, ". /etc/os-release && echo $ID-$VERSION_ID")

    @tagger
    def generation(build_info):
        return "generation-" + os.environ["GENERATION"]

    @manifest("Bulk")
    def bulk(build_info):
        return os.environ["GENERATION"] * int(os.environ["BULK_BYTES"])
"""


def write_chain(root: Path) -> None:
    """foundation -> base-notebook -> minimal-notebook, on the built demo images."""
    images = {image: StackImage(parent) for image, parent in CHAIN.items()}
    images["docker-stacks-foundation"] = StackImage(files={"inspect_chain.py": INSPECTIONS})
    write_faults_project(root, "demo", images, "chain")


def session(root: Path, out: Path, generation: str, bulk: int) -> subprocess.Popen[str]:
    """pytest writing generation `generation` of the chain's outputs into `out`."""
    environment = clean_environment(GENERATION=generation, BULK_BYTES=str(bulk))
    return start(root, "--stack", "stack", "--emit-manifests", str(out), environment=environment)


def finished(process: subprocess.Popen[str]) -> str:
    output, _ = process.communicate(timeout=300)
    return output


def generations(out: Path) -> set[str]:
    """The generations the trusted files of `out` come from; each must be whole."""
    record = read_record(out)
    seen = set()
    for image in record.images:
        if not image.passed:
            continue
        for relative in image.files:
            data = verified_file(record, image, relative)  # raises when not backed
            if relative.startswith("tags/"):
                seen |= {
                    line.rsplit("-", 1)[1]
                    for line in data.decode().splitlines()
                    if "generation-" in line
                }
    return seen


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """The chain's project and its output folder, holding generation 1 (small)."""
    write_chain(tmp_path)
    out = tmp_path / "out"
    output = finished(session(tmp_path, out, "1", 1000))
    assert generations(out) == {"1"}, output
    yield tmp_path, out


def staging_appears(out: Path, process: subprocess.Popen[str]) -> None:
    """Wait until the session stages its outputs (the write phase has begun)."""
    deadline = time.monotonic() + 240
    while not list(out.glob(".staging-*")):
        assert process.poll() is None, finished(process)
        assert time.monotonic() < deadline, "the write phase never began"
        time.sleep(0.005)


BULK = 60_000_000  # per image: a manifest and the record's copy of it


@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0], ids=lambda d: f"sigkill {d} s into writing")
def test_sigkill_while_writing_leaves_a_trustworthy_folder(
    chain: tuple[Path, Path], record_property: Record, delay: float
) -> None:
    root, out = chain
    process = session(root, out, "2", BULK)
    staging_appears(out, process)
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)
    trusted = generations(out)
    leftovers = [name for name in os.listdir(out) if name.startswith(".staging-")]
    record_property(FAULT_PROPERTY, f"trusted generations {sorted(trusted)}, staging {leftovers}")
    assert trusted in ({"1"}, {"2"}, set())
    # The next run removes whatever the record does not back, staging included, and says so.
    output = finished(session(root, out, "3", 1000))
    assert all(f"{leftover}/" in output for leftover in leftovers), output
    assert generations(out) == {"3"}
    assert not list(out.glob(".staging-*"))
    record = read_record(out)
    managed = [name for name in files_under(out) if "/" in name]
    assert all(record.owner_of(name) or name in record.files for name in managed)


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_signal_while_writing_ends_with_one_line(
    chain: tuple[Path, Path], record_property: Record, sent: signal.Signals
) -> None:
    root, out = chain
    process = session(root, out, "2", BULK)
    staging_appears(out, process)
    process.send_signal(sent)
    output = finished(process)
    notes = [line for line in output.splitlines() if "interrupted" in line and str(out) in line]
    trusted = generations(out)
    record_property(
        FAULT_PROPERTY, f"exit {process.returncode}, {notes}, trusted {sorted(trusted)}"
    )
    assert process.returncode == pytest.ExitCode.INTERRUPTED
    assert "Traceback" not in output and "KeyboardInterrupt" not in output
    assert len(notes) == 1
    if notes[0].startswith(f"interrupted while writing {out}"):
        assert trusted == {"1"}
    else:
        assert notes[0] == f"interrupted after {out} was written completely"
        assert trusted == {"2"}
    assert not list(out.glob(".staging-*"))


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 512 KiB filesystem, mounted for the test."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount_point)], check=True
    )
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=True)


def test_a_full_disk_while_writing_leaves_the_folder_as_it_was(
    tmp_path: Path, small_disk: Path, record_property: Record
) -> None:
    write_chain(tmp_path)
    out = small_disk / "out"
    finished(session(tmp_path, out, "1", 1000))
    before = {name: (out / name).read_bytes() for name in files_under(out)}
    process = session(tmp_path, out, "2", 200_000)
    output = finished(process)
    line = next((line for line in output.splitlines() if "cannot write the outputs" in line), "")
    record_property(FAULT_PROPERTY, f"exit {process.returncode}: {line}")
    assert process.returncode == pytest.ExitCode.TESTS_FAILED
    assert (
        f"cannot write the outputs to {out} (No space left on device): {out} is as it was" in line
    )
    assert "Traceback" not in output and "OSError" not in output
    assert {name: (out / name).read_bytes() for name in files_under(out)} == before
