"""Shared fixtures: every backend test runs on numpy, torch-cpu and torch-cuda.

Code that exists only for torch (the trained model, its training loop, the
pretrained encoder) takes ``torch_backend`` instead: torch-cpu and torch-cuda.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from js_helpers import js  # noqa: F401  (the fixture that runs the widgets' JS under Node)

TORCH_BACKENDS = ["torch-cpu", "torch-cuda"]
BACKENDS = ["numpy", *TORCH_BACKENDS]


class Backend:
    """Makes inputs in one backend and checks that results come back in it."""

    def __init__(self, name: str):
        self.name = name
        self.device = "cuda" if name == "torch-cuda" else "cpu"

    def asarray(self, values, dtype=np.float64):
        array = np.asarray(values, dtype=dtype)
        if self.name == "numpy":
            return array
        return torch.from_numpy(array).to(self.device)

    def to_numpy(self, result) -> np.ndarray:
        """Convert a result to numpy, asserting it came back in this backend."""
        if self.name == "numpy":
            assert isinstance(result, (np.ndarray, np.generic)), type(result)
            return np.asarray(result)
        assert isinstance(result, torch.Tensor), type(result)
        assert result.device.type == self.device, result.device
        return result.detach().cpu().numpy()

    def __repr__(self) -> str:
        return self.name


def _backend(name: str) -> Backend:
    if name == "torch-cuda" and not torch.cuda.is_available():
        pytest.skip("no CUDA device on this machine")
    return Backend(name)


@pytest.fixture(params=BACKENDS)
def backend(request) -> Backend:
    return _backend(request.param)


@pytest.fixture(params=TORCH_BACKENDS)
def torch_backend(request) -> Backend:
    """A torch backend only, for code that has no numpy version."""
    return _backend(request.param)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261122)
