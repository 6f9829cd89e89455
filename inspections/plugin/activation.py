"""The pytest plugin's entry point: it switches the plugin on in a stack project, and off again.

When active, one `StackSession` (see `session`) holds the hooks and the parts they hand their
work to; the fixtures (`fixtures`) and, under pytest-xdist, the scheduling hooks
(`xdist_scheduler`) are registered with it. Elsewhere the plugin does nothing at all.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

from inspections.errors import StackInspectionError
from inspections.plugin import invocation, shared_options
from inspections.plugin.options import add_options, check_image_tests, read_options, requested_stack

PLUGIN_NAMES = (
    "stack_inspections.session",
    "stack_inspections.fixtures",
    "stack_inspections.xdist",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> Generator[None, object, object]:
    """Around the loading of the initial conftests: parse the arguments with every name of
    this plugin's options, and find the rootdir and ini file again if option values misled
    pytest; then leave the shared names to conftests that define them (`shared_options`)."""
    attached = shared_options.attach_free_names(parser)
    try:
        invocation.correct_rootdir(early_config, parser, args)
    except pytest.UsageError:
        # A conftest's option of a shared name takes other values (`--variant` as a flag):
        # parse as pytest does before conftests load, without the shared names.
        shared_options.detach_names(parser, attached)
        attached = []
        invocation.correct_rootdir(early_config, parser, args)
    shared_options.detach_names(parser, attached)
    try:
        return (yield)
    finally:
        shared_options.settle_names(early_config, parser)


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Load and check the stack and the plan before anything runs; a usage error if invalid."""
    folder = requested_stack(config)
    if folder is None:
        return
    from inspections.files import check_writable_folder
    from inspections.plugin import fixtures
    from inspections.plugin.item_index import default_paths
    from inspections.plugin.plan import build_plan, select_images
    from inspections.plugin.run_facts import run_facts
    from inspections.plugin.session import INSPECTION_MARKER, SESSION, StackSession
    from inspections.plugin.xdist_scheduler import XdistHooks
    from inspections.stack import load_stack

    config.addinivalue_line(
        "markers", f"{INSPECTION_MARKER}: an inspection of the image stack (tagger or manifest)"
    )
    try:
        stack = load_stack(folder)
        options = read_options(config, stack.settings)
        variant_option = shared_options.shown_name(config, "--variant")
        ours = shared_options.shown_name(config, "--image")
        image_options = {
            name: "--image" if name in options.their_images else ours for name in options.images
        }
        selected = select_images(
            stack, list(options.images), options.variant, variant_option, image_options
        )
        plan = build_plan(stack, selected)
        check_image_tests(options.image_tests, stack)
        if not hasattr(config, "workerinput"):
            for option, path in (
                ("--emit-manifests", options.emit_dir),
                ("--cache-dir", options.cache_dir),
            ):
                if path is not None:
                    check_writable_folder(path, option)
            if options.compare_to is not None:
                from inspections.outputs.previous_build import check_comparison_source

                check_comparison_source(options.compare_to, "--compare-to")
        facts = run_facts(config, folder)
    except StackInspectionError as error:
        raise pytest.UsageError(str(error)) from error
    if config.args_source == pytest.Config.ArgsSource.INVOCATION_DIR:
        paths = default_paths(stack, plan.images, options.shared_tests, options.image_tests)
        config.args = [str(path) for path in paths]
    session = StackSession(config, options, stack, plan, facts)
    config.stash[SESSION] = session
    config.pluginmanager.register(session, PLUGIN_NAMES[0])
    config.pluginmanager.register(fixtures, PLUGIN_NAMES[1])
    if config.pluginmanager.hasplugin("xdist"):
        hooks = XdistHooks(session.items.image_of_nodeid, session.resources, facts)
        config.pluginmanager.register(hooks, PLUGIN_NAMES[2])
    invocation.stop_on_sigterm(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Switch the plugin off: unregister what `pytest_configure` registered."""
    from inspections.plugin.session import SESSION

    if SESSION not in config.stash:
        return
    for name in PLUGIN_NAMES:
        plugin = config.pluginmanager.get_plugin(name)
        if plugin is not None:
            config.pluginmanager.unregister(plugin, name)
    del config.stash[SESSION]
    invocation.restore_sigterm(config)
