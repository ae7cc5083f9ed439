"""The primitives, one module per family; each joins the registry (`minigrad.registry`)
with `@register`, and importing this package imports every family.

`elementwise` (arithmetic, math, selections, casts), `activation` (relu, tanh, sigmoid,
softplus, gelu, erf), `reduce` (sum, mean, var, max, min, logsumexp, softmax), `shape`
(reshape, transpose, broadcasting, indexing, concatenation), `linalg` (matmul and the fused
`linear`), `normalization` (the fused `batch_norm`; its backward `batch_norm_backward`, its
layout, kernels and loops in the modules beside it), `loss` (the fused `cross_entropy`),
`conv` (convolution and its two adjoints), `pooling` (max pooling).

A primitive's `name` is what drawings, errors and the registry show. A fused primitive has
the name of the one public function that applies it: `F.cross_entropy` checks its arguments,
flattens the layout to rows and applies `CrossEntropyFunction` (named "cross_entropy"), as
`F.linear` applies `LinearFunction` ("linear") and `F.batch_norm` `BatchNormFunction`
("batch_norm"). So a drawn node reads as the call that made it; the class name, ending in
`Function`, is the primitive itself.
"""

from minigrad.ops.activation import GELU, Erf, ReLU, Sigmoid, Softplus, Tanh
from minigrad.ops.conv import Conv, ConvTranspose, ConvWeight
from minigrad.ops.einsum import Einsum
from minigrad.ops.elementwise import (
    Abs,
    Add,
    Cast,
    Clip,
    Clone,
    Div,
    Exp,
    Log,
    Maximum,
    Minimum,
    Mul,
    Neg,
    Pow,
    Sqrt,
    Sub,
    Where,
)
from minigrad.ops.linalg import LinearFunction, MatMul
from minigrad.ops.loss import CrossEntropyFunction
from minigrad.ops.math import (
    Acos,
    Asin,
    Atan,
    Atan2,
    Ceil,
    Cos,
    Cosh,
    Exp2,
    Expm1,
    Floor,
    Log1p,
    Log2,
    Round,
    Rsqrt,
    Sign,
    Sin,
    Sinh,
    Tan,
    Trunc,
)
from minigrad.ops.normalization import BatchNormFunction
from minigrad.ops.normalization_backward import BatchNormBackward
from minigrad.ops.pooling import MaxPool, MaxPoolRoute, MaxPoolSelect
from minigrad.ops.reduce import (
    LogSoftmax,
    LogSumExp,
    Max,
    Mean,
    Min,
    Softmax,
    Std,
    Sum,
    Var,
)
from minigrad.ops.scan import Cumprod, Cumsum, Prod
from minigrad.ops.shape import (
    BroadcastTo,
    Concatenate,
    GetItem,
    IndexAdd,
    Reshape,
    Transpose,
)
from minigrad.registry import PRIMITIVES, register

__all__ = [
    "GELU", "PRIMITIVES", "Abs", "Add", "BatchNormBackward", "BatchNormFunction",
    "BroadcastTo", "Cast", "Clip", "Clone", "Concatenate", "CrossEntropyFunction", "Div", "Erf",
    "Exp", "GetItem", "IndexAdd",
    "LinearFunction", "Log", "LogSoftmax", "LogSumExp", "MatMul", "Max", "Maximum", "Mean",
    "Min", "Minimum", "Mul", "Neg", "Pow", "ReLU", "Reshape", "Sigmoid", "Softmax", "Softplus",
    "Sqrt", "Std", "Sub", "Sum", "Tanh", "Transpose", "Var", "Where", "register",
]
__all__ += ["Conv", "ConvTranspose", "ConvWeight", "MaxPool", "MaxPoolRoute", "MaxPoolSelect"]
__all__ += ["Acos", "Asin", "Atan", "Atan2", "Ceil", "Cos", "Cosh", "Exp2", "Expm1", "Floor",
            "Log1p", "Log2", "Round", "Rsqrt", "Sign", "Sin", "Sinh", "Tan", "Trunc"]
__all__ += ["Cumprod", "Cumsum", "Prod"]
__all__ += ["Einsum"]
