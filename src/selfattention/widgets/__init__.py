"""Interactive widgets for the chapters. Each one also has a static snapshot for the website."""

from .attention_explorer import AttentionExplorer
from .dot_product_explorer import DotProductExplorer
from .embedding_explorer import EmbeddingExplorer
from .first_attention_explorer import FirstAttentionExplorer
from .mask_explorer import MaskExplorer
from .mixing_explorer import MixingExplorer
from .real_attention_explorer import RealAttentionExplorer
from .recall_quiz import RecallQuiz
from .scaling_explorer import ScalingExplorer
from .softmax_explorer import SoftmaxExplorer
from .training_explorer import TrainingExplorer

__all__ = [
    "AttentionExplorer",
    "DotProductExplorer",
    "EmbeddingExplorer",
    "FirstAttentionExplorer",
    "MaskExplorer",
    "MixingExplorer",
    "RealAttentionExplorer",
    "RecallQuiz",
    "ScalingExplorer",
    "SoftmaxExplorer",
    "TrainingExplorer",
]
