"""selfattention.book: glued values, read back by the book exactly as the kernel has them."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from selfattention import book
from selfattention.book import Glued, glue, literal_value, parse_expression


@pytest.fixture(autouse=True)
def fresh_glued(monkeypatch):
    monkeypatch.setattr(book, "glued", Glued())


def test_glue_records_the_value_for_the_notebook():
    glue("love_gap", np.float64(10.0))
    assert book.glued.love_gap == 10.0 and type(book.glued.love_gap) is float


def test_a_name_not_glued_yet_says_to_run_the_cells_above():
    with pytest.raises(AttributeError, match="'love_gap'.*run the code cells above"):
        book.glued.love_gap  # noqa: B018


@pytest.mark.parametrize("value", [
    np.arange(3), (np.float64(1.0),), object(), bytearray(b"x"),
])
def test_glue_refuses_values_the_book_cannot_read_back(value):
    with pytest.raises(TypeError, match="glue\\('x', ...\\) takes a number, a string"):
        glue("x", value)


@pytest.mark.parametrize("name", ["ratio-short", "", "2x", None])
def test_glue_needs_a_python_name(name):
    with pytest.raises(ValueError, match="name must be a Python identifier"):
        glue(name, 1)


@pytest.mark.parametrize("value", [0.1, 1e-300, -2.5e17, 7, True, "Apple", [1, 2.5], (3, "a"),
                                   math.inf, -math.inf])
def test_literal_value_reads_a_glued_repr_back_exactly(value):
    glue("v", value)
    back = literal_value(repr(book.glued.v))
    assert back == value and type(back) is type(value)


def test_nan_reads_back_as_nan():
    glue("v", float("nan"))
    assert math.isnan(literal_value(repr(book.glued.v)))


@pytest.mark.parametrize(("text", "expected"), [
    ('f"{glued.love_gap:.0f}"', ("love_gap", ".0f")),
    ('f"{glued.share:.1%}"', ("share", ".1%")),
    ('f"{glued.n:,}"', ("n", ",")),
    ('f"{glued.n}"', ("n", "")),
    ("glued.tokens", ("tokens", "")),
    ("  glued.tokens ", ("tokens", "")),
])
def test_parse_expression_finds_name_and_format(text, expected):
    assert parse_expression(text) == expected


@pytest.mark.parametrize("text", [
    "love_gap", "glued.a.b", "f'{glued.a:.2f}'", 'f"{glued.a:.2f} ms"', "glued.a + 1",
    'f"{other.a:.2f}"', "__import__('os')",
])
def test_parse_expression_refuses_anything_else(text):
    with pytest.raises(ValueError, match=r"glued\.NAME"):
        parse_expression(text)


SPECS = [".0f", ".3f", ".2f", ".1f", ".0%", ".1%", ".4f", ".1e", ",", ",d", ".5f", ".1g", ".2%", ""]


@given(st.one_of(st.floats(allow_nan=False, width=64), st.integers(-10**12, 10**12)),
       st.sampled_from(SPECS))
def test_the_book_formats_exactly_as_the_kernel_does(value, spec):
    """What the book shows (format of the repr read back) is what the f-string gives."""
    namespace = {"glued": Glued()}
    namespace["glued"].v = value
    try:
        in_kernel = eval(f'f"{{glued.v:{spec}}}"' if spec else "str(glued.v)", namespace)
    except ValueError:  # e.g. ",d" of a float: an error in both places
        with pytest.raises(ValueError):
            format(literal_value(repr(value)), spec)
        return
    assert format(literal_value(repr(value)), spec) == in_kernel
