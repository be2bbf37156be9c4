"""Files on disk: written so that readers never see half of one, folders locked while a run
works in them, and staging folders that a killed run leaves behind cleaned up by the next."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from stat import S_ISDIR, S_ISFIFO, S_ISREG

from .errors import BusyError
from .stopping import critical, disown, own

try:
    import fcntl
except ImportError:  # not POSIX: no locks, and staging folders are never cleaned by others
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".narrate.lock"
STAGE_SUFFIX = ".narrate"
NEW_STAGE_SUFFIX = ".narrate-new"
STALE_AFTER_S = 60.0  # a stage still unlocked this long after it was made belongs to no run


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write CONTENT to a temporary file beside PATH and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o666 & ~current_umask())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def folder_lock(
    folder: Path,
    purpose: str,
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold FOLDER's advisory lock (FOLDER/.narrate.lock) for the block.

    Held by another run: BusyError naming it (its pid, what it does, since when), or with
    WAIT, block until it is free (ON_WAIT is told who holds it). The kernel lets go of the
    lock when its holder dies, however it dies."""
    if fcntl is None:
        yield
        return
    path = folder / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = lock_holder(fd)
            if not wait:
                raise BusyError(
                    f"{folder} is in use by another narrate ({holder}): "
                    "try again when it has finished, or add --wait"
                ) from None
            if on_wait:
                on_wait(holder)
            fcntl.flock(fd, fcntl.LOCK_EX)
        since = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, {purpose}, since {since}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock


def lock_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "a run that has just started"


@contextlib.contextmanager
def staging_folder(parent: Path, stem: str) -> Iterator[Path]:
    """A hidden folder in PARENT to build an output in, locked while this run uses it and
    removed afterwards; one a killed run left is removed by the next (remove_stale_stages)."""
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale_stages(parent)
    # Made under a name the cleaners pass over, locked, then renamed (the lock goes with the
    # folder): no cleaner ever sees a stage of a living run unlocked. A signal waits until
    # the folder is made, locked and known to be this run's (see stopping.py).
    stage: Path | None = None
    fd: int | None = None
    try:
        with critical():  # a signal held here is raised at its end: inside the try
            try:
                made = tempfile.mkdtemp(
                    prefix=f".{stem[:80]}.", suffix=NEW_STAGE_SUFFIX, dir=parent
                )
            except OSError as exc:  # the folder's fault, said of the folder, not our stage
                from .errors import OutputError

                reason = exc.strerror or exc.__class__.__name__
                raise OutputError(f"cannot write in {parent}: {reason}") from None
            stage = Path(made)
            own(stage)
            fd = os.open(stage, os.O_RDONLY)
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            locked = stage.with_name(stage.name[: -len(NEW_STAGE_SUFFIX)] + STAGE_SUFFIX)
            os.rename(stage, locked)
            disown(stage)
            stage = locked
            own(stage)
        yield stage
    finally:
        with critical():
            if stage is not None:
                shutil.rmtree(stage, ignore_errors=True)
                disown(stage)
            if fd is not None:
                os.close(fd)


def remove_stale_stages(parent: Path) -> int:
    """Remove the staging folders in PARENT that no living run holds; returns how many."""
    if fcntl is None:
        return 0
    removed = 0
    try:
        candidates = [p for p in parent.glob(f".*{STAGE_SUFFIX}") if p.is_dir()]
        unborn = [p for p in parent.glob(f".*{NEW_STAGE_SUFFIX}") if p.is_dir()]
    except OSError:
        return 0
    now = time.time()
    for stage in unborn:  # a run died between making its stage and locking it
        with contextlib.suppress(OSError):
            if now - stage.stat().st_mtime > STALE_AFTER_S:
                shutil.rmtree(stage, ignore_errors=True)
    for stage in candidates:
        try:
            fd = os.open(stage, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            continue  # a run is using it
        finally:
            os.close(fd)
        shutil.rmtree(stage, ignore_errors=True)
        removed += 1
    return removed


MAX_NAME_BYTES = 255  # what Linux, macOS and Windows filesystems allow a file name


def check_name(path: Path) -> None:
    """OutputError unless PATH's name fits what filesystems allow (MAX_NAME_BYTES)."""
    from .errors import OutputError

    if len(os.fsencode(path.name)) > MAX_NAME_BYTES:
        raise OutputError(
            f"the output name {path.name[:60]}… is longer than {MAX_NAME_BYTES} bytes"
        )


def guard_output(
    out: Path, inputs: Iterable[Path | None] = (), beside: Iterable[Path] = ()
) -> None:
    """Refuse, before any work, an output that would hurt: OUT (or a file BESIDE it that the
    run writes) being one of INPUTS (the same file by inode, through links too, whatever
    --force says), a folder, a FIFO, a device or a socket (narrate writes regular files), or
    a name longer than filesystems allow."""
    from .errors import OutputError

    sources = [path for path in inputs if path is not None]
    for target in [out, *beside]:
        check_name(target)
        try:
            stat = target.stat()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
        if S_ISDIR(stat.st_mode):
            raise OutputError(f"{target} is a folder: give a file name with -o")
        if not S_ISREG(stat.st_mode):
            kind = "a FIFO" if S_ISFIFO(stat.st_mode) else "not a regular file"
            raise OutputError(f"cannot write {target}: it is {kind} (narrate writes files)")
        for source in sources:
            with contextlib.suppress(OSError):
                if os.path.samefile(source, target):
                    raise OutputError(
                        f"cannot write {target}: it is the input {source} (give another -o)"
                    )
