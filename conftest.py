"""Root conftest: the plugin's `host` fixture, so it takes precedence over pytest-testinfra's."""

from inspections.plugin.fixtures import host

__all__ = ["host"]
