"""The attention shapes of well-known Transformer models, as data.

Each entry records the embedding size ``d_model`` and the number of heads
``H`` from the models' published configurations. Everything else is computed:
the head size ``d_k = d_model / H`` and the attention parameters of one layer.

One layer of multi-head self-attention holds four matrices, ``W_Q``, ``W_K``,
``W_V`` and ``W_O``, each ``d_model x d_model`` however many heads there are,
so ``4 * d_model**2`` weights. Most of these models also add a bias vector of
length ``d_model`` after each matrix; :meth:`ModelSpec.attention_params`
leaves them out unless asked, since they add only ``4 * d_model``.

MobileBERT is the exception worth knowing: its attention works inside a
narrow 128-wide bottleneck (its "true hidden size"), not at ``d_model = 512``,
so its heads have 32 numbers each and the ``4 * d_model**2`` rule does not
apply to it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._arrays import check_int

__all__ = ["ModelSpec", "MODELS", "get_model", "table_rows"]


@dataclass(frozen=True)
class ModelSpec:
    """One model's attention shape.

    Attributes
    ----------
    name : str
    kind : str
        "decoder", "encoder", "encoder-decoder" or "vision encoder".
    d_model : int
        Embedding size: the width of the vectors between layers.
    n_heads : int
        ``H``, heads per attention layer.
    attention_width : int or None
        Width of the queries and keys of all heads together, when it is not
        ``d_model`` (only MobileBERT here). None means ``d_model``.
    note : str
        A short remark.
    """

    name: str
    kind: str
    d_model: int
    n_heads: int
    attention_width: int | None = None
    note: str = ""

    def __post_init__(self):
        fields = ("d_model", "n_heads") + (() if self.attention_width is None else ("attention_width",))
        for field in fields:
            value = check_int(getattr(self, field), f"{self.name}: {field}", minimum=1)
            object.__setattr__(self, field, value)  # a plain int, even from np.int64
        if self.width % self.n_heads:
            raise ValueError(
                f"{self.name}: {self.n_heads} heads do not divide the attention width "
                f"{self.width} evenly, so the heads could not all have the same size"
            )

    @property
    def width(self) -> int:
        """Width the heads share: ``attention_width`` if set, else ``d_model``."""
        return self.attention_width or self.d_model

    @property
    def head_size(self) -> int:
        """``d_k``: numbers per query and key in one head (width / heads)."""
        return self.width // self.n_heads

    @property
    def standard(self) -> bool:
        """True when the heads share ``d_model`` and the 4 d_model² rule holds."""
        return self.attention_width is None

    def attention_params(self, *, biases: bool = False) -> int:
        """Weights of one self-attention layer: ``W_Q``, ``W_K``, ``W_V``, ``W_O``.

        ``4 * d_model**2``, plus ``4 * d_model`` with ``biases=True``.

        Raises
        ------
        ValueError
            For a model whose attention does not work at ``d_model``
            (MobileBERT), where this simple formula would be wrong.
        """
        if not self.standard:
            raise ValueError(
                f"{self.name}: attention runs at width {self.width}, not d_model={self.d_model}, "
                "so 4 * d_model**2 does not count its parameters"
            )
        weights = 4 * self.d_model * self.d_model  # four (d_model, d_model) matrices
        return weights + (4 * self.d_model if biases else 0)


MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        "Transformer base", "encoder-decoder", 512, 8,
        note="Vaswani et al., 2017, the original Transformer; 6 + 6 layers",
    ),
    ModelSpec("GPT-2 small", "decoder", 768, 12, note="OpenAI, 2019; 12 layers"),
    ModelSpec("GPT-2 medium", "decoder", 1024, 16, note="24 layers"),
    ModelSpec("GPT-2 large", "decoder", 1280, 20, note="36 layers"),
    ModelSpec("GPT-2 XL", "decoder", 1600, 25, note="48 layers; 25 heads, an unusual count"),
    ModelSpec("GPT-3 175B", "decoder", 12288, 96, note="the largest GPT-3; heads of 128"),
    ModelSpec("BERT base", "encoder", 768, 12, note="Google, 2018; 12 layers"),
    ModelSpec("BERT large", "encoder", 1024, 16, note="24 layers"),
    ModelSpec("DistilBERT", "encoder", 768, 12, note="BERT base distilled to 6 layers"),
    ModelSpec("RoBERTa base", "encoder", 768, 12, note="BERT's shape, trained longer on more text"),
    ModelSpec("RoBERTa large", "encoder", 1024, 16),
    ModelSpec("ALBERT base", "encoder", 768, 12, note="one layer's weights shared by all layers"),
    ModelSpec("ALBERT large", "encoder", 1024, 16),
    ModelSpec("XLNet base", "encoder", 768, 12, note="trained on permuted word orders"),
    ModelSpec("XLNet large", "encoder", 1024, 16),
    ModelSpec("Longformer base", "encoder", 768, 12, note="mostly local attention, for long texts"),
    ModelSpec("Longformer large", "encoder", 1024, 16),
    ModelSpec("T5 small", "encoder-decoder", 512, 8, note="text in, text out; no biases"),
    ModelSpec("T5 base", "encoder-decoder", 768, 12),
    ModelSpec("T5 large", "encoder-decoder", 1024, 16),
    ModelSpec("ViT-B/16", "vision encoder", 768, 12, note="tokens are 16x16 image patches"),
    ModelSpec("ViT-L/32", "vision encoder", 1024, 16, note="tokens are 32x32 image patches"),
    ModelSpec(
        "all-MiniLM-L6-v2", "encoder", 384, 12,
        note="the small BERT of chapter 10; 6 layers, heads of 32",
    ),
    ModelSpec("TinyBERT (4 layers)", "encoder", 312, 12, note="small heads of 26"),
    ModelSpec(
        "MobileBERT", "encoder", 512, 4, attention_width=128,
        note="attention inside a 128-wide bottleneck: heads of 32, not 512 / 4 = 128",
    ),
)
"""The models of the book's table, in the order it shows them."""


def get_model(name: str) -> ModelSpec:
    """Look a model up by name (case and spaces ignored)."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__}")
    key = "".join(name.lower().split())
    for spec in MODELS:
        if "".join(spec.name.lower().split()) == key:
            return spec
    raise KeyError(f"no model named {name!r}; known: {', '.join(s.name for s in MODELS)}")


def table_rows(*, biases: bool = False) -> list[dict]:
    """One dict per model: name, kind, d_model, heads, head size, attention parameters.

    ``attention_params`` is None where the 4 d_model² rule does not apply.
    """
    return [
        {
            "name": spec.name,
            "kind": spec.kind,
            "d_model": spec.d_model,
            "n_heads": spec.n_heads,
            "head_size": spec.head_size,
            "attention_params": spec.attention_params(biases=biases) if spec.standard else None,
            "note": spec.note,
        }
        for spec in MODELS
    ]
