"""Prints torch.randn(4) after torch.manual_seed(0) with stock PyTorch, comma-separated (repr precision)."""
import torch

torch.manual_seed(0)
print(",".join(repr(float(v)) for v in torch.randn(4)))
