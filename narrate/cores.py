"""The CPU cores narrate may use: `--jobs N` is a budget of N cores, kept by the kernel.

Below the machine's count, narrate restricts itself (and so its workers, its ONNX threads and
the ffmpeg processes it starts) to N cores, so `--jobs 1` leaves the rest of the machine free
however many threads ffmpeg or a speech engine would like to start.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator


def available_cores() -> int:
    """Cores this process may run on (its affinity where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


@contextlib.contextmanager
def core_budget(jobs: int | None) -> Iterator[int]:
    """Run the block on JOBS cores (all when None); yields the number of cores to plan for.

    Where the kernel can pin processes (Linux), a budget below the cores available pins this
    process to that many of them, chosen by process id so that concurrent runs spread out;
    the previous affinity comes back afterwards. Elsewhere the budget only shapes the plan.
    """
    available = available_cores()
    if jobs is None or jobs >= available or not hasattr(os, "sched_setaffinity"):
        yield jobs or available
        return
    allowed = sorted(os.sched_getaffinity(0))
    offset = os.getpid() % len(allowed)
    chosen = {allowed[(offset + i) % len(allowed)] for i in range(jobs)}
    os.sched_setaffinity(0, chosen)
    try:
        yield jobs
    finally:
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, allowed)
