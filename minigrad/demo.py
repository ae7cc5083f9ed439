"""The demo behind `python -m minigrad demo`: the section-2 bias gradient, computed."""

from __future__ import annotations

from pathlib import Path

import numpy as np

import minigrad as mg


def run_demo(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    mg.manual_seed(0)
    u = mg.randn(16, 3, dtype=np.float64)
    b = mg.zeros(3, dtype=np.float64, requires_grad=True)
    weights = mg.randn(16, 3, dtype=np.float64)
    lines = []
    for detached in (False, True):
        b.grad = None
        x = u + b
        mean = x.mean(axis=0)
        x_hat = x - (mean.detach() if detached else mean)
        loss = (x_hat * x_hat * weights).sum()
        loss.backward()
        label = "E[x] detached" if detached else "E[x] differentiated"
        lines.append(f"{label:>20}: dl/db = {np.array2string(b.grad.data, precision=6)}")
    report = "\n".join(lines)
    print(report)
    (out / "summary.txt").write_text(report + "\n")
    print(f"wrote {out / 'summary.txt'}")
    return 0
