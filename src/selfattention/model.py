r"""A one-head self-attention classifier, built on the book's own attention code.

.. math::

    Q = X W_Q,\quad K = X W_K,\quad V = X W_V,\qquad
    Z = \operatorname{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V,\qquad
    \text{logits} = z_{\text{target}} W_{\text{out}} + b_{\text{out}}

The static embeddings ``X`` are frozen (a buffer, not a parameter), so what
training changes is :math:`W_Q, W_K, W_V` and the small readout. The attention
itself is :func:`selfattention.self_attention`: the same function the earlier
chapters check by hand, which torch can differentiate through.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from ._arrays import check_int
from .attention import SelfAttentionResult, self_attention

__all__ = ["AttentionClassifier", "ClassifierOutput"]


@dataclass
class ClassifierOutput:
    """What one forward pass gives.

    Attributes
    ----------
    logits : torch.Tensor, shape (B, n_classes)
    attention : SelfAttentionResult
        Every intermediate of the attention pass; ``attention.weights`` has
        shape (B, T, T).
    """

    logits: torch.Tensor
    attention: SelfAttentionResult


class AttentionClassifier(nn.Module):
    """Frozen embeddings -> one self-attention head -> read one token's output vector.

    Parameters
    ----------
    embeddings : array_like, shape (V, d_model)
        One static vector per token id; row 0 is the padding token.
    d_k, d_v : int
        Sizes of the query/key vectors and of the value vectors.
    n_classes : int
        Number of classes the readout predicts.
    init_scale : float
        Standard deviation of the normal draws that start ``w_q``, ``w_k``
        and ``w_v``: small random numbers, so the first attention is close
        to uniform. Seed torch (``torch.manual_seed``) for a repeatable start.

    Attributes
    ----------
    w_q, w_k : torch.nn.Parameter, shape (d_model, d_k)
    w_v : torch.nn.Parameter, shape (d_model, d_v)
        The book's matrices, used as ``X @ w_q`` (no transpose, no bias).
    readout : torch.nn.Linear, d_v -> n_classes
    """

    def __init__(
        self, embeddings, d_k: int = 4, d_v: int = 4, n_classes: int = 2, init_scale: float = 0.1
    ):
        super().__init__()
        table = torch.as_tensor(embeddings, dtype=torch.float32)
        if table.ndim != 2:
            raise ValueError(f"embeddings must have shape (V, d_model), got shape {tuple(table.shape)}")
        d_k = check_int(d_k, "d_k", minimum=1)
        d_v = check_int(d_v, "d_v", minimum=1)
        n_classes = check_int(n_classes, "n_classes", minimum=1)
        if not init_scale > 0:
            raise ValueError(f"init_scale must be > 0, got {init_scale!r}")
        d_model = table.shape[1]
        self.register_buffer("embeddings", table)
        self.w_q = nn.Parameter(torch.randn(d_model, d_k) * init_scale)
        self.w_k = nn.Parameter(torch.randn(d_model, d_k) * init_scale)
        self.w_v = nn.Parameter(torch.randn(d_model, d_v) * init_scale)
        self.readout = nn.Linear(d_v, n_classes)

    @property
    def device(self) -> torch.device:
        return self.w_q.device

    def attend(
        self, token_ids: torch.Tensor, lengths: torch.Tensor
    ) -> SelfAttentionResult:
        """Self-attention over padded sentences; padding is never attended to.

        Parameters
        ----------
        token_ids : torch.Tensor of int64, shape (B, T)
        lengths : torch.Tensor of int64, shape (B,)
            Real tokens per sentence; positions ``>= length`` are padding.
        """
        B, T = token_ids.shape
        x = self.embeddings[token_ids]  # (B, T, d_model)
        real = torch.arange(T, device=token_ids.device) < lengths[:, None]  # (B, T)
        mask = real[:, None, :]  # (B, 1, T): every query may look at the real keys only
        return self_attention(x, self.w_q, self.w_k, self.w_v, mask=mask)

    def forward(self, token_ids, lengths, targets) -> ClassifierOutput:
        """Class scores for the token at ``targets`` in each sentence.

        Parameters
        ----------
        token_ids : torch.Tensor of int64, shape (B, T)
        lengths, targets : torch.Tensor of int64, shape (B,)
            ``targets[b]`` is the position of the word to classify.
        """
        attention = self.attend(token_ids, lengths)
        rows = torch.arange(token_ids.shape[0], device=token_ids.device)
        # (B, d_v): the target word's new vector
        z_target = attention.output[rows, targets]
        # (B, d_v) -> (B, n_classes)
        return ClassifierOutput(self.readout(z_target), attention)
