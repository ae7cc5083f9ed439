"""The example scripts run end to end with tiny settings, write their figure, and have a
working --help. Their full-size results are quoted in docs/examples.md."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TINY = {
    "train_mlp": ["--steps", "15", "--samples", "80", "--hidden", "8", "--layers", "2"],
    "train_digits": ["--epochs", "1", "--hidden", "16"],
    "bn_distributions": ["--steps", "12", "--every", "6"],
    "train_cnn": ["--epochs", "1", "--channels", "4,4", "--graph", "none"],
}
ON_DIGITS = {"train_digits", "bn_distributions"}  # scikit-learn ships the digits


def load(name: str):
    """Import examples/NAME.py with examples/ on the path, as when the script runs (it
    imports `example_helpers` from there)."""
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def agg_backend(monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")


@pytest.mark.parametrize("name", sorted(TINY))
def test_example_runs_with_tiny_settings(name, tmp_path, capsys):
    if name in ON_DIGITS:
        pytest.importorskip("sklearn")
    out = tmp_path / f"{name}.png"
    assert load(name).main([*TINY[name], "--out", str(out), "--no-progress"]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")
    assert f"wrote {out}" in capsys.readouterr().out


def test_train_mlp_reports_both_models_on_spirals(tmp_path, capsys):
    load("train_mlp").main([*TINY["train_mlp"], "--data", "spirals", "--out",
                            str(tmp_path / "s.png"), "--no-progress"])
    printed = capsys.readouterr().out
    assert "spirals, no normalization: training loss" in printed
    assert "spirals, BatchNorm: training loss" in printed


def test_train_digits_reports_every_variant(tmp_path, capsys):
    pytest.importorskip("sklearn")
    load("train_digits").main([*TINY["train_digits"], "--out", str(tmp_path / "d.png"),
                               "--no-progress", "--target", "0.5"])
    lines = capsys.readouterr().out.splitlines()
    for label in ("BatchNorm:", "no BatchNorm:", "BatchNorm, stats detached:"):
        assert any(line.startswith(label) and "test accuracy" in line for line in lines)


def test_train_cnn_prints_the_variants_side_by_side_and_draws_a_clustered_graph(tmp_path,
                                                                              capsys):
    graph = tmp_path / "graph.dot"
    load("train_cnn").main([*TINY["train_cnn"][:-2], "--variants", "batch,none",
                            "--out", str(tmp_path / "c.png"), "--graph", str(graph),
                            "--no-progress"])
    lines = capsys.readouterr().out.splitlines()
    header = next(line for line in lines if "BatchNorm2d" in line)
    assert header.index("BatchNorm2d") < header.index("no BatchNorm")
    assert any(line.startswith("final test accuracy") and line.count("%") == 2 for line in lines)
    source = graph.read_text()
    assert "subgraph cluster" in source and "Conv2d" in source and "BatchNorm2d" in source


def test_bn_distributions_records_percentiles_in_order(tmp_path):
    pytest.importorskip("sklearn")
    from minigrad.experiments.datasets import load_digits

    module = load("bn_distributions")
    args = module.parse_args(["--steps", "10", "--every", "5", "--no-progress"])

    run = module.train("batch", load_digits(seed=0), args)
    assert run["step"].tolist() == [5, 10]
    assert run["percentiles"].shape == (2, 3)
    assert (run["percentiles"][:, 0] <= run["percentiles"][:, 1]).all()
    assert (run["percentiles"][:, 1] <= run["percentiles"][:, 2]).all()


@pytest.mark.parametrize("name, argv", [
    ("train_mlp", ["--steps", "0"]),
    ("train_digits", ["--variants", "batch,sometimes"]),
    ("train_digits", ["--hidden", "a,b"]),
    ("bn_distributions", ["--unit", "100"]),
])
def test_examples_reject_bad_arguments(name, argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        load(name).main(argv)
    assert exit_info.value.code == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize("name", sorted(TINY))
def test_help_from_the_command_line(name):
    env = {**os.environ, "PYTHONPATH": str(EXAMPLES.parent)}
    done = subprocess.run([sys.executable, str(EXAMPLES / f"{name}.py"), "--help"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--seed" in done.stdout and "--out" in done.stdout
    assert ("--steps" in done.stdout) or ("--epochs" in done.stdout)
