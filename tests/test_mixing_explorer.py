"""The mixing explorer: weights that always sum to 1, and the new vector they make.

Its front end (``js/mixing.js``, tested in ``test_js_math.py``) applies the rule and
sends one consistent state per change; here the package checks that state and
computes the reference, and must never answer a state with another change.
"""

from __future__ import annotations

import numpy as np
import pytest

from selfattention.embeddings import FEATURES, embed, embed_sentence
from selfattention.mixing import mix, rebalance
from selfattention.widgets.mixing_explorer import MixingExplorer

TECH, FRUIT = FEATURES.index("technology"), FEATURES.index("fruit")


def count_changes(explorer) -> list[tuple[str, object]]:
    """Record every change of a synced trait from now on."""
    changes = []
    explorer.observe(lambda change: changes.append((change["name"], change["new"])),
                     names=["sentence", "weights", "error"])
    return changes


def test_opens_on_the_narrative_weights_and_new_apple():
    explorer = MixingExplorer()
    np.testing.assert_allclose(explorer.weights, [0.1, 0.5, 0.4])
    _, x = embed_sentence("love Apple phones")
    np.testing.assert_allclose(explorer.mixed, mix(x, [0.1, 0.5, 0.4]))
    assert explorer.mixed[TECH] == pytest.approx(0.1 * x[0, TECH] + 0.5 * x[1, TECH]
                                                 + 0.4 * x[2, TECH])
    state = explorer.page_state()
    assert state["sentence"] == "love Apple phones" and state["weights"] == [0.1, 0.5, 0.4]
    assert [s["words"] for s in state["sentences"]] == [["love", "Apple", "phones"],
                                                        ["love", "apple", "juice"]]
    np.testing.assert_allclose(state["sentences"][0]["x"], x)
    assert state["axes"] == ["technology", "fruit"] and state["start"] == [0.1, 0.5, 0.4]
    lean = explorer.mixed[TECH] - explorer.mixed[FRUIT]
    assert lean > 0 and f"{lean:.2f} more technology than fruit" in explorer.table_html()
    assert MixingExplorer._esm.count("export default { render }") == 1


def test_moving_one_weight_rescales_the_others_in_proportion():
    explorer = MixingExplorer()
    explorer.move(2, 0.7)
    np.testing.assert_allclose(explorer.weights, [0.05, 0.25, 0.7])
    assert sum(explorer.weights) == pytest.approx(1.0)
    assert explorer.error == ""
    _, x = embed_sentence("love Apple phones")
    expected = np.array([0.05, 0.25, 0.7]) @ x  # (3,) @ (3, d_model) -> (d_model,)
    np.testing.assert_allclose(explorer.mixed, expected)


def test_all_weight_on_apple_gives_back_the_static_vector_then_others_grow_from_it():
    explorer = MixingExplorer()
    explorer.move(1, 1.0)
    np.testing.assert_allclose(explorer.weights, [0.0, 1.0, 0.0])
    np.testing.assert_allclose(explorer.mixed, embed("apple").vector)
    assert "exactly as much technology as fruit" in explorer.table_html()
    explorer.move(2, 0.4)  # the only other non-zero weight takes the rest
    np.testing.assert_allclose(explorer.weights, [0.0, 0.6, 0.4])


def test_switching_sentence_keeps_the_weights_and_moves_apple_toward_fruit():
    explorer = MixingExplorer()
    explorer.choose("love apple juice")
    np.testing.assert_allclose(explorer.weights, [0.1, 0.5, 0.4])
    assert explorer.mixed[FRUIT] == pytest.approx(2.15)
    assert explorer.mixed[FRUIT] > explorer.mixed[TECH]
    assert "more fruit than technology" in explorer.describe()
    assert "new apple" in explorer.describe()


def test_reset_puts_the_starting_weights_back():
    explorer = MixingExplorer()
    explorer.move(0, 0.9)
    explorer.reset()
    np.testing.assert_allclose(explorer.weights, [0.1, 0.5, 0.4])


def test_a_sentence_of_another_length_gets_even_weights():
    explorer = MixingExplorer(sentences=("love Apple phones", "I love apple pie too"))
    explorer.choose("I love apple pie too")
    np.testing.assert_allclose(explorer.weights, [0.2] * 5)
    explorer.reset()  # the starting weights do not fit five words: even weights
    np.testing.assert_allclose(explorer.weights, [0.2] * 5)
    explorer.move(4, 0.6)
    np.testing.assert_allclose(explorer.weights, [0.1, 0.1, 0.1, 0.1, 0.6])


# -- the JupyterLab feedback loop, designed out ------------------------------------


def test_a_state_from_the_front_end_causes_no_further_change():
    explorer = MixingExplorer()
    changes = count_changes(explorer)
    weights = [float(w) for w in rebalance(np.array([0.1, 0.5, 0.4]), 0, 0.37)]
    explorer.set_state({"sentence": "love Apple phones", "weights": weights})
    assert changes == [("weights", weights)]  # taken as sent: no snapping, no write-back
    assert explorer.weights == weights and explorer.error == ""
    _, x = embed_sentence("love Apple phones")
    np.testing.assert_allclose(explorer.mixed, mix(x, weights))


def test_rapid_states_each_give_exactly_one_change_and_sum_to_one():
    explorer = MixingExplorer()
    changes = count_changes(explorer)
    expected = np.array([0.1, 0.5, 0.4])
    moves = [(0, 0.31), (0, 0.32), (0, 0.33), (2, 0.05), (1, 0.999), (1, 0.0), (2, 0.123456)]
    for index, value in moves:  # what three quick keypresses and a drag send
        expected = np.asarray(rebalance(expected, index, value))
        explorer.set_state({"sentence": "love Apple phones", "weights": expected.tolist()})
        assert sum(explorer.weights) == pytest.approx(1.0, abs=1e-12)
    assert [name for name, _ in changes] == ["weights"] * len(moves)
    np.testing.assert_allclose(explorer.weights, expected, rtol=0, atol=1e-15)


def test_a_sentence_and_its_weights_arrive_together():
    explorer = MixingExplorer(sentences=("love Apple phones", "I love apple pie too"))
    changes = count_changes(explorer)
    explorer.set_state({"sentence": "I love apple pie too", "weights": [0.2] * 5})
    assert sorted(name for name, _ in changes) == ["sentence", "weights"]
    assert explorer.error == ""
    np.testing.assert_allclose(explorer.mixed, mix(embed_sentence("I love apple pie too")[1],
                                                   [0.2] * 5))


def test_reset_from_the_front_end_is_one_change_too():
    explorer = MixingExplorer()
    explorer.move(0, 0.9)
    changes = count_changes(explorer)
    explorer.set_state({"sentence": "love Apple phones", "weights": [0.1, 0.5, 0.4]})
    assert changes == [("weights", [0.1, 0.5, 0.4])]


@pytest.mark.parametrize(
    "state, words",
    [
        ({"weights": [0.5, 0.6, 0.1]}, "sum to 1"),
        ({"weights": [-0.2, 0.7, 0.5]}, "must lie in [0, 1]"),
        ({"weights": [1.5, -0.5, 0.0]}, "must lie in [0, 1]"),
        ({"weights": [0.5, "abc", 0.5]}, "must be a real number"),
        ({"weights": [0.5, 0.5]}, "one entry per word"),
        ({"sentence": "love pears"}, "sentence must be one of"),
        ({"sentence": "love apple juice", "weights": [0.5, 0.6, 0.1]}, "sum to 1"),
    ],
)
def test_a_bad_state_is_refused_whole_and_the_last_good_one_stays(state, words):
    explorer = MixingExplorer()
    explorer.move(2, 0.7)
    good_weights, good_mixed = list(explorer.weights), explorer.mixed.copy()
    explorer.set_state(state)
    assert words in explorer.error
    assert explorer.weights == good_weights and explorer.sentence == "love Apple phones"
    np.testing.assert_array_equal(explorer.mixed, good_mixed)
    assert sum(explorer.weights) == pytest.approx(1.0)
    explorer.set_state({"weights": [0.2, 0.3, 0.5]})  # the next good state clears it
    assert explorer.error == ""
    np.testing.assert_allclose(explorer.mixed, mix(embed_sentence("love Apple phones")[1],
                                                   [0.2, 0.3, 0.5]))


def test_a_cell_setting_bad_weights_gets_a_value_error():
    explorer = MixingExplorer()
    with pytest.raises(ValueError, match="sum to 1"):
        explorer.weights = [0.5, 0.5, 0.5]
    with pytest.raises(ValueError, match="new_value must lie in"):
        explorer.move(0, 1.5)
    np.testing.assert_allclose(explorer.weights, [0.1, 0.5, 0.4])


def test_snapshot_states_the_weights_and_where_the_new_vector_lands():
    explorer = MixingExplorer()
    _, x = embed_sentence("love Apple phones")
    new = mix(x, [0.1, 0.5, 0.4])
    snapshot = explorer.snapshot()
    assert "with weights love 0.10, Apple 0.50, phones 0.40" in snapshot
    assert f"new Apple at ({new[TECH]:.2f}, {new[FRUIT]:.2f})" in snapshot
    assert "Mixing explorer" in snapshot
    page = explorer.page_html()
    assert page.startswith('<div class="sa-live-widget" data-sa-widget="mixing">')


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
