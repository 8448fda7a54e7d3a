"""What this machine can hold: how many local worker processes its cores and memory allow.

Replications are CPU-bound: more worker processes than cores only share the same cores and add a
process's memory each (``--jobs 1000`` on two cores once reached 2.3 GB at 24 processes, on the way
to about 93 GB). So the local pool never starts more workers than there are cores this process
may use (CPU affinity and a container's CPU quota counted), nor more than the free memory holds
at :data:`WORKER_BYTES` each.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

#: Memory one worker process is allowed for when counting how many fit: about 95 MB were measured
#: for a brussels-2015 worker (Python, numpy, simpy and the model), with room for larger scenarios.
WORKER_BYTES = 150 * 2**20

_CGROUP = Path("/sys/fs/cgroup")


@dataclass(frozen=True)
class Capacity:
    """How many workers this machine can run at once, and why.

    Attributes:
        jobs: the most local worker processes worth starting (at least 1).
        reason: what sets that number, in words ("2 cores", "1.2 GB of free memory").
    """

    jobs: int
    reason: str


def cores() -> int:
    """The cores this process may use: its CPU affinity, within a container's CPU quota."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        count = os.cpu_count() or 1
    quota = _cpu_quota()
    return max(1, min(count, quota)) if quota else max(1, count)


def _cpu_quota() -> int | None:
    """A cgroup v2 CPU quota (``cpu.max`` "200000 100000" is 2 cores), or None."""
    try:
        limit, period = (_CGROUP / "cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        return None
    if limit == "max":
        return None
    return max(1, math.ceil(int(limit) / int(period)))


def free_memory() -> int | None:
    """Bytes of memory new processes can still use, or None when this system does not say."""
    free = _meminfo_available()
    limit = _cgroup_memory_left()
    known = [m for m in (free, limit) if m is not None]
    if known:
        return min(known)
    try:  # macOS and other Unixes: physical memory, all of it (no free figure without psutil)
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None


def _meminfo_available() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cgroup_memory_left() -> int | None:
    """A container's memory limit minus what it already uses (cgroup v2), or None."""
    try:
        limit = (_CGROUP / "memory.max").read_text().strip()
        used = int((_CGROUP / "memory.current").read_text().strip())
    except (OSError, ValueError):
        return None
    return None if limit == "max" else max(0, int(limit) - used)


def capacity() -> Capacity:
    """The most local worker processes this machine can hold now, and what limits them."""
    by_cores = cores()
    memory = free_memory()
    by_memory = max(1, memory // WORKER_BYTES) if memory is not None else by_cores
    if by_memory < by_cores and memory is not None:
        return Capacity(by_memory, f"{memory / 2**30:.1f} GB of free memory")
    return Capacity(by_cores, f"{by_cores} core{'s' if by_cores > 1 else ''}")
