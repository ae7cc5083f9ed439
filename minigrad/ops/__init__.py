"""The primitives, one module per family, and the registry that lists them all.

`elementwise` (arithmetic, math, selections, casts), `activation` (relu, tanh, sigmoid,
softplus, gelu, erf), `reduce` (sum, mean, var, max,
min, logsumexp, softmax), `shape` (reshape, transpose, broadcasting, indexing,
concatenation), `linalg` (matmul). Neural-network primitives live with `minigrad.nn`.
"""

from minigrad.ops.activation import GELU, Erf, ReLU, Sigmoid, Softplus, Tanh
from minigrad.ops.elementwise import (
    Abs,
    Add,
    Cast,
    Clip,
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
from minigrad.ops.linalg import MatMul, check_matmul_shapes
from minigrad.ops.reduce import (
    LogSoftmax,
    LogSumExp,
    Max,
    Mean,
    Min,
    Softmax,
    Sum,
    Var,
)
from minigrad.ops.registry import PRIMITIVES, register
from minigrad.ops.shape import (
    BroadcastTo,
    Concatenate,
    GetItem,
    IndexAdd,
    Reshape,
    Transpose,
    normalize_index,
)
from minigrad.shapes import normalize_axis

__all__ = [
    "GELU",
    "PRIMITIVES",
    "Abs",
    "Add",
    "BroadcastTo",
    "Cast",
    "Clip",
    "Concatenate",
    "Div",
    "Erf",
    "Exp",
    "GetItem",
    "IndexAdd",
    "Log",
    "LogSoftmax",
    "LogSumExp",
    "MatMul",
    "Max",
    "Maximum",
    "Mean",
    "Min",
    "Minimum",
    "Mul",
    "Neg",
    "Pow",
    "ReLU",
    "Reshape",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Sqrt",
    "Sub",
    "Sum",
    "Tanh",
    "Transpose",
    "Var",
    "Where",
    "check_matmul_shapes",
    "normalize_axis",
    "normalize_index",
    "register",
]
