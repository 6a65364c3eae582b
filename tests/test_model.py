"""The one-head classifier: shapes, the book's attention inside, gradients, devices."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import selfattention as sa
from selfattention.model import AttentionClassifier
from selfattention.toy_task import VOCAB, embedding_matrix, encode, make_examples


def _batch(n=6, device="cpu"):
    batch = encode(make_examples(n, seed=5))
    return batch, tuple(
        torch.from_numpy(a).to(device) for a in (batch.token_ids, batch.lengths, batch.targets, batch.labels)
    )


def _model(device="cpu", seed=0, **kwargs):
    torch.manual_seed(seed)
    return AttentionClassifier(embedding_matrix(), **kwargs).to(device)


def test_shapes():
    batch, (ids, lengths, targets, _) = _batch()
    B, T = batch.token_ids.shape
    model = _model(d_k=3, d_v=5)
    out = model(ids, lengths, targets)
    assert out.logits.shape == (B, 2)
    assert out.attention.queries.shape == (B, T, 3) and out.attention.keys.shape == (B, T, 3)
    assert out.attention.values.shape == (B, T, 5)
    assert out.attention.weights.shape == (B, T, T)
    assert model.w_q.shape == (8, 3) and model.w_v.shape == (8, 5)
    # the embeddings are a buffer: not trained, but saved and moved with the model
    assert "embeddings" not in dict(model.named_parameters())
    assert "embeddings" in model.state_dict()
    assert sum(p.numel() for p in model.parameters()) == 8 * 3 * 2 + 8 * 5 + 5 * 2 + 2


def test_padding_gets_no_attention_and_rows_sum_to_one():
    batch, (ids, lengths, targets, _) = _batch(8)
    weights = _model()(ids, lengths, targets).attention.weights.detach().numpy()
    for b, length in enumerate(batch.lengths):
        assert np.all(weights[b, :, length:] == 0)
    np.testing.assert_allclose(weights.sum(-1), 1.0, rtol=1e-6)


def test_attention_is_the_books_self_attention_on_the_same_weights():
    batch, (ids, lengths, targets, _) = _batch(4)
    model = _model()
    out = model(ids, lengths, targets)
    table = embedding_matrix()
    for b, length in enumerate(batch.lengths):
        x = table[batch.token_ids[b, :length]]  # (T, d_model), no padding
        w_q, w_k, w_v = (w.detach().double().numpy() for w in (model.w_q, model.w_k, model.w_v))
        book = sa.self_attention(x, w_q, w_k, w_v)
        np.testing.assert_allclose(out.attention.weights[b, :length, :length].detach().numpy(), book.weights, atol=1e-6)
        np.testing.assert_allclose(out.attention.output[b, :length].detach().numpy(), book.output, atol=1e-6)
        # and the same numbers by hand: softmax(Q K^T / sqrt(d_k)) V
        q, k, v = x @ w_q, x @ w_k, x @ w_v  # (T, d_model) @ (d_model, d_k) -> (T, d_k)
        scores = q @ k.T / np.sqrt(q.shape[1])  # (T, d_k) @ (d_k, T) -> (T, T)
        weights = np.exp(scores - scores.max(1, keepdims=True))
        weights /= weights.sum(1, keepdims=True)
        np.testing.assert_allclose(book.weights, weights, rtol=1e-10)
        np.testing.assert_allclose(book.output, weights @ v, rtol=1e-10)  # (T, T) @ (T, d_v)


def test_logits_read_the_target_words_output_vector():
    batch, (ids, lengths, targets, _) = _batch(4)
    model = _model()
    out = model(ids, lengths, targets)
    z = out.attention.output[torch.arange(4), targets]
    torch.testing.assert_close(out.logits, model.readout(z))
    # moving the target changes the prediction input
    other = model(ids, lengths, torch.zeros_like(targets))
    assert not torch.allclose(other.logits, out.logits)


def test_gradients_reach_w_q_w_k_and_w_v():
    _, (ids, lengths, targets, labels) = _batch(16)
    model = _model()
    loss = torch.nn.functional.cross_entropy(model(ids, lengths, targets).logits, labels)
    loss.backward()
    for name in ("w_q", "w_k", "w_v"):
        grad = getattr(model, name).grad
        assert grad is not None and grad.shape == getattr(model, name).shape
        assert grad.abs().sum() > 0, f"no gradient reached {name}"
    assert model.embeddings.grad is None


def test_small_start_gives_nearly_uniform_attention():
    batch, (ids, lengths, targets, _) = _batch(32)
    weights = _model()(ids, lengths, targets).attention.weights.detach().numpy()
    for b, length in enumerate(batch.lengths):
        np.testing.assert_allclose(weights[b, :length, :length], 1 / length, atol=0.15 / length)


def test_same_seed_same_start():
    first, second, other = _model(seed=1), _model(seed=1), _model(seed=2)
    torch.testing.assert_close(first.w_q, second.w_q)
    assert not torch.equal(first.w_q, other.w_q)


def test_runs_on_the_backend_device(torch_backend):
    _, (ids, lengths, targets, labels) = _batch(8, torch_backend.device)
    model = _model(torch_backend.device)
    out = model(ids, lengths, targets)
    assert out.logits.device.type == torch_backend.device
    assert out.attention.weights.device.type == torch_backend.device
    torch.nn.functional.cross_entropy(out.logits, labels).backward()
    assert model.w_q.grad.device.type == torch_backend.device


def test_same_numbers_on_cpu_and_the_picked_device():
    _, cpu_inputs = _batch(8)
    device = sa.pick_device()
    _, device_inputs = _batch(8, device)
    cpu = _model()(*cpu_inputs[:3]).logits
    picked = _model(device)(*device_inputs[:3]).logits.cpu()
    torch.testing.assert_close(cpu, picked, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"d_k": 0}, ValueError, "d_k must be at least 1, got 0"),
        ({"d_v": 2.5}, TypeError, "d_v must be an int, got float"),
        ({"n_classes": True}, TypeError, "n_classes must be an int, got bool"),
        ({"init_scale": 0.0}, ValueError, "init_scale must be > 0"),
    ],
)
def test_refuses_bad_settings(kwargs, error, words):
    with pytest.raises(error, match=words):
        AttentionClassifier(embedding_matrix(), **kwargs)


def test_refuses_embeddings_of_the_wrong_shape():
    with pytest.raises(ValueError, match=rf"embeddings must have shape \(V, d_model\), got shape \({len(VOCAB)},\)"):
        AttentionClassifier(np.zeros(len(VOCAB)))  # one number per word: no d_model
