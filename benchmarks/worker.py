"""Worker: runs ONE (workload, framework) pair in a fresh process and prints one JSON line.

``python -m benchmarks.worker '<json config>'``; started by benchmarks.run. The
parent has already put the thread-pinning environment in place (it must be set
before numpy/BLAS or a framework is imported). The result line starts with
``RESULT_MARK``; anything else on stdout/stderr is framework noise.
"""
import json
import os
import platform
import sys
import time
import traceback

RESULT_MARK = "@@tapegrad-bench@@ "


def run(cfg):
    from . import frameworks, memory, timing
    from .workloads import REGISTRY, Context, Unsupported

    w = REGISTRY[cfg["workload"]]
    fw = frameworks.BY_NAME[cfg["framework"]]
    out = {"workload": w.id, "framework": fw.name, "label": fw.label, "unit": w.unit,
           "python": sys.version.split()[0], "executable": sys.executable,
           "platform": platform.platform(), "cpu_count": os.cpu_count(),
           "threads_requested": cfg.get("threads")}
    build = w.builder(fw)
    if build is None:
        return dict(out, status="n/a", note=f"{w.id} has no {fw.api} implementation")
    t0 = time.perf_counter()
    try:
        mod, wrap = frameworks.load(fw, cfg.get("threads"))
    except frameworks.NotInstalled as e:
        return dict(out, status="not installed", note=str(e))
    except frameworks.Unavailable as e:
        return dict(out, status="n/a", note=str(e))
    out["import_s"] = time.perf_counter() - t0
    out["version"] = frameworks.version(fw, mod)
    try:
        step = build(Context(fw, mod, wrap))
    except Unsupported as e:
        return dict(out, status="n/a", note=str(e))
    t0 = time.perf_counter()
    result = frameworks.to_numpy(fw, step())  # first call: tracing / compilation included
    out["first_call_s"] = time.perf_counter() - t0
    out["result"] = [float(r) for r in result.ravel()]
    with memory.PeakRSS() as mem:
        out["timing"] = timing.measure(step, cfg["warmup"], cfg["repeats"], cfg["min_time"])
    out["memory"] = mem.as_dict()
    out["threads"], out["threads_detail"] = frameworks.thread_report(fw, mod)
    out["seconds_per_call"] = out["timing"]["median_s"]
    out["value"] = out["seconds_per_call"] * w.scale
    out["status"] = "ok"
    return out


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    cfg = json.loads(argv[0])
    try:
        out = run(cfg)
    except BaseException as e:  # reported as a row, never a crash of the driver
        out = {"workload": cfg.get("workload"), "framework": cfg.get("framework"), "status": "error",
               "note": f"{type(e).__name__}: {e}".splitlines()[0][:300],
               "traceback": traceback.format_exc()}
    sys.stdout.write(RESULT_MARK + json.dumps(out) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
