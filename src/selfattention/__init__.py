"""selfattention: the tested code behind the book *Self-Attention, Built by Hand*.

Every function accepts nested lists, numpy arrays or torch tensors (on any
device). It returns numpy arrays for list or numpy input, and tensors on the
input's device for tensor input. Widgets live in :mod:`selfattention.widgets`
and figures in :mod:`selfattention.plotting`, so importing the maths stays light.
"""

from .attention import (
    SelfAttentionResult,
    causal_mask,
    scaled_dot_product_attention,
    self_attention,
)
from .device import available_devices, pick_device
from .first_attention import is_symmetric, weightless_self_attention
from .mixing import mix, rebalance
from .multihead import multi_head_attention, padding_mask
from .similarity import cosine_similarity, dot, score_matrix
from .softmax import entropy, hardmax, naive_softmax, softmax

__version__ = "0.1.0"

__all__ = [
    "SelfAttentionResult",
    "available_devices",
    "causal_mask",
    "cosine_similarity",
    "dot",
    "entropy",
    "hardmax",
    "is_symmetric",
    "mix",
    "multi_head_attention",
    "naive_softmax",
    "padding_mask",
    "pick_device",
    "rebalance",
    "scaled_dot_product_attention",
    "score_matrix",
    "self_attention",
    "softmax",
    "weightless_self_attention",
]
