"""Stopping on Ctrl-C or SIGTERM, whatever narrate is doing when the signal comes.

`install()` (the command line's first step, before any staging folder can exist) makes both
signals raise in the main thread: KeyboardInterrupt for SIGINT, `Terminated` (a
KeyboardInterrupt) for SIGTERM, so the run unwinds as it does for Ctrl-C, removing what it
half-made and keeping what it finished. Three things make that hold at any instant:

- Never swallowed. Python reports an exception raised where nothing can catch it (a ctypes
  callback such as espeak-ng's, a finaliser, a weakref callback) through
  `sys.unraisablehook`, then goes on. The hook raises the signal again in the main thread,
  where it can stop the run; the steps that loop over sentences call `check()`, which raises
  it at the next sentence whatever happened to it; and the exit status says a signal stopped
  the run (130 or 143) even when something below let the exception go.
- Never half made. A step that must not be cut in two (making and locking a staging folder,
  moving a finished file set into place) runs inside `critical()`: a signal arriving then is
  held and raised when the step is done.
- Never deadlocked. A KeyboardInterrupt can land inside a lock's bookkeeping and leave a thread
  waiting for ever. A watchdog started by the first signal ends the process if it is still
  alive GRACE_S later, as a second signal does at once: it removes the staging folders this
  run holds (registered by files.py), kills the processes it started, says so in one line
  and exits 130 or 143.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

GRACE_S = 20.0  # how long an orderly stop may take before the watchdog ends the process


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C is: what is finished is kept, what is half-made removed."""


class _State:
    received: int | None = None  # the first stopping signal, once one came
    depth = 0  # critical() sections open in the main thread
    held: int | None = None  # a signal that came during a critical section
    reraising = False  # the next signal is the unraisable hook's, not a second one
    show_unraisable = False  # other exceptions nothing could catch: shown only under --debug
    owned: ClassVar[set[Path]] = set()  # staging folders to remove if the process must end now
    lock = threading.Lock()


def install() -> None:
    """Handle SIGINT and SIGTERM as described above (the main thread only)."""
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    sys.unraisablehook = _unraisable


def received() -> int | None:
    """The stopping signal this process got, if any."""
    return _State.received


def exit_status(signum: int | None = None) -> int:
    """The exit status of a run stopped by SIGNUM (default: the one received)."""
    signum = signum or _State.received or signal.SIGINT
    return 128 + int(signum)


def exit_stopped() -> None:
    """Say the run was stopped, in one line, and exit with the signal's status."""
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write("narrate: interrupted\n")
        sys.stderr.flush()
    raise SystemExit(exit_status())


def _exception_for(signum: int) -> KeyboardInterrupt:
    return Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def _on_signal(signum: int, _frame: Any) -> None:
    if _State.reraising:  # the first signal again, raised where it can stop the run
        _State.reraising = False
        signum = _State.received or signum
    elif _State.received is not None:
        _end_now(_State.received)  # a second signal: no more waiting
    else:
        _State.received = signum
        threading.Thread(target=_watchdog, args=(signum,), daemon=True).start()
    if _State.depth > 0:
        _State.held = signum  # raised when the critical section ends
        return
    if _inside_hook(_frame):  # raised here, it would be lost as well: a moment later
        threading.Timer(0.005, _raise_again).start()
        return
    raise _exception_for(signum)


def _unraisable(report: Any) -> None:
    """An exception nobody could catch: a stopping signal is raised again, from another
    thread a moment later, so that it lands in the main thread once it has left the place
    that could not let it through (raised here, it would be lost again)."""
    if isinstance(report.exc_value, KeyboardInterrupt) and _State.received is not None:
        threading.Timer(0.005, _raise_again).start()
        return
    if _State.show_unraisable:  # else a library's noise (a finaliser's), not narrate's output
        sys.__unraisablehook__(report)


def show_unraisable(show: bool) -> None:
    """Whether exceptions raised where nothing could catch them are printed (--debug)."""
    _State.show_unraisable = show


def _inside_hook(frame: Any) -> bool:
    """Whether FRAME runs inside the unraisable hook (an exception raised there is lost)."""
    depth = 0
    while frame is not None and depth < 100:
        if frame.f_code is _unraisable.__code__:
            return True
        frame = frame.f_back
        depth += 1
    return False


def _raise_again() -> None:
    import _thread

    _State.reraising = True
    _thread.interrupt_main(_State.received or signal.SIGINT)


def check() -> None:
    """Raise the stopping signal received, if one was and it was lost on its way (a step that
    loops over sentences calls this: the run stops at the next one whatever happened)."""
    if (
        _State.received is not None
        and _State.depth == 0
        and threading.current_thread() is threading.main_thread()
    ):
        raise _exception_for(_State.received)


@contextlib.contextmanager
def critical() -> Iterator[None]:
    """A step a signal must not cut in two: a signal arriving during it is raised after it."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals are only ever raised in the main thread
        return
    _State.depth += 1
    try:
        yield
    finally:
        _State.depth -= 1
        held = _State.held
        if _State.depth == 0 and held is not None:
            _State.held = None
            raise _exception_for(held)


def own(folder: Path) -> None:
    """FOLDER is this run's, half made: removed if the process must end at once."""
    with _State.lock:
        _State.owned.add(folder)


def disown(folder: Path) -> None:
    with _State.lock:
        _State.owned.discard(folder)


def _watchdog(signum: int) -> None:
    threading.Event().wait(GRACE_S)
    _end_now(signum)


def _end_now(signum: int) -> None:
    """End the process now: its staging folders removed, its child processes killed."""
    with _State.lock:
        owned = list(_State.owned)
    for folder in owned:
        shutil.rmtree(folder, ignore_errors=True)
    for pid in _children():
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.write(2, b"narrate: interrupted\n")
    os._exit(exit_status(signum))


def _children() -> list[int]:
    """This process's children (Linux; elsewhere none are known)."""
    me = os.getpid()
    found: list[int] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, IndexError, ValueError):
                with open(f"/proc/{entry.name}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
                if int(fields[1]) == me:
                    found.append(int(entry.name))
    return found
