#!/usr/bin/env python3
"""Build the offline demo image stack, parents first, reusing whatever is already built.

    python demo/build.py                          # the whole stack
    python demo/build.py --only scipy-notebook    # that image and its ancestors
    python demo/build.py --verify                 # then check expected_versions.toml

The stack is read from ``demo/stack.toml`` and ``demo/<image>/image.toml`` (``--stack DIR``
reads another folder); each image is built from ``<image>/Dockerfile`` as
``<registry>/<owner>/<image>:latest``. The root image starts from a ``debootstrap
--variant=minbase`` Debian made here (no Docker Hub).

Builds use BuildKit through Debian's docker client (``/usr/bin/docker``, package docker.io):
the host's CA bundle reaches PyPI as a build secret and never lands in a layer. Every image
carries a label with a hash of its build inputs (its folder, its parent's image id, its build
arguments); an image whose label matches is not rebuilt, so a second run takes seconds.
The work is done by the ``builder`` package next to this script. Standard library only.
"""

from __future__ import annotations

import sys

from builder.cli import main

if __name__ == "__main__":
    sys.exit(main())
