"""The scaling explorer, driven headless: the d_k slider and the scaling switch."""

from __future__ import annotations

import math

import numpy as np
import pytest

import selfattention as sa
from selfattention.scaling import D_K_VALUES, sample_scores
from selfattention.widgets.scaling_explorer import ScalingExplorer


@pytest.fixture(scope="module")
def explorer() -> ScalingExplorer:
    return ScalingExplorer()


def test_opens_unscaled_at_d_k_64(explorer):
    explorer.d_k.value, explorer.scaling.value = 64, False
    state = explorer.state
    assert state["d_k"] == 64 and state["scaled"] is False
    assert state["score_std"] == pytest.approx(sample_scores(64, 2000).std())
    assert 6.5 < state["score_std"] < 9.5  # about sqrt(64) = 8
    assert bytes(explorer.image.value[:4]) == b"\x89PNG"
    assert explorer.d_k.options == D_K_VALUES


def test_switching_scaling_on_shrinks_the_spread_and_flattens_the_row(explorer):
    explorer.d_k.value, explorer.scaling.value = 256, False
    png, unscaled = explorer.image.value, dict(explorer.state)
    explorer.scaling.value = True
    scaled = explorer.state
    assert explorer.image.value != png
    assert scaled["score_std"] == pytest.approx(unscaled["score_std"] / 16)
    assert scaled["weights"].max() < unscaled["weights"].max()
    assert scaled["entropy"] > unscaled["entropy"]
    assert scaled["grad_norm"] > 10 * unscaled["grad_norm"]
    np.testing.assert_allclose(scaled["weights"].sum(), 1.0)
    assert "divided by √256" in explorer.summary.value


def test_growing_d_k_unscaled_saturates_the_row(explorer):
    explorer.scaling.value = False
    explorer.d_k.value = 2
    small = dict(explorer.state)
    explorer.d_k.value = 1024
    large = explorer.state
    assert large["score_std"] > 10 * small["score_std"]
    assert large["weights"].max() > 0.95 > small["weights"].max()
    assert large["grad_norm"] < 1e-3 * small["grad_norm"]


def test_the_row_shown_is_a_softmax_row(explorer):
    explorer.d_k.value, explorer.scaling.value = 16, True
    weights = explorer.state["weights"]
    assert weights.shape == (8,)
    assert explorer.state["entropy"] == pytest.approx(float(sa.entropy(weights)))
    assert explorer.state["entropy"] <= math.log(8)


def test_snapshot_follows_the_controls(explorer):
    explorer.d_k.value, explorer.scaling.value = 32, False
    html = explorer.snapshot()
    assert "Three panels for d_k = 32, scores not scaled" in html
    assert "Median gradient size" in html


def test_a_failing_update_shows_a_message_and_keeps_the_state(monkeypatch):
    explorer = ScalingExplorer(d_k=8)
    before = dict(explorer.state)

    def broken(*args, **kwargs):
        raise ValueError("softmax broke")

    monkeypatch.setattr("selfattention.widgets.scaling_explorer.softmax", broken)
    explorer.scaling.value = True
    assert "softmax broke" in explorer.message.value
    assert explorer.state["scaled"] is False
    np.testing.assert_allclose(explorer.state["weights"], before["weights"])
    monkeypatch.undo()
    explorer.d_k.value = 16
    assert explorer.message.value == "" and explorer.state["d_k"] == 16


@pytest.mark.parametrize(
    "kwargs, words", [({"d_k": 3}, "d_k must be one of"), ({"T": 1}, "T must be an int from 2 to 16")]
)
def test_bad_settings_are_refused(kwargs, words):
    with pytest.raises(ValueError, match=words):
        ScalingExplorer(**kwargs)


@pytest.mark.parametrize("name", ["d_k", "T", "seed"])
@pytest.mark.parametrize("value", ["8", 8.0, True])
def test_settings_that_are_not_ints_are_type_errors(name, value):
    with pytest.raises(TypeError, match=f"{name} must be an int"):
        ScalingExplorer(**{name: value})
