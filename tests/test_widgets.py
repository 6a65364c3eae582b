"""Widgets driven headless: setting a control's value runs its observers."""

from __future__ import annotations

import base64
import functools
import html
import inspect
import re

import numpy as np
import pytest

import selfattention as sa
from selfattention import widgets
from selfattention.widgets import SoftmaxExplorer
from selfattention.widgets._live import LIVE_HINT

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_softmax_explorer_opens_on_the_narrative_scores():
    explorer = SoftmaxExplorer()
    np.testing.assert_allclose(explorer.scores, [1.0, 3.0, 6.0])
    np.testing.assert_allclose(explorer.weights, sa.softmax([1.0, 3.0, 6.0]))
    assert bytes(explorer.image.value[:4]) == b"\x89PNG"


def test_moving_a_score_slider_updates_weights_figure_and_table():
    explorer = SoftmaxExplorer()
    before_png, before_table = explorer.image.value, explorer.table.value
    explorer.score_sliders[0].value = 6.0
    np.testing.assert_allclose(explorer.weights, sa.softmax([6.0, 3.0, 6.0]))
    assert explorer.image.value != before_png
    assert explorer.table.value != before_table


def test_temperature_slider_flattens_the_weights():
    explorer = SoftmaxExplorer()
    explorer.temperature.value = 10.0
    np.testing.assert_allclose(explorer.weights, sa.softmax([0.1, 0.3, 0.6]))
    assert explorer.weights.max() < 0.5


def test_shift_changes_nothing_but_breaks_the_naive_formula():
    explorer = SoftmaxExplorer()
    before = explorer.weights.copy()
    explorer.shift.value = 1000
    np.testing.assert_allclose(explorer.weights, before, rtol=1e-12)
    assert "NaN" in explorer.table.value and "inf" in explorer.table.value
    assert explorer.message.value == ""


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
    assert WIDGET_VIEW in bundle  # JupyterLab, Binder and Colab show the live widget
    snapshot = bundle["text/html"]  # the website shows this
    assert snapshot == widget.snapshot()
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


def test_snapshot_follows_the_current_state():
    explorer = SoftmaxExplorer()
    explorer.score_sliders[2].value = -2.0
    assert "phones (score -2) gets" in explorer.snapshot()


def test_a_failing_update_shows_a_message_and_keeps_the_widget(monkeypatch):
    explorer = SoftmaxExplorer()
    before = explorer.weights.copy()

    def broken(*args, **kwargs):
        raise ValueError("scores must be finite")

    monkeypatch.setattr("selfattention.widgets.softmax_explorer.softmax", broken)
    explorer.score_sliders[0].value = 2.0
    assert "scores must be finite" in explorer.message.value
    np.testing.assert_allclose(explorer.weights, before)
    monkeypatch.undo()
    explorer.score_sliders[0].value = 3.0
    assert explorer.message.value == ""
    np.testing.assert_allclose(explorer.weights, sa.softmax([3.0, 3.0, 6.0]))


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"tokens": [], "scores": []}, "1 to 8 words"),
        ({"tokens": ["a", "b"], "scores": [1.0]}, "one entry per token"),
        ({"scores": [1.0, 3.0, 60.0]}, "\\[-10, 10\\]"),
        ({"temperature": 0.0}, "temperature must lie"),
    ],
)
def test_softmax_explorer_refuses_bad_settings(kwargs, words):
    with pytest.raises(ValueError, match=words):
        SoftmaxExplorer(**kwargs)


def test_snapshot_mixin_steps_aside_when_the_base_has_no_mimebundle():
    from selfattention.widgets._live import SnapshotMixin

    class OldStyleWidget:  # like ipywidgets 7, which displays through _ipython_display_
        pass

    class Widget(SnapshotMixin, OldStyleWidget):
        def snapshot(self):
            return "<p>snapshot</p>"

    assert Widget()._repr_mimebundle_() is None
