"""`python -m minigrad demo --out DIR`: what it writes, and what it does without matplotlib or
Graphviz's `dot`. The experiments run with tiny settings here; their results are tested in
test_experiments.py."""

from __future__ import annotations

import shutil

import pytest

from minigrad import cli, demo
from minigrad.experiments import suite

PNGS = set(demo.PLOT_FILES)
SVGS = set(demo.GRAPH_FILES)


@pytest.fixture(autouse=True)
def tiny_settings(monkeypatch):
    for settings in (suite.BIAS, suite.HEAD_RUN, suite.SCALE, suite.INTERVAL):
        monkeypatch.setitem(settings, "steps", 3)
    monkeypatch.setenv("MPLBACKEND", "Agg")


needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is missing")


@needs_dot
def test_demo_writes_plots_graphs_and_summary(tmp_path, capsys):
    pytest.importorskip("sklearn")  # the digits stages need it
    assert cli.main(["demo", "--out", str(tmp_path / "out")]) == 0
    out = tmp_path / "out"
    names = {p.name for p in out.iterdir()}
    assert names == PNGS | SVGS | {demo.EXPLORER_FILE, "summary.md"}
    for name in PNGS:
        assert (out / name).read_bytes().startswith(b"\x89PNG")
    for name in SVGS:
        assert "<svg" in (out / name).read_text()
    assert "detached" in (out / "section2_detached.svg").read_text()
    assert "minigradExplorer" in (out / demo.EXPLORER_FILE).read_text()
    summary = (out / "summary.md").read_text()
    for heading in ("## Bias drift", "## A learnable head", "## Scale drift",
                    "## Training-set statistics every k steps"):
        assert heading in summary
    assert "missing" not in summary
    printed = capsys.readouterr().out
    for number in range(1, len(suite.STAGES) + 1):
        assert f"[{number}/{len(suite.STAGES)}]" in printed
    assert f"wrote {len(names)} files:" in printed
    for name in names:
        assert name in printed


def test_demo_without_matplotlib_writes_the_rest_and_says_how_to_install(tmp_path, capsys,
                                                                         monkeypatch):
    monkeypatch.setattr(demo, "have_matplotlib", lambda: False)
    monkeypatch.setattr(demo, "have_dot", lambda: False)
    assert demo.run_demo(tmp_path) == 0
    names = {p.name for p in tmp_path.iterdir()}
    assert not names & PNGS and not names & SVGS
    assert {name.replace(".svg", ".dot") for name in SVGS} <= names
    assert "summary.md" in names
    printed = capsys.readouterr().out
    assert "pip install matplotlib" in printed
    assert "apt-get install graphviz" in printed and "brew install graphviz" in printed
    summary = (tmp_path / "summary.md").read_text()
    assert "missing: matplotlib is not installed" in summary
    assert "## Bias drift" in summary


def test_dot_sources_are_valid_graphviz(tmp_path):
    written = demo.write_graph_sources(tmp_path)
    assert len(written) == len(SVGS)
    for path in written:
        text = path.read_text()
        assert text.startswith("digraph") and text.rstrip().endswith("}")


def test_demo_without_scikit_learn_skips_the_digits_stages(tmp_path, capsys, monkeypatch):
    absent = {"sklearn"}
    real = demo.have_module
    monkeypatch.setattr(demo, "have_module", lambda name: name not in absent and real(name))
    monkeypatch.setattr(demo, "have_dot", lambda: False)
    assert demo.run_demo(tmp_path) == 0
    names = {p.name for p in tmp_path.iterdir()}
    assert {"bias_drift.png", "bias_heads.png", "summary.md"} <= names
    assert not {"scale_drift_classifier.png", "interval_stats.png"} & names
    printed = capsys.readouterr().out
    assert "skipped, it needs sklearn" in printed
    assert "pip install scikit-learn" in printed
    summary = (tmp_path / "summary.md").read_text()
    assert "## Bias drift" in summary and "## Scale drift" not in summary
