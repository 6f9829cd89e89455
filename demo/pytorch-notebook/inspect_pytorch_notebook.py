"""pytorch-notebook: the PyTorch version."""

from inspections.library import pytorch

pytorch_tag = pytorch.pytorch_tag
