"""The dot product explorer: two 2-D vectors, set by angle and length or by coordinates.

The reader turns and stretches two arrows and watches three numbers that
must agree: the sum of products of the coordinates, the product of the
lengths and the cosine of the angle between the arrows, and the cosine
similarity, which ignores the lengths.
"""

from __future__ import annotations

import math

import ipywidgets as widgets
import numpy as np

from .._arrays import check_number
from ..arrows import angle_between, polar_to_xy, vector_pair, xy_to_polar
from ..html_tables import Markup, text_table
from ..plotting import figure_png, new_figure
from ..similarity import cosine_similarity, dot
from ._live import SnapshotMixin, alert_html, snapshot_html

__all__ = ["DotProductExplorer"]

_LABEL_STYLE = {"description_width": "9em"}
_WIDE = widgets.Layout(width="30em")
_BOX = widgets.Layout(width="12em")
MAX_LENGTH = 5.0
"""The longest vector the sliders (and the drawing) allow."""


def _check_polar(length: float, angle: float, name: str) -> None:
    if not 0 < length <= MAX_LENGTH:
        raise ValueError(f"the length of {name} must lie in (0, {MAX_LENGTH:g}], got {length:g}")
    if not -180 <= angle <= 180:
        raise ValueError(f"the angle of {name} must lie in [-180, 180] degrees, got {angle:g}")


class DotProductExplorer(SnapshotMixin, widgets.VBox):
    """Turn and stretch two vectors; watch the dot product, |a||b|cos θ and the cosine.

    Parameters
    ----------
    length_a, angle_a : float
        Starting length (in (0, 5]) and direction (degrees, in [-180, 180]) of ``a``.
    length_b, angle_b : float
        The same for ``b``.

    Attributes
    ----------
    length_a, angle_a, length_b, angle_b : ipywidgets.FloatSlider
        The polar controls.
    a_x, a_y, b_x, b_y : ipywidgets.FloatText
        The same vectors by coordinates; editing one moves the sliders.
    a, b : numpy.ndarray, shape (2,)
        The vectors currently drawn.
    dot_product, lengths_times_cosine, cosine, theta : float
        The numbers currently shown (theta in degrees).
    """

    def __init__(
        self,
        length_a: float = 3.0,
        angle_a: float = 20.0,
        length_b: float = 2.0,
        angle_b: float = 80.0,
    ):
        length_a, angle_a, length_b, angle_b = (
            check_number(value, name)
            for value, name in ((length_a, "length_a"), (angle_a, "angle_a"),
                                (length_b, "length_b"), (angle_b, "angle_b"))
        )
        _check_polar(length_a, angle_a, "a")
        _check_polar(length_b, angle_b, "b")
        self._syncing = False

        def slider(value, low, high, step, description, fmt):
            return widgets.FloatSlider(
                value=value, min=low, max=high, step=step, description=description,
                style=_LABEL_STYLE, layout=_WIDE, readout_format=fmt,
            )

        self.length_a = slider(length_a, 0.1, MAX_LENGTH, 0.1, "length of a", ".1f")
        self.angle_a = slider(angle_a, -180, 180, 1, "angle of a (°)", ".0f")
        self.length_b = slider(length_b, 0.1, MAX_LENGTH, 0.1, "length of b", ".1f")
        self.angle_b = slider(angle_b, -180, 180, 1, "angle of b (°)", ".0f")
        self.a_x, self.a_y, self.b_x, self.b_y = (
            widgets.FloatText(description=text, style={"description_width": "3em"}, layout=_BOX)
            for text in ("a: x", "a: y", "b: x", "b: y")
        )
        self.image = widgets.Image(format="png", layout=widgets.Layout(max_width="100%"))
        self.table = widgets.HTML()
        self.message = widgets.HTML()

        self._figure = new_figure(4.6, 4.6)
        ax = self._figure.add_subplot()
        a, b = polar_to_xy(length_a, angle_a), polar_to_xy(length_b, angle_b)
        self._drawing = vector_pair(ax, a, b, limit=MAX_LENGTH + 0.5)
        ax.legend(loc="lower left", frameon=False, fontsize=8)
        self._figure.tight_layout()

        self._polar = [self.length_a, self.angle_a, self.length_b, self.angle_b]
        self._coordinates = [self.a_x, self.a_y, self.b_x, self.b_y]
        for control in self._polar:
            control.observe(self._on_polar, names="value")
        for control in self._coordinates:
            control.observe(self._on_coordinates, names="value")
        super().__init__(
            [
                widgets.HTML("<b>Dot product explorer</b>"),
                widgets.HTML("Vector <b>a</b> (solid arrow)"),
                self.length_a,
                self.angle_a,
                widgets.HTML("Vector <b>b</b> (dashed arrow)"),
                self.length_b,
                self.angle_b,
                widgets.HTML("Or type the coordinates:"),
                widgets.HBox([self.a_x, self.a_y]),
                widgets.HBox([self.b_x, self.b_y]),
                widgets.HBox([self.image, self.table]),
                self.message,
            ]
        )
        self._show(a, b)
        self._sync_coordinates()

    # --- reacting to the controls ------------------------------------------------------

    def _on_polar(self, change) -> None:
        if self._syncing:
            return
        self._attempt(self._from_polar)

    def _on_coordinates(self, change) -> None:
        if self._syncing:
            return
        self._attempt(self._from_coordinates)

    def _attempt(self, read_vectors) -> None:
        try:
            a, b = read_vectors()
            self._show(a, b)
        except Exception as exc:  # keep the widget alive and say what went wrong
            self.message.value = alert_html(exc, "The previous vectors are kept.")
            self._sync_polar()
            self._sync_coordinates()
            return
        self.message.value = ""
        if read_vectors == self._from_coordinates:
            self._sync_polar()  # the sliders follow the typed coordinates
        else:
            self._sync_coordinates()  # the coordinate boxes follow the sliders

    def _from_polar(self):
        return (
            polar_to_xy(self.length_a.value, self.angle_a.value),
            polar_to_xy(self.length_b.value, self.angle_b.value),
        )

    def _from_coordinates(self):
        a = np.array([self.a_x.value, self.a_y.value], dtype=float)
        b = np.array([self.b_x.value, self.b_y.value], dtype=float)
        for name, vector in (("a", a), ("b", b)):
            length = math.hypot(*vector)
            if not np.isfinite(vector).all():
                raise ValueError(f"the coordinates of {name} must be finite numbers")
            if length == 0:
                raise ValueError(f"{name} is the zero vector, which has no direction")
            if length > MAX_LENGTH:
                raise ValueError(
                    f"{name} would have length {length:.3g}; keep it at most {MAX_LENGTH:g} "
                    "so that it fits the drawing"
                )
        return a, b

    def _set_quietly(self, pairs) -> None:
        self._syncing = True
        try:
            for control, value in pairs:
                control.value = value
        finally:
            self._syncing = False

    def _sync_polar(self) -> None:
        (length_a, angle_a), (length_b, angle_b) = xy_to_polar(self.a), xy_to_polar(self.b)
        self._set_quietly(zip(self._polar, (length_a, angle_a, length_b, angle_b)))

    def _sync_coordinates(self) -> None:
        values = [round(float(v), 3) for v in (*self.a, *self.b)]
        self._set_quietly(zip(self._coordinates, values))

    # --- computing and drawing ---------------------------------------------------------

    def _show(self, a: np.ndarray, b: np.ndarray) -> None:
        """Compute every number for (a, b), redraw, and only then adopt them."""
        dot_product = float(dot(a, b))  # algebra: the sum of products
        theta = angle_between(a, b)  # geometry: from the two directions alone
        lengths = float(np.linalg.norm(a) * np.linalg.norm(b))
        lengths_times_cosine = lengths * math.cos(math.radians(theta))
        cosine = float(cosine_similarity(a, b))
        self._drawing.update(a, b)
        png = figure_png(self._figure)
        self.a, self.b = a, b
        self.dot_product, self.theta = dot_product, theta
        self.lengths_times_cosine, self.cosine = lengths_times_cosine, cosine
        self.image.value = png
        self.table.value = self._table()

    def _table(self) -> str:
        (ax_, ay), (bx, by) = self.a, self.b
        norm_a, norm_b = np.linalg.norm(self.a), np.linalg.norm(self.b)
        rows = [
            ("a", f"({ax_:.3f}, {ay:.3f}), length {norm_a:.3f}"),
            ("b", f"({bx:.3f}, {by:.3f}), length {norm_b:.3f}"),
            ("angle θ between them", f"{self.theta:.1f}°"),
            (
                "sum of products a<sub>x</sub>b<sub>x</sub> + a<sub>y</sub>b<sub>y</sub>",
                f"{ax_:.3f}×{bx:.3f} + {ay:.3f}×{by:.3f} = <b>{self.dot_product:.3f}</b>",
            ),
            (
                "lengths and angle |a| |b| cos θ",
                f"{norm_a:.3f} × {norm_b:.3f} × {math.cos(math.radians(self.theta)):.3f}"
                f" = <b>{self.lengths_times_cosine:.3f}</b>",
            ),
            ("cosine similarity (lengths ignored)", f"<b>{self.cosine:.3f}</b>"),
            ("shadow of b on a's line, |b| cos θ", f"{norm_b * self.cosine:.3f}"),
        ]
        return text_table(
            [[Markup(value)] for _, value in rows], [Markup(name) for name, _ in rows], ["value"],
            caption="The numbers now", corner="quantity",
        )

    def describe(self) -> str:
        """A sentence describing the current figure, used as its alt text."""
        (length_a, angle_a), (length_b, angle_b) = xy_to_polar(self.a), xy_to_polar(self.b)
        return (
            f"Two arrows from the origin: a (solid) of length {length_a:.2f} at {angle_a:.0f} "
            f"degrees and b (dashed) of length {length_b:.2f} at {angle_b:.0f} degrees, "
            f"with an arc marking the angle of {self.theta:.0f} degrees between them and a "
            f"shaded shadow of b along a's line. The dot product is {self.dot_product:.3f}, "
            f"equal to |a| |b| cos θ = {self.lengths_times_cosine:.3f}; the cosine similarity "
            f"is {self.cosine:.3f}."
        )

    def snapshot(self) -> str:
        return snapshot_html(
            figure_png(self._figure), self.describe(), "Dot product explorer", self.table.value
        )
