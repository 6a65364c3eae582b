"""Choosing where tensors live: a CUDA GPU, Apple's MPS, or the CPU."""

from __future__ import annotations

import torch

__all__ = ["pick_device", "available_devices"]

_KNOWN = ("auto", "cuda", "mps", "cpu")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def available_devices() -> list[str]:
    """The device names usable on this machine, fastest first."""
    found = []
    if torch.cuda.is_available():
        found.append("cuda")
    if _mps_available():
        found.append("mps")
    found.append("cpu")
    return found


def pick_device(prefer: str = "auto") -> str:
    """Return a device name for torch: ``"cuda"``, ``"mps"`` or ``"cpu"``.

    Parameters
    ----------
    prefer : {"auto", "cuda", "mps", "cpu"}
        ``"auto"`` takes the fastest one available: a CUDA GPU, else Apple's
        MPS, else the CPU. Naming a device asks for exactly that one, and it
        is an error if this machine does not have it.

    Raises
    ------
    TypeError
        If ``prefer`` is not a string.
    ValueError
        If ``prefer`` is not a known device name, or names a device this
        machine does not have.
    """
    if not isinstance(prefer, str):
        raise TypeError(f"prefer must be a string, one of {_KNOWN}, got {type(prefer).__name__}")
    name = prefer.strip().lower()
    if name not in _KNOWN:
        raise ValueError(f"prefer must be one of {_KNOWN}, got {prefer!r}")
    available = available_devices()
    if name == "auto":
        return available[0]
    if name not in available:
        raise ValueError(
            f"prefer={prefer!r} but this machine has no {name} device; "
            f"available: {available}. Use pick_device('auto') to take the best one."
        )
    return name
