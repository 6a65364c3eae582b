"""Word vectors seen through two named feature axes of the toy space.

The toy space has eight named features (:data:`selfattention.embeddings.FEATURES`).
A *view* keeps two of them, say ``technology`` across and ``fruit`` up, and
draws each word as an arrow from the origin to its point, with its name beside
it. Nothing here depends on telling colours apart: every role (a word of the
sentence, the chosen word, a fallback vector, a static or a mixed vector) has
its own marker and line style as well as its own colour, taken from the
Okabe-Ito palette, which stays distinct under the common colour-vision
deficiencies.

:func:`feature_view` returns a :class:`FeatureView` handle. Its ``update``
method redraws the words on the same axes, which is what the widgets call
for every change of a control.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from ._arrays import to_numpy
from .embeddings import FEATURES

__all__ = [
    "INPUT_ROLES",
    "STYLES",
    "FeatureView",
    "Style",
    "check_feature",
    "convex_hull",
    "feature_view",
    "view_limits",
]


@dataclass(frozen=True)
class Style:
    """How one role is drawn: colour, marker, line style of its arrow, and a legend text."""

    colour: str
    marker: str
    linestyle: str
    size: float
    legend: str


STYLES: dict[str, Style] = {
    "word": Style("#0072B2", "o", "--", 60, "word of the sentence"),
    "focus": Style("#D55E00", "*", "-", 260, "chosen word"),
    "fallback": Style("#CC79A7", "X", ":", 110, "unknown word (fallback)"),
    "focus_fallback": Style("#CC79A7", "*", ":", 260, "chosen word (fallback)"),
    "static": Style("#E69F00", "s", "--", 90, "static vector"),
    "mixed": Style("#009E73", "D", "-", 110, "mixed vector"),
    "invalid": Style("#000000", "v", ":", 110, "mix with bad weights"),
}
"""Role name -> :class:`Style`. Colours from the Okabe-Ito palette."""

INPUT_ROLES = frozenset({"word", "focus", "fallback", "focus_fallback", "static"})
"""Roles of the vectors a mix is made from; ``"mixed"`` and ``"invalid"`` are results."""

# Where a label goes relative to its point (offset in points, alignment), in order of preference.
_CORNERS = [(6, 6, "left"), (6, -14, "left"), (-6, 6, "right"), (-6, -14, "right")]
_LABEL_BOX = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}
_HULL = "#56B4E9"  # Okabe-Ito sky blue, for the shaded region
# Whose label gets the first choice of corner.
_LABEL_ORDER = ["focus", "focus_fallback", "mixed", "static", "invalid", "word", "fallback"]


def _renderer(fig):
    """A renderer for measuring text, whatever canvas the figure has."""
    canvas = fig.canvas
    if hasattr(canvas, "get_renderer"):
        return canvas.get_renderer()
    return fig._get_renderer()  # a bare Figure (matplotlib >= 3.6)


def _overlap_area(a, b) -> float:
    """The area two window extents (Bbox) share, in square pixels."""
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return max(width, 0.0) * max(height, 0.0)


def check_feature(name: str, argument: str, features: Sequence[str] = FEATURES) -> int:
    """The position of feature ``name``, or a clear error naming ``argument``.

    Raises ``TypeError`` if ``name`` is not a string and ``ValueError`` if it
    is not one of ``features``.
    """
    if not isinstance(name, str):
        raise TypeError(f"{argument} must be a feature name (a string), got {type(name).__name__}")
    if name not in features:
        raise ValueError(
            f"{argument}={name!r} is not a feature; choose one of {', '.join(features)}"
        )
    return list(features).index(name)


def view_limits(points, margin: float = 0.6) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits that show every point and the origin, with a margin.

    Parameters
    ----------
    points : array_like, shape (n, 2)
        Positions in the view.
    margin : float
        Space added on every side, in feature units.

    Returns
    -------
    (x_min, x_max), (y_min, y_max)
    """
    points = to_numpy(points).reshape(-1, 2)
    points = np.vstack([points, np.zeros((1, 2))])
    low, high = points.min(axis=0) - margin, points.max(axis=0) + margin
    return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))


def convex_hull(points) -> np.ndarray:
    """Corners of the smallest convex polygon holding every point, anticlockwise.

    With weights that are non-negative and sum to 1, a mix of vectors can land
    anywhere in this polygon (in the view) and nowhere outside it.

    Parameters
    ----------
    points : array_like, shape (n, 2)

    Returns
    -------
    corners : numpy.ndarray, shape (m, 2)
        ``m <= n`` corners (Andrew's monotone chain); a single point or a
        segment when the points do not span an area.
    """
    points = to_numpy(points)
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] == 0:
        raise ValueError(f"points must have shape (n, 2) with n >= 1, got shape {points.shape}")
    unique = sorted({(float(x), float(y)) for x, y in points})
    if len(unique) <= 2:
        return np.array(unique)

    def cross(o, a, b) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    def half(ordered):
        chain: list[tuple[float, float]] = []
        for point in ordered:
            while len(chain) >= 2 and cross(chain[-2], chain[-1], point) <= 0:
                chain.pop()
            chain.append(point)
        return chain

    lower, upper = half(unique), half(reversed(unique))
    return np.array(lower[:-1] + upper[:-1])


@dataclass
class FeatureView:
    """Handle on a view drawn by :func:`feature_view`.

    Attributes
    ----------
    ax : matplotlib Axes
    x_feature, y_feature : str
        The two features on the horizontal and vertical axes.
    names, roles : list of str
        What is drawn now, one entry per vector.
    points : numpy.ndarray, shape (n, 2)
        Where each vector lands in the view.
    fixed_limits : tuple or None
        Limits kept across updates, or ``None`` to fit the points each time.
    """

    ax: Axes
    x_feature: str
    y_feature: str
    features: tuple[str, ...]
    diagonal: str | None
    fixed_limits: tuple | None
    title: str | None
    hull: str | None = None
    legend: dict[str, str] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    points: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    artists: list = field(default_factory=list)

    def update(
        self,
        names: Sequence[str],
        vectors,
        roles: Sequence[str] | None = None,
        *,
        x_feature: str | None = None,
        y_feature: str | None = None,
        limits: tuple | None = None,
        title: str | None = None,
    ) -> None:
        """Draw a new set of vectors (and optionally new axes) on the same axes.

        Parameters
        ----------
        names : sequence of str, length n
            The label written beside each vector.
        vectors : array_like, shape (n, len(features))
            Full feature vectors; the view keeps the two chosen features.
        roles : sequence of str, length n, optional
            A key of :data:`STYLES` for each vector; ``"word"`` by default.
        x_feature, y_feature : str, optional
            Change the axes of the view.
        limits : ((x_min, x_max), (y_min, y_max)), optional
            Keep these limits from now on; by default limits set earlier are
            kept, or else the view fits the points and the origin.
        title : str, optional
            A new title for the axes.
        """
        vectors = to_numpy(vectors)
        names = [str(name) for name in names]
        if vectors.ndim == 1:
            vectors = vectors[None, :]
        if vectors.ndim != 2 or vectors.shape[1] != len(self.features):
            raise ValueError(
                f"vectors must have shape (n, {len(self.features)}) (one value per feature), "
                f"got shape {vectors.shape}"
            )
        if len(names) != vectors.shape[0]:
            raise ValueError(
                f"names has {len(names)} entries but there are {vectors.shape[0]} vectors"
            )
        roles = ["word"] * len(names) if roles is None else [str(role) for role in roles]
        if len(roles) != len(names):
            raise ValueError(f"roles has {len(roles)} entries but there are {len(names)} vectors")
        unknown = sorted(set(roles) - set(STYLES))
        if unknown:
            raise ValueError(f"unknown role(s) {unknown}; choose from {', '.join(STYLES)}")
        x_feature = self.x_feature if x_feature is None else x_feature
        y_feature = self.y_feature if y_feature is None else y_feature
        i = check_feature(x_feature, "x_feature", self.features)
        j = check_feature(y_feature, "y_feature", self.features)
        if limits is not None:
            self.fixed_limits = limits
        if title is not None:
            self.title = title

        points = vectors[:, [i, j]]  # (n, d_model) -> (n, 2): keep the two chosen features
        self._clear()
        self.x_feature, self.y_feature = x_feature, y_feature
        self.names, self.roles, self.points = names, roles, points
        self._draw()

    def _clear(self) -> None:
        for artist in self.artists:
            artist.remove()
        self.artists = []
        legend = self.ax.get_legend()
        if legend is not None:
            legend.remove()

    def _draw(self) -> None:
        ax = self.ax
        (x_min, x_max), (y_min, y_max) = self.fixed_limits or view_limits(self.points)
        ax.set_xlim(x_min, x_max)
        ax.set_ylim(y_min, y_max)
        ax.set_xlabel(f"{self.x_feature} →")
        ax.set_ylabel(f"{self.y_feature} →")
        if self.title:
            ax.set_title(self.title)
        self.artists += [
            ax.axhline(0, color="grey", linewidth=0.7, zorder=0),
            ax.axvline(0, color="grey", linewidth=0.7, zorder=0),
        ]
        if self.diagonal:
            low, high = max(x_min, y_min), min(x_max, y_max)
            if high > low:
                (line,) = ax.plot(
                    [low, high], [low, high], color="grey", linestyle="-.", linewidth=1, zorder=0
                )
                line.set_label(self.diagonal)
                self.artists.append(line)
        if self.hull:
            inputs = [p for p, role in zip(self.points, self.roles) if role in INPUT_ROLES]
            if inputs:
                corners = convex_hull(inputs)
                (patch,) = ax.fill(
                    corners[:, 0], corners[:, 1], facecolor=_HULL, alpha=0.18,
                    edgecolor=_HULL, hatch="..", linewidth=0.8, zorder=1,
                )
                self.artists.append(patch)

        # Arrows and markers, one per vector.
        for (x, y), role in zip(self.points, self.roles):
            style = STYLES[role]
            arrow = ax.annotate(
                "", xy=(x, y), xytext=(0, 0), zorder=2,
                arrowprops=dict(
                    arrowstyle="-|>", color=style.colour, linestyle=style.linestyle,
                    linewidth=1.4, shrinkA=0, shrinkB=4, mutation_scale=12,
                ),
            )
            marker = ax.scatter(
                [x], [y], s=style.size, marker=style.marker, color=style.colour,
                edgecolor="black", linewidth=0.6, zorder=5,
            )
            self.artists += [arrow, marker]

        # One label per distinct position, so words that coincide ("the", "the") share it.
        # Each label tries the four corners around its point and takes the first whose
        # drawn text overlaps no label placed before it (or, failing that, the least bad).
        renderer = _renderer(ax.figure)
        placed: list = []  # window extents of the labels drawn so far
        for (x, y), label in self._labels():
            # near the right edge, try the corners left of the point first
            order = [2, 3, 0, 1] if (x - x_min) > 0.75 * (x_max - x_min) else [0, 1, 2, 3]
            best = None
            for corner in order:
                dx, dy, ha = _CORNERS[corner]
                text = ax.annotate(
                    label, xy=(x, y), xytext=(dx, dy), textcoords="offset points",
                    ha=ha, fontsize=9, zorder=4, bbox=_LABEL_BOX,
                )
                box = text.get_window_extent(renderer)
                overlap = sum(_overlap_area(box, other) for other in placed)
                if best is None or overlap < best[0]:
                    if best is not None:
                        best[1].remove()
                    best = (overlap, text, box)
                else:
                    text.remove()
                if overlap == 0:
                    break
            placed.append(best[2])
            self.artists.append(best[1])

        handles = [
            Line2D(
                [], [], color=STYLES[role].colour, marker=STYLES[role].marker,
                linestyle=STYLES[role].linestyle, markeredgecolor="black", markersize=8,
                label=self.legend.get(role, STYLES[role].legend),
            )
            for role in dict.fromkeys(self.roles)
        ]
        if self.diagonal:
            handles.append(Line2D([], [], color="grey", linestyle="-.", label=self.diagonal))
        if self.hull:
            handles.append(
                Patch(facecolor=_HULL, alpha=0.35, edgecolor=_HULL, hatch="..", label=self.hull)
            )
        ax.legend(
            handles=handles, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, fontsize=8
        )

    def _labels(self) -> list[tuple[tuple[float, float], str]]:
        """(position, text) per distinct position; the most important roles first."""
        groups: dict[tuple[float, float], list[str]] = {}
        rank: dict[tuple[float, float], int] = {}
        for (x, y), name, role in zip(self.points, self.names, self.roles):
            key = (round(float(x), 6), round(float(y), 6))
            names = groups.setdefault(key, [])
            if name not in names:
                names.append(name)
            rank[key] = min(rank.get(key, len(_LABEL_ORDER)), _LABEL_ORDER.index(role))
        keys = sorted(groups, key=rank.__getitem__)  # stable: ties keep their order
        return [(key, ", ".join(groups[key])) for key in keys]

    def describe(self) -> str:
        """A sentence listing where each vector lands, for alt text."""
        places = "; ".join(
            f"{name} at ({x:.3g}, {y:.3g})" for name, (x, y) in zip(self.names, self.points)
        )
        return f"{self.x_feature} across, {self.y_feature} up: {places}"


def feature_view(
    ax: Axes,
    names: Sequence[str],
    vectors,
    roles: Sequence[str] | None = None,
    *,
    x_feature: str = "technology",
    y_feature: str = "fruit",
    features: Sequence[str] = FEATURES,
    limits: tuple | None = None,
    diagonal: str | None = None,
    hull: str | None = None,
    legend: dict[str, str] | None = None,
    title: str | None = None,
) -> FeatureView:
    """Draw word vectors as labelled arrows in the plane of two named features.

    Parameters
    ----------
    ax : matplotlib Axes
    names : sequence of str, length n
        The label of each vector (words that land on the same point share one label).
    vectors : array_like, shape (n, len(features))
        Full feature vectors: lists, numpy arrays or tensors.
    roles : sequence of str, length n, optional
        A key of :data:`STYLES` per vector (default ``"word"`` for all).
    x_feature, y_feature : str
        The features on the horizontal and vertical axes.
    features : sequence of str
        The names of the vectors' entries, in order (the toy space's by default).
    limits : ((x_min, x_max), (y_min, y_max)), optional
        Fixed limits; by default they fit the points and the origin at every update.
    diagonal : str, optional
        If given, draw the line where both features are equal, with this legend text.
    hull : str, optional
        If given, shade the convex hull of the input vectors (every role in
        :data:`INPUT_ROLES`), with this legend text: the region a mix with
        proper weights can reach.
    legend : dict, optional
        Role -> legend text, replacing the default text of :data:`STYLES` for those roles.
    title : str, optional

    Returns
    -------
    FeatureView
        Call its ``update`` to redraw with new vectors.
    """
    features = tuple(features)
    check_feature(x_feature, "x_feature", features)
    check_feature(y_feature, "y_feature", features)
    ax.spines[["top", "right"]].set_visible(False)
    legend = dict(legend or {})
    unknown = sorted(set(legend) - set(STYLES))
    if unknown:
        raise ValueError(f"legend names unknown role(s) {unknown}; choose from {', '.join(STYLES)}")
    view = FeatureView(ax, x_feature, y_feature, features, diagonal, limits, title, hull, legend)
    view.update(names, vectors, roles)
    return view
