"""Self-attention against a recurrent layer: the counts of chapter 11's cost table."""

from __future__ import annotations

import pytest
import torch

from selfattention.recurrent import layer_costs, rnn_multiply_adds


@pytest.mark.parametrize("T, d", [(1, 1), (256, 64), (100, 512), (4096, 128)])
def test_the_two_growth_laws(T, d):
    attention, rnn = layer_costs(T, d)
    assert attention.multiply_adds == 2 * T * T * d  # O(T^2 d)
    assert rnn.multiply_adds == 2 * T * d * d  # O(T d^2)
    assert attention.multiply_adds * d == rnn.multiply_adds * T  # their ratio is T / d
    assert (attention.sequential_steps, rnn.sequential_steps) == (1, T)
    assert (attention.path_length, rnn.path_length) == (1, T - 1)


def test_doubling_T_quadruples_attention_and_doubles_the_rnn():
    a1, r1 = layer_costs(512, 64)
    a2, r2 = layer_costs(1024, 64)
    assert a2.multiply_adds == 4 * a1.multiply_adds and r2.multiply_adds == 2 * r1.multiply_adds


def test_rnn_count_matches_torch_rnn_weight_sizes():
    T, d_in, d_hidden = 7, 5, 3
    rnn = torch.nn.RNN(d_in, d_hidden)
    # one multiply-add per weight per step: W_ih (d_h, d_in) and W_hh (d_h, d_h)
    per_step = rnn.weight_ih_l0.numel() + rnn.weight_hh_l0.numel()
    assert rnn_multiply_adds(T, d_in, d_hidden) == T * per_step


def test_rnn_steps_really_are_sequential():
    """Each state depends on the one before: changing token 0 changes the last state."""
    torch.manual_seed(0)
    rnn = torch.nn.RNN(4, 4, batch_first=True)
    x = torch.randn(1, 6, 4)
    changed = x.clone()
    changed[0, 0] += 1.0
    with torch.no_grad():
        assert not torch.allclose(rnn(x)[0][0, -1], rnn(changed)[0][0, -1])


@pytest.mark.parametrize("bad", [0, -3, 2.5, True, "8"])
def test_bad_sizes_are_rejected(bad):
    with pytest.raises((TypeError, ValueError), match="n_tokens"):
        layer_costs(bad, 8)
    with pytest.raises((TypeError, ValueError), match="d_in"):
        rnn_multiply_adds(8, bad)
