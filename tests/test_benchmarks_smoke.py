"""Smoke test of the benchmark harness (``python -m benchmarks``): runs, prints, writes JSON.

tapegrad only, --quick (small sizes), no timing assertions; TensorFlow/PyTorch/JAX are never needed.
"""
import json
import os
import re
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORKLOADS = ("W1", "W2", "W5", "W6", "MM512", "MM2048")


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
            for key in ("value", "unit", "measure", "timing", "threads", "threads_detail",
                        "check", "rel_error", "tapegrad_over_peer", "first_call_s", "memory", "version"):
                assert key in r, (key, r)
            assert r["check"] == "ok"
            assert r["timing"]["repeats"] >= 1
            if r["kind"] == "memory":  # tiny sizes in --quick: the peak may not rise above the baseline
                assert r["value"] >= 0 and r["first_call_bytes"] >= 0
                assert r["tapegrad_over_peer"] in (None, pytest.approx(1.0))
            else:
                assert r["value"] > 0 and r["seconds_per_call"] > 0
                assert r["tapegrad_over_peer"] == pytest.approx(1.0)
        else:
            assert r["note"]
    by_id = {r["workload"]: r for r in rows}
    assert by_id["W1"]["status"] == "ok" and by_id["W1"]["unit"] == "µs/op"  # W1 needs only sin/mul/add
    assert by_id["W2"]["status"] == "ok" and by_id["W2"]["unit"] == "ms/step"
    assert by_id["W6"]["status"] == "ok" and by_id["W6"]["unit"] == "MiB"
    assert by_id["MM2048"]["unit"] == "GFLOP/s" and by_id["MM2048"]["size"] == {"n": 128}  # quick size
    assert len(by_id["W2"]["result_head"]) == 2  # loss and ||dL/dW1||, not the gradient
    assert set(data["meta"]["derived"]["W2"]) >= {"flops_step", "bound_s", "fraction_of_bound"}


def test_w2_prints_flops_and_gemm_bound(quick_run):
    proc, _ = quick_run
    assert re.search(r"^W2: \S+ MFLOP per step", proc.stdout, re.M), proc.stdout
    assert re.search(r"tapegrad: \S+ ms/step = \d+% of that bound", proc.stdout), proc.stdout


def test_w2_flops_match_the_issue():
    from benchmarks.workloads import w2_mlp
    fwd, bwd, needed_bwd = w2_mlp.flops(**w2_mlp.FULL)
    assert fwd == 2 * 128 * (784 * 512 + 512 * 512 + 512 * 10)
    assert bwd == 2 * fwd and needed_bwd == bwd - 2 * 128 * 784 * 512


def test_w2_derive_uses_each_backend_matmul_rate():
    from benchmarks.workloads import w2_mlp
    fwd, bwd, _ = w2_mlp.flops(**w2_mlp.FULL)
    rows = [{"workload": "MM512", "framework": "tapegrad", "status": "ok", "check": "ok", "value": 100.0},
            {"workload": "MM2048", "framework": "tapegrad", "status": "ok", "check": "ok", "value": 200.0},
            {"workload": "MM2048", "framework": "torch", "status": "ok", "check": "ok", "value": 400.0},
            {"workload": "W2", "framework": "tapegrad", "status": "ok", "check": "ok", "seconds_per_call": 0.01},
            {"workload": "W2", "framework": "torch", "status": "ok", "check": "ok", "seconds_per_call": 0.002}]
    lines, data = w2_mlp.derive(rows, quick=False)
    assert data["bound_s"] == pytest.approx((fwd + bwd) / 200e9)
    assert data["fraction_of_bound"]["tapegrad"] == pytest.approx((fwd + bwd) / 200e9 / 0.01)
    assert data["fraction_of_bound"]["torch"] == pytest.approx((fwd + bwd) / 400e9 / 0.002)
    assert "tapegrad" in lines[2] and "PyTorch eager" in lines[3]
    lines, data = w2_mlp.derive(rows[3:], quick=False)  # no matmul rows: no bound, a hint instead
    assert "bound_s" not in data and "MM2048" in lines[-1]


def test_componentwise_error_does_not_let_the_loss_hide_the_gradient_norm():
    from benchmarks.workloads import componentwise_rel_error, rel_error
    ref, got = [100.0, 0.01], [100.0, 0.0101]
    assert rel_error(got, ref) < 1e-4 < componentwise_rel_error(got, ref) == pytest.approx(1e-2)


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
    # (no "measure" key: the ratio falls back to "value")
    run.check(rows, w)
    assert [r["check"] for r in rows] == ["ok", "WRONG", "ok"]
    assert [r["tapegrad_over_peer"] for r in rows] == [1.0, 2.0, 0.5]
    assert "WRONG" in run.render(run.table_rows([dict(r, workload="W1", unit="µs/op", first_call_s=0.0,
                                                      threads="-", timing={"iqr_rel": 0.0})
                                                 for r in rows]))


def test_skipped_framework_is_na_before_import():
    from benchmarks import worker
    r = worker.run({"workload": "MM512", "framework": "tf_function", "warmup": 0, "repeats": 1, "min_time": 0})
    assert r["status"] == "n/a" and "same kernel" in r["note"]


def test_memory_rows_count_what_a_framework_keeps_between_calls():
    """A pool filled by the first call and reused afterwards counts (baseline = after setup, not per call)."""
    import numpy as np

    import tapegrad
    from benchmarks import frameworks, worker
    from benchmarks.workloads import Workload

    mib = 2 ** 20
    pool = []

    def step():
        if not pool:
            pool.append(np.ones(32 * mib // 8))  # kept, like an allocator's pool
        return np.ones(8 * mib // 8)            # per-call working memory, freed by the caller

    w = Workload("WX", "fake", "MiB", 1 / mib, {}, lambda: [1.0], kind="memory",
                 summarize=lambda a: a[:1])
    out = worker.run_memory(w, frameworks.BY_NAME["tapegrad"], tapegrad, step, {"repeats": 3}, {})
    assert out["status"] == "ok"
    assert 38 <= out["value"] <= 46, out["memory"]          # 32 kept + 8 per call
    assert 38 * mib <= out["first_call_bytes"] <= 46 * mib  # the first call fills the pool
