"""Interactive widgets for the chapters. Each one also has a static snapshot for the website."""

from .softmax_explorer import SoftmaxExplorer

__all__ = ["SoftmaxExplorer"]
