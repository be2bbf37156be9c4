"""Feed batches on a Dask cluster (`--cluster ADDRESS`, or `cluster = "tcp://host:8786"`).

The client (this process) alone writes the feed folder and the library. Each article is two
small tasks on the workers: `prepare_task` reads and scripts it (its result stays on the
cluster; only its size comes back), then `narrate_task` speaks and masters it and returns the
episode's files as bytes with its record. Narration tasks carry their article's size as their
priority, so the scheduler runs the longest first among those waiting; at most a window of
articles is in flight, so the client's memory stays flat for any number of articles. A worker
that dies mid-article has its task run again elsewhere by the scheduler; an article that fails
for its own reasons comes back as a failed outcome, once.

Workers need `pip install 'narrate-news[cluster]'` (and the engine's voice). Their segment cache is
their own, or the folder NARRATE_CACHE_DIR names: entries are written to unique temp files and
renamed into place, read back whole or dropped, with no locks, which holds on NFS too.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MissingExtra, NarrateError
from ..read.reach import Reach
from .config import FeedConfig, FeedError
from .episodes import ClusterLost, audio_intact, twin_index
from .layout import FeedLayout

if TYPE_CHECKING:
    from ..read.fetch import Page
    from .episodes import Outcome, PreparedJob
    from .library import EpisodeRecord, Library

log = logging.getLogger(__name__)
CLUSTER_EXTRA = "pip install 'narrate-news[cluster]'"
CONNECT_TIMEOUT_S = 10
WINDOW_PER_THREAD = 2  # articles in flight per worker thread


def require_distributed() -> Any:
    """The `distributed` module, or one line naming the extra."""
    try:
        import distributed
    except ImportError as exc:
        raise MissingExtra(
            f"--cluster needs the cluster extra ({exc.name or exc} is missing): {CLUSTER_EXTRA}"
        ) from None
    return distributed


# --- on the workers -------------------------------------------------------------------------


def prepare_task(
    source: str,
    config: FeedConfig,
    existing: EpisodeRecord | None,
    present: bool,
    reach: Reach | None = None,
    page: Page | None = None,
    twins: dict[str, EpisodeRecord] | None = None,
    intact: frozenset[str] | None = None,
) -> PreparedJob | Outcome:
    """Read and script one article (see batch.prepare_job; PAGE: fetched already; TWINS and
    INTACT: the feed's episodes, so that an article from a second source stays one)."""
    from .episodes import Outcome, prepare_job

    with worker_folder() as folder:
        try:
            return prepare_job(
                folder,
                config,
                source,
                existing,
                1,
                present=present,
                reach=reach,
                page=page,
                twins=twins,
                intact=intact,
            )
        except NarrateError as exc:
            return Outcome(source, "failed", error=str(exc))


def task_summary(job: PreparedJob | Outcome) -> tuple[int, Outcome | None]:
    """What the client needs of a prepared job: how much it has to say (its narration's
    priority), or the outcome of an article that needs no narration."""
    from .episodes import Outcome

    if isinstance(job, Outcome):
        return 0, job
    return max(1, job.weight), None


def narrate_task(
    job: PreparedJob, config: FeedConfig, use_cache: bool, topic: str
) -> tuple[Outcome, EpisodeRecord | None, dict[str, bytes]]:
    """Speak and master a prepared article in a scratch folder of this worker; return its
    outcome, record and files (name → bytes). Each sentence spoken is logged to TOPIC."""
    from .episodes import narrated_files, run_job
    from .layout import STAGING

    report = sentence_reporter(topic)
    with worker_folder() as folder:
        (folder / STAGING).mkdir()
        try:
            outcome, record = run_job(folder, config, job, use_cache, 1, report)
        except NarrateError as exc:
            from .episodes import Outcome

            return Outcome(job.source, "failed", error=str(exc)), None, {}
        files: dict[str, bytes] = {}
        if record is not None:
            for path in narrated_files(folder / STAGING, record.audio):
                if path.exists():
                    files[path.name] = path.read_bytes()
        return outcome, record, files


TASK_PREFIX = "narrate-task-"


@contextlib.contextmanager
def worker_folder() -> Iterator[Path]:
    """A scratch folder for one task, named after this worker's process; those of workers
    that died (killed mid-task, they could not remove theirs) are removed first."""
    import os

    remove_dead_workers_folders(Path(tempfile.gettempdir()))
    folder = Path(tempfile.mkdtemp(prefix=f"{TASK_PREFIX}{os.getpid()}-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def remove_dead_workers_folders(parent: Path) -> None:
    """Remove PARENT's task folders whose process is gone (on this machine: the pid is in
    the name; another machine's worker shares no temporary folder with this one)."""
    import os
    import re

    try:
        found = list(parent.glob(f"{TASK_PREFIX}*"))
    except OSError:
        return
    for folder in found:
        match = re.fullmatch(rf"{TASK_PREFIX}(\d+)-\w+", folder.name)
        if not match or not folder.is_dir() or folder.is_symlink():
            continue
        try:
            os.kill(int(match.group(1)), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except (OSError, OverflowError):
            continue


def sentence_reporter(topic: str) -> Callable[[int], None] | None:
    try:
        from distributed import get_worker

        worker = get_worker()
    except (ImportError, ValueError):
        return None
    return lambda count: worker.log_event(topic, count)


# --- on the client --------------------------------------------------------------------------


def connect(address: str) -> Any:
    """A client of the scheduler at ADDRESS; FeedError in one line when it cannot be reached
    within CONNECT_TIMEOUT_S (and a few seconds more): a port where something else listens
    (a web server) never answers Dask's handshake, and Dask's own timeout does not end that
    wait, so the connection is made on a thread of its own and given up at the deadline."""
    import concurrent.futures
    import threading

    distributed = require_distributed()
    hint = "start it with `dask scheduler`, or leave out --cluster to narrate here"
    if address.startswith("tls://"):
        from distributed.security import Security

        if Security().get_connection_args("client").get("ssl_context") is None:
            raise FeedError(
                f"cannot reach the Dask scheduler at {address}: tls:// needs Dask's TLS "
                "settings (distributed.comm.tls: a CA file and a client certificate)"
            )
    made: concurrent.futures.Future[Any] = concurrent.futures.Future()

    def attempt() -> None:
        import gc

        try:
            made.set_result(
                distributed.Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
            )
        except BaseException as exc:  # every failure becomes the one line below
            reason = (str(exc).splitlines() or [""])[0][:120]
            made.set_exception(ConnectFailed(exc.__class__.__name__, reason))
            del exc  # its traceback holds the half-made client: let it go here, on this
            gc.collect()  # thread, not at the exit of the process (its close waits 20 s)

    threading.Thread(target=attempt, name="narrate-dask-connect", daemon=True).start()
    try:
        return made.result(timeout=CONNECT_TIMEOUT_S + 5)
    except concurrent.futures.TimeoutError:
        raise FeedError(
            f"no Dask scheduler answered at {address} within {CONNECT_TIMEOUT_S + 5:g} s (is "
            f"something else listening there?): {hint}"
        ) from None
    except ConnectFailed as failed:
        kind, reason = failed.args
        raise FeedError(
            f"cannot reach the Dask scheduler at {address} ({kind}"
            f"{': ' + reason if reason else ''}): {hint}"
        ) from None


class ConnectFailed(Exception):
    """(the exception's class name, its first line): what a failed connection said."""


def narrate_on_cluster(
    address: str,
    layout: FeedLayout,
    config: FeedConfig,
    library: Library,
    articles: list[str],
    use_cache: bool,
    article_progress: Callable[[int, int], None] | None,
    sentence_progress: Callable[[int], None] | None = None,
    reaches: dict[str, Reach] | None = None,
    pages: dict[str, Page] | None = None,
) -> list[Outcome]:
    """Narrate ARTICLES on the cluster at ADDRESS, recording each episode as it arrives."""
    from .episodes import ClusterLost, commit

    client = connect(address)
    topic = f"narrate-sentences-{uuid.uuid4().hex[:12]}"
    total = len(articles)
    outcomes: list[Outcome | None] = [None] * total
    done = 0
    kept = 0
    futures: dict[Any, tuple[str, int, Any]] = {}
    try:
        if sentence_progress is not None:
            client.subscribe_topic(topic, lambda event: sentence_progress(int(event[1])))
        threads = max(1, sum(client.nthreads().values()))
        window = max(4, WINDOW_PER_THREAD * threads)
        distributed = require_distributed()
        pending = distributed.as_completed(loop=client.loop)
        queue = iter(enumerate(articles))
        records = library.episodes()
        twins = twin_index(records)
        intact = frozenset(r.guid for r in records if audio_intact(layout.episodes, r))

        def start_next() -> bool:
            try:
                index, source = next(queue)
            except StopIteration:
                return False
            existing = library.get_for_source(source)
            present = existing is not None and audio_intact(layout.episodes, existing)
            reach = (reaches or {}).get(source)
            page = (pages or {}).get(source)
            job = client.submit(
                prepare_task,
                source,
                config,
                existing,
                present,
                reach,
                page,
                twins,
                intact,
                pure=False,
            )
            summary = client.submit(task_summary, job, pure=False)
            futures[summary] = ("summary", index, job)
            pending.add(summary)
            return True

        for _ in range(window):
            if not start_next():
                break
        for future in while_workers(client, pending, address):
            kind, index, job = futures.pop(future)
            source = articles[index]
            if kind == "summary":
                weight, finished = task_result(future, source, lambda o: (0, o))
                if finished is not None:
                    outcomes[index] = finished
                else:
                    narration = client.submit(
                        narrate_task, job, config, use_cache, topic, priority=weight, pure=False
                    )
                    futures[narration] = ("narrate", index, None)
                    pending.add(narration)
                    continue
            else:
                outcome, record, files = task_result(future, source, lambda o: (o, None, {}))
                write_staged(layout, files)
                commit(layout, library, outcome, record)
                kept += record is not None
                outcomes[index] = outcome
            done += 1
            if article_progress:
                article_progress(done, total)
            start_next()
    except KeyboardInterrupt:
        with contextlib.suppress(Exception):
            client.cancel(list(futures), force=True)
        raise
    except Exception as exc:
        if not is_lost(exc):
            raise
        raise ClusterLost(
            f"lost the Dask scheduler at {address} ({exc.__class__.__name__}): {kept} "
            "episode(s) that came back were kept; the same command again does the rest"
        ) from None
    finally:
        with contextlib.suppress(Exception):
            if sentence_progress is not None:
                client.unsubscribe_topic(topic)
        with contextlib.suppress(Exception):
            client.close(timeout=5)
    if any(outcome is None for outcome in outcomes):  # the cluster let go of some: say so
        raise ClusterLost(
            f"the Dask cluster at {address} stopped answering for "
            f"{sum(o is None for o in outcomes)} article(s); {kept} episode(s) that came back "
            "were kept; the same command again does the rest"
        )
    return [outcome for outcome in outcomes if outcome is not None]


NO_WORKERS_S = 60.0  # a batch waits this long for a worker when the cluster has none left
PATIENCE_ENV = "NARRATE_CLUSTER_PATIENCE"  # … or this many seconds


def patience() -> float:
    """Seconds a batch waits for a worker when the cluster has none ($NARRATE_CLUSTER_PATIENCE)."""
    import math
    import os

    try:
        value = float(os.environ.get(PATIENCE_ENV, NO_WORKERS_S))
    except ValueError:
        raise FeedError(f"{PATIENCE_ENV} must be a number of seconds") from None
    if not math.isfinite(value) or value < 0:
        raise FeedError(f"{PATIENCE_ENV} must be a number of seconds")
    return value


def while_workers(client: Any, pending: Any, address: str) -> Iterator[Any]:
    """PENDING's futures as they finish; ClusterLost when the cluster has had no worker for
    NO_WORKERS_S (its last one killed), rather than waiting for ever in silence."""
    import time

    alone_since: float | None = None
    checked = 0.0
    wait_s = patience()
    while not pending.is_empty():
        ready = pending.next_batch(block=False)
        if ready:
            yield from ready
            continue
        time.sleep(0.05)  # polling: distributed has no wait with a timeout on as_completed
        now = time.monotonic()
        if now - checked < 1.0:
            continue
        checked = now
        if client.scheduler_info(n_workers=-1).get("workers"):
            alone_since = None
            continue
        if alone_since is None:
            alone_since = now
            log.warning("the Dask cluster at %s has no worker left: waiting for one", address)
        elif now - alone_since > wait_s:
            raise ClusterLost(
                f"the Dask cluster at {address} has had no worker for {wait_s:g} s: start "
                "one (dask worker ADDRESS); the episodes that came back were kept"
            )


LOST = ("CommClosedError", "CancelledError", "FutureCancelledError")  # the cluster went away


def is_lost(exc: BaseException) -> bool:
    """Whether EXC says the scheduler (not the article) failed."""
    return isinstance(exc, (OSError, TimeoutError)) or exc.__class__.__name__ in LOST


def task_result(future: Any, source: str, failed: Callable[[Outcome], Any]) -> Any:
    """A task's result; a task that raised (narrate's own bug, or KilledWorker after the
    scheduler's retries) is that article's failure, FAILED(outcome), not the batch's. A
    result lost with its worker before it came back (it would be computed again, and with no
    worker left never is) is waited for patience() seconds, then the batch's end."""
    from .episodes import Outcome

    wait_s = patience()
    try:
        return future.result(timeout=wait_s)
    except TimeoutError:
        raise ClusterLost(
            f"the Dask cluster lost a finished result with its worker and did not make it again in "
            f"{wait_s:g} s (no worker left?): the episodes that came back were kept; the same "
            "command again does the rest"
        ) from None
    except Exception as exc:
        if is_lost(exc):
            raise
        return failed(Outcome(source, "failed", error=f"{exc.__class__.__name__}: {exc}"))


def write_staged(layout: FeedLayout, files: dict[str, bytes]) -> None:
    """Put an episode's files from a worker into the staging folder, each whole or not at all
    (commit then moves them into the public folder)."""
    from ..files import write_atomic

    for name, content in files.items():
        if "/" in name or "\\" in name or name.startswith("."):
            raise FeedError(f"a worker sent a file named {name!r}: refused")
        write_atomic(layout.staging / name, content)


__all__ = ["narrate_on_cluster", "narrate_task", "prepare_task", "require_distributed"]
