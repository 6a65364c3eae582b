"""Interactive widgets for the chapters. Each one also has a static snapshot for the website."""

from .embedding_explorer import EmbeddingExplorer
from .mixing_explorer import MixingExplorer
from .softmax_explorer import SoftmaxExplorer

__all__ = ["EmbeddingExplorer", "MixingExplorer", "SoftmaxExplorer"]
