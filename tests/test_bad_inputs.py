"""A catalogue of bad inputs across the public API, one table, one test.

Each row: what is wrong, a call that does it, the exception type expected (a fitting
built-in type, or a subclass of one) and a regular expression the message must match;
the expressions name the op and the offending values, as users need. Every row must also
surface from minigrad's own code: not an AttributeError, not an exception raised inside
NumPy or the standard library, and no chained internal exception in the traceback.

Rows marked xfail(strict=True) are bad inputs that do not get a clear error yet; the reason
says what happens instead. When one is fixed its row passes, the strict xfail fails, and
the mark must go.
"""

from __future__ import annotations

import os
import re
import traceback
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F  # noqa: N812 - the PyTorch convention
from minigrad import viz

PACKAGE_DIR = os.path.dirname(os.path.abspath(mg.__file__)) + os.sep


@dataclass
class Env:
    """What a row may need: a scratch directory, and a way to hide Graphviz's `dot`."""

    tmp: Path
    monkeypatch: pytest.MonkeyPatch

    def without_dot(self) -> None:
        empty = self.tmp / "empty-bin"
        empty.mkdir(exist_ok=True)
        self.monkeypatch.setenv("PATH", str(empty))

    def checkpoint(self, name: str, content: bytes | None = None) -> Path:
        """A file under tmp: a valid checkpoint, or `content` written as it is."""
        path = self.tmp / name
        if content is None:
            mg.save({"weight": np.ones(3)}, path)
        else:
            path.write_bytes(content)
        return path


def leaf(*shape, dtype=np.float64) -> mg.Tensor:
    return mg.Tensor(np.ones(shape, dtype=dtype), requires_grad=True)


def f32(*shape) -> mg.Tensor:
    return mg.Tensor(np.ones(shape, dtype=np.float32))


def _backward_twice(env):
    loss = (leaf(3) * 2.0).sum()
    loss.backward()
    loss.backward()


def _load_state(env, change: Callable[[dict], None]):
    model = nn.Linear(3, 2)
    state = model.state_dict()
    change(state)
    model.load_state_dict(state)


def _truncated_checkpoint(env):
    path = env.checkpoint("whole.npz")
    data = path.read_bytes()
    mg.load(env.checkpoint("half.npz", data[: len(data) // 2]))


def _pickled_checkpoint(env):
    path = env.checkpoint("pickled.npz")  # its structure names a0.npy, replaced by a pickle
    with zipfile.ZipFile(path, "w") as archive, zipfile.ZipFile(env.checkpoint("ok.npz")) as ok:
        archive.writestr("__structure__.npy", ok.read("__structure__.npy"))
        with archive.open("a0.npy", "w") as member:
            payload = np.array([{"code": "runs on load"}], dtype=object)
            np.lib.format.write_array(member, payload, allow_pickle=True)
    mg.load(path)


def _render_without_dot(env):
    env.without_dot()
    viz.render((leaf(2) * 2.0).sum(), env.tmp / "graph.svg")


def _optimizer_state_of_another_model(env):
    source = mg.optim.SGD(nn.Linear(2, 2).parameters(), lr=0.1, momentum=0.9)
    target = mg.optim.SGD(nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2)).parameters(), lr=0.1)
    target.load_state_dict(source.state_dict())


def _hook_not_callable(env):
    x = leaf(2)
    x.register_hook(3)
    (x * 2.0).sum().backward()


def _params() -> list:
    return list(nn.Linear(2, 2).parameters())


@dataclass
class Bad:
    description: str
    call: Callable[[Env], object]
    error: type[BaseException]
    message: str  # a regular expression, searched in str(error)
    missing: str | None = None  # set: no clear error yet (strict xfail, reason = this)


TABLE = [
    # --- tensors and their data -------------------------------------------------------
    Bad("non-numeric data", lambda env: mg.tensor(["a", "b"]), TypeError,
        r"tensor: data of dtype <U1 is not numeric"),
    Bad("an object that is not data", lambda env: mg.tensor({"a": 1}), TypeError,
        r"tensor: data of dtype object is not numeric"),
    Bad("ragged nested lists", lambda env: mg.tensor([[1.0], [1.0, 2.0]]), ValueError,
        r"tensor: nested sequences of different lengths"),
    Bad("int tensor requiring grad", lambda env: mg.tensor([1, 2], requires_grad=True),
        TypeError, r"requires_grad: only floating-point tensors .* int64"),
    Bad("requires_grad on a non-leaf", lambda env: setattr(leaf(2) * 2.0, "requires_grad", False),
        RuntimeError, r"requires_grad: can only be changed on leaf tensors.*'mul'"),
    Bad("integer default dtype", lambda env: mg.set_default_dtype(np.int32), TypeError,
        r"set_default_dtype: expected a floating dtype, got int32"),
    Bad("item of several elements", lambda env: leaf(3).item(), ValueError,
        r"item: the tensor has 3 elements, not 1"),
    Bad("unknown dtype name", lambda env: mg.tensor([1.0], dtype="foo"), TypeError,
        r"tensor: .*'foo'"),
    Bad("cast to a non-numeric dtype", lambda env: leaf(3).astype(str), TypeError,
        r"astype: .*(str|<U)"),
    # --- shapes and broadcasting ------------------------------------------------------
    Bad("misaligned matmul", lambda env: leaf(2, 3) @ leaf(4, 2), ValueError,
        r"matmul: shapes \(2, 3\) and \(4, 2\) are not aligned \(3 != 4\)"),
    Bad("matmul of a 0-d tensor", lambda env: leaf() @ leaf(2), ValueError,
        r"matmul: shapes \(\) and \(2,\): operands must be at least 1-D"),
    Bad("matmul batch axes that do not broadcast", lambda env: leaf(2, 2, 3) @ leaf(3, 3, 2),
        ValueError, r"matmul: .*batch dimensions \(2,\) and \(3,\) do not broadcast"),
    Bad("add of non-broadcastable shapes", lambda env: leaf(2, 3) + leaf(4), ValueError,
        r"add: shapes \(2, 3\) and \(4,\) cannot be broadcast"),
    Bad("maximum of non-broadcastable shapes", lambda env: mg.maximum(leaf(3), leaf(2)),
        ValueError, r"maximum: shapes \(3,\) and \(2,\) cannot be broadcast"),
    Bad("where of non-broadcastable shapes",
        lambda env: mg.where(mg.Tensor(np.ones(3, bool)), leaf(2), leaf(3)), ValueError,
        r"where: shapes \(3,\), \(2,\) and \(3,\) cannot be broadcast"),
    Bad("where with a float condition",
        lambda env: mg.where(mg.Tensor(np.ones(3)), leaf(3), leaf(3)), TypeError,
        r"where: condition must be bool, got float64"),
    Bad("reshape to a different size", lambda env: leaf(2, 3).reshape(4, 2), ValueError,
        r"reshape: cannot reshape a tensor of shape \(2, 3\) \(6 elements\) into shape \(4, 2\)"),
    Bad("reshape with two -1", lambda env: leaf(2, 3).reshape(-1, -1), ValueError,
        r"reshape: .*\(2, 3\).*\(-1, -1\)"),
    Bad("reshape to a string", lambda env: leaf(3).reshape("a"), TypeError,
        r"reshape: .*'a'"),
    Bad("sum over an axis out of range", lambda env: leaf(2, 3).sum(axis=2), ValueError,
        r"sum: dim 2 is out of range for a tensor with 2 dimension"),
    Bad("softmax over an axis out of range", lambda env: leaf(2, 3).softmax(axis=-3),
        ValueError, r"softmax: dim -3 is out of range"),
    Bad("mean over a repeated axis", lambda env: leaf(2, 3).mean(axis=(0, -2)), ValueError,
        r"mean: dim \(0, -2\) repeats a dim"),
    Bad("sum over a float axis", lambda env: leaf(2).sum(axis=0.5), TypeError,
        r"sum: dim must be an int.*0\.5"),
    Bad("softmax over a tuple of axes", lambda env: leaf(2, 3).softmax(axis=(0, 1)), TypeError,
        r"softmax: .*\(0, 1\)"),
    Bad("permute dims that are not a permutation", lambda env: leaf(2, 3).permute(0, 0),
        ValueError, r"permute: dims \(0, 0\) are not a permutation of 2 dims"),
    Bad("broadcast_to an incompatible shape", lambda env: leaf(2, 3).broadcast_to((4, 3, 2)),
        ValueError, r"broadcast_to: cannot broadcast shape \(2, 3\) to \(4, 3, 2\)"),
    Bad("concatenate of mismatched shapes", lambda env: mg.cat([leaf(2, 3), leaf(2, 4)]),
        ValueError, r"concatenate: tensor 1 has shape \(2, 4\).*\(2, 3\) outside axis 0"),
    Bad("concatenate of one tensor instead of a sequence", lambda env: mg.cat(leaf(2, 2)),
        TypeError, r"concatenate: .*sequence"),
    Bad("stack of different shapes", lambda env: mg.stack([leaf(2), leaf(3)]), ValueError,
        r"stack: all tensors must have one shape, got \[\(2,\), \(3,\)\]"),
    Bad("index out of range", lambda env: leaf(2, 3)[5], IndexError,
        r"getitem: index 5 is out of bounds .* \(tensor of shape \(2, 3\)\)"),
    Bad("float index array", lambda env: leaf(2, 3)[np.array([0.5])], IndexError,
        r"getitem: index arrays must be integer or bool, got float64"),
    Bad("boolean mask of the wrong length", lambda env: leaf(2, 3)[np.ones(3, bool)],
        IndexError, r"getitem: boolean index did not match.*\(tensor of shape \(2, 3\)\)"),
    Bad("clip bound of a non-broadcastable shape", lambda env: leaf(3).clip(min=np.ones(2)),
        ValueError, r"clip: .*\(2,\).*\(3,\)"),
    Bad("integer tensor to a negative power", lambda env: mg.tensor([1, 2]) ** -1,
        ValueError, r"pow: .*-1"),
    Bad("max of an empty tensor", lambda env: mg.tensor(np.zeros(0)).max(), ValueError,
        r"max: .*(empty|no elements|shape \(0,\))"),
    Bad("gelu with an unknown approximation", lambda env: leaf(3).gelu(approximate="fast"),
        ValueError, r"gelu: approximate must be 'none' or 'tanh', got 'fast'"),
    Bad("clip without bounds", lambda env: leaf(3).clip(), ValueError,
        r"clip: give at least one of min and max"),
    # --- factories and randomness -------------------------------------------------------
    Bad("zeros of a negative length", lambda env: mg.zeros(-1), ValueError,
        r"zeros: .*-1"),
    Bad("eye of a negative size", lambda env: mg.eye(-1), ValueError, r"eye: .*-1"),
    Bad("arange with step 0", lambda env: mg.arange(0, 10, 0), ValueError,
        r"arange: .*step.*0"),
    Bad("randn with a fractional length", lambda env: mg.randn(2, 3.5), TypeError,
        r"randn: .*3\.5"),
    Bad("negative seed", lambda env: mg.manual_seed(-1), ValueError, r"manual_seed: .*-1"),
    # --- autograd ---------------------------------------------------------------------
    Bad("backward of a non-scalar", lambda env: leaf(3).exp().backward(), RuntimeError,
        r"backward: the output of shape \(3,\) is not a scalar"),
    Bad("backward with a gradient of the wrong shape",
        lambda env: leaf(3).exp().backward(mg.ones(2)), RuntimeError,
        r"backward: gradient has shape \(2,\) but the output has shape \(3,\)"),
    Bad("backward twice without retain_graph", _backward_twice, RuntimeError,
        r"backward: trying to backward through the graph a second time \(at 'sum'\).*"
        r"retain_graph=True"),
    Bad("backward of a tensor that does not require grad",
        lambda env: mg.ones(2).sum().backward(), RuntimeError,
        r"backward: the tensor of shape \(\) does not require grad"),
    Bad("grad of an unused input", lambda env: mg.grad((leaf(2) * 2.0).sum(), [leaf(2)]),
        RuntimeError, r"grad: input 0 \(shape \(2,\)\) was not used.*allow_unused=True"),
    Bad("grad of an input that does not require grad",
        lambda env: mg.grad((leaf(2) * 2.0).sum(), [mg.ones(2)]), RuntimeError,
        r"grad: input 0 does not require grad"),
    Bad("a hook that is not callable", _hook_not_callable, TypeError,
        r"register_hook: .*callable.*3|register_hook: .*int"),
    Bad("gradcheck with nothing to check", lambda env: mg.gradcheck(lambda x: x * 2.0,
                                                                    [mg.ones(2)]),
        ValueError, r"gradcheck: no input requires grad"),
    # --- nn -------------------------------------------------------------------------
    Bad("Linear with the wrong in_features", lambda env: nn.Linear(4, 2)(f32(3, 5)), ValueError,
        r"Linear\(in_features=4, .*shape \(3, 5\) has 5 features.*expected in_features=4"),
    Bad("Linear with a negative size", lambda env: nn.Linear(-1, 2), ValueError,
        r"Linear: in_features must be a non-negative int, got -1"),
    Bad("Linear with float64 input and float32 weights",
        lambda env: nn.Linear(2, 2)(mg.Tensor(np.ones((1, 2)))), TypeError,
        r"linear: the input is float64 but the weight is float32"),
    Bad("BatchNorm1d with the wrong channels", lambda env: nn.BatchNorm1d(4)(f32(3, 5)),
        ValueError, r"BatchNorm1d\(4\): the input of shape \(3, 5\) has 5 channels.*expected 4"),
    Bad("BatchNorm training batch of one sample", lambda env: nn.BatchNorm1d(4)(f32(1, 4)),
        ValueError, r"BatchNorm1d: expected more than 1 value per channel when training.*"
        r"\(1, 4\)"),
    Bad("BatchNorm2d given a 2-D input", lambda env: nn.BatchNorm2d(4)(f32(2, 4)), ValueError,
        r"BatchNorm2d\(4\): expected a 4-D \(N, C, H, W\) input, got shape \(2, 4\)"),
    Bad("LayerNorm of the wrong trailing shape", lambda env: nn.LayerNorm(4)(f32(2, 3)),
        ValueError, r"layer_norm: the input of shape \(2, 3\) does not end with .*\(4,\)"),
    Bad("Dropout probability above 1", lambda env: nn.Dropout(1.5), ValueError,
        r"Dropout: p must be a probability in \[0, 1\], got 1.5"),
    Bad("Sequential of a non-module", lambda env: nn.Sequential(nn.Linear(2, 2), 3), TypeError,
        r"Sequential: expected a Module, got int at position 1"),
    Bad("cross-entropy target out of range",
        lambda env: F.cross_entropy(f32(2, 3), mg.tensor([0, 3])), IndexError,
        r"cross_entropy: target 3 at position \(1,\) is not a class index in \[0, 3\)"),
    Bad("cross-entropy negative target",
        lambda env: F.cross_entropy(f32(2, 3), mg.tensor([0, -1])), IndexError,
        r"cross_entropy: target -1 .* not a class index in \[0, 3\)"),
    Bad("cross-entropy float targets of the index shape",
        lambda env: F.cross_entropy(f32(2, 3), mg.tensor([0.0, 1.0])), ValueError,
        r"cross_entropy: a floating target holds class probabilities and must have the "
        r"logits' shape \(2, 3\), got \(2,\) \(class indices must be integers"),
    Bad("cross-entropy target of the wrong shape",
        lambda env: F.cross_entropy(f32(2, 3), mg.tensor([0, 1, 2])), ValueError,
        r"cross_entropy: logits of shape \(2, 3\) need a target of shape \(2,\), got \(3,\)"),
    Bad("mse_loss of mismatched shapes",
        lambda env: F.mse_loss(mg.zeros(2, 3), mg.zeros(3, 2)), ValueError,
        r"mse_loss: the input has shape \(2, 3\) but the target has shape \(3, 2\)"),
    Bad("unknown loss reduction", lambda env: F.mse_loss(mg.zeros(2), mg.zeros(2),
                                                         reduction="avg"),
        ValueError, r"mse_loss: reduction must be one of .*got 'avg'"),
    Bad("state dict with a missing key", lambda env: _load_state(env, lambda s: s.pop("bias")),
        RuntimeError, r"load_state_dict for Linear: missing keys: \['bias'\]"),
    Bad("state dict with an unexpected key",
        lambda env: _load_state(env, lambda s: s.update(extra=np.ones(2))), RuntimeError,
        r"load_state_dict for Linear: unexpected keys: \['extra'\]"),
    Bad("state dict with a mis-shaped key",
        lambda env: _load_state(env, lambda s: s.update(weight=np.ones((3, 3)))), RuntimeError,
        r"load_state_dict for Linear: size mismatch for 'weight': .*\(3, 3\).*\(2, 3\)"),
    # --- optim ----------------------------------------------------------------------
    Bad("negative learning rate", lambda env: mg.optim.SGD(_params(), lr=-0.1), ValueError,
        r"SGD: lr must be a number >= 0, got -0.1"),
    Bad("empty parameter list", lambda env: mg.optim.Adam([]), ValueError,
        r"Adam: got an empty parameter list"),
    Bad("parameters that are not tensors", lambda env: mg.optim.SGD([np.ones(2)], lr=0.1),
        TypeError, r"SGD: parameters must be tensors, got ndarray at position 0"),
    Bad("a single tensor instead of an iterable", lambda env: mg.optim.Adam(leaf(2)),
        TypeError, r"Adam: params must be an iterable of tensors.*single Tensor"),
    Bad("Adam betas outside [0, 1)", lambda env: mg.optim.Adam(_params(), betas=(0.9, 1.5)),
        ValueError, r"Adam: betas must be two numbers in \[0, 1\), got \(0.9, 1.5\)"),
    Bad("Nesterov without momentum", lambda env: mg.optim.SGD(_params(), lr=0.1, nesterov=True),
        ValueError, r"SGD: Nesterov momentum needs momentum > 0"),
    Bad("optimizer state of another model", _optimizer_state_of_another_model, ValueError,
        r"SGD.load_state_dict: param group 0 has 2 parameters in the state, 4 here"),
    Bad("StepLR with step_size 0",
        lambda env: mg.optim.StepLR(mg.optim.SGD(_params(), lr=0.1), step_size=0),
        ValueError, r"StepLR: step_size must be a positive int, got 0"),
    # --- checkpoints ----------------------------------------------------------------
    Bad("loading a missing file", lambda env: mg.load(env.tmp / "nope.npz"), FileNotFoundError,
        r"load: no checkpoint at '.*nope\.npz'"),
    Bad("loading a truncated checkpoint", _truncated_checkpoint, ValueError,
        r"load: cannot read the checkpoint '.*half\.npz'"),
    Bad("loading a file that is not a checkpoint",
        lambda env: mg.load(env.checkpoint("text.npz", b"not a checkpoint")), ValueError,
        r"load: cannot read the checkpoint '.*text\.npz': it is not an \.npz archive"),
    Bad("loading a checkpoint that carries pickled objects", _pickled_checkpoint, ValueError,
        r"load: cannot read the checkpoint '.*pickled\.npz': member 'a0\.npy': it carries "
        r"pickled objects"),
    Bad("loading a directory", lambda env: mg.load(env.tmp), ValueError,
        r"load: cannot read the checkpoint '.*'.*Is a directory"),
    Bad("saving an object that is not data",
        lambda env: mg.save({"a": object()}, env.tmp / "o.npz"), TypeError,
        r"save: cannot store a object \(at obj\['a'\]\)"),
    Bad("saving into a missing directory",
        lambda env: mg.save({"a": np.ones(2)}, env.tmp / "no" / "such" / "x.npz"),
        FileNotFoundError, r"save: .*no/such"),
    # --- convolution, pooling, padding ------------------------------------------------
    Bad("Conv2d given the wrong channel count", lambda env: nn.Conv2d(3, 4, 3)(f32(2, 2, 8, 8)),
        ValueError, r"Conv2d\(3, 4\): expected an input of shape \(N, 3, \.\.\.\).*"
                    r"\(2, 2, 8, 8\)"),
    Bad("Conv2d given a 2-D input", lambda env: nn.Conv2d(1, 4, 3)(f32(8, 8)), ValueError,
        r"Conv2d\(1, 4\): expected .* 2 spatial axes, got \(8, 8\)"),
    Bad("conv2d weight for other channels",
        lambda env: F.conv2d(f32(1, 2, 5, 5), f32(4, 3, 3, 3)), ValueError,
        r"conv2d: the input of shape \(1, 2, 5, 5\) has 2 channels, but the weight of shape "
        r"\(4, 3, 3, 3\) with groups=1 expects 3"),
    Bad("kernel larger than the padded input",
        lambda env: F.conv2d(f32(1, 1, 2, 2), f32(1, 1, 3, 4), padding=(1, 0)), ValueError,
        r"conv2d: the kernel \(3, 4\) .* is larger than the padded input \(4, 2\)"),
    Bad("groups that do not divide the channels", lambda env: nn.Conv2d(4, 6, 3, groups=4),
        ValueError, r"Conv2d: groups=4 must divide in_channels=4 and out_channels=6"),
    Bad("conv2d groups that do not divide the weight",
        lambda env: F.conv2d(f32(1, 4, 5, 5), f32(6, 1, 3, 3), groups=4), ValueError,
        r"conv2d: groups=4 does not divide the weight's 6 output channels"),
    Bad("zero stride", lambda env: F.conv2d(f32(1, 1, 5, 5), f32(1, 1, 3, 3), stride=0),
        ValueError, r"conv2d: stride must be positive, got 0"),
    Bad("negative stride in a layer", lambda env: nn.Conv1d(1, 1, 3, stride=-1), ValueError,
        r"Conv1d: stride must be positive, got -1"),
    Bad("negative padding", lambda env: F.conv1d(f32(1, 1, 5), f32(1, 1, 3), padding=-1),
        ValueError, r"conv1d: padding must be >= 0, got -1"),
    Bad("padding='same' with a stride", lambda env: nn.Conv2d(1, 1, 3, 2, padding="same"),
        ValueError, r"Conv2d: padding='same' is not supported for strided convolutions"),
    Bad("an unknown padding mode", lambda env: nn.Conv2d(1, 1, 3, padding_mode="mirror"),
        ValueError, r"Conv2d: padding_mode must be one of .*'mirror'"),
    Bad("pooling window larger than the input", lambda env: F.max_pool2d(f32(1, 1, 2, 2), 3),
        ValueError, r"max_pool2d: the kernel \(3, 3\) .* is larger than the padded input"),
    Bad("pooling padding above half the kernel",
        lambda env: F.avg_pool2d(f32(1, 1, 6, 6), 2, padding=2), ValueError,
        r"avg_pool2d: padding \(2, 2\) must be at most half the kernel size \(2, 2\)"),
    Bad("reflect padding as large as the axis",
        lambda env: F.pad(f32(1, 2, 3), (3, 0), mode="reflect"), ValueError,
        r"pad: reflect padding of axis 2 must be smaller than its size 3"),
    Bad("pad amounts of odd length", lambda env: F.pad(f32(2, 2), (1,)), ValueError,
        r"pad: pad must be a sequence of ints of even length"),
    # --- indices: embedding, one_hot, gather, ... -------------------------------------
    Bad("Embedding index out of range", lambda env: nn.Embedding(5, 2)(mg.tensor([1, 5])),
        IndexError, r"embedding: index 5 is out of range \[0, 5\)"),
    Bad("Embedding given float indices", lambda env: nn.Embedding(5, 2)(f32(2)), TypeError,
        r"embedding: expected integer indices, got float32"),
    Bad("one_hot class out of range", lambda env: F.one_hot(np.array([0, 3]), 3), IndexError,
        r"one_hot: index 3 is out of range \[0, 3\)"),
    Bad("one_hot negative class", lambda env: F.one_hot(np.array([2, -1])), IndexError,
        r"one_hot: class index -1 is negative"),
    Bad("gather index out of range", lambda env: leaf(2, 3).gather(1, np.array([[0, 3]])),
        IndexError, r"gather: index 3 is out of range for a dimension of size 3"),
    Bad("gather index of another rank", lambda env: leaf(2, 3).gather(1, np.array([0, 1])),
        ValueError, r"gather: the index has 1 dimensions but the tensor of shape \(2, 3\)"),
    Bad("scatter_add index out of range",
        lambda env: leaf(2, 3).scatter_add(0, np.array([[2, 0, 0]]), leaf(1, 3)), IndexError,
        r"scatter_add: index 2 is out of range for a dimension of size 2"),
    Bad("max_unpool2d index outside the output plane",
        lambda env: F.max_unpool2d(f32(1, 1, 2, 2), np.array([[[[0, 1], [2, 16]]]]), 2),
        IndexError, r"max_unpool2d: index 16 is out of range for an output plane of size "
        r"\(4, 4\)"),
    Bad("max_unpool2d output_size out of reach",
        lambda env: F.max_unpool2d(f32(1, 1, 2, 2), np.zeros((1, 1, 2, 2), int), 2,
                                   output_size=(6, 4)), ValueError,
        r"max_unpool2d: output_size \(6, 4\) is invalid: size 0 must be between 2 and 6"),
    Bad("max_unpool2d indices of another shape",
        lambda env: F.max_unpool2d(f32(1, 1, 2, 2), np.zeros((1, 1, 2), int), 2), ValueError,
        r"max_unpool2d: the indices have shape \(1, 1, 2\) and the input \(1, 1, 2, 2\)"),
    Bad("scatter with an unknown reduce",
        lambda env: leaf(2, 3).scatter(0, np.array([[1, 0, 1]]), 2.0, reduce="sum"), ValueError,
        r"scatter: reduce must be 'add' or 'multiply', got 'sum' \(scatter_reduce has"),
    Bad("scatter_reduce with an unknown reduce",
        lambda env: leaf(2, 3).scatter_reduce(0, np.array([[1, 0, 1]]), leaf(1, 3), "max"),
        ValueError, r"scatter_reduce: reduce must be one of \('sum', 'prod', 'mean', 'amax', "
        r"'amin'\), got 'max'"),
    Bad("scatter_reduce index out of range",
        lambda env: leaf(2, 3).scatter_reduce(1, np.array([[3]]), leaf(1, 1), "prod"),
        IndexError, r"scatter_reduce: index 3 is out of range for a dimension of size 3"),
    Bad("index_select index out of range",
        lambda env: leaf(2, 3).index_select(0, np.array([0, -1])), IndexError,
        r"index_select: index -1 is out of range for a dimension of size 2"),
    Bad("GroupNorm groups that do not divide the channels", lambda env: nn.GroupNorm(3, 4),
        ValueError, r"GroupNorm: num_groups=3 must divide num_channels=4"),
    Bad("einsum index of two sizes", lambda env: mg.einsum("ij,jk->ik", leaf(2, 3), leaf(4, 2)),
        ValueError, r"einsum: index 'j' has sizes 3 and 4, which do not broadcast"),
    Bad("einsum batch axes that do not broadcast",
        lambda env: mg.einsum("...i,...i", leaf(2, 3), leaf(4, 3)), ValueError,
        r"einsum: an axis under '\.\.\.' has sizes 2 and 4, which do not broadcast"),
    Bad("einsum sublist with a letter", lambda env: mg.einsum(leaf(2, 3), [0, "j"]),
        ValueError, r"einsum: a sublist holds ints in \[0, 52\) and \.\.\., got 'j'"),
    Bad("einsum stray dot", lambda env: mg.einsum("i..j", leaf(2, 3)), ValueError,
        r"einsum: a '\.' in 'i\.\.j' is not part of one '\.\.\.'"),
    Bad("einsum subscripts longer than the operand", lambda env: mg.einsum("ij...k", leaf(2, 3)),
        ValueError, r"einsum: subscripts 'ij...k' name more axes than the operand of shape"),
    Bad("split sections that do not add up", lambda env: leaf(2, 5).split([2, 2], 1),
        ValueError, r"split: sections \[2, 2\] must .* add up to 5"),
    Bad("topk larger than the axis", lambda env: leaf(2, 3).topk(4), ValueError,
        r"topk: k=4 is out of range for a dimension of size 3"),
    Bad("cumsum without a dim", lambda env: leaf(2, 3).cumsum(), TypeError,
        r"cumsum: missing the dimension to work along \(dim=\)"),
    # --- viz ------------------------------------------------------------------------
    Bad("rendering without Graphviz's dot", _render_without_dot, RuntimeError,
        r"render: Graphviz's `dot` executable was not found.*graph\.svg.*apt-get install"),
    Bad("rendering to an unknown extension",
        lambda env: viz.render((leaf(2) * 2.0).sum(), env.tmp / "g.xyz"), ValueError,
        r"render: cannot tell the format of '.*g\.xyz' from its extension"),
    Bad("drawing something that is not a tensor", lambda env: viz.draw(np.ones(3)), TypeError,
        r"draw: roots must be a Tensor"),
    Bad("grad_paths with respect to a constant",
        lambda env: viz.grad_paths((leaf(2) * 2.0).sum(), mg.ones(2)), ValueError,
        r"grad_paths: wrt \(shape \(2,\)\) does not require grad"),
]


def _innermost_frame(error: BaseException) -> traceback.FrameSummary:
    return traceback.extract_tb(error.__traceback__)[-1]


def _row(bad: Bad):
    marks = [pytest.mark.xfail(strict=True, reason=bad.missing)] if bad.missing else []
    return pytest.param(bad, id=bad.description, marks=marks)


@pytest.mark.parametrize("bad", [_row(bad) for bad in TABLE])
def test_bad_input_gets_a_clear_error(bad: Bad, tmp_path, monkeypatch):
    with pytest.raises(Exception) as caught:
        bad.call(Env(tmp_path, monkeypatch))
    error = caught.value
    assert isinstance(error, bad.error), f"{type(error).__name__}: {error}"
    assert not isinstance(error, AttributeError), error
    assert re.search(bad.message, str(error), re.DOTALL), str(error)
    origin = _innermost_frame(error).filename
    assert origin.startswith(PACKAGE_DIR), f"raised inside {origin}, not by minigrad: {error}"
    assert error.__context__ is None or error.__suppress_context__, (
        f"an internal {type(error.__context__).__name__} is chained to the error"
    )


def test_the_catalogue_is_large_and_distinct():
    descriptions = [bad.description for bad in TABLE]
    assert len(set(descriptions)) == len(descriptions)
    assert sum(bad.missing is None for bad in TABLE) >= 30
