"""The CPU cores and worker processes narrate uses: `--jobs N` is a budget of N cores, kept
by the kernel, and a worker never outlives the run it works for.

Below the machine's count, narrate restricts itself (and so its workers, its ONNX threads and
the ffmpeg processes it starts) to N cores, so `--jobs 1` leaves the rest of the machine free
however many threads ffmpeg or a speech engine would like to start.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator

PR_SET_PDEATHSIG = 1  # prctl(2)


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


def die_with_parent(parent: int | None = None) -> None:
    """In a worker process: have the kernel kill it the moment its parent dies, however the
    parent dies (kill -9 included), so that no worker lives on idle holding a voice (Linux;
    elsewhere the pool's own shutdown has to do). PARENT, the pid the worker was started by:
    when it is already gone, the worker exits at once."""
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def quiet_worker_signals() -> None:
    """In a worker process: Ctrl-C is the parent's to handle (the terminal sends it to the
    whole process group), and SIGTERM ends the worker as it does by default."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
