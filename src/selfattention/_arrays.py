"""Turn what a reader passes in into checked torch tensors, and turn results back.

Every public function of the package goes through :func:`convert`. It accepts
nested lists, numpy arrays and torch tensors (on any device), checks them, and
returns tensors that the maths can use, together with a :class:`Backend` that
knows how to hand the result back in the reader's own kind of array:

* numpy array or nested list in -> numpy array out;
* torch tensor in -> torch tensor out, on the same device.

Floating dtypes are kept. Integers become floats: float64 for numpy and
lists (numpy's own habit), torch's default dtype (float32) for tensors.
When tensors and numpy arrays are mixed, the tensors decide the device and
the dtype, and the numpy arrays are moved to match.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

ArrayLike = np.ndarray | torch.Tensor | list | tuple


@dataclass(frozen=True)
class Backend:
    """Remembers whether results go back as numpy arrays or as tensors."""

    kind: str  # "numpy" or "torch"

    def restore(self, tensor: torch.Tensor) -> Any:
        """Return ``tensor`` the way the reader's inputs came in."""
        if self.kind == "torch":
            return tensor
        array = tensor.detach().cpu().numpy()
        return array[()] if array.ndim == 0 else array


def _describe(value: Any) -> str:
    if isinstance(value, (np.ndarray, torch.Tensor)):
        return f"{type(value).__module__.split('.')[0]} array of dtype {value.dtype}"
    return type(value).__name__


def _numpy_float_dtype(array: np.ndarray, name: str) -> np.dtype:
    kind = array.dtype.kind
    if kind == "f":
        return array.dtype
    if kind in "iu":
        return np.dtype(np.float64)
    if kind == "b":
        raise TypeError(
            f"{name} must hold real numbers, got booleans; "
            f"convert explicitly, for example {name}.astype(float)"
        )
    if kind == "c":
        raise TypeError(f"{name} must hold real numbers, got complex values (dtype {array.dtype})")
    raise TypeError(f"{name} must hold real numbers, got {_describe(array)}")


def _list_to_numpy(value: Any, name: str) -> np.ndarray:
    try:
        array = np.asarray(value)
    except ValueError as exc:  # ragged nesting
        raise ValueError(
            f"{name} is ragged: every row must have the same length ({exc})"
        ) from None
    if array.dtype == object:
        raise TypeError(f"{name} must hold real numbers, got {_describe(value)} of mixed objects")
    return array


def _torch_float(tensor: torch.Tensor, name: str) -> torch.Tensor:
    if tensor.dtype.is_floating_point:
        return tensor
    if tensor.dtype == torch.bool:
        raise TypeError(
            f"{name} must hold real numbers, got booleans; "
            f"convert explicitly, for example {name}.float()"
        )
    if tensor.dtype.is_complex:
        raise TypeError(f"{name} must hold real numbers, got complex values (dtype {tensor.dtype})")
    return tensor.to(torch.get_default_dtype())


def _check_finite(tensor: torch.Tensor, name: str) -> None:
    finite = torch.isfinite(tensor)
    if bool(finite.all()):
        return
    bad = torch.nonzero(~finite)[0].tolist()
    value = tensor[tuple(bad)].item()
    what = "NaN" if math.isnan(value) else str(value)
    raise ValueError(
        f"{name} contains {what} at index {tuple(bad)}; every entry must be a finite number"
    )


def _check_shape(tensor: torch.Tensor, name: str, ndim: int | None, min_ndim: int) -> None:
    shape = tuple(tensor.shape)
    if ndim is not None and tensor.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimension(s), got shape {shape}")
    if tensor.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimension(s), got shape {shape}")
    if tensor.numel() == 0:
        raise ValueError(f"{name} is empty (shape {shape}); it needs at least one entry")


def convert(
    named: dict[str, Any],
    *,
    ndim: dict[str, int] | None = None,
    min_ndim: dict[str, int] | None = None,
) -> tuple[list[torch.Tensor], Backend]:
    """Check and convert several named inputs together.

    Parameters
    ----------
    named : dict
        Argument name -> value, in the order the results should come back.
        The names appear in error messages, so use the public argument names.
    ndim, min_ndim : dict, optional
        Exact or minimum number of dimensions per argument name.

    Returns
    -------
    tensors : list of torch.Tensor
        Floating tensors on one device with one dtype.
    backend : Backend
        How to hand results back (numpy or torch).
    """
    ndim = ndim or {}
    min_ndim = min_ndim or {}
    tensors: dict[str, torch.Tensor] = {}
    arrays: dict[str, np.ndarray] = {}
    for name, value in named.items():
        if isinstance(value, torch.Tensor):
            tensors[name] = _torch_float(value, name)
        elif isinstance(value, np.ndarray):
            arrays[name] = value
        elif isinstance(value, (list, tuple)) or (
            isinstance(value, numbers.Real) and not isinstance(value, bool)
        ):
            arrays[name] = _list_to_numpy(value, name)
        else:
            raise TypeError(
                f"{name} must be a numpy array, a torch tensor or a nested list of numbers, "
                f"got {_describe(value)}"
            )

    np_dtypes = {name: _numpy_float_dtype(array, name) for name, array in arrays.items()}
    if tensors:
        devices = {name: t.device for name, t in tensors.items()}
        if len(set(devices.values())) > 1:
            listing = ", ".join(f"{n} on {d}" for n, d in devices.items())
            raise ValueError(f"inputs are on different devices ({listing}); move them to one device")
        device = next(iter(devices.values()))
        dtype = _promote(t.dtype for t in tensors.values())
        backend = Backend("torch")
    else:
        device = torch.device("cpu")
        dtype = _promote(torch.from_numpy(np.empty(0, dtype=d)).dtype for d in np_dtypes.values())
        backend = Backend("numpy")

    out = []
    for name in named:
        if name in tensors:
            tensor = tensors[name].to(dtype)
        else:
            array = np.asarray(arrays[name], dtype=np_dtypes[name], order="C")
            tensor = torch.from_numpy(array).to(device=device, dtype=dtype)
        _check_shape(tensor, name, ndim.get(name), min_ndim.get(name, 0))
        _check_finite(tensor, name)
        out.append(tensor)
    return out, backend


def _promote(dtypes) -> torch.dtype:
    result = None
    for dtype in dtypes:
        result = dtype if result is None else torch.promote_types(result, dtype)
    return result


def convert_bool(
    value: Any, like: torch.Tensor, name: str, meaning: str = "True = may attend"
) -> torch.Tensor:
    """Check a boolean array, tensor or nested list and return it on ``like``'s device.

    ``name`` and ``meaning`` (what ``True`` stands for) appear in the error
    messages; ragged lists and 0/1 numbers are refused with a clear error.
    """
    if isinstance(value, torch.Tensor):
        tensor = value
    elif isinstance(value, (np.ndarray, list, tuple)):
        array = _list_to_numpy(value, name) if not isinstance(value, np.ndarray) else value
        if array.dtype != np.bool_:
            raise TypeError(
                f"{name} must be boolean ({meaning}), got dtype {array.dtype}; "
                f"for a 0/1 array use {name}.astype(bool)"
            )
        tensor = torch.from_numpy(np.asarray(array, order="C"))
    else:
        raise TypeError(f"{name} must be a boolean array or tensor, got {_describe(value)}")
    if tensor.dtype != torch.bool:
        raise TypeError(
            f"{name} must be boolean ({meaning}), got dtype {tensor.dtype}; "
            f"for a 0/1 tensor use {name}.bool()"
        )
    return tensor.to(like.device) if tensor.device != like.device else tensor


def convert_mask(mask: Any, like: torch.Tensor, target_shape: tuple[int, ...]) -> torch.Tensor:
    """Check a boolean mask (True = may attend) and broadcast it to ``target_shape``."""
    tensor = convert_bool(mask, like, "mask")
    try:
        shape = torch.broadcast_shapes(tuple(tensor.shape), target_shape)
    except RuntimeError:
        shape = None
    if shape != target_shape:
        raise ValueError(
            f"mask has shape {tuple(tensor.shape)}, which does not broadcast to the "
            f"score shape {target_shape} (..., T_queries, T_keys)"
        )
    return tensor


def check_positive(value: Any, name: str) -> float:
    """Check that ``value`` is a finite real number > 0 and return it as a float."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number greater than 0, got {value}")
    return value


def _type_name(value: Any) -> str:
    if isinstance(value, (np.ndarray, torch.Tensor)):
        return _describe(value)
    return f"{type(value).__name__} {value!r}" if isinstance(value, str) else type(value).__name__


def check_int(
    value: Any, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """Check that ``value`` is a whole number, optionally within bounds, and return it as an int.

    Parameters
    ----------
    value : int or numpy integer
        Python ints and numpy integers (``np.int64``, ...) are accepted; bool,
        floats (even ``3.0``), strings and arrays are not.
    name : str
        The argument's name, for the error messages.
    minimum, maximum : int, optional
        Inclusive bounds.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``value`` is not an integer.
    ValueError
        If ``value`` lies outside ``[minimum, maximum]``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {_type_name(value)}")
    value = int(value)
    too_low = minimum is not None and value < minimum
    too_high = maximum is not None and value > maximum
    if too_low or too_high:
        if minimum is not None and maximum is not None:
            raise ValueError(f"{name} must be an int from {minimum} to {maximum}, got {value}")
        if too_low:
            raise ValueError(f"{name} must be at least {minimum}, got {value}")
        raise ValueError(f"{name} must be at most {maximum}, got {value}")
    return value


def check_number(
    value: Any, name: str, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    """Check that ``value`` is a finite real number, optionally within bounds; return a float.

    Parameters
    ----------
    value : int, float or numpy scalar
        Strings (even ``"2"``), bool, complex numbers and arrays are refused.
    name : str
        The argument's name, for the error messages.
    minimum, maximum : float, optional
        Inclusive bounds.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``value`` is not a real number.
    ValueError
        If ``value`` is inf or NaN, or lies outside ``[minimum, maximum]``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {_type_name(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    too_low = minimum is not None and value < minimum
    too_high = maximum is not None and value > maximum
    if too_low or too_high:
        if minimum is not None and maximum is not None:
            raise ValueError(f"{name} must lie in [{minimum:g}, {maximum:g}], got {value:g}")
        if too_low:
            raise ValueError(f"{name} must be at least {minimum:g}, got {value:g}")
        raise ValueError(f"{name} must be at most {maximum:g}, got {value:g}")
    return value


def to_numpy(values) -> np.ndarray:
    """A float numpy copy of a list, numpy array or (any-device) torch tensor.

    For drawing and display only: unlike :func:`convert`, it checks nothing.
    """
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    return np.array(values, dtype=float)
