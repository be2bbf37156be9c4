"""Feed operations: init, add, update, list, remove, and rebuilding feed.xml and the site."""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import NarrateError
from ..files import folder_lock, remove_stale_stages
from ..read.reach import Reach
from .config import (
    CONFIG_NAME,
    EPISODES,
    LIBRARY_NAME,
    FeedConfig,
    FeedError,
    load_config,
    save_config,
)
from .layout import FeedLayout, layout_for, move_to_public
from .library import EpisodeRecord, Library
from .publish import check_nothing_lost, publish
from .rss import episode_stem
from .sources import expand

if TYPE_CHECKING:
    from ..read.fetch import Page

from .episodes import (  # noqa: F401  (re-exported: the batch's public names)
    EXCERPT_WORDS,
    ClusterLost,
    Outcome,
    PreparedJob,
    Progress,
    commit,
    doubtful_json,
    engine_for,
    episode_files,
    episode_guid,
    excerpt,
    feed_engine,
    listener_for,
    narrated_files,
    prepare_job,
    probe_duration,
    run_job,
    today,
    twin_index,
)

log = logging.getLogger(__name__)


def init_feed(folder: Path, config: FeedConfig, image: Path | None = None) -> None:
    """Create a feed folder: feed.toml, the library and an empty feed and site.

    Everything is made in a hidden folder beside FOLDER and moved in only when complete, so
    a failure (a bad image, a full disk) leaves nothing half-made."""
    import tempfile

    from ..audio.cover import from_file

    config.check()
    if (folder / CONFIG_NAME).exists():
        raise FeedError(f"{folder} is already a feed folder ({CONFIG_NAME} exists)")
    if folder.exists() and not folder.is_dir():
        raise FeedError(f"{folder} exists and is not a folder")
    folder.parent.mkdir(parents=True, exist_ok=True)
    target = layout_for(folder, config)
    if (target.feed_xml).exists():
        raise FeedError(f"{target.public} already holds a feed (feed.xml)")
    held = sorted(entry.name for entry in target.public.iterdir()) if target.public.is_dir() else []
    if held:  # publishing there would overwrite them (a site's own index.html)
        shown = ", ".join(held[:3]) + (f" and {len(held) - 3} more" if len(held) > 3 else "")
        raise FeedError(
            f"{target.public} already holds files ({shown}): give --out a new or empty folder"
        )
    build = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".init", dir=folder.parent))
    try:
        layout = layout_for(build, config)
        layout.episodes.mkdir(parents=True, exist_ok=True)
        if image is not None:
            from_file(image, layout.public / "cover.jpg")
            config = config.model_copy(update={"image": "cover.jpg"})
        save_config(build, config)
        Library(build / LIBRARY_NAME).close()
        publish(build, config)
        if not folder.exists():
            build.rename(folder)
            return
        clash = [entry.name for entry in build.iterdir() if (folder / entry.name).exists()]
        if clash:
            raise FeedError(f"{folder} already holds {', '.join(sorted(clash))}")
        for entry in build.iterdir():
            entry.rename(folder / entry.name)
    finally:
        if build.exists():
            shutil.rmtree(build, ignore_errors=True)


TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")  # files.write_atomic's temporary names


def clean_stale_staging(layout: FeedLayout) -> None:
    """Remove what an interrupted run left half-made: staging folders no living process holds
    (a stopped worker's among them), narrations never moved into the public folder, and temp
    files (the folder's lock makes them no one's)."""
    staging = layout.staging
    if staging.is_dir():
        remove_stale_stages(staging)
        for leftover in staging.iterdir():
            if leftover.is_file() and not leftover.name.startswith(".narrate"):
                leftover.unlink(missing_ok=True)
    for base in (layout.folder, layout.public, layout.episodes, layout.player):
        for leftover in base.glob(".*.tmp"):
            if TEMP_NAME.fullmatch(leftover.name):  # write_atomic's, not another program's
                leftover.unlink(missing_ok=True)


def open_layout(folder: Path, config: FeedConfig) -> FeedLayout:
    """FOLDER's layout, its public folder made and an old folder's files moved into it (call
    with the folder's lock held)."""
    layout = layout_for(folder, config)
    move_to_public(layout, config)
    layout.episodes.mkdir(parents=True, exist_ok=True)
    layout.staging.mkdir(exist_ok=True)
    return layout


def narrate_source(
    folder: Path,
    config: FeedConfig,
    library: Library,
    source: str,
    sentence_progress: Progress | None = None,
    use_cache: bool = True,
    cores: int = 1,
    reach: Reach | None = None,
    page: Page | None = None,
) -> Outcome:
    """Narrate one article into the library unless an identical narration is there (PAGE:
    the article as already fetched)."""
    existing = library.get_for_source(source)
    outcome, record = narrate_job(
        folder,
        config,
        source,
        existing,
        use_cache,
        cores,
        sentence_progress,
        reach,
        page,
        twin_index(library.episodes()),
    )
    commit(layout_for(folder, config), library, outcome, record)
    return outcome


def narrate_job(
    folder: Path,
    config: FeedConfig,
    source: str,
    existing: EpisodeRecord | None,
    use_cache: bool = True,
    cores: int = 1,
    sentence_progress: Progress | None = None,
    reach: Reach | None = None,
    page: Page | None = None,
    twins: dict[str, EpisodeRecord] | None = None,
) -> tuple[Outcome, EpisodeRecord | None]:
    """Prepare and narrate one article with CORES cores."""
    job = prepare_job(folder, config, source, existing, cores, reach=reach, page=page, twins=twins)
    if isinstance(job, Outcome):
        return job, None
    return run_job(folder, config, job, use_cache, cores, sentence_progress)


def add_sources(
    folder: Path,
    sources: list[str],
    overrides: dict[str, object] | None = None,
    article_progress: Callable[[int, int], None] | None = None,
    sentence_progress: Progress | None = None,
    remember: bool = True,
    jobs: int = 1,
    use_cache: bool = True,
    wait: bool = False,
) -> list[Outcome]:
    """Expand SOURCES, narrate what is new or changed, and rebuild the outputs.

    One failing source never stops the batch: it comes back as a "failed" outcome. JOBS is
    the number of CPU cores the batch may keep busy: articles are narrated in worker processes
    that share them (see plan_workers). The folder is locked for the run (see folder_lock;
    WAIT for another run to finish rather than refuse). Interrupted (Ctrl-C, SIGTERM), the
    batch stops its workers at once and publishes the episodes it finished before it ends.
    """
    config = apply_overrides(load_config(folder), overrides)
    with folder_lock(folder, "feed add", wait, on_wait=waiting_note(folder)):
        return add_locked(
            folder,
            config,
            sources,
            article_progress=article_progress,
            sentence_progress=sentence_progress,
            remember=remember,
            jobs=jobs,
            use_cache=use_cache,
        )


def waiting_note(folder: Path) -> Callable[[str], None]:
    return lambda holder: log.warning("waiting for the other narrate in %s (%s)", folder, holder)


def add_locked(
    folder: Path,
    config: FeedConfig,
    sources: list[str],
    *,
    article_progress: Callable[[int, int], None] | None = None,
    sentence_progress: Progress | None = None,
    remember: bool = True,
    jobs: int = 1,
    use_cache: bool = True,
    given: dict[str, Page] | None = None,
    untrusted: bool = False,
) -> list[Outcome]:
    """add_sources, with the folder's lock held. GIVEN: articles already in hand, by the
    source name they go under (posted to the API), narrated without a fetch. UNTRUSTED: the
    sources came as content (over the API), so no host of theirs is trusted."""
    if config.cluster:
        from .cluster import require_distributed

        require_distributed()  # before any work: a missing extra is one line, at once
    # The narration's files, taken relative to the feed folder here: workers (a cluster's
    # too) get them whole.
    config = config.model_copy(update={"narration": config.narration.resolved(folder)})
    if config.narration.verify:
        from ..voice.listen import Listener

        Listener.require()  # before any work: a missing extra is one line, at once
    try:
        config.narration.check_files()  # a lexicon that is gone: now, before any work
    except NarrateError as exc:
        raise FeedError(f"{folder / CONFIG_NAME}: {exc}") from None
    layout = open_layout(folder, config)
    clean_stale_staging(layout)
    library = Library(folder / LIBRARY_NAME)
    outcomes: list[Outcome] = []
    try:
        check_nothing_lost(layout, library)  # before any work, not after it
        articles: list[str] = []
        reaches: dict[str, Reach] = {}  # where each article may be fetched from
        pages: dict[str, Page] = {}  # the articles fetched already, to classify their source
        content = Reach(private=config.allow_private_addresses)
        for source in sources:
            if given and source in given:
                articles.append(source)
                reaches[source] = content
                pages[source] = given[source]
                continue
            try:
                expanded = expand(
                    source, config.allow_private_addresses, content if untrusted else None
                )
            except NarrateError as exc:
                outcomes.append(Outcome(source, "failed", error=str(exc)))
                continue
            if expanded.subscribable and remember:
                library.add_source(expanded.source, expanded.kind, today())
            if not expanded.articles:
                outcomes.append(Outcome(source, "failed", error="no articles found in it"))
            for found in expanded.articles:
                if found not in reaches:
                    articles.append(found)
                    reaches[found] = expanded.reach
            pages.update(expanded.pages)
        workers, cores = plan_workers(jobs, len(articles))
        recorded = {(r.guid, r.narration_key) for r in library.episodes()}
        try:
            if config.cluster and articles:
                from .cluster import narrate_on_cluster

                outcomes += narrate_on_cluster(
                    config.cluster,
                    layout,
                    config,
                    library,
                    articles,
                    use_cache,
                    article_progress,
                    sentence_progress,
                    reaches,
                    pages,
                )
            elif workers > 1:
                outcomes += narrate_parallel(
                    folder,
                    config,
                    library,
                    articles,
                    workers,
                    cores,
                    use_cache,
                    article_progress,
                    sentence_progress,
                    reaches,
                    pages,
                )
            else:
                for index, article in enumerate(articles):
                    if article_progress:
                        article_progress(index, len(articles))
                    outcomes.append(
                        narrate_source(
                            folder,
                            config,
                            library,
                            article,
                            sentence_progress,
                            use_cache,
                            cores,
                            reaches.get(article),
                            pages.pop(article, None),
                        )
                    )
        except KeyboardInterrupt:  # what finished is recorded: publish it, then stop
            finished = {(r.guid, r.narration_key) for r in library.episodes()} - recorded
            if finished:
                publish(folder, config, library)
            log.warning(
                "stopped: %d episode(s) finished before the interruption%s; the same command "
                "again does the rest",
                len(finished),
                " and are published" if finished else "",
            )
            raise
        except ClusterLost:  # what came back is recorded: publish it, then say what happened
            if {(r.guid, r.narration_key) for r in library.episodes()} - recorded:
                publish(folder, config, library)
            raise
        if article_progress:
            article_progress(len(articles), len(articles))
        if use_cache and articles:
            from ..voice.cache import SegmentCache

            SegmentCache().evict()  # once for the batch, not after every article
        publish(folder, config, library)
    finally:
        library.close()
        clean_stale_staging(layout)  # what stopped workers left: the lock says it is ours
    return outcomes


def plan_workers(jobs: int, articles: int) -> tuple[int, int]:
    """How a batch allowed JOBS cores runs: (worker processes, cores for each).

    One worker per core, whatever the engine: for Piper, two single-thread processes beat one
    process with two threads here (a batch of 10 articles: 20.3 against 19.0 articles a
    minute). A worker with one core speaks and then encodes; with two or more (fewer articles
    than cores), its encoder runs beside the voice and Piper gets the cores as threads.
    """
    workers = max(1, min(articles, jobs))
    return workers, max(1, jobs // workers)


def narrate_parallel(
    folder: Path,
    config: FeedConfig,
    library: Library,
    articles: list[str],
    workers: int,
    cores: int,
    use_cache: bool,
    article_progress: Callable[[int, int], None] | None,
    sentence_progress: Progress | None = None,
    reaches: dict[str, Reach] | None = None,
    pages: dict[str, Page] | None = None,
) -> list[Outcome]:
    """Narrate ARTICLES in WORKERS processes of CORES cores each; the library is written here,
    as each article is done.

    First every article is loaded and scripted (in the workers, so fetches overlap); then the
    ones to narrate go out longest first, so no long article is left running alone at the end.
    Workers report each sentence spoken through a queue, to SENTENCE_PROGRESS.
    """
    import gc
    import multiprocessing
    import os
    import sys
    from concurrent.futures import Future, ProcessPoolExecutor, as_completed

    # fork: workers start with everything imported and the engine's library loaded (the
    # parent holds no threads); spawn elsewhere.
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    if context.get_start_method() == "fork":
        html = any(needs_html(source) for source in articles)
        preload(feed_engine(config, config.narration.lang), html=html)
        gc.freeze()  # keep the shared pages shared: the collector would touch them all
    total = len(articles)
    layout = layout_for(folder, config)
    done = 0
    outcomes: list[Outcome | None] = [None] * total
    spoken = relay = None
    if sentence_progress is not None:
        spoken = context.SimpleQueue()
        # A daemon: a worker killed mid-report can leave the queue locked for good.
        relay = threading.Thread(
            target=relay_progress, args=(spoken, sentence_progress), daemon=True
        )
        relay.start()
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=start_worker,
        initargs=(os.getpid(), spoken, context.Value("i", 0) if cores == 1 else None),
    )
    twins = twin_index(library.episodes())
    try:
        try:
            prepared: dict[Future[PreparedJob | Outcome], int] = {
                pool.submit(
                    prepare_job,
                    folder,
                    config,
                    source,
                    library.get_for_source(source),
                    cores,
                    reach=(reaches or {}).get(source),
                    page=(pages or {}).get(source),
                    twins=twins,
                ): index
                for index, source in enumerate(articles)
            }
            ready: list[tuple[int, PreparedJob]] = []
            for future in as_completed(prepared):
                index = prepared[future]
                job = worker_result(future, articles[index])
                if isinstance(job, PreparedJob):
                    ready.append((index, job))
                    continue
                outcomes[index] = job  # failed, or narrated already as it is
                done += 1
                if article_progress:
                    article_progress(done, total)
            ready.sort(key=lambda item: item[1].weight, reverse=True)
            narrations = {
                pool.submit(run_reported_job, folder, config, job, use_cache, cores): index
                for index, job in ready
            }
            for future in as_completed(narrations):
                index = narrations[future]
                answer = worker_result(future, articles[index])
                outcome, record = (answer, None) if isinstance(answer, Outcome) else answer
                commit(layout, library, outcome, record)  # kept if we stop here
                outcomes[index] = outcome
                done += 1
                if article_progress:
                    article_progress(done, total)
        except BaseException:  # Ctrl-C, SIGTERM, or a failure here: the workers stop now
            stop_workers(pool)
            raise
        pool.shutdown(wait=True)
        if spoken is not None and relay is not None:  # every worker is done: a clean queue
            spoken.put(None)
            relay.join()
    finally:
        gc.unfreeze()
    assert all(outcome is not None for outcome in outcomes)
    return [outcome for outcome in outcomes if outcome is not None]


def stop_workers(pool: Any) -> None:
    """Stop a process pool's workers at once, finished or not, and drop its queued work (the
    batch's only child processes are the pool's)."""
    import multiprocessing

    processes = multiprocessing.active_children()
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=5)


_SPOKEN: Any = None  # in a worker: the queue its sentences are reported to, if any


def start_worker(parent: int, spoken: Any, seats: Any = None) -> None:
    """In a worker: die with PARENT (whatever kills it), leave Ctrl-C to it, and know where
    to report sentences to and, given SEATS (a shared counter, when each worker has one
    core), which core to keep to with its ffmpeg: measured here, seated workers did a batch
    7 % faster than workers the scheduler moved about."""
    import os

    from ..cores import die_with_parent, quiet_worker_signals

    die_with_parent(parent)
    quiet_worker_signals()
    global _SPOKEN
    _SPOKEN = spoken
    if seats is not None and hasattr(os, "sched_setaffinity"):
        with seats.get_lock():
            seat = seats.value
            seats.value += 1
        allowed = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {allowed[seat % len(allowed)]})


def run_reported_job(
    folder: Path, config: FeedConfig, job: PreparedJob, use_cache: bool, cores: int
) -> tuple[Outcome, EpisodeRecord | None]:
    """run_job in a worker, each sentence spoken reported to the parent."""
    report = _SPOKEN.put if _SPOKEN is not None else None
    return run_job(folder, config, job, use_cache, cores, report)


def relay_progress(spoken: Any, sentence_progress: Progress) -> None:
    """In the parent: pass the workers' sentence reports on, until None comes."""
    while (count := spoken.get()) is not None:
        sentence_progress(count)


def worker_result(future: Any, source: str) -> Any:
    """A worker's answer, or a failed outcome when the worker itself died."""
    try:
        return future.result()
    except Exception as exc:  # a worker that died: report it, keep the batch going
        return Outcome(source, "failed", error=f"worker failed: {exc}")


def needs_html(source: str) -> bool:
    """Whether SOURCE may be a web page (a text or Markdown file is read without trafilatura)."""
    return not source.lower().endswith((".txt", ".md", ".markdown"))


def preload(engine: str, html: bool = True) -> None:
    """Import and load what every worker needs once, here, so forked workers start ready.

    Left to the workers: trafilatura when every source is a text file, and wordninja's word
    list (only web addresses need it)."""
    import mutagen.id3
    import mutagen.mp3  # noqa: F401
    from PIL import Image, ImageDraw, ImageFont  # noqa: F401

    from .. import pipeline  # noqa: F401
    from ..audio import cover, encode, master, sidecars, tags  # noqa: F401
    from ..speech.normalize import en, other  # noqa: F401
    from ..voice import cache, synth  # noqa: F401

    if html:
        import trafilatura  # noqa: F401
    if engine == "espeak":  # a C library with no threads: safe to load before forking
        from ..voice.engines.espeak import load_library

        load_library()
    elif engine in ("piper", "hibari"):  # import only: ONNX Runtime's threads start with a session
        import onnxruntime  # noqa: F401

        if engine == "piper":
            import piper  # noqa: F401
        else:  # hibari's G2P is plain Python data: loaded once, shared by every worker
            from ..voice.engines.hibari import g2p

            g2p()


def update_feed(
    folder: Path,
    overrides: dict[str, object] | None = None,
    wait: bool = False,
    **options: Any,
) -> list[Outcome]:
    """Re-read every remembered feed, OPML file and URL list, and add what is new."""
    config = apply_overrides(load_config(folder), overrides)
    with folder_lock(folder, "feed update", wait, on_wait=waiting_note(folder)):
        if move_to_public(layout_for(folder, config), config):
            publish(folder, config)  # the moved folder's pages and player, whatever follows
        library = Library(folder / LIBRARY_NAME)
        try:
            sources = [source for source, _kind in library.sources()]
        finally:
            library.close()
        if not sources:
            return []
        return add_locked(folder, config, sources, remember=False, **options)


def apply_overrides(config: FeedConfig, overrides: dict[str, object] | None) -> FeedConfig:
    return config.changed(overrides)


def list_episodes(folder: Path) -> list[tuple[EpisodeRecord, bool]]:
    """Every episode, newest first, with whether its audio file is present."""
    config = load_config(folder)
    layout = layout_for(folder, config)
    episodes = layout.episodes
    if not episodes.is_dir() and (folder / EPISODES).is_dir():
        episodes = folder / EPISODES  # not moved into public/ yet: the next run does it
    library = Library(folder / LIBRARY_NAME)
    try:
        return [(r, (episodes / r.audio).exists()) for r in library.episodes()]
    finally:
        library.close()


def find_episode(records: list[EpisodeRecord], key: str) -> EpisodeRecord:
    """An episode by its number in `feed list`, its guid, its URL, or its file name."""
    if key.isdigit() and 1 <= int(key) <= len(records):
        return records[int(key) - 1]
    for record in records:
        if key in (record.guid, record.url, record.audio, episode_stem(record), record.source):
            return record
    raise FeedError(f"no episode {key!r} in this feed (see narrate feed list)")


def remove_episode(folder: Path, key: str, wait: bool = False) -> EpisodeRecord:
    config = load_config(folder)
    with folder_lock(folder, "feed remove", wait, on_wait=waiting_note(folder)):
        layout = open_layout(folder, config)
        library = Library(folder / LIBRARY_NAME)
        try:
            record = find_episode(library.episodes(), key)
            library.delete(record.guid)
            for path in episode_files(layout, record.audio):
                path.unlink(missing_ok=True)
            publish(folder, config, library, dropping=frozenset({record.guid}))
        finally:
            library.close()
    return record


def embed_snippet(folder: Path, key: str, base_url: str | None = None, oembed: bool = False) -> str:
    """The snippet that embeds episode KEY's player (see embed.snippet), or with OEMBED the
    URL of its oEmbed document; FeedError when the episode is not published."""
    from .embed import oembed_name, snippet

    config = load_config(folder)
    if base_url is not None:
        config = config.model_copy(update={"base_url": base_url})
        config.check()
    records = [record for record, present in list_episodes(folder) if present]
    record = find_episode(records, key)
    if oembed:
        return config.url(f"episodes/{oembed_name(record)}")
    return snippet(config, record)
