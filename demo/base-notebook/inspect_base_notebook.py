"""base-notebook: the versions of the Jupyter applications."""

from inspections.library import jupyter

notebook_tag = jupyter.notebook_tag
lab_tag = jupyter.lab_tag
hub_tag = jupyter.hub_tag
