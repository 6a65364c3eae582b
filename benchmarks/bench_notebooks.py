"""Time each chapter notebook run top to bottom on a fresh kernel, as a reader would.

Each notebook runs in its own fresh kernel (nbclient), from the chapters/
folder, and the wall time includes starting the kernel and importing torch.
Targets: 20 s per chapter, 45 s for the training chapter.
"""

from __future__ import annotations

import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
TRAINING_CHAPTER = "09_learning_the_weights"


def target_seconds(stem: str) -> float:
    return 45.0 if stem == TRAINING_CHAPTER else 20.0


def time_notebook(path: Path) -> float:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main() -> list[dict]:
    rows = []
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        seconds = time_notebook(path)
        rows.append({"chapter": path.stem, "seconds": seconds, "target": target_seconds(path.stem)})
    print("Notebooks, fresh kernel each, top to bottom (wall time incl. kernel start)")
    for r in rows:
        verdict = "ok" if r["seconds"] <= r["target"] else "OVER"
        print(f"  {r['chapter']:<28} {r['seconds']:6.1f} s  (target {r['target']:.0f} s: {verdict})")
    return rows


if __name__ == "__main__":
    main()
