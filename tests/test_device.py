"""pick_device: the best available device, or a clear error."""

from __future__ import annotations

import pytest
import torch

import selfattention as sa


def test_auto_gives_the_best_available_device():
    expected = "cuda" if torch.cuda.is_available() else ("mps" if torch.backends.mps.is_available() else "cpu")
    assert sa.pick_device() == expected
    assert sa.pick_device("auto") == expected
    assert sa.available_devices()[0] == expected


def test_cpu_is_always_there():
    assert sa.pick_device("cpu") == "cpu"
    assert sa.pick_device(" CPU ") == "cpu"
    assert torch.ones(1, device=sa.pick_device()).sum().item() == 1


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_asking_for_a_missing_gpu_is_an_error():
    with pytest.raises(ValueError, match="no cuda device.*available: \\['cpu'\\]"):
        sa.pick_device("cuda")


@pytest.mark.parametrize("name", ["tpu", "gpu", "", "cuda:9"])
def test_unknown_device_names_are_refused(name):
    with pytest.raises(ValueError, match="prefer must be one of"):
        sa.pick_device(name)


def test_device_name_must_be_a_string():
    with pytest.raises(TypeError, match="prefer must be a string"):
        sa.pick_device(0)
