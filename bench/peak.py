"""Peak memory of the current program, shared by the bench's app probes."""

from __future__ import annotations

import os
import resource
import time


def peak_kb() -> int:
    """Peak RSS of this program: VmHWM (ru_maxrss would include the parent it was forked from)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def ready_s() -> float:
    """Seconds since the bench started this process (BENCH_T0, wall clock); 0 when run by hand."""
    t0 = os.environ.get("BENCH_T0")
    return time.time() - float(t0) if t0 else 0.0


def cpu_s() -> float:
    """CPU seconds this process has used so far, all its threads (user and system): beside a ready time on a
    loaded machine, where the wall clock also counts the other processes' turns."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
