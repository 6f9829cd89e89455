"""The pytest plugin: switching it on, options, the session, its items, fixtures and xdist."""
