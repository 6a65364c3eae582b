"""The dot product explorer: two 2-D vectors, set by angle and length or by coordinates.

The reader turns and stretches two arrows and watches three numbers that
must agree: the sum of products of the coordinates, the product of the
lengths and the cosine of the angle between the arrows, and the cosine
similarity, which ignores the lengths.

Its front end (``js/dot_product.js``) draws the arrows, the angle and the shadow and
computes the readouts in the browser, so it works live on the book's website as well
as in a kernel. The state is the two vectors' coordinates (``a`` and ``b``), exactly
as the reader typed them or as the length and angle controls give them; neither kind
of control rounds the other. Here the package computes the same numbers
(:attr:`DotProductExplorer.dot_product` and the rest): the reference the chapter
asserts on.
"""

from __future__ import annotations

import math

import numpy as np
import traitlets

from ..arrows import angle_between, polar_to_xy, vector_pair, xy_to_polar
from ..html_tables import Markup, text_table
from ..plotting import figure_png, new_figure
from ..similarity import cosine_similarity, dot
from ._base import InvalidState, InvalidType, LiveWidget, check_number, check_numbers
from ._live import snapshot_html

__all__ = ["DotProductExplorer", "MAX_LENGTH"]

MAX_LENGTH = 5.0
"""The longest vector the controls (and the drawing) allow."""
COORDINATE_RANGE = (-MAX_LENGTH, MAX_LENGTH)


def _check_vector(value, name: str) -> list[float]:
    """Two finite coordinates of a vector of length in (0, MAX_LENGTH]."""
    vector = check_numbers(value, name, *COORDINATE_RANGE)
    if len(vector) != 2:
        raise InvalidState(f"{name} must have two coordinates (x, y), got {len(vector)}")
    length = math.hypot(*vector)
    if length == 0:
        raise InvalidState(f"{name} is the zero vector, which has no direction")
    if length > MAX_LENGTH:
        raise InvalidState(
            f"{name} would have length {length:.4g}; keep it at most {MAX_LENGTH:g} "
            "so that it fits the drawing"
        )
    return vector


def _polar_number(value, name: str, low: float, high: float, *, open_low=False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise InvalidType(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    value = check_number(value, name, low, high)
    if open_low and value == low:
        raise InvalidState(f"{name} must lie in ({low:g}, {high:g}], got {value:g}")
    return value


class DotProductExplorer(LiveWidget):
    """Turn and stretch two vectors; watch the dot product, |a||b|cos θ and the cosine.

    Parameters
    ----------
    length_a, angle_a : float
        Starting length (in (0, 5]) and direction (degrees, in [-180, 180]) of ``a``.
    length_b, angle_b : float
        The same for ``b``.

    Attributes
    ----------
    a, b : list of float
        The two vectors' coordinates (the state, synced with the front end). Each must
        have a length in (0, 5]; setting one outside raises :class:`ValueError` and
        changes nothing.
    dot_product, lengths_times_cosine, cosine, theta : float
        The numbers shown for the current vectors (theta in degrees), computed by the
        package.
    error : str
        Why the last change from the front end was refused, if it was.
    """

    _module = "dot_product"
    _state_traits = ("a", "b")

    a = traitlets.List().tag(sync=True)  # checked (numbers, length) by _valid_a
    b = traitlets.List().tag(sync=True)

    def __init__(
        self,
        length_a: float = 3.0,
        angle_a: float = 20.0,
        length_b: float = 2.0,
        angle_b: float = 80.0,
    ):
        vectors = []
        for name, length, angle in (("a", length_a, angle_a), ("b", length_b, angle_b)):
            length = _polar_number(length, f"length_{name}", 0.0, MAX_LENGTH, open_low=True)
            angle = _polar_number(angle, f"angle_{name}", -180.0, 180.0)
            vectors.append([float(v) for v in polar_to_xy(length, angle)])
        super().__init__(title="Dot product explorer", a=vectors[0], b=vectors[1])

    @traitlets.validate("a")
    def _valid_a(self, proposal):
        return _check_vector(proposal["value"], "a")

    @traitlets.validate("b")
    def _valid_b(self, proposal):
        return _check_vector(proposal["value"], "b")

    def set_polar(self, name: str, length: float, angle: float) -> None:
        """Set vector ``name`` ("a" or "b") by its length and its angle in degrees."""
        if name not in ("a", "b"):
            raise InvalidState(f'name must be "a" or "b", got {name!r}')
        length = _polar_number(length, f"length_{name}", 0.0, MAX_LENGTH, open_low=True)
        angle = _polar_number(angle, f"angle_{name}", -180.0, 180.0)
        setattr(self, name, [float(v) for v in polar_to_xy(length, angle)])

    def polar(self, name: str) -> tuple[float, float]:
        """Length and angle (degrees) of vector ``name``."""
        return xy_to_polar(getattr(self, name))

    # -- the reference computation ------------------------------------------------

    def _refresh(self) -> None:
        a, b = np.array(self.a), np.array(self.b)
        self.dot_product = float(dot(a, b))  # algebra: the sum of products
        self.theta = angle_between(a, b)  # geometry: from the two directions alone
        lengths = float(np.linalg.norm(a) * np.linalg.norm(b))
        self.lengths_times_cosine = lengths * math.cos(math.radians(self.theta))
        self.cosine = float(cosine_similarity(a, b))

    def table_html(self) -> str:
        """The table of the numbers now (the same rows the live widget shows)."""
        (ax_, ay), (bx, by) = self.a, self.b
        norm_a, norm_b = math.hypot(ax_, ay), math.hypot(bx, by)
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
        (length_a, angle_a), (length_b, angle_b) = self.polar("a"), self.polar("b")
        return (
            f"Two arrows from the origin: a (solid) of length {length_a:.2f} at {angle_a:.0f} "
            f"degrees and b (dashed) of length {length_b:.2f} at {angle_b:.0f} degrees, "
            f"with an arc marking the angle of {self.theta:.0f} degrees between them and a "
            f"shaded shadow of b along a's line. The dot product is {self.dot_product:.3f}, "
            f"equal to |a| |b| cos θ = {self.lengths_times_cosine:.3f}; the cosine similarity "
            f"is {self.cosine:.3f}."
        )

    def figure_png(self) -> bytes:
        """The two arrows of the current state as a PNG (the static snapshot's figure)."""
        figure = new_figure(4.6, 4.6)
        ax = figure.add_subplot()
        vector_pair(ax, np.array(self.a), np.array(self.b), limit=MAX_LENGTH + 0.5)
        ax.legend(loc="lower left", frameon=False, fontsize=8)
        figure.tight_layout()
        return figure_png(figure)

    def snapshot(self) -> str:
        return snapshot_html(self.figure_png(), self.describe(), "Dot product explorer",
                             self.table_html())
