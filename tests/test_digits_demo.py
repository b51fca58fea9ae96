"""The digits demo (python -m tapegrad.examples.digits), run in a subprocess in a temporary directory."""
import os
import re
import subprocess
import sys


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _run(cwd, *args, timeout=300):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-m", "tapegrad.examples.digits", *args], cwd=cwd, env=env,
                         capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return out.stdout


def _accuracy(stdout):
    return float(re.search(r"held-out test accuracy: ([0-9.]+)", stdout).group(1))


def test_quick_run_checkpoints_and_resume(tmp_path):
    out = _run(tmp_path, "--quick")
    ckpt = tmp_path / "digits_ckpt"
    assert (ckpt / "checkpoint").exists()
    assert (ckpt / "ckpt-2.npz").exists() and (ckpt / "ckpt-2.index.json").exists()
    assert "held-out test accuracy" in out
    out = _run(tmp_path, "--quick", "--resume", "--epochs", "3")
    assert "resumed from" in out and "(epoch 2, optimizer step 6)" in out
    assert "epoch 1/3" not in out and "epoch 2/3" not in out and "epoch 3/3" in out
    assert (ckpt / "ckpt-3.npz").exists()
    out = _run(tmp_path, "--quick", "--resume", "--epochs", "3")  # nothing left to train
    assert "(epoch 3, optimizer step 9)" in out and "epoch 3/3" not in out


def test_resume_equals_uninterrupted_and_function_flag(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    straight = _run(tmp_path / "a", "--quick", "--epochs", "3", "--ckpt-dir", "ck")
    _run(tmp_path / "b", "--quick", "--epochs", "1", "--ckpt-dir", "ck", "--function")
    resumed = _run(tmp_path / "b", "--quick", "--epochs", "3", "--ckpt-dir", "ck", "--resume", "--function")
    assert "compiled by tapegrad.function" in resumed
    assert re.search(r"traced [12] times", resumed)  # full batches and the shorter last one at most
    assert _accuracy(straight) == _accuracy(resumed)
    last = [ln for ln in straight.splitlines() if "epoch 3/3" in ln]
    if last and "loss" in last[-1] and "|" not in last[-1]:  # plain output (no tqdm): the lines are comparable
        assert last[-1] in resumed


def test_resume_without_checkpoint(tmp_path):
    out = _run(tmp_path, "--quick", "--resume", "--epochs", "1")
    assert "no checkpoint" in out


def test_full_run_reaches_97_percent(tmp_path):
    """The default run (15 epochs, about 3 s on 2 cores) reaches >= 97% held-out accuracy."""
    out = _run(tmp_path)
    assert _accuracy(out) >= 0.97, out[-2000:]
