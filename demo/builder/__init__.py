"""The demo stack's builder, one module per job (``demo/build.py`` runs ``cli.main``).

- ``stack``: the declaration (``stack.toml``, ``<image>/image.toml``) and the build order
- ``engine``: the Docker client: engine check, image inspection, clean-up
- ``logs``: commands whose output goes to a log file
- ``minbase``: the debootstrap Debian the root image starts from
- ``wheels``: the torch wheel from pip's find-links folders
- ``inputs``: the hash of an image's build inputs
- ``images``: building one image unless it is up to date
- ``verify``: images against ``expected_versions.toml``
- ``report``: one line per image and the summary
- ``cli``: the command line

Standard library only.
"""
