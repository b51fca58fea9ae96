"""Smoke test of the benchmark harness (``python -m benchmarks``): runs, prints, writes JSON.

tapegrad only, --quick, no timing assertions; TensorFlow/PyTorch/JAX are never needed.
"""
import json
import os
import re
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKLOADS = ("W1", "W5")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "results.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", ",".join(WORKLOADS),
         "--frameworks", "tapegrad", "--json", str(out)],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=120)
    return proc, out


def test_exits_zero_and_prints_a_row_per_workload(quick_run):
    proc, _ = quick_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for w in WORKLOADS:
        assert re.search(rf"^{w}\s+tapegrad\s+\S", proc.stdout, re.M), proc.stdout
    assert "tapegrad/peer" in proc.stdout


def test_json_has_the_fields(quick_run):
    proc, out = quick_run
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["meta"]["quick"] is True
    assert set(data["meta"]["workloads"]) == set(WORKLOADS)
    rows = data["results"]
    assert [(r["workload"], r["framework"]) for r in rows] == [(w, "tapegrad") for w in WORKLOADS]
    for r in rows:
        assert r["status"] in ("ok", "n/a"), r
        if r["status"] == "ok":
            for key in ("value", "unit", "seconds_per_call", "timing", "threads", "threads_detail",
                        "check", "rel_error", "tapegrad_over_peer", "first_call_s", "memory", "version"):
                assert key in r, (key, r)
            assert r["check"] == "ok"
            assert r["tapegrad_over_peer"] == pytest.approx(1.0)
            assert r["value"] > 0 and r["timing"]["repeats"] >= 1
        else:
            assert r["note"]
    w1 = rows[0]
    assert w1["status"] == "ok" and w1["unit"] == "µs/op"  # W1 needs only sin/mul/add


def test_missing_framework_is_a_row_not_a_failure(monkeypatch):
    from benchmarks import frameworks, worker

    fake = frameworks.Framework("nope", "Nope", "surely_not_an_installed_module_xyz", "tape")
    monkeypatch.setitem(frameworks.BY_NAME, "nope", fake)
    r = worker.run({"workload": "W1", "framework": "nope", "warmup": 0, "repeats": 1, "min_time": 0})
    assert r["status"] == "not installed"


def test_disagreeing_result_is_marked_wrong():
    from benchmarks import run
    from benchmarks.workloads import REGISTRY

    w = REGISTRY["W1"]
    good = w.reference()
    rows = [{"framework": "tapegrad", "status": "ok", "result": good, "value": 2.0},
            {"framework": "torch", "status": "ok", "result": [good[0] * 1.01], "value": 1.0},
            {"framework": "jax", "status": "ok", "result": [good[0] * (1 + 1e-6)], "value": 4.0}]
    run.check(rows, w)
    assert [r["check"] for r in rows] == ["ok", "WRONG", "ok"]
    assert [r["tapegrad_over_peer"] for r in rows] == [1.0, 2.0, 0.5]
    assert "WRONG" in run.render(run.table_rows([dict(r, workload="W1", unit="µs/op", first_call_s=0.0,
                                                      threads="-", timing={"iqr_rel": 0.0})
                                                 for r in rows]))
