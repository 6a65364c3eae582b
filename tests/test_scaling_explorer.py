"""The scaling explorer's Python side: its traits, their checks, the reference numbers.

The front end (``js/scaling.js``, tested in ``test_js_scaling.py``) draws the panels;
here the package checks each state and computes what they show from the shipped draws.
"""

from __future__ import annotations

import functools
import json
import math

import numpy as np
import pytest

import selfattention as sa
from selfattention.scaling import D_K_VALUES, attention_rows, sample_scores, softmax_statistics
from selfattention.widgets.scaling_explorer import (
    EDGES,
    N_ROWS,
    N_SAMPLES,
    ScalingExplorer,
    decode_float32,
    typical_row,
)


@pytest.fixture(scope="module")
def explorer() -> ScalingExplorer:
    return ScalingExplorer()


@functools.cache
def curve(scaled: bool):
    return softmax_statistics(D_K_VALUES, N_ROWS, 8, scaled=scaled)


def count_changes(explorer) -> list[tuple[str, object]]:
    changes = []
    explorer.observe(lambda change: changes.append((change["name"], change["new"])),
                     names=["d_k", "scaling", "error"])
    return changes


def test_opens_unscaled_at_d_k_64(explorer):
    explorer.d_k, explorer.scaling = 64, False
    state = explorer.state
    assert state["d_k"] == 64 and state["scaled"] is False
    assert state["score_std"] == pytest.approx(sample_scores(64, N_SAMPLES).std(), rel=1e-6)
    assert 6.5 < state["score_std"] < 9.5  # about sqrt(64) = 8
    assert explorer.error == "" and explorer.title == "Scaling explorer"
    assert ScalingExplorer._esm.count("export default { render }") == 1


def test_the_page_state_ships_the_draws_as_float32(explorer):
    state = explorer.page_state()
    json.dumps(state, allow_nan=False)  # JSON, as the page carries it
    data = state["data"]
    assert data["d_k_values"] == list(D_K_VALUES) and data["T"] == 8
    assert data["edges"] == [-100.0, 100.0, 100]
    for i, d_k in enumerate(D_K_VALUES):
        scores = decode_float32(data["scores"][i])
        np.testing.assert_array_equal(scores, sample_scores(d_k, N_SAMPLES).astype(np.float32))
        logits = decode_float32(data["logits"][i]).reshape(N_ROWS, 8)
        exact = attention_rows(d_k, N_ROWS, 8)[0]
        np.testing.assert_array_equal(logits, exact.astype(np.float32))
        np.testing.assert_allclose(logits, exact, rtol=1e-7, atol=0)  # float32 keeps 7 digits
    assert data["grad_norm"]["unscaled"] == curve(False).grad_norm.tolist()
    assert data["grad_norm"]["scaled"] == curve(True).grad_norm.tolist()
    assert state["d_k"] == 64 and state["scaling"] is False


@pytest.mark.parametrize("d_k", D_K_VALUES)
@pytest.mark.parametrize("scaled", [False, True])
def test_the_reference_is_the_package_computation_on_the_draws(explorer, d_k, scaled):
    explorer.d_k, explorer.scaling = d_k, scaled
    divisor = math.sqrt(d_k) if scaled else 1.0
    scores = sample_scores(d_k, N_SAMPLES, scaled=scaled)
    state = explorer.state
    # float32 draws change what is shown by far less than the digits it shows
    assert state["score_std"] == pytest.approx(scores.std(), rel=1e-6)
    counts, _ = np.histogram(np.clip(scores, -100, 100), bins=EDGES)
    assert np.abs(state["shares"] - counts / N_SAMPLES).sum() <= 2 / N_SAMPLES
    np.testing.assert_allclose(state["shares"].sum(), 1.0)
    raw, _ = attention_rows(d_k, N_ROWS, 8)
    rows = np.asarray(sa.softmax(raw.astype(np.float32).astype(float) / divisor))
    row = state["row"]
    assert row == typical_row(rows)
    np.testing.assert_array_equal(state["weights"], rows[row])
    _, weights = attention_rows(d_k, N_ROWS, 8, scaled=scaled)  # the exact draws
    np.testing.assert_allclose(state["weights"], weights[row], rtol=0, atol=1e-5)
    assert state["entropy"] == pytest.approx(float(sa.entropy(state["weights"])))
    assert state["grad_norm"] == curve(scaled).grad_norm[D_K_VALUES.index(d_k)]


def test_the_typical_row_has_the_median_largest_weight(explorer):
    explorer.d_k, explorer.scaling = 16, True
    rows = np.asarray(sa.softmax(explorer._logits[D_K_VALUES.index(16)] / 4.0))
    largest = rows.max(axis=1)
    assert largest[explorer.state["row"]] == np.sort(largest)[N_ROWS // 2]
    # ties (saturated rows giving exactly 1.0) go in row order
    assert typical_row(np.array([[1.0, 0.0]] * 4 + [[0.5, 0.5]])) == 1  # order 4, 0, 1, 2, 3


def test_switching_scaling_on_shrinks_the_spread_and_flattens_the_row(explorer):
    explorer.d_k, explorer.scaling = 256, False
    unscaled = dict(explorer.state)
    explorer.scaling = True
    scaled = explorer.state
    assert scaled["score_std"] == pytest.approx(unscaled["score_std"] / 16)
    assert scaled["weights"].max() < unscaled["weights"].max()
    assert scaled["entropy"] > unscaled["entropy"]
    assert scaled["grad_norm"] > 10 * unscaled["grad_norm"]
    np.testing.assert_allclose(scaled["weights"].sum(), 1.0)
    assert "divided by √256" in explorer.summary()


def test_growing_d_k_unscaled_saturates_the_row(explorer):
    explorer.scaling = False
    explorer.d_k = 2
    small = dict(explorer.state)
    explorer.d_k = 1024
    large = explorer.state
    assert large["score_std"] > 10 * small["score_std"]
    assert large["weights"].max() > 0.95 > small["weights"].max()
    assert large["grad_norm"] < 1e-3 * small["grad_norm"]
    assert large["shares"][0] + large["shares"][-1] > 0  # clipped into the edge bins


def test_the_row_shown_is_a_softmax_row(explorer):
    explorer.d_k, explorer.scaling = 16, True
    weights = explorer.state["weights"]
    assert weights.shape == (8,)
    assert explorer.state["entropy"] <= math.log(8)


@pytest.mark.parametrize(
    "state, words",
    [
        ({"d_k": 100}, "d_k must be a power of two from 2 to 1024"),
        ({"d_k": 3}, "d_k must be a power of two"),
        ({"d_k": 2048}, "d_k must be an int from 2 to 1024, got 2048"),  # refused, not clamped
        ({"d_k": 1}, "d_k must be an int from 2 to 1024, got 1"),
        ({"d_k": 0}, "d_k must be an int from 2 to 1024"),
        ({"d_k": -64}, "d_k must be an int from 2 to 1024"),
        ({"d_k": 64.0}, "d_k must be an int"),
        ({"d_k": "64"}, "d_k must be an int"),
        ({"d_k": None}, "d_k must be an int"),
        ({"d_k": True}, "d_k must be an int"),
        ({"scaling": 1}, "scaling must be a bool"),
        ({"scaling": "yes"}, "scaling must be a bool"),
        ({"scaling": None}, "scaling must be a bool"),
    ],
)
def test_a_bad_state_from_the_front_end_is_refused_whole(explorer, state, words):
    explorer.d_k, explorer.scaling = 32, False
    before = dict(explorer.state)
    explorer.set_state({"scaling": True, **state})  # scaling=True is fine: rolled back too
    assert words in explorer.error
    assert explorer.d_k == 32 and explorer.scaling is False
    assert explorer.state["score_std"] == before["score_std"]
    np.testing.assert_array_equal(explorer.state["weights"], before["weights"])
    # the next good state clears the message: it never goes stale
    explorer.set_state({"d_k": 128})
    assert explorer.error == "" and explorer.state["d_k"] == 128


def test_a_message_clears_even_when_the_good_state_is_the_one_already_held():
    explorer = ScalingExplorer()
    explorer.set_state({"d_k": 4096})
    assert "d_k must be an int from 2 to 1024" in explorer.error
    explorer.set_state({"d_k": 64})  # what the kernel already holds: no trait changes
    assert explorer.error == ""


def test_a_state_from_the_front_end_causes_no_further_change():
    explorer = ScalingExplorer()
    changes = count_changes(explorer)
    explorer.set_state({"d_k": 512, "scaling": True})
    assert sorted(name for name, _ in changes) == ["d_k", "scaling"]
    assert explorer.state["d_k"] == 512 and explorer.state["scaled"] is True


def test_a_cell_setting_a_bad_value_raises_and_changes_nothing(explorer):
    explorer.d_k, explorer.scaling = 8, False
    before = dict(explorer.state)
    with pytest.raises(ValueError, match="d_k must be a power of two"):
        explorer.d_k = 100
    with pytest.raises(ValueError, match="d_k must be an int from 2 to 1024"):
        explorer.d_k = 2048
    with pytest.raises(TypeError, match="d_k must be an int"):
        explorer.d_k = 8.0
    with pytest.raises(TypeError, match="scaling must be a bool"):
        explorer.scaling = "on"
    assert explorer.d_k == 8 and explorer.scaling is False
    np.testing.assert_array_equal(explorer.state["weights"], before["weights"])


def test_a_failing_refresh_shows_a_message_and_keeps_the_state(monkeypatch):
    explorer = ScalingExplorer(d_k=8)
    before = dict(explorer.state)

    def broken(*args, **kwargs):
        raise ValueError("softmax broke")

    monkeypatch.setattr("selfattention.widgets.scaling_explorer.softmax", broken)
    explorer.scaling = True
    assert "softmax broke" in explorer.error
    assert explorer.state["scaled"] is False
    np.testing.assert_array_equal(explorer.state["weights"], before["weights"])
    monkeypatch.undo()
    explorer.d_k = 16
    assert explorer.error == "" and explorer.state["d_k"] == 16


def test_a_change_computes_the_reference_without_drawing(monkeypatch):
    """Issue 12: a state change never draws the PNG; the snapshot is drawn on display."""
    explorer = ScalingExplorer()
    drawn = []
    monkeypatch.setattr(ScalingExplorer, "figure_png", lambda self: drawn.append(1) or b"")
    for d_k in D_K_VALUES:
        explorer.d_k = d_k
        explorer.scaling = not explorer.scaling
    assert drawn == []


def test_snapshot_follows_the_state_and_its_text_is_at_least_10_px():
    explorer = ScalingExplorer(d_k=32)
    html = explorer.snapshot()
    assert "data:image/png;base64," in html
    assert "Three panels for d_k = 32, scores not scaled" in html
    assert "Median size of the gradient entering softmax, over 300 rows" in html
    page = explorer.page_html()
    assert 'data-sa-widget="scaling"' in page and "sa-widget-state" in page
    fig = explorer._figure
    width_px = fig.get_figwidth() * fig.dpi
    assert width_px <= 688  # shown at its own size in the column, never scaled down
    sizes = [t.get_fontsize() for t in fig.findobj(lambda a: hasattr(a, "get_fontsize"))
             if getattr(t, "get_text", lambda: "")()]
    assert sizes and min(sizes) * fig.dpi / 72 >= 10


def test_summary_and_describe_follow_the_state(explorer):
    explorer.d_k, explorer.scaling = 1024, True
    assert explorer.summary().startswith("d_k = 1024, scores divided by √1024.")
    assert "divided by the square root of 1024" in explorer.describe()
    explorer.scaling = False
    assert "(with scaling: " in explorer.summary()


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


def test_scaling_must_be_a_bool():
    with pytest.raises(TypeError, match="scaling must be a bool"):
        ScalingExplorer(scaling="yes")
    assert ScalingExplorer(scaling=np.bool_(True)).scaling is True
