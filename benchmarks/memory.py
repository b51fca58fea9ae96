"""Resident-memory measurement: current RSS, peak RSS, and peak above a baseline.

Used by every worker (peak RSS of the timed section) and meant for W6 (peak
memory of one workload in a fresh process). Linux gives an exact peak for a
section: writing "5" to /proc/self/clear_refs resets VmHWM, the high-water
mark. Elsewhere the peak is ``getrusage``'s process-lifetime ``ru_maxrss``,
so a section's peak is only known when it exceeds every earlier peak
(``exact`` is False then, and the delta is a lower bound).
"""
import os
import resource
import sys

try:  # optional
    import psutil as _psutil
except Exception:  # pragma: no cover - psutil absent
    _psutil = None

_PROC_STATUS = "/proc/self/status"


def _proc_status_kb(field):
    try:
        with open(_PROC_STATUS) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def current_rss_bytes():
    """Resident set size now (psutil, else /proc/self/statm, else the lifetime peak)."""
    if _psutil is not None:
        return _psutil.Process().memory_info().rss
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return maxrss_bytes()


def maxrss_bytes():
    """getrusage's lifetime peak RSS, in bytes (the unit differs between Linux and macOS)."""
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r if sys.platform == "darwin" else r * 1024


def peak_rss_bytes():
    """Peak RSS since process start or the last successful ``reset_peak()``."""
    hwm = _proc_status_kb("VmHWM")
    return hwm if hwm is not None else maxrss_bytes()


def reset_peak():
    """Resets the kernel's RSS high-water mark (Linux >= 4.0). True if it worked."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return _proc_status_kb("VmHWM") is not None


class PeakRSS:
    """``with PeakRSS() as m: work()`` then ``m.delta_bytes``: peak RSS above the RSS at entry.

    ``m.exact`` tells whether the peak could be reset at entry (see module doc).
    """

    def __init__(self):
        self.baseline_bytes = self.peak_bytes = self.delta_bytes = None
        self.exact = False

    def __enter__(self):
        self.exact = reset_peak()
        self.baseline_bytes = current_rss_bytes()
        self._floor = self.baseline_bytes if self.exact else max(self.baseline_bytes, peak_rss_bytes())
        return self

    def __exit__(self, *exc):
        self.peak_bytes = peak_rss_bytes()
        self.delta_bytes = max(0, self.peak_bytes - self._floor)
        return False

    def as_dict(self):
        return {"baseline_rss_bytes": self.baseline_bytes, "peak_rss_bytes": self.peak_bytes,
                "peak_above_baseline_bytes": self.delta_bytes,
                "method": "VmHWM reset" if self.exact else "ru_maxrss (lower bound)"}


def measure_peak(fn, *args, **kwargs):
    """Runs ``fn`` once; returns (its result, PeakRSS). For W6-style fresh-process measurements."""
    with PeakRSS() as m:
        out = fn(*args, **kwargs)
    return out, m
