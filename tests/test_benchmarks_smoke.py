"""The benchmark harness runs end to end on tiny sizes and prints its table.

No timing is asserted: this only proves that `python benchmarks/run.py` works (worker
processes, aggregation, the table, the JSON output)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from minigrad import nn, optim
from minigrad.ops import normalization_kernels as kernels

ROOT = Path(__file__).resolve().parent.parent


def test_quick_run_prints_the_table_and_writes_json(tmp_path, monkeypatch):
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--repeats", "1",
         "--workloads", "tiny_ops,deep_chain,module_call", "--libraries", "minigrad,numpy",
         "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    table = done.stdout
    assert "workload" in table and "mg/numpy" in table
    assert "per op, fwd+bwd" in table and "10k ops: backward" in table
    assert "threads : minigrad" in table and "OPENBLAS_CORETYPE=" in table
    assert "Traceback" not in done.stderr

    payload = json.loads(out.read_text())
    assert payload["notes"] == []
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.workloads import load

    for workload in ("tiny_ops", "deep_chain"):
        declared = {metric.key for metric in load(workload).metrics(load(workload).settings(True))}
        results = payload["workloads"][workload]["results"]
        assert set(results) == {"minigrad", "numpy"}
        for result in results.values():
            assert result["rounds"] == 1
            # every declared metric was measured, as a time that passed (finite, positive)
            assert set(result["metrics"]) == declared
            assert all(0 < value < float("inf") for value in result["metrics"].values())
    assert payload["workloads"]["tiny_ops"]["results"]["minigrad"]["metrics"]["per_op"] > 0
    # One repetition: the headline build + backward is the sum of its two timed phases.
    chain = payload["workloads"]["deep_chain"]["results"]["minigrad"]["metrics"]
    for size in ("1k", "10k"):
        assert chain[f"{size}_total"] == pytest.approx(
            chain[f"{size}_forward"] + chain[f"{size}_backward"])
        assert chain[f"{size}_forward"] > 0 and chain[f"{size}_backward"] > 0
    for sample in payload["workloads"]["module_call"]["samples"]["minigrad"][0]["samples"]:
        assert sample["ratio"] == pytest.approx(100 * sample["via_call"] / sample["via_forward"])


def test_op_costs_prints_every_piece():
    done = subprocess.run([sys.executable, "benchmarks/op_costs.py", "--quick"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    pieces = ["NumPy: a * b", "Tensor.wrap(array)", "Node(mul, inputs, params)",
              "mul.apply(x, c), recorded", "nothing to record", "the operator",
              "numpy kernels: forward", "numpy kernels: backward",
              "BatchNorm1d forward + backward (numpy)"]
    if "numba" in kernels.available():
        pieces += ["numba loop: moment_sums", "numba loop: input_gradient",
                   "BatchNorm1d forward + backward (numba)"]
    for piece in pieces:
        (line,) = [line for line in lines if piece in line]
        assert float(line.split()[-1]) > 0, line


def test_unknown_workload_is_a_usage_error():
    done = subprocess.run([sys.executable, "benchmarks/run.py", "--workloads", "nope"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "unknown workload 'nope'" in done.stderr


def test_handwritten_numpy_step_matches_minigrad(monkeypatch):
    """The NumPy baseline does the same math: same loss, same gradients, same Adam update."""
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.workloads import mlp_step
    from benchmarks.workloads.numpy_nn import Adam

    sizes = mlp_step.QUICK
    reference = mlp_step.NumpyMLP(sizes)
    d, h, c = sizes["inputs"], sizes["hidden"], sizes["classes"]
    model = nn.Sequential(nn.Linear(d, h, bias=False), nn.BatchNorm1d(h), nn.ReLU(),
                          nn.Linear(h, h, bias=False), nn.BatchNorm1d(h), nn.ReLU(),
                          nn.Linear(h, c))
    params = list(model.parameters())
    for p, value in zip(params, reference.params, strict=True):
        p.data[...] = value
    x, labels = mlp_step.batch(sizes)

    loss = nn.functional.cross_entropy(model(mg.Tensor(x)), labels)
    loss.backward()
    expected_loss = reference.forward(x, labels)
    grads = reference.backward()
    assert loss.item() == pytest.approx(expected_loss, rel=1e-5)
    for p, g in zip(params, grads, strict=True):
        assert p.grad.dtype == g.dtype == np.float32
        np.testing.assert_allclose(p.grad.data, g, rtol=1e-3, atol=1e-6)
    bn = model[1]
    np.testing.assert_allclose(bn.running_var.data, reference.bn1.running_var, rtol=1e-5)

    optim.Adam(params, lr=1e-3).step()
    Adam(reference.params, lr=1e-3).step([p.grad.data for p in params])
    for p, value in zip(params, reference.params, strict=True):
        np.testing.assert_allclose(p.data, value, rtol=1e-5, atol=1e-7)


def test_mlp_step_stays_float32_end_to_end(monkeypatch):
    """Every op of a minigrad training step, forward and backward, yields float32, and so do
    the parameters and the optimizer's state: nothing is silently upcast to float64."""
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.workloads import mlp_step
    from minigrad.autograd.function import Function

    dtypes = set()
    apply = Function.apply.__func__

    def recording_apply(cls, *inputs, **params):
        out = apply(cls, *inputs, **params)
        dtypes.add((cls.name, out.data.dtype))
        return out

    monkeypatch.setattr(Function, "apply", classmethod(recording_apply))
    mg.manual_seed(0)
    sizes = mlp_step.QUICK
    model = nn.Sequential(nn.Linear(sizes["inputs"], 8, bias=False), nn.BatchNorm1d(8),
                          nn.ReLU(), nn.Linear(8, sizes["classes"]))
    opt = optim.Adam(model.parameters())
    x, labels = mlp_step.batch(sizes)
    for _ in range(2):
        opt.zero_grad()
        nn.functional.cross_entropy(model(mg.Tensor(x)), labels).backward()
        opt.step()
    ops = {name for name, _ in dtypes}
    assert {"linear", "batch_norm", "relu", "cross_entropy", "matmul"} <= ops
    assert {dtype for _, dtype in dtypes} == {np.dtype(np.float32)}, sorted(dtypes, key=str)
    for p in model.parameters():
        assert p.dtype == p.grad.dtype == np.float32
        assert all(a.dtype == np.float32 for a in opt.state[p].values()
                   if isinstance(a, np.ndarray))


def test_handwritten_numpy_cnn_step_matches_minigrad(monkeypatch):
    """The cnn_step reference (im2col by hand, channels-first) computes minigrad's loss and
    gradients, so the two time the same math."""
    monkeypatch.syspath_prepend(str(ROOT))
    from benchmarks.workloads import cnn_step

    sizes = cnn_step.QUICK
    reference = cnn_step.NumpyCNN(sizes)
    c1, c2 = sizes["channels"]
    model = nn.Sequential(
        nn.Conv2d(1, c1, 3, padding=1), nn.BatchNorm2d(c1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 3, padding=1), nn.BatchNorm2d(c2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(reference.flat, sizes["classes"]))
    params = list(model.parameters())
    for p, value in zip(params, reference.params, strict=True):
        p.data[...] = value.reshape(p.shape)
    x, labels = cnn_step.batch(sizes)
    loss = nn.functional.cross_entropy(model(mg.Tensor(x)), labels)
    loss.backward()
    assert loss.item() == pytest.approx(reference.forward(x, labels), rel=1e-5)
    for p, g in zip(params, reference.backward(), strict=True):
        assert p.grad.dtype == g.dtype == np.float32
        np.testing.assert_allclose(p.grad.data, g.reshape(p.shape), rtol=1e-3, atol=1e-5)
