"""Peak memory of the current program, shared by the bench's app probes."""

from __future__ import annotations

import resource


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
