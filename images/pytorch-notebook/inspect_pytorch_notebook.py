"""pytorch-notebook: PyTorch; its cuda12 and cuda13 variants prefix every tag with theirs."""

from inspections.library import pytorch

pytorch_tag = pytorch.pytorch_tag
