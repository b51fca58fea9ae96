"""Timing: warm-up calls, calibration of calls per repeat, median of repeats."""
import gc
import statistics
import time


def _batch(step, number):
    t0 = time.perf_counter()
    for _ in range(number):
        step()
    return time.perf_counter() - t0


def calibrate(step, min_time):
    """Calls per repeat so that one repeat takes at least ``min_time`` s (timeit.autorange-style)."""
    number = 1
    while True:
        for k in (1, 2, 5):
            n = number * k
            if _batch(step, n) >= min_time or n >= 1_000_000:
                return n
        number *= 10


def measure(step, warmup, repeats, min_time):
    """Seconds per call of ``step()``: median over ``repeats`` batches, after ``warmup`` calls.

    The garbage collector stays enabled (its cost is part of an autodiff
    library's cost) but is run before each repeat so that no repeat pays for
    the previous one's garbage.
    """
    for _ in range(warmup):
        step()
    number = calibrate(step, min_time)
    times = []
    for _ in range(repeats):
        gc.collect()
        times.append(_batch(step, number) / number)
    q = statistics.quantiles(times, n=4, method="inclusive") if len(times) > 1 else [times[0]] * 3
    med = statistics.median(times)
    return {"median_s": med, "min_s": min(times), "q1_s": q[0], "q3_s": q[2],
            "iqr_rel": (q[2] - q[0]) / med if med else 0.0, "number": number,
            "repeats": repeats, "warmup": warmup, "times_s": times}
