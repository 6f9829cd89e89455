"""PyTorch computes on the CPU in pytorch-notebook."""

from typing import Any


def test_torch_computes_on_the_cpu(host: Any) -> None:
    script = "import torch; print(int(torch.tensor([1, 2, 3]).sum()))"
    assert host.check_output(f'python -c "{script}"') == "6"
