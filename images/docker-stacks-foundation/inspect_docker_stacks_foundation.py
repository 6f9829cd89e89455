"""docker-stacks-foundation: the root declares the tags and manifest pieces of every image,
and the inventories of the packages they list (for SBOMs and change reports).

Naming a library inspection here declares it; tags and pieces follow the order of the lines.
"""

from inspections.library import apt, build, conda, python, system

sha_tag = build.sha_tag
date_tag = build.date_tag
os_tag = system.os_tag
python_minor_tag = python.python_minor_tag
python_version_tag = python.python_version_tag
mamba_tag = conda.mamba_tag
conda_tag = conda.conda_tag
conda_packages_manifest = conda.conda_packages_manifest
apt_packages_manifest = apt.apt_packages_manifest
conda_inventory = conda.conda_inventory
apt_inventory = apt.apt_inventory
