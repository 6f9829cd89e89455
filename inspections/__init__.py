"""stack-inspections: tags and build manifests for the images of a parent/child stack."""

from inspections.api import manifest, packages, tagger
from inspections.commands import InspectionError, output_of, quoted_output, with_stderr

__all__ = [
    "InspectionError",
    "manifest",
    "output_of",
    "packages",
    "quoted_output",
    "tagger",
    "with_stderr",
]
