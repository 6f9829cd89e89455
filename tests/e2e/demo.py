"""The demo stack as the end-to-end tests see it: where it is, what it must report."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from throwaway_stacks import PYTEST_INI, StackImage, write_stack

REPOSITORY = Path(__file__).resolve().parents[2]
DEMO = REPOSITORY / "demo"
EXPECTED = tomllib.loads((DEMO / "expected_versions.toml").read_text())
PARENTS: dict[str, str] = EXPECTED["parents"]
FIXED_EPOCH = 1764000000  # 2025-11-24, the build timestamp of every end-to-end run


@dataclass(frozen=True)
class Expectation:
    """What one demo image must report, declared by which image."""

    declared_by: str
    tags: tuple[str, ...]
    pieces: tuple[str, ...]


def _own_expectations(head_sha: str) -> dict[str, Expectation]:
    """The tags and manifest pieces each image declares for itself, from the pinned versions."""
    date = datetime.fromtimestamp(FIXED_EPOCH, UTC).strftime("%Y-%m-%d")
    foundation = EXPECTED["docker-stacks-foundation"]
    python = foundation["python"]
    base = EXPECTED["base-notebook"]
    return {
        "docker-stacks-foundation": Expectation(
            "docker-stacks-foundation",
            (
                head_sha[:12],
                date,
                f"{foundation['os_id']}-{foundation['os_version_id']}",
                "python-" + ".".join(python.split(".")[:2]),
                f"python-{python}",
            ),
            ("Python Packages", "Apt Packages"),
        ),
        "base-notebook": Expectation(
            "base-notebook",
            (f"notebook-{base['notebook']}", f"lab-{base['lab']}", f"hub-{base['hub']}"),
            (),
        ),
        "r-notebook": Expectation(
            "r-notebook", (f"r-{EXPECTED['r-notebook']['r']}",), ("R Packages",)
        ),
        "pyspark-notebook": Expectation(
            "pyspark-notebook",
            (
                f"spark-{EXPECTED['pyspark-notebook']['spark']}",
                f"java-{EXPECTED['pyspark-notebook']['java']}",
            ),
            ("Apache Spark",),
        ),
        "pytorch-notebook": Expectation(
            "pytorch-notebook",
            ("pytorch-" + EXPECTED["pytorch-notebook"]["torch"].split("+")[0],),
            (),
        ),
        "tensorflow-notebook": Expectation(
            "tensorflow-notebook",
            ("tensorflow-" + EXPECTED["tensorflow-notebook"]["tensorflow_cpu"],),
            (),
        ),
    }


def lineage(image: str) -> list[str]:
    """`image` and its ancestors, root first."""
    chain = [image]
    while PARENTS[chain[-1]]:
        chain.append(PARENTS[chain[-1]])
    return list(reversed(chain))


def expected_for(image: str, head_sha: str) -> Expectation:
    """Everything `image` must report: its ancestors' declarations first, then its own."""
    own = _own_expectations(head_sha)
    declared = [own[name] for name in lineage(image) if name in own]
    return Expectation(
        image,
        tuple(tag for expectation in declared for tag in expectation.tags),
        tuple(piece for expectation in declared for piece in expectation.pieces),
    )


def head_sha() -> str:
    return subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPOSITORY, capture_output=True, text=True, check=True
    ).stdout.strip()


def run_pytest(
    *args: str, cwd: Path = REPOSITORY, epoch: int = FIXED_EPOCH
) -> subprocess.CompletedProcess[str]:
    """pytest in a subprocess, as a user runs it, with a fixed build timestamp."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}
    environment.pop("PYTEST_XDIST_WORKER", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )


def write_probe_stack(root: Path, owner_prefix: str, dockerfile: str, inspections: str) -> str:
    """A one-image stack `probe` in `root/stack` (its Dockerfile and inspections), under an
    owner unique to the caller, and an ini file; returns the owner."""
    owner = f"{owner_prefix}-{uuid.uuid4().hex[:8]}"
    probe = StackImage(files={"inspect_probe.py": inspections, "Dockerfile": dockerfile})
    write_stack(root / "stack", owner, {"probe": probe}, "https://example.org/probe")
    (root / "pytest.ini").write_text(PYTEST_INI)
    return owner
