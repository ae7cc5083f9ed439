"""Loss modules: MSELoss, CrossEntropyLoss, BCEWithLogitsLoss (see `functional` for the
formulas). Each takes `reduction="mean" | "sum" | "none"`; calling one is
`loss_fn(prediction, target)`."""

from __future__ import annotations

from minigrad.nn import functional as F  # noqa: N812 - the PyTorch convention
from minigrad.nn.module import Module
from minigrad.tensor import Tensor


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        F.check_reduction(type(self).__name__, reduction)
        self.reduction = reduction

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error: (x - target)^2, reduced.

    >>> loss_fn = nn.MSELoss()
    >>> loss_fn(mg.tensor([1.0, 2.0]), mg.tensor([1.0, 4.0]))
    tensor(2., dtype=float32)
    """

    def forward(self, x: Tensor, target) -> Tensor:
        return F.mse_loss(x, target, reduction=self.reduction)


class CrossEntropyLoss(_Loss):
    """Cross-entropy of logits against integer class targets, with optional label smoothing
    and an `ignore_index` whose targets count for nothing.

    >>> loss_fn = nn.CrossEntropyLoss()
    >>> loss_fn(mg.tensor([[0.0, 0.0], [0.0, 0.0]]), mg.tensor([0, 1]))
    tensor(0.6931, dtype=float32)
    """

    def __init__(self, reduction: str = "mean", label_smoothing: float = 0.0,
                 ignore_index: int = -100, *, weight: Tensor | None = None) -> None:
        super().__init__(reduction)
        self.weight = weight
        if not 0.0 <= label_smoothing <= 1.0:
            raise ValueError(
                f"CrossEntropyLoss: label_smoothing must be in [0, 1], got {label_smoothing}"
            )
        self.label_smoothing, self.ignore_index = label_smoothing, ignore_index

    def forward(self, x: Tensor, target) -> Tensor:
        return F.cross_entropy(x, target, weight=self.weight, reduction=self.reduction,
                               label_smoothing=self.label_smoothing,
                               ignore_index=self.ignore_index)

    def extra_repr(self) -> str:
        parts = [super().extra_repr()]
        if self.label_smoothing:
            parts.append(f"label_smoothing={self.label_smoothing}")
        return ", ".join(p for p in parts if p)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits against targets in [0, 1], computed stably;
    `pos_weight` weighs the positive term, `weight` each element.

    >>> loss_fn = nn.BCEWithLogitsLoss()
    >>> loss_fn(mg.tensor([0.0, 0.0]), mg.tensor([1.0, 0.0]))
    tensor(0.6931, dtype=float32)
    """

    def __init__(self, weight=None, reduction: str = "mean", pos_weight=None) -> None:
        super().__init__(reduction)
        self.weight, self.pos_weight = weight, pos_weight

    def forward(self, x: Tensor, target) -> Tensor:
        return F.binary_cross_entropy_with_logits(x, target, weight=self.weight,
                                                  reduction=self.reduction,
                                                  pos_weight=self.pos_weight)
