"""Convolution, pooling, padding and the layers' functionals (normalizations per sample,
embedding, one_hot, the activations of nn), against torch.nn.functional."""

from __future__ import annotations

import numpy as np
import torch.nn.functional as tnf

import minigrad as mg
import minigrad.nn.functional as F  # noqa: N812 - PyTorch's spelling
from conformance import samples as gen
from conformance.opinfo import Difference, OpInfo, Sample


def _conv2d_samples(dtype):
    x, w, b = gen.normal((2, 4, 6, 5), dtype), gen.normal((6, 2, 3, 2), dtype, 1), \
        gen.normal((6,), dtype, 2)
    return [
        Sample((x, w, b), {"padding": 1, "groups": 2}, "padded, groups", second_order=True),
        Sample((x, gen.normal((3, 4, 3, 2), dtype, 3)), {"stride": 2, "dilation": (2, 1)},
               "stride, dilation"),
        Sample((x, w[:4], b[:4]), {"padding": "same", "groups": 2}, "same"),
        Sample((x[0], gen.normal((3, 4, 2, 2), dtype, 4)), {"padding": (0, 1)}, "unbatched"),
        Sample((x[:, :, ::-1], gen.normal((3, 4, 2, 2), dtype, 3)), {"stride": (1, 2)},
               "negative-stride view"),
    ]


def _conv1d_samples(dtype):
    x, w = gen.normal((2, 4, 9), dtype), gen.normal((6, 2, 3), dtype, 1)
    return [Sample((x, w, gen.normal((6,), dtype, 2)), {"stride": 2, "padding": 2,
                                                       "dilation": 2, "groups": 2},
                   "stride, padding, dilation, groups", second_order=True),
            Sample((x[:, :2], w), {"padding": "same"}, "same")]


def _pool_samples(dtype, avg: bool):
    x = gen.normal((2, 3, 7, 6), dtype)
    ties = np.repeat(np.repeat(gen.normal((2, 3, 4, 3), dtype), 2, 2), 2, 3)[:, :, :7]
    samples = [
        Sample((x, 2), {}, "2x2", second_order=True),
        Sample((x, 3), {"stride": 2, "padding": 1}, "overlapping, padded"),
        Sample((x, (3, 2)), {"stride": (2, 1), "ceil_mode": True}, "ceil_mode"),
        Sample((x[0], 2), {}, "unbatched"),
        Sample((ties, 3), {"stride": 1}, "ties"),
    ]
    if avg:
        samples += [Sample((x, 3), {"stride": 2, "padding": 1, "count_include_pad": False},
                           "count_include_pad=False"),
                    Sample((x, 2), {"divisor_override": 3}, "divisor_override")]
    else:
        samples += [Sample((x, 2), {"stride": 2, "dilation": 2}, "dilation"),
                    Sample((ties, 3), {"stride": 2, "padding": 1, "return_indices": True},
                           "return_indices, ties, padded"),
                    Sample((x[0], (3, 2)), {"stride": (2, 1), "ceil_mode": True, "dilation":
                           (1, 2), "return_indices": True}, "return_indices, unbatched")]
    return samples


def _unpool_samples(dtype):
    """Values with the indices max_pool2d returns: 2x2 windows of a 4x4 plane, and 3x3
    windows (stride 2, padding 1) of a 5x5 plane given back its size."""
    x = gen.normal((2, 3, 4, 4), dtype, 3)
    y, indices = F.max_pool2d(mg.tensor(x), 2, return_indices=True)
    wide = gen.normal((2, 3, 5, 5), dtype, 4)
    y_wide, indices_wide = F.max_pool2d(mg.tensor(wide), 3, 2, 1, return_indices=True)
    return [Sample((y.numpy(), indices.numpy(), 2), {}, "2x2", second_order=True),
            Sample((y_wide.numpy(), indices_wide.numpy(), 3, 2, 1),
                   {"output_size": (2, 3, 6, 5)}, "overlapping, output_size"),
            Sample((y.numpy()[0], indices.numpy()[0], 2), {}, "unbatched")]


def _pool1d_samples(dtype, avg: bool = True):
    x = gen.normal((2, 3, 9), dtype)
    samples = [Sample((x, 3), {"stride": 2, "padding": 1}, "padded", second_order=True),
               Sample((x, 2), {"ceil_mode": True}, "ceil_mode")]
    if not avg:
        samples.append(Sample((x, 3), {"stride": 2, "padding": 1, "return_indices": True},
                              "return_indices"))
    return samples


def _adaptive_samples(dtype, size):
    shapes = [((2, 3, 7, 5), (3, 2)), ((1, 2, 4, 4), 2), ((2, 6, 6), (None, 4)),
              ((1, 1, 2, 3), (5, 4))]
    if size == 1:
        shapes = [((2, 3, 7), 3), ((1, 2, 4), 4), ((3, 5), 2)]
    return [Sample((gen.normal(shape, dtype), out), {}, f"{shape}->{out}",
                   second_order=i == 0) for i, (shape, out) in enumerate(shapes)]


def _pad_samples(dtype):
    x3, x4 = gen.normal((2, 3, 4), dtype), gen.normal((1, 2, 4, 5), dtype)
    return [
        Sample((x3, (1, 2)), {}, "constant", second_order=True),
        Sample((x4, (1, -1, 2, 0)), {"value": 0.5}, "value, cropping"),
        Sample((x3, (2, 3)), {"mode": "reflect"}, "reflect"),
        Sample((x4, (3, 1, 2, 2)), {"mode": "reflect"}, "reflect 2-D"),
        Sample((x3, (2, 0)), {"mode": "replicate"}, "replicate"),
        Sample((x4, (1, 4, 0, 2)), {"mode": "replicate"}, "replicate 2-D"),
        Sample((x4, (4, 1, 2, 0)), {"mode": "circular"}, "circular"),
        Sample((x3[:, ::-1], (1, 1)), {"mode": "reflect"}, "negative-stride view"),
    ]


def _activation(name, op, ref, *kwargs_list, draw=gen.normal):
    def samples(dtype):
        out = gen.unary(dtype, draw)
        for kwargs in kwargs_list:
            out.append(Sample((draw((3, 4), dtype) * 3,), kwargs, str(kwargs)))
        return out
    return OpInfo(name, op, ref, samples, (name,))


def _norm_samples(dtype, groups: bool):
    x = gen.normal((2, 4, 3, 2), dtype) * 2 + 1
    w, b = gen.normal((4,), dtype, 1), gen.normal((4,), dtype, 2)
    if groups:
        return [Sample((x, 2, w, b), {}, "affine", second_order=True),
                Sample((x[:, :, 0], 4), {}, "groups = channels, 3-D")]
    return [Sample((x, None, None, w, b), {}, "affine", second_order=True),
            Sample((x[:, :, 0],), {}, "1-D positions")]


def _embedding_samples(dtype):
    weight = gen.normal((5, 3), dtype)
    return [Sample((np.array([[0, 4, 4], [2, 0, 1]]), weight), {}, "repeats",
                   second_order=True),
            Sample((np.array([1, 2, 2]), weight), {"padding_idx": 2}, "padding_idx")]


OPS = [
    OpInfo("F.conv2d", F.conv2d, tnf.conv2d, _conv2d_samples,
           ("F.conv2d", "conv", "conv_transpose", "conv_weight")),
    OpInfo("F.conv1d", F.conv1d, tnf.conv1d, _conv1d_samples, ("F.conv1d",)),
    OpInfo("F.max_pool2d", F.max_pool2d, tnf.max_pool2d, lambda d: _pool_samples(d, False),
           ("F.max_pool2d", "max_pool", "max_pool_route", "max_pool_select")),
    OpInfo("F.avg_pool2d", F.avg_pool2d, tnf.avg_pool2d, lambda d: _pool_samples(d, True),
           ("F.avg_pool2d",)),
    OpInfo("F.max_pool1d", F.max_pool1d, tnf.max_pool1d, lambda d: _pool1d_samples(d, False),
           ("F.max_pool1d",)),
    OpInfo("F.max_unpool2d", F.max_unpool2d, tnf.max_unpool2d, _unpool_samples,
           ("F.max_unpool2d", "max_unpool")),
    OpInfo("F.max_unpool1d", F.max_unpool1d, tnf.max_unpool1d, lambda d: [
        Sample((gen.normal((2, 3, 4), d), np.array([[[0, 3, 5, 6]] * 3] * 2), 2), {},
               "default size", second_order=True),
        Sample((gen.normal((3, 2), d), np.array([[1, 4]] * 3), 2), {"output_size": [5]},
               "unbatched, output_size")], ("F.max_unpool1d",)),
    OpInfo("F.avg_pool1d", F.avg_pool1d, tnf.avg_pool1d, _pool1d_samples, ("F.avg_pool1d",)),
    OpInfo("F.adaptive_avg_pool2d", F.adaptive_avg_pool2d, tnf.adaptive_avg_pool2d,
           lambda d: _adaptive_samples(d, 2), ("F.adaptive_avg_pool2d",)),
    OpInfo("F.adaptive_avg_pool1d", F.adaptive_avg_pool1d, tnf.adaptive_avg_pool1d,
           lambda d: _adaptive_samples(d, 1), ("F.adaptive_avg_pool1d",)),
    OpInfo("F.pad", F.pad, tnf.pad, _pad_samples, ("F.pad",), differences=(Difference(
        "F.pad's reflect, replicate and circular modes pad any number of trailing axes of "
        "an input of any rank",
        "PyTorch implements them for 1 to 3 trailing axes of inputs of matching rank; "
        "minigrad's index-based padding has no such limit (the table uses PyTorch's ranks)"),)),
    _activation("F.leaky_relu", F.leaky_relu, tnf.leaky_relu, {"negative_slope": 0.2}),
    _activation("F.elu", F.elu, tnf.elu, {"alpha": 0.5}),
    _activation("F.selu", F.selu, tnf.selu),
    _activation("F.silu", F.silu, tnf.silu),
    _activation("F.mish", F.mish, tnf.mish),
    _activation("F.hardtanh", F.hardtanh, tnf.hardtanh, {"min_val": -0.5, "max_val": 2.0}),
    _activation("F.log_sigmoid", F.log_sigmoid, tnf.logsigmoid),
    OpInfo("F.group_norm", F.group_norm, tnf.group_norm, lambda d: _norm_samples(d, True),
           ("F.group_norm",)),
    OpInfo("F.instance_norm", F.instance_norm, tnf.instance_norm,
           lambda d: _norm_samples(d, False), ("F.instance_norm",)),
    OpInfo("F.embedding", F.embedding, tnf.embedding, _embedding_samples, ("F.embedding",),
           grad_args=(1,)),
    OpInfo("F.one_hot", F.one_hot, tnf.one_hot,
           lambda d: [Sample((np.array([[0, 3], [2, 1]]),), {}, "inferred classes"),
                      Sample((np.array([1, 0]),), {"num_classes": 4}, "num_classes")],
           ("F.one_hot",), differentiable=False, dtypes=(np.float64,)),
    OpInfo("F.dropout2d (evaluation and p=0)", F.dropout2d, tnf.dropout2d,
           lambda d: [Sample((gen.normal((2, 3, 2, 2), d),), {"training": False}, "eval"),
                      Sample((gen.normal((2, 3, 2, 2), d),), {"p": 0.0}, "p=0")],
           ("F.dropout2d",)),
]

