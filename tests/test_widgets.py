"""Widgets driven headless: setting a control's value runs its observers."""

from __future__ import annotations

import base64
import functools
import html
import inspect
import json
import re

import numpy as np
import pytest

import selfattention as sa
from selfattention import widgets
from selfattention.widgets import SoftmaxExplorer
from selfattention.widgets._base import LiveWidget
from selfattention.widgets._live import LIVE_HINT

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_softmax_explorer_opens_on_the_narrative_scores():
    explorer = SoftmaxExplorer()
    np.testing.assert_allclose(explorer.scores, [1.0, 3.0, 6.0])
    np.testing.assert_allclose(explorer.weights, sa.softmax([1.0, 3.0, 6.0]))
    assert explorer.figure_png()[:4] == b"\x89PNG"
    assert explorer.error == ""


def test_moving_a_score_updates_weights_figure_and_table():
    explorer = SoftmaxExplorer()
    before_png, before_table = explorer.figure_png(), explorer.table_html()
    explorer.token_scores = [6.0, 3.0, 6.0]
    np.testing.assert_allclose(explorer.weights, sa.softmax([6.0, 3.0, 6.0]))
    assert explorer.figure_png() != before_png
    assert explorer.table_html() != before_table


def test_temperature_flattens_the_weights():
    explorer = SoftmaxExplorer()
    explorer.temperature = 10.0
    np.testing.assert_allclose(explorer.weights, sa.softmax([0.1, 0.3, 0.6]))
    assert explorer.weights.max() < 0.5


def test_shift_changes_nothing_but_breaks_the_naive_formula():
    explorer = SoftmaxExplorer()
    before = explorer.weights.copy()
    explorer.shift = 1000
    np.testing.assert_allclose(explorer.weights, before, rtol=1e-12)
    assert "NaN" in explorer.table_html() and "inf" in explorer.table_html()
    assert explorer.error == ""


# Arguments a widget cannot be built without; every other widget is built with its defaults.
REQUIRED_ARGUMENTS = {
    "TrainingExplorer": lambda: {"run": _short_run()},
}


@functools.cache
def _short_run():
    from selfattention.training import train

    return train(steps=10, checkpoint_every=5, device="cpu", progress=False)


def test_only_widgets_with_required_parameters_get_arguments():
    for name in widgets.__all__:
        parameters = inspect.signature(getattr(widgets, name)).parameters.values()
        required = {p.name for p in parameters if p.default is inspect.Parameter.empty
                    and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
        given = set(REQUIRED_ARGUMENTS.get(name, dict)())
        assert required == given, name


@pytest.mark.parametrize("name", widgets.__all__)
def test_display_bundle_has_live_view_and_static_snapshot(name):
    widget = getattr(widgets, name)(**REQUIRED_ARGUMENTS.get(name, dict)())
    bundle = widget._repr_mimebundle_()
    if isinstance(bundle, tuple):  # anywidget's (data, metadata)
        bundle = bundle[0]
    assert WIDGET_VIEW in bundle  # JupyterLab, Binder and Colab show the live widget
    page = bundle["text/html"]  # the website shows this
    snapshot = widget.snapshot()
    if isinstance(widget, LiveWidget):  # mounted live by the site, the snapshot inside
        assert page == widget.page_html() and snapshot in page
    else:
        assert page == snapshot
    assert snapshot.startswith('<figure class="sa-widget-snapshot">')
    assert snapshot.endswith("</figure>")
    assert LIVE_HINT in snapshot
    # the state is put in words on the page: as the image's alt text or in the caption
    assert html.escape(widget.describe(), quote=True) in snapshot
    for match in re.finditer(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]*)"', snapshot):
        assert base64.b64decode(match.group(1))[:4] == b"\x89PNG"
        assert match.group(2).strip()
    assert snapshot.count("<img") == len(re.findall(r'<img src="data:image/png;base64,', snapshot))


def test_softmax_snapshot_states_the_weights():
    explorer = SoftmaxExplorer()
    weights = sa.softmax([1.0, 3.0, 6.0])
    assert f"love (score 1) gets {weights[0]:.3f}" in explorer.snapshot()
    assert "make lab" in explorer.snapshot() and "Binder" in explorer.snapshot()


def test_page_html_carries_the_state_for_the_website_and_the_snapshot_inside():
    explorer = SoftmaxExplorer(tokens=["a<b", "c"], scores=[2.0, -1.5], temperature=0.5)
    page = explorer.page_html()
    match = re.fullmatch(
        r'<div class="sa-live-widget" data-sa-widget="softmax">'
        r'<script type="application/json" class="sa-widget-state">(.*?)</script>'
        r'(<figure class="sa-widget-snapshot">.*</figure>)</div>', page, flags=re.DOTALL)
    assert match, page[:300]
    assert "<" not in match.group(1)  # nothing in the JSON can close the script early
    assert json.loads(match.group(1)) == {
        "title": "Softmax explorer", "error": "", "tokens": ["a<b", "c"],
        "token_scores": [2.0, -1.5], "shift": 0.0, "temperature": 0.5,
    }
    assert match.group(2) == explorer.snapshot()


def test_snapshot_follows_the_current_state():
    explorer = SoftmaxExplorer()
    explorer.token_scores = [1.0, 3.0, -2.0]
    assert "phones (score -2) gets" in explorer.snapshot()


def test_a_failing_update_shows_a_message_and_keeps_the_last_good_state(monkeypatch):
    explorer = SoftmaxExplorer()
    before = explorer.weights.copy()

    def broken(*args, **kwargs):
        raise ValueError("scores must be finite")

    monkeypatch.setattr("selfattention.widgets.softmax_explorer.softmax", broken)
    explorer.token_scores = [2.0, 3.0, 6.0]
    assert "scores must be finite" in explorer.error
    np.testing.assert_allclose(explorer.weights, before)
    monkeypatch.undo()
    explorer.token_scores = [3.0, 3.0, 6.0]
    assert explorer.error == ""
    np.testing.assert_allclose(explorer.weights, sa.softmax([3.0, 3.0, 6.0]))


def test_a_bad_state_from_the_front_end_is_refused_whole_and_reported():
    explorer = SoftmaxExplorer()
    sent = []
    explorer.send_state = lambda key=None: sent.append(key)
    # one good value and one out of range in the same message: neither is applied
    explorer.set_state({"token_scores": [2.0, 3.0, 6.0], "temperature": 0.01})
    assert "temperature must lie in [0.1, 10], got 0.01" in explorer.error
    assert explorer.token_scores == [1.0, 3.0, 6.0] and explorer.temperature == 1.0
    np.testing.assert_allclose(explorer.weights, sa.softmax([1.0, 3.0, 6.0]))
    assert {"token_scores", "temperature"} in [set(k) for k in sent if isinstance(k, list)]  # resync
    explorer.set_state({"temperature": 2.0})
    assert explorer.error == ""
    np.testing.assert_allclose(explorer.weights, sa.softmax([1.0, 3.0, 6.0], temperature=2.0))


def test_setting_an_out_of_range_value_from_a_cell_raises_and_changes_nothing():
    explorer = SoftmaxExplorer()
    with pytest.raises(ValueError, match="shift must lie in \\[-1000, 1000\\]"):
        explorer.shift = 5000
    with pytest.raises(ValueError, match="one entry per token"):
        explorer.token_scores = [1.0, 2.0]
    assert explorer.shift == 0.0 and explorer.token_scores == [1.0, 3.0, 6.0]


def test_what_is_typed_is_what_is_computed():
    explorer = SoftmaxExplorer(scores=[1.234567, 3.0, 6.0], temperature=0.3333)
    assert explorer.token_scores[0] == 1.234567 and explorer.temperature == 0.3333
    np.testing.assert_allclose(
        explorer.weights, sa.softmax([1.234567, 3.0, 6.0], temperature=0.3333))


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"tokens": [], "scores": []}, ValueError, "1 to 8 words"),
        ({"tokens": "abc", "scores": [1.0, 2.0, 3.0]}, TypeError, "tokens must be a sequence"),
        ({"tokens": ["a", 2], "scores": [1.0, 2.0]}, TypeError, "tokens\\[1\\] must be a str"),
        ({"tokens": ["a", " "], "scores": [1.0, 2.0]}, ValueError, "tokens\\[1\\] is empty"),
        ({"tokens": ["a", "b"], "scores": [1.0]}, ValueError, "one entry per token"),
        ({"scores": "136"}, TypeError, "scores must be a sequence"),
        ({"scores": [1.0, 3.0, 60.0]}, ValueError, "scores\\[2\\] must lie in \\[-10, 10\\]"),
        ({"scores": [1.0, float("nan"), 6.0]}, ValueError, "scores\\[1\\] must be a finite number"),
        ({"temperature": 0.0}, ValueError, "temperature must lie in \\[0.1, 10\\]"),
        ({"temperature": "2"}, TypeError, "temperature must be a real number"),
        ({"temperature": True}, TypeError, "temperature must be a real number"),
    ],
)
def test_softmax_explorer_refuses_bad_settings(kwargs, error, words):
    with pytest.raises(error, match=words):
        SoftmaxExplorer(**kwargs)


def test_the_front_end_module_is_bundled_for_anywidget_and_shipped_with_the_package():
    from importlib import resources

    js = resources.files("selfattention.widgets") / "js"
    for name in ("softmax.js", "attention_math.js", "frame.js", "host.js"):
        assert (js / name).is_file(), name
    esm = SoftmaxExplorer._esm
    assert 'from "./' not in esm  # anywidget loads it from a string: no relative imports left
    assert "export default { render }" in esm and "function softmax(" in esm
