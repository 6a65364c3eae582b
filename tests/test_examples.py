"""The worked examples and the attention explorer's presets, as plain data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np

import selfattention
from selfattention.embeddings import FEATURES, embed_sentence
from selfattention.examples import PRESETS, generic_axes, load_preset, sentence_setup, toy_weights


def test_every_preset_is_a_consistent_setup():
    for name in PRESETS:
        setup = load_preset(name)
        T, d_model = setup.x.shape
        assert len(setup.tokens) == T and len(setup.axis_names) == d_model
        assert setup.w_q.shape[0] == setup.w_k.shape[0] == setup.w_v.shape[0] == d_model
        assert setup.w_q.shape[1] == setup.w_k.shape[1]  # queries and keys share d_k


def test_sentence_setup_marks_unknown_words():
    setup = sentence_setup("I love zorbleflax", toy_weights())
    assert setup.tokens[-1] == "zorbleflax*"
    assert len(setup.notes) == 1 and "not in the toy vocabulary" in setup.notes[0]
    np.testing.assert_array_equal(setup.x, embed_sentence("I love zorbleflax")[1])
    assert setup.axis_names == FEATURES
    assert generic_axes(2) == ("dim 1", "dim 2")


def test_the_examples_need_no_widgets():
    code = "import sys, selfattention.examples; print('ipywidgets' in sys.modules)"
    src = str(Path(selfattention.__file__).parents[1])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ, "PYTHONPATH": src})
    assert done.stdout.strip() == "False"
