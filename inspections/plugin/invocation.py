"""How pytest was invoked: the rootdir and ini file this plugin's options must not mislead,
and SIGTERM treated like Ctrl-C.

pytest finds its rootdir and ini file before plugins are loaded, so it takes the value of a
plugin's option given as `--emit-manifests DIR` (with a space) for a path argument: with DIR
outside the project, the project's `pytest.ini` is not found and the rootdir is DIR's
parent. Once this plugin's options are known (at `pytest_load_initial_conftests`), the setup
is determined again from the real path arguments and, where it differs, put right: rootdir,
ini file and its settings, its `addopts` (options and `-p` plugins), `pythonpath` and the
conftest boundary. This relies on pytest's Config internals, pinned to pytest 9.
"""

from __future__ import annotations

import copy
import os
import shlex
import signal
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from _pytest.config.findpaths import determine_setup

_PREVIOUS_SIGTERM = pytest.StashKey[object]()


def correct_rootdir(config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    """Parse the known arguments again, now that this plugin's options are known; determine
    rootdir and ini file from the real path arguments and put them right if needed."""
    config.known_args_namespace = parser.parse_known_args(args, namespace=copy.copy(config.option))
    known = config.known_args_namespace
    rootpath, inipath, inicfg, ignored = determine_setup(
        inifile=known.inifilename,
        override_ini=known.override_ini,
        args=known.file_or_dir,
        rootdir_cmd_arg=known.rootdir or None,
        invocation_dir=config.invocation_params.dir,
    )
    if (rootpath, inipath) != (config.rootpath, config.inipath):
        _move_setup(config, parser, args, (rootpath, inipath, inicfg, ignored))
    if config.known_args_namespace.confcutdir is None:
        inipath = config.inipath
        config.known_args_namespace.confcutdir = str(inipath.parent if inipath else config.rootpath)


def _move_setup(
    config: pytest.Config,
    parser: pytest.Parser,
    args: list[str],
    setup: tuple[Path, Path | None, dict[str, Any], Sequence[str]],
) -> None:
    """Put rootdir, ini file, its settings and `addopts`, `-p` plugins and `pythonpath` right."""
    config._rootpath, config._inipath, config._inicfg, config._ignored_config_files = setup
    config._inicache.clear()
    parser.extra_info["rootdir"] = str(config.rootpath)
    parser.extra_info["inifile"] = str(config.inipath)
    environment = shlex.split(os.environ.get("PYTEST_ADDOPTS", ""))
    args[:] = [
        *config._validate_args(config.getini("addopts"), "via addopts config"),
        *config._validate_args(environment, "via PYTEST_ADDOPTS"),
        *config.invocation_params.args,
    ]
    config.known_args_namespace = parser.parse_known_args(args, namespace=copy.copy(config.option))
    config.pluginmanager.consider_preparse(args, exclude_only=False)
    config._configure_python_path()


def _interrupt(_number: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def stop_on_sigterm(config: pytest.Config) -> None:
    """Let SIGTERM stop the session like Ctrl-C (containers removed, nothing half-written).

    Only where SIGTERM still has its default action, so another handler is left alone.
    """
    try:
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            config.stash[_PREVIOUS_SIGTERM] = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:  # not the main thread
        return


def restore_sigterm(config: pytest.Config) -> None:
    """Undo `stop_on_sigterm`."""
    previous = config.stash.get(_PREVIOUS_SIGTERM, None)
    if previous is not None:
        signal.signal(signal.SIGTERM, previous)  # type: ignore[arg-type]
        del config.stash[_PREVIOUS_SIGTERM]
