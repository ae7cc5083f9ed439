"""A helper for tests that compare minigrad with PyTorch on the same float64 arrays."""

from __future__ import annotations

import numpy as np

import minigrad as mg


def compare_with_torch(torch, fn_mg, fn_torch, *arrays, grad: bool = True,
                       rtol: float = 1e-9, atol: float = 1e-12) -> None:
    """Run both functions on the same arrays; compare the outputs and, with `grad`, the
    gradients of every input for one random cotangent."""
    ours = [mg.tensor(a, requires_grad=grad) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=grad) for a in arrays]
    y, y_ref = fn_mg(*ours), fn_torch(*theirs)
    np.testing.assert_allclose(y.numpy(), y_ref.detach().numpy(), rtol=rtol, atol=atol)
    if grad:
        cotangent = np.random.default_rng(1).standard_normal(y.shape)
        y.backward(mg.tensor(cotangent))
        y_ref.backward(torch.tensor(cotangent))
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=rtol, atol=atol)
