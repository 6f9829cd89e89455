"""What only the demo stack needs around `stack-build` (``demo/build.py`` runs ``cli.main``).

- ``minbase``: the debootstrap Debian the root image starts from
- ``wheels``: the torch wheel from pip's find-links folders
- ``verify``: images against ``expected_versions.toml``
- ``cli``: the command line: these steps around one ``stack-build`` run

The images themselves are built by ``stack-build`` (``inspections.building``), with the host's
CA bundle as the build secret ``ca``.
"""
