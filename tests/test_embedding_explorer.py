"""The embedding explorer's Python side: its traits, their checks, the reference.

The front end (``js/embedding.js``, tested in ``test_js_embedding.py``) draws the bars, the
2-D view and the tables; here the package checks each state and computes what is shown
with :func:`~selfattention.embeddings.embed` and :func:`~selfattention.embeddings.embed_sentence`.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from selfattention.embeddings import FEATURES, SENTENCES, VOCABULARY, embed, embed_sentence
from selfattention.widgets.embedding_explorer import (
    MAX_CHARS,
    MAX_TOKENS,
    EmbeddingExplorer,
    casefold_table,
)

STATE = ("word", "sentence", "x_feature", "y_feature", "error")


def count_changes(explorer) -> list[tuple[str, object]]:
    changes = []
    explorer.observe(lambda change: changes.append((change["name"], change["new"])),
                     names=list(STATE))
    return changes


def test_opens_on_apple_in_love_apple_phones():
    explorer = EmbeddingExplorer()
    state = explorer.state
    assert state.word.known and state.word.word == "apple"
    np.testing.assert_array_equal(state.word.vector, embed("apple").vector)
    assert [t.word for t in state.tokens] == ["I", "love", "Apple", "phones"]
    np.testing.assert_array_equal(state.x, embed_sentence(SENTENCES["apple phones"])[1])
    assert explorer.error == ""
    assert EmbeddingExplorer._esm.count("export default { render }") == 1
    assert "import {" not in EmbeddingExplorer._esm  # every shared module is inlined


def test_the_page_state_ships_what_the_front_end_needs_as_json():
    explorer = EmbeddingExplorer()
    state = explorer.page_state()
    assert {k: state[k] for k in STATE[:4]} == {
        "word": "apple", "sentence": "I love Apple phones",
        "x_feature": "technology", "y_feature": "fruit"}
    assert state["vocabulary"] == {w: v.tolist() for w, v in VOCABULARY.items()}
    assert state["features"] == list(FEATURES)
    assert state["presets"] == list(dict.fromkeys(SENTENCES.values()))
    assert state["fold"]["ß"] == "ss" and state["fold"]["ς"] == "σ"
    assert "A" not in state["fold"]  # lowering is enough for it
    assert state["choices"] == {"max_tokens": MAX_TOKENS, "max_chars": MAX_CHARS}
    text = json.dumps(state, allow_nan=False, ensure_ascii=False)
    assert json.loads(text) == state
    assert len(text.encode()) < 12_000  # small: it is in every copy of the page


def test_the_casefold_table_holds_exactly_the_characters_lowering_misses():
    table = casefold_table()
    assert all(char.casefold() == fold != char.lower() for char, fold in table.items())
    for word in ("Straße", "ﬁne", "ΣΟΦΟΣ", "İ"):
        assert "".join(table.get(c, c.lower()) for c in word) == word.casefold()


def test_the_word_keeps_its_vector_whatever_the_sentence():
    explorer = EmbeddingExplorer()
    before = explorer.state.word.vector.copy()
    explorer.sentence = SENTENCES["apple juice"]
    np.testing.assert_array_equal(explorer.state.word.vector, before)
    assert [t.word for t in explorer.state.tokens][-1] == "juice"
    assert "juice" in explorer.state.names and "phones" not in explorer.state.names


def test_chosen_word_is_drawn_once_as_the_focus():
    explorer = EmbeddingExplorer()
    assert explorer.state.names == ["I", "love", "phones", "apple"]
    assert explorer.state.roles == ["word", "word", "word", "focus"]
    np.testing.assert_array_equal(explorer.state.points, [[0, 0], [-0.5, -0.5], [3, 1], [2, 2]])


def test_a_typed_unknown_word_shows_its_labelled_fallback_vector():
    explorer = EmbeddingExplorer()
    explorer.word = "zebra"
    word = explorer.state.word
    assert not word.known
    np.testing.assert_array_equal(word.vector, embed("zebra").vector)
    assert "not in the toy vocabulary" in explorer.status()
    assert ("fallback vector", True) in explorer.status_parts()
    assert explorer.state.roles[-1] == "focus_fallback"
    assert explorer.state.names[-1] == "zebra (fallback)"
    assert "zebra (unknown: fallback vector)" in explorer.tables_html()
    assert "fallback vector (the word is unknown)" in explorer.describe()
    explorer.word = "juice"
    assert explorer.state.word.known and "is in the toy vocabulary" in explorer.status()


def test_a_typed_word_is_stripped_and_keyed_as_the_package_keys_it():
    explorer = EmbeddingExplorer(word="  STRASSE ")
    assert explorer.state.word.word == "STRASSE"
    np.testing.assert_array_equal(explorer.state.word.vector, embed("Straße").vector)


def test_unknown_words_in_a_typed_sentence_are_listed():
    explorer = EmbeddingExplorer()
    explorer.sentence = "I love dragon fruit"
    assert "“dragon”, “fruit”" in explorer.status()
    assert explorer.state.roles.count("fallback") == 2


def test_axis_features_change_the_view():
    explorer = EmbeddingExplorer(word="bank", sentence=SENTENCES["bank"])
    explorer.x_feature = "nature"
    explorer.y_feature = "money"
    np.testing.assert_array_equal(explorer.state.points[-1], [1.0, 1.5])  # bank
    assert "nature across, money up" in explorer.describe()
    assert "bank at (1, 1.5)" in explorer.describe_view()


def test_the_matrix_x_is_a_viridis_heatmap_with_its_numbers():
    explorer = EmbeddingExplorer()
    tables = explorer.tables_html()
    assert 'class="sa-table sa-heatmap"' in tables
    assert "The sentence as the matrix X" in tables
    cells = re.findall(r'<td style="background:(#[0-9a-f]{6});color:(black|white)">([^<]*)</td>',
                       tables)
    assert len(cells) == 4 * len(FEATURES)
    np.testing.assert_allclose([float(c[2]) for c in cells], explorer.state.x.ravel(), atol=0.005)
    assert "#440154" in tables and "#fde725" in tables  # darkest and brightest of viridis


BAD = [
    ({"word": ""}, "word is empty"),
    ({"word": "   "}, "word is empty"),
    ({"word": "apple juice"}, "word must be a single word"),
    ({"word": "w" * (MAX_CHARS + 1)}, f"takes at most {MAX_CHARS}"),
    ({"word": 7}, "word must be a str"),
    ({"sentence": ""}, "the sentence has no words"),
    ({"sentence": "  ...  "}, "the sentence has no words"),
    ({"sentence": " ".join(["cat"] * (MAX_TOKENS + 1))}, f"shows at most {MAX_TOKENS}"),
    ({"sentence": None}, "sentence must be a str"),
    ({"x_feature": "colour"}, "x_feature='colour' is not a feature"),
    ({"y_feature": 3}, "y_feature must be a feature name"),
]


@pytest.mark.parametrize("state, words", BAD)
def test_a_bad_state_from_the_front_end_is_refused_whole(state, words):
    explorer = EmbeddingExplorer()
    before = explorer.state
    explorer.set_state({"x_feature": "money", **state})  # x_feature is fine: rolled back too
    assert words in explorer.error
    assert explorer.x_feature == "technology" or "x_feature" in state
    assert (explorer.word, explorer.sentence) == ("apple", "I love Apple phones")
    assert explorer.state is before
    # the next good state clears the message: it never goes stale
    explorer.set_state({"word": "river"})
    assert explorer.error == ""
    assert explorer.state.word.word == "river"


def test_a_message_clears_even_when_the_good_state_is_the_one_already_held():
    explorer = EmbeddingExplorer()
    explorer.set_state({"word": ""})
    assert "word is empty" in explorer.error
    explorer.set_state({"word": "apple"})  # what the kernel already holds: no trait changes
    assert explorer.error == ""


def test_a_state_from_the_front_end_causes_no_further_change():
    explorer = EmbeddingExplorer()
    changes = count_changes(explorer)
    explorer.set_state({"word": "cat", "sentence": SENTENCES["cat"], "x_feature": "animal",
                        "y_feature": "feeling"})
    assert sorted(name for name, _ in changes) == ["sentence", "word", "x_feature", "y_feature"]
    np.testing.assert_array_equal(explorer.state.points[-1], [3, 0.5])


@pytest.mark.parametrize("name, value, error, words", [
    ("word", "apple juice", ValueError, "word must be a single word"),
    ("word", 3, TypeError, "word must be a str"),
    ("sentence", "!!!", ValueError, "no words"),
    ("sentence", b"I love", TypeError, "sentence must be a str"),
    ("x_feature", "size", ValueError, "x_feature='size' is not a feature"),
    ("y_feature", None, TypeError, "y_feature must be a feature name"),
])
def test_a_cell_setting_a_bad_value_raises_and_changes_nothing(name, value, error, words):
    explorer = EmbeddingExplorer()
    before = explorer.state
    with pytest.raises(error, match=words):
        setattr(explorer, name, value)
    assert explorer.state is before and explorer.word == "apple"


def test_a_change_computes_the_reference_without_drawing(monkeypatch):
    """Issue 12: a state change never draws the PNG; the snapshot is drawn on display."""
    explorer = EmbeddingExplorer()
    drawn = []
    monkeypatch.setattr(EmbeddingExplorer, "figure_png", lambda self: drawn.append(1) or b"")
    explorer.word = "zebra"
    explorer.sentence = SENTENCES["cat"]
    explorer.x_feature = "animal"
    assert drawn == []
    explorer.snapshot()
    assert drawn == [1]


def test_snapshot_alt_text_lists_the_words_vector():
    explorer = EmbeddingExplorer()
    values = ", ".join(f"{f} {v:.3g}" for f, v in zip(FEATURES, embed("apple").vector))
    snapshot = explorer.snapshot()
    assert f"alt=\"Left: bar chart of the static vector of “apple”: {values}." in snapshot
    assert "Embedding explorer" in snapshot and "data:image/png;base64," in snapshot
    page = explorer.page_html()
    assert 'data-sa-widget="embedding"' in page and "sa-widget-state" in page


def test_snapshot_follows_the_current_state():
    explorer = EmbeddingExplorer()
    explorer.word = "river"
    assert "static vector of “river”: technology 0, fruit 0, object 0" in explorer.snapshot()


def test_snapshot_is_laid_out_for_the_column_with_text_of_at_least_10_px():
    explorer = EmbeddingExplorer(word="Supercalifragilisticexpialidocious",
                                 sentence="I love supercalifragilisticexpialidocious phones")
    explorer.figure_png()
    fig = explorer._figure
    assert fig.get_figwidth() * fig.dpi <= 688  # shown at its own size: never scaled down
    texts = [t for t in fig.findobj(lambda a: hasattr(a, "get_fontsize") and hasattr(a, "get_text"))
             if t.get_text().strip()]
    assert min(t.get_fontsize() * fig.dpi / 72 for t in texts) >= 10
    # a long word is shortened with "…" in the figure, so it stays inside it
    assert any(t.get_text().startswith("“Supercalifragil…”") for t in texts)
    renderer = fig.canvas.get_renderer()
    width, height = fig.bbox.width, fig.bbox.height
    words = [t for ax in fig.axes for t in (*ax.texts, ax.title, ax.xaxis.label, ax.yaxis.label)]
    words += [t for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()]
    for text in words:
        box = text.get_window_extent(renderer)
        assert box.x0 >= -1 and box.x1 <= width + 1 and box.y0 >= -1 and box.y1 <= height + 1, (
            text.get_text())


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"x_feature": "colour"}, ValueError, "x_feature='colour' is not a feature"),
        ({"y_feature": "size"}, ValueError, "y_feature='size' is not a feature"),
        ({"sentence": "..."}, ValueError, "sentence has no words"),
        ({"word": ""}, ValueError, "word is empty"),
        ({"word": 5}, TypeError, "word must be a str"),
    ],
)
def test_refuses_bad_starting_values(kwargs, error, words):
    with pytest.raises(error, match=words):
        EmbeddingExplorer(**kwargs)
