"""Package inventories, CycloneDX SBOMs and change reports between two builds of an image.

Pure library code: no pytest hooks, no Docker. Import the submodule you need, for example
`inspections.inventory.parsers.apt` or `inspections.inventory.changes`; this package imports
nothing itself, so that loading the plugin stays quick (the SBOM library is heavy).
"""
