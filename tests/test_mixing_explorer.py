"""The mixing explorer, driven headless: sliders that always sum to 1, and the new vector."""

from __future__ import annotations

import numpy as np
import pytest

from selfattention.embeddings import FEATURES, embed, embed_sentence
from selfattention.mixing import mix
from selfattention.widgets.mixing_explorer import MixingExplorer

TECH, FRUIT = FEATURES.index("technology"), FEATURES.index("fruit")


def slider_values(explorer) -> list[float]:
    return [slider.value for slider in explorer.weight_sliders]


def test_opens_on_the_narrative_weights_and_new_apple():
    explorer = MixingExplorer()
    np.testing.assert_allclose(explorer.weights, [0.1, 0.5, 0.4])
    np.testing.assert_allclose(slider_values(explorer), [0.1, 0.5, 0.4])
    _, x = embed_sentence("love Apple phones")
    np.testing.assert_allclose(explorer.state.mixed, mix(x, [0.1, 0.5, 0.4]))
    assert explorer.state.mixed[TECH] == pytest.approx(0.1 * x[0, TECH] + 0.5 * x[1, TECH]
                                                       + 0.4 * x[2, TECH])
    assert [s.description for s in explorer.weight_sliders] == [
        "weight of “love”", "weight of “Apple”", "weight of “phones”",
    ]
    assert bytes(explorer.image.value[:4]) == b"\x89PNG"
    lean = explorer.state.mixed[TECH] - explorer.state.mixed[FRUIT]
    assert lean > 0 and f"{lean:.2f} more technology than fruit" in explorer.table.value


def test_moving_one_slider_rescales_the_others_in_proportion():
    explorer = MixingExplorer()
    before_png = explorer.image.value
    explorer.weight_sliders[2].value = 0.7
    np.testing.assert_allclose(explorer.weights, [0.05, 0.25, 0.7])
    np.testing.assert_allclose(slider_values(explorer), [0.05, 0.25, 0.7])
    assert sum(slider_values(explorer)) == pytest.approx(1.0)
    assert explorer.image.value != before_png
    assert explorer.message.value == ""
    _, x = embed_sentence("love Apple phones")
    expected = np.array([0.05, 0.25, 0.7]) @ x  # (3,) @ (3, d_model) -> (d_model,)
    np.testing.assert_allclose(explorer._view.points[-1], expected[[TECH, FRUIT]])


def test_all_weight_on_apple_gives_back_the_static_vector_then_others_grow_from_it():
    explorer = MixingExplorer()
    explorer.weight_sliders[1].value = 1.0
    np.testing.assert_allclose(explorer.weights, [0.0, 1.0, 0.0])
    np.testing.assert_allclose(explorer.state.mixed, embed("apple").vector)
    assert "exactly as much technology as fruit" in explorer.table.value
    explorer.weight_sliders[2].value = 0.4  # the only other non-zero weight takes the rest
    np.testing.assert_allclose(explorer.weights, [0.0, 0.6, 0.4])


def test_switching_sentence_keeps_the_weights_and_moves_apple_toward_fruit():
    explorer = MixingExplorer()
    explorer.sentence.value = "love apple juice"
    np.testing.assert_allclose(explorer.weights, [0.1, 0.5, 0.4])
    assert explorer.state.mixed[FRUIT] == pytest.approx(2.15)
    assert explorer.state.mixed[FRUIT] > explorer.state.mixed[TECH]
    assert explorer.weight_sliders[2].description == "weight of “juice”"
    assert explorer._view.names[-1] == "new apple"
    assert "more fruit than technology" in explorer.describe()


def test_reset_puts_the_starting_weights_back():
    explorer = MixingExplorer()
    explorer.weight_sliders[0].value = 0.9
    explorer.reset.click()
    np.testing.assert_allclose(explorer.weights, [0.1, 0.5, 0.4])
    np.testing.assert_allclose(slider_values(explorer), [0.1, 0.5, 0.4])


def test_a_sentence_of_another_length_gets_new_sliders_and_even_weights():
    explorer = MixingExplorer(sentences=("love Apple phones", "I love apple pie too"))
    explorer.sentence.value = "I love apple pie too"
    assert len(explorer.weight_sliders) == 5
    np.testing.assert_allclose(explorer.weights, [0.2] * 5)
    explorer.reset.click()  # the starting weights do not fit five words: even weights
    np.testing.assert_allclose(explorer.weights, [0.2] * 5)
    explorer.weight_sliders[4].value = 0.6
    np.testing.assert_allclose(explorer.weights, [0.1, 0.1, 0.1, 0.1, 0.6])


def test_a_failing_update_shows_a_message_and_puts_the_slider_back(monkeypatch):
    explorer = MixingExplorer()
    before_png = explorer.image.value

    def broken(*args, **kwargs):
        raise ValueError("weights went missing")

    monkeypatch.setattr("selfattention.widgets.mixing_explorer.mix", broken)
    explorer.weight_sliders[0].value = 0.3
    assert "weights went missing" in explorer.message.value
    np.testing.assert_allclose(explorer.weights, [0.1, 0.5, 0.4])
    np.testing.assert_allclose(slider_values(explorer), [0.1, 0.5, 0.4])
    assert explorer.image.value == before_png
    explorer.sentence.value = "love apple juice"
    assert explorer.sentence.value == "love Apple phones"  # the choice went back too
    monkeypatch.undo()
    explorer.weight_sliders[0].value = 0.3
    assert explorer.message.value == ""
    np.testing.assert_allclose(explorer.weights, [0.3, 0.5 * 0.7 / 0.9, 0.4 * 0.7 / 0.9])


def test_a_failing_drawing_keeps_the_previous_state(monkeypatch):
    explorer = MixingExplorer()
    before = explorer.state

    def broken(*args, **kwargs):
        raise RuntimeError("no ink")

    monkeypatch.setattr(explorer._view, "update", broken)
    explorer.weight_sliders[1].value = 0.9
    assert "no ink" in explorer.message.value
    assert explorer.state is before


def test_snapshot_states_the_weights_and_where_the_new_vector_lands():
    explorer = MixingExplorer()
    _, x = embed_sentence("love Apple phones")
    new = mix(x, [0.1, 0.5, 0.4])
    snapshot = explorer.snapshot()
    assert "with weights love 0.10, Apple 0.50, phones 0.40" in snapshot
    assert f"new Apple at ({new[TECH]:.2f}, {new[FRUIT]:.2f})" in snapshot
    assert "Mixing explorer" in snapshot


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"weights": (0.5, 0.5)}, ValueError, "one entry per word of 'love Apple phones'"),
        ({"weights": (1.0, 1.0, 1.0)}, ValueError, "sum to 1"),
        ({"weights": (-0.2, 0.7, 0.5)}, ValueError, "non-negative"),
        ({"sentences": ("love phones",)}, ValueError, "focus word 'apple' does not occur"),
        ({"sentences": "love apple juice"}, ValueError, "non-empty sequence"),
        ({"sentences": ("apple",), "weights": (1.0,)}, ValueError, "2 to 8 words"),
        ({"y_feature": "colour"}, ValueError, "y_feature='colour' is not a feature"),
    ],
)
def test_refuses_bad_settings(kwargs, error, words):
    with pytest.raises(error, match=words):
        MixingExplorer(**kwargs)


@pytest.mark.parametrize("bad", ["0.5", None, True])
def test_weights_that_are_not_numbers_are_type_errors(bad):
    with pytest.raises(TypeError, match=r"weights\[1\] must be a real number"):
        MixingExplorer(weights=(0.1, bad, 0.4))
