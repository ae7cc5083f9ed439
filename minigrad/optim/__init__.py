"""Optimizers and learning-rate schedules, PyTorch's names and update rules.

    opt = minigrad.optim.Adam(model.parameters(), lr=1e-3)
    for x, y in batches:
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
"""

from minigrad.optim.adam import Adam, AdamW
from minigrad.optim.lr_scheduler import CosineAnnealingLR, LRScheduler, StepLR
from minigrad.optim.optimizer import Optimizer
from minigrad.optim.sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "CosineAnnealingLR", "LRScheduler", "Optimizer", "StepLR"]
