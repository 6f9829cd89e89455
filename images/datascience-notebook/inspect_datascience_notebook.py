"""datascience-notebook: R and Julia with their packages, on top of scipy-notebook."""

from inspections.library import julia, r

r_tag = r.r_tag
julia_tag = julia.julia_tag
r_packages_manifest = r.r_packages_manifest
julia_packages_manifest = julia.julia_packages_manifest
r_inventory = r.r_inventory
julia_inventory = julia.julia_inventory
