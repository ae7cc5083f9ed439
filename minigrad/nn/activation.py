"""Activation modules and Dropout: thin wrappers over `minigrad.nn.functional`."""

from __future__ import annotations

from minigrad.nn import functional as F  # noqa: N812 - the PyTorch convention
from minigrad.nn.module import Module
from minigrad.tensor import Tensor


class ReLU(Module):
    """max(x, 0).

    >>> nn.ReLU()(mg.tensor([-1.0, 2.0]))
    tensor([0., 2.], dtype=float32)
    """

    def forward(self, x: Tensor) -> Tensor:
        return F.relu(x)


class Tanh(Module):
    def forward(self, x: Tensor) -> Tensor:
        return F.tanh(x)


class Sigmoid(Module):
    """1 / (1 + exp(-x)).

    >>> nn.Sigmoid()(mg.tensor([0.0, 2.0]))
    tensor([0.5   , 0.8808], dtype=float32)
    """

    def forward(self, x: Tensor) -> Tensor:
        return F.sigmoid(x)


class GELU(Module):
    """x * Phi(x) (exact), or its tanh approximation with `approximate="tanh"`.

    >>> nn.GELU()(mg.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.1587,  0.    ,  0.8413], dtype=float32)
    >>> nn.GELU(approximate="tanh")(mg.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.1588,  0.    ,  0.8412], dtype=float32)
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        return F.gelu(x, approximate=self.approximate)

    def extra_repr(self) -> str:
        return "" if self.approximate == "none" else f"approximate={self.approximate!r}"


class Softmax(Module):
    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        return F.softmax(x, dim=self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    def forward(self, x: Tensor) -> Tensor:
        return F.log_softmax(x, dim=self.dim)


class Dropout(Module):
    """In training mode, zero each element with probability p and scale the others by
    1/(1-p); in evaluation mode, the identity.

    >>> mg.manual_seed(0)
    >>> drop = nn.Dropout(p=0.5)
    >>> drop(mg.ones(8))
    tensor([2., 2., 2., 0., 0., 0., 0., 0.], dtype=float32)
    >>> drop.eval()(mg.ones(4))
    tensor([1., 1., 1., 1.], dtype=float32)
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be a probability in [0, 1], got {p}")
        self.p = p

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class _Parametrized(Module):
    """An activation with keyword parameters: `forward` calls `_function(x, **params)`."""

    _function = None

    def __init__(self, **params) -> None:
        super().__init__()
        self._params = params

    def forward(self, x: Tensor) -> Tensor:
        return type(self)._function(x, **self._params)

    def extra_repr(self) -> str:
        return ", ".join(f"{key}={value}" for key, value in self._params.items())


class LeakyReLU(_Parametrized):
    """x where x > 0, negative_slope * x elsewhere.

    >>> nn.LeakyReLU(0.1)(mg.tensor([-2.0, 0.0, 2.0]))
    tensor([-0.2,  0. ,  2. ], dtype=float32)
    """

    _function = staticmethod(F.leaky_relu)

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__(negative_slope=negative_slope)


class ELU(_Parametrized):
    """x where x > 0, alpha (exp(x) - 1) elsewhere.

    >>> nn.ELU()(mg.tensor([-2.0, 0.0, 2.0]))
    tensor([-0.8647,  0.    ,  2.    ], dtype=float32)
    """

    _function = staticmethod(F.elu)

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__(alpha=alpha)


class Softplus(_Parametrized):
    """log(1 + exp(beta x)) / beta, linear above `threshold`.

    >>> nn.Softplus(beta=2.0)(mg.tensor([0.0, 1.0]))
    tensor([0.3466, 1.0635], dtype=float32)
    """

    _function = staticmethod(F.softplus)

    def __init__(self, beta: float = 1.0, threshold: float = 20.0) -> None:
        super().__init__(beta=beta, threshold=threshold)


class Hardtanh(_Parametrized):
    """x clipped to [min_val, max_val].

    >>> nn.Hardtanh()(mg.tensor([-2.0, 0.0, 2.0]))
    tensor([-1.,  0.,  1.], dtype=float32)
    """

    _function = staticmethod(F.hardtanh)

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0) -> None:
        super().__init__(min_val=min_val, max_val=max_val)


class SELU(_Parametrized):
    """scale * elu(x, alpha), the self-normalizing constants.

    >>> nn.SELU()(mg.tensor([-2.0, 0.0, 2.0]))
    tensor([-1.5202,  0.    ,  2.1014], dtype=float32)
    """

    _function = staticmethod(F.selu)


class SiLU(_Parametrized):
    """x * sigmoid(x).

    >>> nn.SiLU()(mg.tensor([-2.0, 0.0, 2.0]))
    tensor([-0.2384,  0.    ,  1.7616], dtype=float32)
    """

    _function = staticmethod(F.silu)


class Mish(_Parametrized):
    """x * tanh(softplus(x)).

    >>> nn.Mish()(mg.tensor([-2.0, 0.0, 2.0]))
    tensor([-0.2525,  0.    ,  1.944 ], dtype=float32)
    """

    _function = staticmethod(F.mish)


class LogSigmoid(_Parametrized):
    """log(sigmoid(x)).

    >>> nn.LogSigmoid()(mg.tensor([0.0]))
    tensor([-0.6931], dtype=float32)
    """

    _function = staticmethod(F.log_sigmoid)


class Dropout2d(Dropout):
    """In training mode, zero whole channels of (N, C, H, W) with probability p and scale
    the others by 1/(1-p); in evaluation mode, the identity.

    >>> mg.manual_seed(0)
    >>> nn.Dropout2d(p=0.5)(mg.ones(1, 4, 1, 1)).flatten()
    tensor([2., 2., 2., 0.], dtype=float32)
    """

    def forward(self, x: Tensor) -> Tensor:
        return F.dropout2d(x, self.p, self.training)
