"""The autograd engine: graph nodes, grad mode, traversal and backward.

Modules: `grad_mode` (no_grad and friends), `function` (Function, Node), `graph` (the one
traversal), `unbroadcast` (gradients summed back to their inputs' shapes), `engine`
(backward, grad, the per-node step `vjp`), `record` (a backward pass as the steps it took),
`anomaly` (detect_anomaly), `collector` (full garbage collections wait while a graph is
recorded).
"""

from minigrad.autograd.anomaly import AnomalyError, detect_anomaly, is_anomaly_enabled
from minigrad.autograd.engine import backward, grad, is_backward_running, vjp
from minigrad.autograd.function import Function, Node
from minigrad.autograd.grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from minigrad.autograd.graph import topological_order
from minigrad.autograd.record import BackwardRecord, BackwardStep, record_backward
from minigrad.autograd.unbroadcast import sum_to_shape

__all__ = [
    "AnomalyError", "BackwardRecord", "BackwardStep", "Function", "Node", "backward",
    "detect_anomaly", "enable_grad", "grad", "is_anomaly_enabled", "is_backward_running",
    "is_grad_enabled", "no_grad", "record_backward", "set_grad_enabled", "sum_to_shape",
    "topological_order", "vjp",
]
