"""Learning-rate schedules: call `scheduler.step()` once per epoch (after the optimizer's
steps); it sets `lr` in every param group of the optimizer."""

from __future__ import annotations

import math

from minigrad.optim.optimizer import Optimizer


class LRScheduler:
    """Base class: `last_epoch` counts `step()` calls; `get_last_lr()` returns the rates
    set last; `state_dict()`/`load_state_dict()` save and restore the schedule.

    >>> class Halving(mg.optim.LRScheduler):
    ...     def lr_at(self, base_lr, epoch):
    ...         return base_lr / 2 ** epoch
    >>> schedule = Halving(mg.optim.SGD(model.parameters(), lr=1.0))
    >>> schedule.step()
    >>> schedule.step()
    >>> schedule.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__}: expected an Optimizer, got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()

    def lr_at(self, base_lr: float, epoch: int) -> float:
        """The learning rate of a group whose initial rate is `base_lr`, at `epoch`."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and set every group's learning rate (call after
        `optimizer.step()`)."""
        self.last_epoch += 1
        self._last_lr = [self.lr_at(base, self.last_epoch) for base in self.base_lrs]
        for group, lr in zip(self.optimizer.param_groups, self._last_lr):
            group["lr"] = lr

    def get_last_lr(self) -> list[float]:
        """The learning rates of the groups, as set by the last `step`."""
        return list(self._last_lr)

    def state_dict(self) -> dict:
        """The schedule's state (everything but the optimizer), for checkpoints."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore a state from `state_dict()`."""
        self.__dict__.update(state_dict)


def _positive_int(owner: str, name: str, value) -> int:
    if not isinstance(value, int) or value <= 0:
        raise ValueError(f"{owner}: {name} must be a positive int, got {value!r}")
    return value


class StepLR(LRScheduler):
    """lr = base_lr * gamma ** (epoch // step_size): decay by `gamma` every `step_size`
    epochs.

    >>> opt = mg.optim.SGD(model.parameters(), lr=1.0)
    >>> schedule = mg.optim.StepLR(opt, step_size=2, gamma=0.5)
    >>> for epoch in range(4):
    ...     opt.step()        # after the epoch's training steps
    ...     schedule.step()
    >>> schedule.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.step_size = _positive_int("StepLR", "step_size", step_size)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        return base_lr * self.gamma ** (epoch // self.step_size)


class CosineAnnealingLR(LRScheduler):
    """lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2: from base_lr
    down to eta_min over T_max epochs along half a cosine (SGDR without restarts).

    >>> opt = mg.optim.SGD(model.parameters(), lr=1.0)
    >>> schedule = mg.optim.CosineAnnealingLR(opt, T_max=4)
    >>> for epoch in range(2):
    ...     opt.step()
    ...     schedule.step()
    >>> schedule.get_last_lr()
    [0.5]
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,  # noqa: N803
                 last_epoch: int = -1) -> None:
        self.T_max = _positive_int("CosineAnnealingLR", "T_max", T_max)
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr: float, epoch: int) -> float:
        cosine = (1.0 + math.cos(math.pi * epoch / self.T_max)) / 2.0
        return self.eta_min + (base_lr - self.eta_min) * cosine
