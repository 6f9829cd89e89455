"""julia-notebook: Julia and its packages."""

from inspections.library import julia

julia_tag = julia.julia_tag
julia_packages_manifest = julia.julia_packages_manifest
julia_inventory = julia.julia_inventory
