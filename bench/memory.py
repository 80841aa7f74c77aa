"""The peak memory of this process, for the benches' figures."""

from __future__ import annotations

import resource
from pathlib import Path


def peak_mb() -> float:
    """This process's peak resident memory in MB: ``VmHWM`` of ``/proc/self/status``.

    Not ``getrusage``'s ``ru_maxrss``: Linux carries it across ``execve``, so a bench's child
    started by ``subprocess`` (a fork, then exec) reported its parent's size at the fork
    (a child computing the results at 416 MB read 578 MB after a parent that held a database
    of 100,000 responses). ``ru_maxrss`` only where there is no ``/proc``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
