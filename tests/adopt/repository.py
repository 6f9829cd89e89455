"""A repository laid out like the Jupyter Docker Stacks, written for the adoption tests.

- `images/<image>/Dockerfile`, each child starting with `ARG REGISTRY`, `ARG OWNER`,
  `ARG BASE_IMAGE=...` and `FROM $BASE_IMAGE`; the root's last `FROM $ROOT_IMAGE` names a
  build stage; base-notebook has a variant, `cuda/Dockerfile`.
- `tests/conftest.py` defining `--registry` (one of docker.io or quay.io), `--owner` and
  `--image`, all required, and the fixtures `docker_client`, `image_name` and a
  function-scoped `container` that the tests start themselves and that is removed after them.
- `tests/by_image/<image>/test_*.py`: each image's own tests, run for the image and its
  descendants (their runner passes the folders of the image and of its ancestors).
- `wiki/`: the code of their wiki tool and the wiki's intro, `Home.md` (the wiki itself is
  another repository, `<repository>.wiki`).

The Dockerfiles are only read (by stack-init): the images the tests run are the demo stack's,
tagged `quay.io/<owner>/<image>:latest` (and base-notebook's variant `:cuda-latest`) for the
duration of a test.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import docker

from throwaway_stacks import commit_all

ROOT = Path(__file__).resolve().parents[2]  # the checkout whose plugin the tests run
REGISTRY = "quay.io"  # one of the conftest's choices
PARENTS = {
    "docker-stacks-foundation": "",
    "base-notebook": "docker-stacks-foundation",
    "minimal-notebook": "base-notebook",
}
VARIANT = "cuda"  # base-notebook's variant: images/base-notebook/cuda/Dockerfile
CONTAINER_LABEL = "org.example.adopt-test"
STACK_INIT = str(Path(sys.executable).parent / "stack-init")  # the installed console script

CHILD_HEADER = """\
    # A child image: its parent comes from the build arguments' defaults.
    ARG REGISTRY=quay.io
    ARG OWNER=jupyter
    ARG BASE_IMAGE=$REGISTRY/$OWNER/{parent}
    FROM $BASE_IMAGE
"""

DOCKERFILES = {
    "docker-stacks-foundation/Dockerfile": """\
        # The root: ROOT_IMAGE names a build stage by default, so that a build argument can
        # replace the pinned base.
        ARG ROOT_IMAGE=default_root_image

        FROM debian:12@sha256:<digest> AS default_root_image
        FROM busybox:1.36 AS helper

        FROM $ROOT_IMAGE

        ARG NB_USER="jovyan"
        SHELL ["/bin/bash", "-o", "pipefail", "-c"]
        RUN apt-get update --yes && \\
            apt-get install --yes --no-install-recommends \\
            # the interpreter every image runs
            python3 \\
            python3-venv \\
            tini && \\
            apt-get clean
        RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install --upgrade pip
        ENV PATH="/opt/venv/bin:${PATH}"
    """.replace("<digest>", "0e7ad4ff2b9b6b1b3d4c4e7a8f5c2b1d0c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a"),
    "base-notebook/Dockerfile": CHILD_HEADER.format(parent="docker-stacks-foundation")
    + """\

        RUN pip install --no-cache-dir \\
            'jupyterhub' \\
            'jupyterlab' \\
            'notebook'
    """,
    "base-notebook/cuda/Dockerfile": CHILD_HEADER.format(parent="docker-stacks-foundation")
    + """\

        RUN pip install --no-cache-dir 'jupyterhub' 'jupyterlab' 'notebook'
        ENV NVIDIA_VISIBLE_DEVICES="all"
    """,
    "minimal-notebook/Dockerfile": """\
        ARG REGISTRY=quay.io
        ARG OWNER=jupyter
        ARG BASE_IMAGE=${REGISTRY}/${OWNER}/base-notebook
        FROM ${BASE_IMAGE}

        USER root
        RUN apt-get update --yes && apt-get install --yes --no-install-recommends curl git
    """,
}

TESTS = {
    "tests/__init__.py": "",
    "tests/utils/__init__.py": "",
    "tests/pytest.ini": """\
        [pytest]
        addopts = -ra
        markers =
            info: marks tests as info (deselect with '-m "not info"')
    """,
    "tests/utils/tracked_container.py": '''\
        """A container a test starts itself, removed when the test is done."""

        from typing import Any

        import docker


        class TrackedContainer:
            def __init__(self, docker_client: docker.DockerClient, image_name: str) -> None:
                self.docker_client = docker_client
                self.image_name = image_name
                self.container = None

            def run_detached(self, **kwargs: Any) -> None:
                self.container = self.docker_client.containers.run(
                    self.image_name, detach=True, labels={"<label>": "<label>"}, **kwargs
                )

            def exec_cmd(self, cmd: str) -> str:
                assert self.container is not None, "run_detached first"
                result = self.container.exec_run(cmd)
                output = result.output.decode().rstrip()
                assert result.exit_code == 0, output
                return output

            def remove(self) -> None:
                if self.container is not None:
                    self.container.remove(force=True)
    '''.replace("<label>", CONTAINER_LABEL),
    "tests/conftest.py": """\
        import docker
        import pytest

        from tests.utils.tracked_container import TrackedContainer


        def pytest_addoption(parser):
            parser.addoption(
                "--registry", required=True, choices=["docker.io", "quay.io"], help="Image registry"
            )
            parser.addoption("--owner", required=True, help="Owner of the image")
            parser.addoption("--image", required=True, help="Short image name")


        @pytest.fixture(scope="session")
        def docker_client():
            return docker.from_env()


        @pytest.fixture(scope="session")
        def image_name(request):
            names = ("--registry", "--owner", "--image")
            return "/".join(request.config.getoption(name) for name in names)


        @pytest.fixture(scope="function")
        def container(docker_client, image_name):
            tracked = TrackedContainer(docker_client, image_name)
            yield tracked
            tracked.remove()
    """,
    "tests/by_image/docker-stacks-foundation/test_python.py": """\
        import pytest


        def test_python_runs(container):
            container.run_detached(command=["sleep", "infinity"], network_disabled=True)
            assert container.exec_cmd("python --version").startswith("Python 3.")


        @pytest.mark.info
        def test_pip_list(container):
            container.run_detached(command=["sleep", "infinity"], network_disabled=True)
            print(container.exec_cmd("pip list"))
    """,
    "tests/by_image/base-notebook/test_lab.py": """\
        def test_jupyter_lab_answers(container):
            container.run_detached(command=["sleep", "infinity"], network_disabled=True)
            assert container.exec_cmd("jupyter lab --version")[0].isdigit()
    """,
    "tests/by_image/minimal-notebook/test_tools.py": """\
        def test_curl_is_installed(container):
            container.run_detached(command=["sleep", "infinity"], network_disabled=True)
            assert "curl" in container.exec_cmd("curl --version")
    """,
}


WIKI_TOOL = {
    "wiki/__init__.py": "",
    "wiki/update_wiki.py": '''\
        """Their tool that adds the builds' history lines and manifests to the wiki."""
    ''',
    "wiki/Home.md": """\
        # Build history

        The images built from {REPOSITORY}, newest first.

        <!-- YEAR_MONTHLY_TABLES -->
    """,
}


def checkout_environment() -> dict[str, str]:
    """The environment for a command run in the repository: this checkout's `inspections`
    importable first (their `tests` package still comes from the repository, the current
    folder), then whatever the suite's PYTHONPATH holds."""
    inherited = [part for part in os.environ.get("PYTHONPATH", "").split(os.pathsep) if part]
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *inherited])}


def write_repository(root: Path) -> Path:
    """Write the repository under `root` as one git commit with a remote; return `root`."""
    files = {f"images/{path}": text for path, text in DOCKERFILES.items()} | TESTS | WIKI_TOOL
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    commit_all(root, "Images and their tests")
    subprocess.run(
        ["git", "remote", "add", "origin", "git@github.com:example/adopted-stacks.git"],
        cwd=root,
        check=True,
    )
    return root


def adopt(root: Path) -> None:
    """What the migration guide says to add, committed: the declarations (stack-init) and a
    `pytest.ini` at the top that names the image tests' folder (their runner's sessions keep
    tests/pytest.ini, and the plugin stays off in them)."""
    subprocess.run(
        [STACK_INIT, str(root / "images")],
        check=True,
        capture_output=True,
        env=checkout_environment(),
    )
    (root / "pytest.ini").write_text(
        "[pytest]\n"
        "inspections_image_tests = tests/by_image\n"
        "markers =\n"
        "    info: marks tests as info (deselect with '-m \"not info\"')\n"
    )
    commit_all(root, "Adopt stack-inspections")


def tag_images(client: docker.DockerClient, owner: str) -> None:
    """The demo stack's images under the repository's names, `quay.io/<owner>/<image>`."""
    for name in PARENTS:
        client.images.get(f"localhost/demo/{name}:latest").tag(
            f"{REGISTRY}/{owner}/{name}", "latest"
        )


def tag_variant(client: docker.DockerClient, owner: str, demo_image: str) -> None:
    """base-notebook's variant build, `quay.io/<owner>/base-notebook:cuda-latest`, as the demo
    image `demo_image`."""
    client.images.get(f"localhost/demo/{demo_image}:latest").tag(
        f"{REGISTRY}/{owner}/base-notebook", f"{VARIANT}-latest"
    )


def remove_tags(client: docker.DockerClient, owner: str) -> None:
    """Remove the tags `tag_images` and `tag_variant` made, never another tag of the same
    images."""
    references = [f"{REGISTRY}/{owner}/{name}:latest" for name in PARENTS]
    references.append(f"{REGISTRY}/{owner}/base-notebook:{VARIANT}-latest")
    for reference in references:
        with contextlib.suppress(docker.errors.ImageNotFound):
            client.images.remove(reference, noprune=True)
