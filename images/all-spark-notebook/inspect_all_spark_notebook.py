"""all-spark-notebook: R and its packages, on top of pyspark-notebook."""

from inspections.library import r

r_tag = r.r_tag
r_packages_manifest = r.r_packages_manifest
r_inventory = r.r_inventory
