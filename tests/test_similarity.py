"""Dot product, cosine similarity and the score matrix."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import selfattention as sa
from selfattention.examples import love_apple_phones


def test_dot_product_by_hand(backend):
    a, b = backend.asarray([2.0, 2.0, 1.0]), backend.asarray([3.0, 1.0, -2.0])
    assert backend.to_numpy(sa.dot(a, b)) == 2 * 3 + 2 * 1 + 1 * -2


def test_dot_product_is_lengths_times_cosine(rng):
    a, b = rng.normal(size=5), rng.normal(size=5)
    lengths = np.linalg.norm(a) * np.linalg.norm(b)
    assert sa.dot(a, b) == pytest.approx(lengths * sa.cosine_similarity(a, b))


def test_cosine_of_known_angles():
    assert sa.cosine_similarity([1.0, 0.0], [0.0, 3.0]) == pytest.approx(0.0)
    assert sa.cosine_similarity([1.0, 1.0], [5.0, 5.0]) == pytest.approx(1.0)
    assert sa.cosine_similarity([1.0, 0.0], [1.0, 1.0]) == pytest.approx(math.cos(math.pi / 4))
    assert sa.cosine_similarity([1.0, 2.0], [-2.0, -4.0]) == pytest.approx(-1.0)


def test_cosine_refuses_the_zero_vector():
    with pytest.raises(ValueError, match="b is the zero vector"):
        sa.cosine_similarity([1.0, 2.0], [0.0, 0.0])


def test_dot_needs_vectors_of_one_length():
    with pytest.raises(ValueError, match="same length.*\\(2,\\).*\\(3,\\)"):
        sa.dot([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="a must have 1 dimension"):
        sa.dot([[1.0, 2.0]], [1.0, 2.0])


def test_score_matrix_of_love_apple_phones(backend):
    ex = love_apple_phones()
    queries = backend.asarray(ex.x @ ex.w_q)
    keys = backend.asarray(ex.x @ ex.w_k)
    scores = backend.to_numpy(sa.score_matrix(queries, keys))
    np.testing.assert_array_equal(scores, [[1, 1, 0], [2, 3, 2], [2, 4, 4]])


def test_score_matrix_entries_are_dot_products(rng):
    queries, keys = rng.normal(size=(4, 3)), rng.normal(size=(6, 3))
    scores = sa.score_matrix(queries, keys)
    assert scores.shape == (4, 6)
    for i in range(4):
        for j in range(6):
            assert scores[i, j] == pytest.approx(sa.dot(queries[i], keys[j]))


def test_score_matrix_broadcasts_batches(rng):
    queries, keys = rng.normal(size=(2, 1, 4, 3)), rng.normal(size=(5, 6, 3))
    scores = sa.score_matrix(queries, keys)
    expected = torch.from_numpy(queries) @ torch.from_numpy(keys).transpose(-2, -1)
    np.testing.assert_allclose(scores, expected.numpy())


def test_score_matrix_rejects_mismatched_d_k():
    with pytest.raises(ValueError, match="same last dimension d_k.*d_k=3.*d_k=2"):
        sa.score_matrix(np.ones((4, 3)), np.ones((4, 2)))
