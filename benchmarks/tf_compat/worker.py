"""Runs tf_compat programs under one framework, all in this one process, and writes their outputs as JSON.

Usage: python worker.py {tf|tapegrad} OUT_JSON PROGRAM.py...

Each program is plain TF 2 code (``import tensorflow as tf``). Under ``tapegrad`` the name ``tensorflow``
is bound to the tapegrad package in ``sys.modules``, so the same source runs unchanged. A program runs in a
fresh namespace with its stdout captured; an exception that escapes it is recorded as a last line
``UNCAUGHT <ExceptionType>``. Between programs the process-wide state TF programs commonly touch is reset:
the global random seed, ``run_functions_eagerly``, Keras' name counters (``clear_session``), NumPy's
print options and TF's cache of Python scalar constants.
"""
import contextlib
import io
import json
import os
import signal
import sys
import traceback
import warnings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
TIMEOUT_S = 120


def _import(framework):
    if framework == "tf":
        import tensorflow
        return tensorflow
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.environ.get("TF_COMPAT_TAPEGRAD_ROOT") or os.path.dirname(os.path.dirname(here))  # the repository
    sys.path.insert(0, root)
    import tapegrad
    sys.modules["tensorflow"] = tapegrad
    return tapegrad


def _reset(tf, np, printoptions):
    if tf.__name__ == "tensorflow":  # TF caches Python scalar constants (0.0 then stands for -0.0): start afresh
        from tensorflow.python import pywrap_tfe
        pywrap_tfe.TFE_ClearScalarCache()
    tf.random.set_seed(None)
    tf.config.run_functions_eagerly(False)
    tf.keras.backend.clear_session()
    np.set_printoptions(**printoptions)
    np.random.seed(None)


def _alarm(signum, frame):
    raise TimeoutError(f"program ran past {TIMEOUT_S} s")


def run_one(path):
    """The captured stdout of one program (plus an UNCAUGHT line when it raised)."""
    with open(path) as f:
        source = f.read()
    buf = io.StringIO()
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TIMEOUT_S)
    detail = ""
    try:
        with contextlib.redirect_stdout(buf), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(source, path, "exec"), {"__name__": "__main__", "__file__": path})
    except BaseException as e:  # noqa: BLE001 - the type is the result
        if isinstance(e, KeyboardInterrupt):
            raise
        buf.write(f"\nUNCAUGHT {type(e).__name__}\n")
        detail = "".join(traceback.format_exception(type(e), e, e.__traceback__)[-3:])
    finally:
        signal.alarm(0)
    return {"stdout": buf.getvalue(), "traceback": detail}


def main(argv):
    framework, out_path, paths = argv[0], argv[1], argv[2:]
    tf = _import(framework)
    import numpy as np
    printoptions = np.get_printoptions()
    results = {}
    for path in paths:
        _reset(tf, np, printoptions)
        results[os.path.basename(path)] = run_one(path)
    with open(out_path, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main(sys.argv[1:])
