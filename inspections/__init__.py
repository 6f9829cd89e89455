"""stack-inspections: tags and build manifests for the images of a parent/child stack."""

from inspections.api import manifest, tagger
from inspections.commands import InspectionError, output_of, quoted_output, with_stderr

__all__ = [
    "InspectionError",
    "manifest",
    "output_of",
    "quoted_output",
    "tagger",
    "with_stderr",
]
