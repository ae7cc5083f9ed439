"""The benchmark harness runs end to end on tiny sizes and prints its table.

No timing is asserted: this only proves that `python benchmarks/run.py` works (worker
processes, aggregation, the table, the JSON output)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_run_prints_the_table_and_writes_json(tmp_path):
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--quick", "--repeats", "1",
         "--workloads", "tiny_ops,deep_chain", "--libraries", "minigrad,numpy",
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
    for workload in ("tiny_ops", "deep_chain"):
        results = payload["workloads"][workload]["results"]
        assert set(results) == {"minigrad", "numpy"}
        for result in results.values():
            assert result["rounds"] == 1
            assert all(value >= 0 for value in result["metrics"].values())
    assert payload["workloads"]["tiny_ops"]["results"]["minigrad"]["metrics"]["per_op"] > 0


def test_unknown_workload_is_a_usage_error():
    done = subprocess.run([sys.executable, "benchmarks/run.py", "--workloads", "nope"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "unknown workload 'nope'" in done.stderr
