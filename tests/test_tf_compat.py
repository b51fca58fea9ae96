"""Optional: the TF compatibility harness (benchmarks/tf_compat) as tests, one per program.

Each program in benchmarks/tf_compat/programs runs once under TensorFlow and once under tapegrad (two
worker processes, side by side); its printed output must agree (see benchmarks/tf_compat/run.py for the
comparison rules). TensorFlow is never a dependency: the test is skipped, with the reason, when neither
this interpreter nor /work/peers-venv/bin/python imports it. Programs listed in the harness' KNOWN table
(accepted differences, with their reason) are expected failures.
"""
import importlib.util
import os
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("tf_compat_run", os.path.join(REPO, "benchmarks", "tf_compat", "run.py"))
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)

PATHS = harness.program_paths()


@pytest.fixture(scope="module")
def results():
    tf_python = harness.default_tf_python()
    if tf_python is None:
        pytest.skip(f"TensorFlow is not importable here or in {harness.PEERS_PYTHON}: the TF compatibility "
                    "harness needs it (it is never a dependency of tapegrad)")
    return harness.run_workers(PATHS, tf_python, sys.executable)


@pytest.mark.parametrize("path", PATHS, ids=[os.path.basename(p) for p in PATHS])
def test_program_prints_what_tensorflow_prints(results, path):
    name = os.path.basename(path)
    if name in harness.KNOWN:
        pytest.xfail(harness.KNOWN[name])
    ours = results["tapegrad"][name]
    diff = harness.first_difference(results["tf"][name]["stdout"], ours["stdout"], *harness.tolerance(path))
    assert diff is None, f"{name}: {diff}\n{ours['traceback']}"


def test_the_comparison_rules():
    diff = harness.first_difference
    assert diff("tf.Tensor([1. 2.], shape=(2,), dtype=float32)\n",
                "tapegrad.Tensor([1.        2.0000002], shape=(2,), dtype=float32)\n") is None
    assert diff("[1 2]\n", "[1 3]\n") is not None                      # integers compare exactly
    assert diff("dtype=float32\n", "dtype=float64\n") is not None     # numbers inside names are text
    assert diff("nan inf -inf\n", "nan inf -inf\n") is None
    assert diff("TypeError\n", "ValueError\n") is not None
    assert diff("a\n", "a\nb\n") is not None
    assert diff("0.1\n", "0.1001\n", rtol=1e-2) is None
