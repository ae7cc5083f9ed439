"""Neural networks: modules, layers, losses, initializers, and the functional interface.

PyTorch's names and semantics, so habits carry over:

    import minigrad.nn as nn
    import minigrad.nn.functional as F

    model = nn.Sequential(nn.Linear(784, 512, bias=False), nn.BatchNorm1d(512), nn.ReLU(),
                          nn.Linear(512, 10))
    loss = F.cross_entropy(model(x), labels)

BatchNorm is where the Batch Normalization paper lives in code: `BatchNorm1d/2d` and
`F.batch_norm` (fused or composed, with `stats="batch"` or `"detached"`), and
`PopulationNorm`, the whole-training-set normalization of the paper's section 2.
"""

from minigrad.nn import functional, init
from minigrad.nn.activation import (
    ELU,
    GELU,
    SELU,
    Dropout,
    Dropout2d,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    LogSoftmax,
    Mish,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Tanh,
)
from minigrad.nn.containers import ModuleDict, ModuleList, Sequential
from minigrad.nn.conv import Conv1d, Conv2d
from minigrad.nn.hooks import (
    RemovableHandle,
    register_module_forward_hook,
    register_module_forward_pre_hook,
)
from minigrad.nn.linear import Flatten, Identity, Linear, Unflatten
from minigrad.nn.loss import BCEWithLogitsLoss, CrossEntropyLoss, MSELoss
from minigrad.nn.module import Module
from minigrad.nn.module_state import IncompatibleKeys
from minigrad.nn.normalization import (
    BatchNorm1d,
    BatchNorm2d,
    GroupNorm,
    InstanceNorm1d,
    InstanceNorm2d,
    LayerNorm,
)
from minigrad.nn.parameter import Parameter
from minigrad.nn.pooling import (
    AdaptiveAvgPool1d,
    AdaptiveAvgPool2d,
    AvgPool1d,
    AvgPool2d,
    MaxPool1d,
    MaxPool2d,
    MaxUnpool1d,
    MaxUnpool2d,
)
from minigrad.nn.population import PopulationNorm, refresh_population_norms
from minigrad.nn.sparse import Embedding

__all__ = [
    "GELU",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "CrossEntropyLoss",
    "Dropout",
    "Flatten",
    "Identity",
    "IncompatibleKeys",
    "LayerNorm",
    "Linear",
    "LogSoftmax",
    "MSELoss",
    "Module",
    "ModuleList",
    "Parameter",
    "PopulationNorm",
    "ReLU",
    "RemovableHandle",
    "Sequential",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "functional",
    "init",
    "refresh_population_norms",
    "register_module_forward_hook",
    "register_module_forward_pre_hook",
]
__all__ += ["AdaptiveAvgPool1d", "AdaptiveAvgPool2d", "AvgPool1d", "AvgPool2d", "Conv1d",
            "Conv2d", "MaxPool1d", "MaxPool2d", "MaxUnpool1d", "MaxUnpool2d"]
__all__ += ["ELU", "SELU", "Dropout2d", "Embedding", "GroupNorm", "Hardtanh", "InstanceNorm1d",
            "InstanceNorm2d", "LeakyReLU", "LogSigmoid", "Mish", "ModuleDict", "SiLU", "Softplus",
            "Unflatten"]
