"""pytorch-notebook: PyTorch; its cuda11 and cuda12 variants prefix every tag with theirs."""

from inspections.library import pytorch

pytorch_tag = pytorch.pytorch_tag
