"""The package's attention against torch's built-in, on the CPU (and a GPU if present).

The package materialises the T x T weights because the book shows them;
torch's ``scaled_dot_product_attention`` may use a fused kernel that never
stores them. The ratio says what that clarity costs.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

import selfattention as sa
from selfattention.timing import fastest_seconds

D_K = 64


def run(device: str = "cpu", lengths=(128, 512, 2048)) -> list[dict]:
    generator = torch.Generator(device="cpu").manual_seed(0)
    rows = []
    for T in lengths:
        q, k, v = (torch.randn(T, D_K, generator=generator).to(device) for _ in range(3))
        repeats = 50 if T <= 512 else 15
        with torch.inference_mode():  # the package's own timer: fastest of `repeats` after a warm-up
            ours = fastest_seconds(lambda: sa.scaled_dot_product_attention(q, k, v), repeats, device=device)
            theirs = fastest_seconds(lambda: F.scaled_dot_product_attention(q, k, v), repeats, device=device)
        rows.append({"device": device, "T": T, "ours_ms": ours * 1e3, "torch_ms": theirs * 1e3,
                     "ratio": ours / theirs})
    return rows


def main() -> list[dict]:
    rows = run("cpu")
    if torch.cuda.is_available():
        rows += run("cuda", lengths=(128, 512, 2048, 8192))
    print(f"Attention, d_k={D_K}, float32, {torch.get_num_threads()} CPU thread(s), fastest of 15-50 runs")
    print(f"{'device':>6} {'T':>6} {'package':>11} {'torch':>11} {'ratio':>7}")
    for r in rows:
        print(f"{r['device']:>6} {r['T']:>6} {r['ours_ms']:>8.3f} ms {r['torch_ms']:>8.3f} ms "
              f"{r['ratio']:>6.2f}x")
    return rows


if __name__ == "__main__":
    main()
