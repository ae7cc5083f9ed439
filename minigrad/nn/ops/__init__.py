"""The neural-network primitives: fused ops whose single node replaces a chain of
elementwise ones, for speed and for a readable graph. Each is registered in
`minigrad.ops.PRIMITIVES` beside the core primitives.

* `linear` (`LinearFunction`): y = x W^T + b.
* `batch_norm` (`BatchNormFunction`): Batch Normalization with the paper's compact backward.
* `cross_entropy` (`CrossEntropyFunction`): log_softmax and the target pick in one node.
"""

from minigrad.nn.ops.batch_norm import STATS_MODES, BatchNormFunction, Channels, RunningStats
from minigrad.nn.ops.cross_entropy import CrossEntropyFunction
from minigrad.nn.ops.linear import LinearFunction

__all__ = [
    "STATS_MODES",
    "BatchNormFunction",
    "Channels",
    "CrossEntropyFunction",
    "LinearFunction",
    "RunningStats",
]
