"""docker-stacks-foundation: the tags and manifest pieces every demo image has.

The demo stack has no conda: Python packages come from pip, so it records `pip list`.
"""

from inspections.library import apt, build, python, system

sha_tag = build.sha_tag
date_tag = build.date_tag
os_tag = system.os_tag
python_minor_tag = python.python_minor_tag
python_version_tag = python.python_version_tag
pip_packages_manifest = python.pip_packages_manifest
apt_packages_manifest = apt.apt_packages_manifest
pip_inventory = python.pip_inventory
apt_inventory = apt.apt_inventory
