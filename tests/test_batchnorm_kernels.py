"""The fused BatchNorm's two kernel implementations (NumPy, the reference; numba, the
optional compiled loops) held to each other and to float64 references, and its backward
primitive `batch_norm_backward`: the only backward, whose VJP matches the composed graph's
second derivatives in every mode."""

from __future__ import annotations

import concurrent.futures

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import minigrad as mg
import minigrad.nn.functional as F  # noqa: N812 - the PyTorch convention
from minigrad.autograd.graph import topological_order
from minigrad.ops import normalization_kernels as kernels
from minigrad.ops.channels import Channels, Statistics

LAYOUTS = [(7, 5), (4, 3, 6), (3, 2, 4, 5), (1100, 40)]
MODES = ["batch", "detached", "running"]


@pytest.fixture(params=["numpy", "numba"])
def kernel(request):
    """Each implementation in turn (numba's skipped where it is not installed)."""
    if request.param not in kernels.available():
        pytest.skip("numba is not installed (pip install minigrad[fast])")
    previous = kernels.use(request.param)
    yield kernels.active()
    kernels.use(previous)


def _arrays(shape, dtype, seed=0, offset=1.5):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * 2.0 + offset).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    w = rng.uniform(0.5, 2.0, shape[1]).astype(dtype)
    b = rng.standard_normal(shape[1]).astype(dtype)
    return x, g, w, b


def _run(kernel, x, g, w, b, through_stats=True, mean=None, var=None):
    ch = Channels(x.shape)
    xv, gv = x.reshape(ch.view), g.reshape(ch.view)
    out, var, stats = kernel.forward(xv, ch, w, b, 1e-5, mean=mean, var=var)
    dx = np.empty_like(xv)
    sums = np.empty((2, ch.c), x.dtype)
    kernel.backward(gv, xv, ch, stats, w, through_stats, dx, sums)
    return out, var, stats.mean, stats.inv_std, dx, sums


@pytest.mark.parametrize("shape", LAYOUTS, ids=str)
@pytest.mark.parametrize("through_stats", [True, False], ids=["batch", "constant"])
def test_numba_kernels_match_numpy(shape, through_stats) -> None:
    if "numba" not in kernels.available():
        pytest.skip("numba is not installed (pip install minigrad[fast])")
    x, g, w, b = _arrays(shape, np.float64, seed=len(shape))
    reference = _run(kernels.implementation("numpy"), x, g, w, b, through_stats)
    compiled = _run(kernels.implementation("numba"), x, g, w, b, through_stats)
    for ours, theirs in zip(compiled, reference):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def _numba_or_skip():
    if "numba" not in kernels.available():
        pytest.skip("numba is not installed (pip install minigrad[fast])")
    return kernels.implementation("numba")


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 23), c=st.integers(1, 7), s=st.sampled_from([1, 1, 3, 5]),
       through_stats=st.booleans())
def test_numba_loops_match_numpy_on_every_size(n, c, s, through_stats) -> None:
    """Any number of rows (fewer than, or not a multiple of, the four a reduction sweeps at
    once) and of channels: the compiled loops give NumPy's results."""
    numba_kernels = _numba_or_skip()
    shape = (n, c) if s == 1 else (n, c, s)
    x, g, w, b = _arrays(shape, np.float64, seed=n * 100 + c * 10 + s)
    reference = _run(kernels.implementation("numpy"), x, g, w, b, through_stats)
    for ours, theirs in zip(_run(numba_kernels, x, g, w, b, through_stats), reference):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    if numba_kernels.threaded:  # and split into runs of rows, even runs of none
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(numba_kernels, "PARALLEL_MIN_SIZE", 1)
            assert numba_kernels._parts(Channels(shape)) > 1
            threaded = _run(numba_kernels, x, g, w, b, through_stats)
        for ours, theirs in zip(threaded, reference):
            np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_numba_kernels_can_be_called_from_several_threads() -> None:
    """Python threads running BatchNorm at once each get their own, right, results."""
    numba_kernels = _numba_or_skip()
    batches = [_arrays((512, 96), np.float64, seed=seed) for seed in range(4)]
    expected = [_run(numba_kernels, *batch) for batch in batches]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda batch: _run(numba_kernels, *batch), batches * 5))
    for got, want in zip(results, expected * 5):
        for ours, theirs in zip(got, want):
            np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("shape", [(1024, 64), (64, 8, 16, 16)], ids=str)
def test_float32_stays_float32_and_accurate(kernel, shape) -> None:
    """float32 in, float32 out; a mean 1000 times the spread costs no accuracy, because
    sums accumulate in float64 (against a float64 reference of the same data)."""
    x, g, w, b = _arrays(shape, np.float32, offset=1000.0)
    results = _run(kernel, x, g, w, b)
    reference = _run(kernels.implementation("numpy"),
                     *(a.astype(np.float64) for a in (x, g, w, b)))
    for name, ours, exact in zip(["y", "var", "mean", "inv_std", "dx", "sums"], results,
                                 reference):
        assert ours.dtype == np.float32, name
        scale = np.abs(exact).max()
        assert np.abs(ours - exact).max() <= 2e-3 * scale, name


def test_threaded_loops_run_on_tbb_and_give_the_single_thread_results() -> None:
    """Where the loops use threads, numba runs them on TBB (never on OpenMP, whose spinning
    threads stall BLAS), and a large batch gives what one thread gives."""
    numba_kernels = _numba_or_skip()
    if not numba_kernels.threaded:
        pytest.skip("numba's TBB threading layer is not available (pip install tbb)")
    import numba

    x, g, w, b = _arrays((1024, 96), np.float32, seed=3)
    assert numba_kernels._parts(Channels(x.shape)) > 1
    threaded = _run(numba_kernels, x, g, w, b)
    assert numba.threading_layer() == "tbb" and numba_kernels.threaded
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(numba_kernels, "threaded", False)
        single = _run(numba_kernels, x, g, w, b)
    for ours, theirs in zip(threaded, single):
        np.testing.assert_allclose(ours, theirs, rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("layer, priority", [("omp", None), ("workqueue", None),
                                             ("default", ["omp", "tbb", "workqueue"])])
def test_threads_are_not_used_on_another_layer(monkeypatch, layer, priority) -> None:
    """A user who chose another threading layer (or put another first) keeps one thread."""
    if "numba" not in kernels.available():
        pytest.skip("numba is not installed (pip install minigrad[fast])")
    import numba

    from minigrad.ops import kernel_threads

    monkeypatch.setattr(numba.config, "THREADING_LAYER", layer)
    if priority is not None:
        monkeypatch.setattr(numba.config, "THREADING_LAYER_PRIORITY", priority)
    assert not kernel_threads.threads_allowed(numba)


def test_compiled_sums_of_float32_stay_accurate() -> None:
    """The compiled loops sum eight float32 rows before adding them to float64
    accumulators: the statistics and gradient sums of 4,096 float32 rows with a mean 1000
    times the spread stay within 1e-6 (relative) of float64 sums of the same values."""
    numba_kernels = _numba_or_skip()
    rng = np.random.default_rng(7)
    x = (rng.standard_normal((4096, 64)) * 2 + 1000).astype(np.float32)
    g = rng.standard_normal((4096, 64)).astype(np.float32)
    _, var, mean, _, _, sums = _run(numba_kernels, x, g, None, None)
    x64, g64 = x.astype(np.float64), g.astype(np.float64)
    exact_mean, exact_var = x64.mean(axis=0), x64.var(axis=0)
    x_hat = (x64 - exact_mean) / np.sqrt(exact_var + 1e-5)
    exact_sums = np.stack([(g64 * x_hat).sum(axis=0), g64.sum(axis=0)])
    # A sum's rounding is measured against the sum of its terms' magnitudes.
    magnitudes = np.stack([np.abs(g64 * x_hat).sum(axis=0), np.abs(g64).sum(axis=0)])
    assert np.max(np.abs(mean - exact_mean) / exact_mean) < 1e-6
    assert np.max(np.abs(var - exact_var) / exact_var) < 1e-6
    assert np.max(np.abs(sums - exact_sums) / magnitudes) < 1e-6


def test_running_statistics_are_used_as_given(kernel) -> None:
    x, g, w, b = _arrays((6, 4), np.float64)
    mean, var = np.linspace(-1, 1, 4), np.linspace(0.5, 2, 4)
    out, _, _, _, dx, _ = _run(kernel, x, g, w, b, False, mean=mean, var=var)
    inv_std = 1 / np.sqrt(var + 1e-5)
    np.testing.assert_allclose(out, (x - mean) * inv_std * w + b, atol=1e-13)
    np.testing.assert_allclose(dx, g * w * inv_std, atol=1e-13)


def test_choosing_an_unknown_implementation_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown implementation 'fortran'"):
        kernels.use("fortran")


# --- the backward primitive -------------------------------------------------------------

def _inputs(shape, seed=0):
    rng = np.random.default_rng(seed)
    x = mg.tensor(rng.standard_normal(shape) * 2 + 1, requires_grad=True)
    w = mg.tensor(rng.uniform(0.5, 2, shape[1]), requires_grad=True)
    b = mg.tensor(rng.standard_normal(shape[1]), requires_grad=True)
    g = mg.tensor(rng.standard_normal(shape), requires_grad=True)
    return x, w, b, g


def _second_derivatives(shape, stats, fused, seed=0):
    """d/d(x, w, b, g) of <grad of <y, g>, v>: every term of the double backward."""
    x, w, b, g = _inputs(shape, seed)
    running = [mg.tensor(np.linspace(-1, 1, shape[1])), mg.tensor(np.linspace(0.5, 2, shape[1]))]
    training = stats != "running"
    y = F.batch_norm(x, *running, w, b, training=training,
                     stats="batch" if stats == "running" else stats, fused=fused)
    first = mg.grad(y, [x, w, b], g, create_graph=True)
    rng = np.random.default_rng(seed + 1)
    total = sum((t * mg.tensor(rng.standard_normal(t.shape))).sum() for t in first)
    return [t.numpy() for t in mg.grad(total, [x, w, g], allow_unused=True)]


@pytest.mark.parametrize("shape", [(6, 3), (4, 3, 5), (3, 2, 3, 2)], ids=str)
@pytest.mark.parametrize("stats", MODES)
def test_double_backward_equals_the_composed_graphs(kernel, shape, stats) -> None:
    fused = _second_derivatives(shape, stats, fused=True)
    composed = _second_derivatives(shape, stats, fused=False)
    for ours, theirs in zip(fused, composed):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-10)


@pytest.mark.parametrize("create_graph", [False, True])
def test_the_fused_op_has_one_backward_in_every_grad_mode(create_graph) -> None:
    """With or without create_graph, the VJP is the batch_norm_backward primitive (with
    create_graph it is recorded, so the gradient's graph shows it)."""
    x, w, b, g = _inputs((5, 3))
    y = F.batch_norm(x, None, None, w, b, training=True)
    dx, _, _ = mg.grad(y, [x, w, b], g.detach(), create_graph=create_graph)
    names = {node.name for node in topological_order([dx.grad_fn])} if create_graph else set()
    assert ("batch_norm_backward" in names) == create_graph
    y2 = F.batch_norm(x, None, None, w, b, training=True)
    (dx_plain,) = mg.grad(y2, [x], g.detach())
    np.testing.assert_allclose(dx.numpy(), dx_plain.numpy(), atol=1e-14)


def test_backward_primitive_needs_the_statistics_of_constant_modes() -> None:
    x, w, _, g = _inputs((4, 3))
    with pytest.raises(ValueError, match="batch_norm_backward: mode 'running' needs"):
        mg.ops.BatchNormBackward.apply(g, x, stats="running", eps=1e-5)
    packed = mg.ops.BatchNormBackward.apply(
        g, x, w, stats="batch", eps=1e-5, statistics=Statistics.of(x.numpy(), 1e-5),
        has_weight=True)
    assert packed.shape == (4 * 3 + 2 * 3,)


# --- the workspace pool behind the NumPy kernels' saved `x - mean` ----------------------

def test_saved_workspace_is_reused_only_after_its_graph_is_freed() -> None:
    from minigrad.ops.workspace import Pool

    pool = Pool()
    first = pool.take((3, 2), np.float32)
    holder = Statistics(np.zeros(2), np.ones(2), first, pool)
    second = pool.take((3, 2), np.float32)
    assert second is not first  # still held: a new array
    del holder
    assert pool.take((3, 2), np.float32) is first  # freed with its holder: reused
    assert pool.take((3, 2), np.float64) is not first


def test_idle_workspaces_are_bounded() -> None:
    from minigrad.ops.workspace import Pool

    pool = Pool(idle_bytes=100)
    for _ in range(3):
        holder = Statistics(np.zeros(2), np.ones(2), np.empty(10, np.float32), pool)
        del holder  # 40 bytes each come back; the third would pass the limit
    assert pool.idle_bytes == 80


def test_outputs_never_alias_the_pooled_workspace() -> None:
    """Two training steps of one layer: the second reuses the first's workspace, yet the
    first step's output and gradient keep their values."""
    previous = kernels.use("numpy")
    try:
        x, w, b, g = _inputs((8, 4))
        y1 = F.batch_norm(x, None, None, w, b, training=True)
        (dx1,) = mg.grad(y1, [x], g.detach())
        kept = y1.numpy().copy(), dx1.numpy().copy()
        x2 = mg.tensor(x.numpy() * 3 - 1, requires_grad=True)
        y2 = F.batch_norm(x2, None, None, w, b, training=True)
        mg.grad(y2, [x2], g.detach())
        np.testing.assert_array_equal(y1.numpy(), kept[0])
        np.testing.assert_array_equal(dx1.numpy(), kept[1])
    finally:
        kernels.use(previous)
