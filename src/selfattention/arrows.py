"""Drawing 2-D vectors as arrows from the origin, with the angle between them.

The dot product chapter draws two vectors ``a`` and ``b``, the arc of the
angle between them, and the "shadow" of ``b`` on the line of ``a`` (its
projection), because ``a · b = |a| × (signed length of that shadow)``.
:func:`vector_pair` draws all of it and returns a handle whose ``update``
moves everything in place, so a widget can redraw one figure again and again.

The small geometry helpers (:func:`polar_to_xy`, :func:`xy_to_polar`,
:func:`angle_between`, :func:`arc_points`) work on plain numbers and numpy
arrays. Angles are in degrees, measured anticlockwise from the x axis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import FancyArrowPatch
from matplotlib.text import Text

from ._arrays import check_int
from .plotting import CMAP

__all__ = [
    "polar_to_xy",
    "xy_to_polar",
    "angle_between",
    "arc_points",
    "VectorPair",
    "vector_pair",
]

COLOURS = (matplotlib.colormaps[CMAP](0.15), matplotlib.colormaps[CMAP](0.62))
"""Colours of the first and second arrow (two well-separated viridis shades)."""

LINESTYLES = ("-", "--")
"""The arrows also differ in line style, so colour is never the only cue."""


def _vector_2d(vector, name: str) -> np.ndarray:
    if hasattr(vector, "detach"):
        vector = vector.detach().cpu().numpy()
    try:
        array = np.asarray(vector, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be two real numbers (x, y), got {vector!r}") from None
    if array.shape != (2,):
        raise ValueError(f"{name} must be a 2-D vector of shape (2,), got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite numbers, got {array.tolist()}")
    return array


def polar_to_xy(length: float, angle: float) -> np.ndarray:
    """The vector of a given length pointing at ``angle`` degrees.

    Parameters
    ----------
    length : float
        Must be >= 0.
    angle : float
        Degrees, anticlockwise from the x axis.

    Returns
    -------
    numpy.ndarray, shape (2,)

    >>> polar_to_xy(2.0, 90.0).round(12)
    array([0., 2.])
    """
    length, angle = float(length), float(angle)
    if not (math.isfinite(length) and math.isfinite(angle)):
        raise ValueError(f"length and angle must be finite, got length={length}, angle={angle}")
    if length < 0:
        raise ValueError(f"length must be >= 0, got {length}")
    radians = math.radians(angle)
    return np.array([length * math.cos(radians), length * math.sin(radians)])


def xy_to_polar(vector) -> tuple[float, float]:
    """Length and direction of a 2-D vector.

    Returns
    -------
    length : float
    angle : float
        Degrees in (-180, 180]; 0 for the zero vector.

    >>> xy_to_polar([0.0, -3.0])
    (3.0, -90.0)
    """
    x, y = _vector_2d(vector, "vector")
    return float(math.hypot(x, y)), float(math.degrees(math.atan2(y, x)))


def angle_between(a, b) -> float:
    """The angle from ``a`` to ``b`` in degrees, in [0, 180], found from their directions alone.

    It uses only where each vector points (``atan2`` of each one separately),
    never their dot product, so it can check the dot product's geometry.
    """
    a, b = _vector_2d(a, "a"), _vector_2d(b, "b")
    for name, vector in (("a", a), ("b", b)):
        if not vector.any():
            raise ValueError(f"{name} is the zero vector, which has no direction")
    turn = xy_to_polar(b)[1] - xy_to_polar(a)[1]
    return float(abs((turn + 180.0) % 360.0 - 180.0))


def arc_points(start: float, end: float, radius: float, n: int = 48) -> np.ndarray:
    """Points along the circular arc from ``start`` to ``end`` degrees, the short way round.

    Returns
    -------
    numpy.ndarray, shape (n, 2)
        The first point is at ``start`` and the last at ``end``.
    """
    n = check_int(n, "n", minimum=2)
    if not radius > 0:
        raise ValueError(f"radius must be > 0, got {radius}")
    turn = (end - start + 180.0) % 360.0 - 180.0  # signed, in [-180, 180)
    angles = np.radians(start + np.linspace(0.0, turn, n))
    return radius * np.column_stack([np.cos(angles), np.sin(angles)])


@dataclass
class VectorPair:
    """Handle on the drawing made by :func:`vector_pair`."""

    ax: Axes
    arrows: tuple[FancyArrowPatch, FancyArrowPatch]
    tip_labels: tuple[Text, Text]
    names: tuple[str, str]
    arc: Line2D
    arc_label: Text
    shadow: Line2D | None
    drop: Line2D | None

    def update(self, a, b) -> None:
        """Move both arrows, the angle arc and the projection to new vectors."""
        a, b = _vector_2d(a, "a"), _vector_2d(b, "b")
        for arrow, label, name, vector in zip(self.arrows, self.tip_labels, self.names, (a, b)):
            arrow.set_positions((0.0, 0.0), tuple(vector))
            length = np.hypot(*vector)
            offset = vector / length * 0.35 if length > 0 else np.zeros(2)
            label.set_position(tuple(vector + offset))
            label.set_text(name)
        if not a.any() or not b.any():
            self.arc.set_data([], [])
            self.arc_label.set_text("")
            if self.shadow is not None:
                self.shadow.set_data([], [])
                self.drop.set_data([], [])
            return
        theta = angle_between(a, b)
        radius = max(0.3 * min(np.hypot(*a), np.hypot(*b)), 0.25)
        points = arc_points(xy_to_polar(a)[1], xy_to_polar(b)[1], radius)
        self.arc.set_data(points[:, 0], points[:, 1])
        self.arc_label.set_text(f"angle θ = {theta:.0f}°")
        if self.shadow is not None:
            foot = (a @ b) / (a @ a) * a  # (2,) @ (2,) -> scalar, times a: b's projection on a
            self.shadow.set_data([0.0, foot[0]], [0.0, foot[1]])
            self.drop.set_data([b[0], foot[0]], [b[1], foot[1]])


def vector_pair(
    ax: Axes,
    a,
    b,
    *,
    names: Sequence[str] = ("a", "b"),
    limit: float = 5.5,
    projection: bool = True,
    title: str | None = None,
) -> VectorPair:
    """Draw ``a`` and ``b`` as arrows from the origin, with the angle between them.

    Parameters
    ----------
    ax : matplotlib Axes
    a, b : array_like, shape (2,)
    names : pair of str
        Written at the arrow tips.
    limit : float
        The axes show ``[-limit, limit]`` in both directions, on an equal scale.
    projection : bool
        Also draw ``b``'s shadow on the line of ``a`` (a thick translucent
        segment) and the dotted drop from ``b``'s tip to it.
    """
    names = tuple(str(name) for name in names)
    if len(names) != 2:
        raise ValueError(f"names must hold two labels, got {len(names)}")
    if not limit > 0:
        raise ValueError(f"limit must be > 0, got {limit}")
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.axhline(0.0, color="grey", linewidth=0.6, zorder=0)
    ax.axvline(0.0, color="grey", linewidth=0.6, zorder=0)
    ax.grid(True, linewidth=0.3, alpha=0.6)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    if title:
        ax.set_title(title)
    arrows = []
    labels = []
    for colour, style in zip(COLOURS, LINESTYLES):
        arrow = FancyArrowPatch(
            (0.0, 0.0), (1.0, 0.0), arrowstyle="-|>", mutation_scale=18, color=colour,
            shrinkA=0, shrinkB=0,
            linewidth=2.2, linestyle=style, zorder=3,
        )
        ax.add_patch(arrow)
        arrows.append(arrow)
        labels.append(ax.text(0, 0, "", color=colour, fontsize=12, fontweight="bold",
                              ha="center", va="center"))
    (arc,) = ax.plot([], [], color="black", linewidth=1.2)
    arc_label = ax.text(0.03, 0.97, "", fontsize=11, ha="left", va="top", transform=ax.transAxes)
    shadow = drop = None
    if projection:
        (shadow,) = ax.plot([], [], color=COLOURS[1], linewidth=7, alpha=0.35,
                            solid_capstyle="butt", label=f"shadow of {names[1]} on {names[0]}'s line", zorder=2)
        (drop,) = ax.plot([], [], color="black", linestyle=":", linewidth=1.2, zorder=2)
    handle = VectorPair(ax, (arrows[0], arrows[1]), (labels[0], labels[1]), names, arc,
                        arc_label, shadow, drop)
    handle.update(a, b)
    return handle
