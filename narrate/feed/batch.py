"""Feed operations: init, add, update, list, remove, and rebuilding feed.xml and the site."""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..errors import NarrateError
from ..files import write_atomic
from ..sidecars import SIDECAR_SUFFIXES
from .config import LIBRARY_NAME, FeedConfig, FeedError, load_config, save_config
from .library import EpisodeRecord, Library
from .rss import build_feed, episode_stem
from .site import episode_page, index_page
from .sources import expand

log = logging.getLogger(__name__)
EPISODES = "episodes"
EXCERPT_WORDS = 60


@dataclass(frozen=True)
class Outcome:
    """What happened to one source in a batch."""

    source: str
    status: str  # "new" | "updated" | "unchanged" | "failed"
    title: str | None = None
    error: str | None = None


Progress = Callable[[int], None]


def init_feed(folder: Path, config: FeedConfig, image: Path | None = None) -> None:
    """Create a feed folder: feed.toml, the library and an empty feed and site."""
    from ..cover import from_file

    config.validate()
    if (folder / "feed.toml").exists():
        raise FeedError(f"{folder} is already a feed folder (feed.toml exists)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / EPISODES).mkdir(exist_ok=True)
    if image is not None:
        from_file(image, folder / "cover.jpg")
        config = replace(config, image="cover.jpg")
    save_config(folder, config)
    Library(folder / LIBRARY_NAME).close()
    publish(folder, config)


def today() -> str:
    return dt.date.today().isoformat()


def excerpt(text: str) -> str:
    words = text.split()
    return " ".join(words[:EXCERPT_WORDS]) + ("…" if len(words) > EXCERPT_WORDS else "")


def episode_files(folder: Path, audio: str) -> list[Path]:
    stem = audio.rsplit(".", 1)[0]
    base = folder / EPISODES
    return [base / audio, base / f"{stem}.html"] + [
        base / f"{stem}{suffix}" for suffix in SIDECAR_SUFFIXES.values()
    ]


def clean_stale_staging(folder: Path) -> None:
    """Remove what an interrupted run left half-made (staging folders, temp files)."""
    for leftover in (folder / EPISODES).glob(".*.narrate"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in folder.glob(".*.tmp"):
        leftover.unlink(missing_ok=True)


def narrate_source(
    folder: Path,
    config: FeedConfig,
    library: Library,
    source: str,
    sentence_progress: Progress | None = None,
    use_cache: bool = True,
) -> Outcome:
    """Narrate one article into the library unless an identical narration is there."""
    outcome, record = narrate_job(
        folder, config, source, library.get_for_source(source), use_cache, None, sentence_progress
    )
    commit(folder, library, outcome, record)
    return outcome


def commit(folder: Path, library: Library, outcome: Outcome, record: EpisodeRecord | None) -> None:
    """Record a narrated episode, and delete the files of the version it replaces."""
    if record is None:
        return
    previous = library.get(record.guid)
    library.put(record)
    if previous and previous.audio != record.audio:
        for path in episode_files(folder, previous.audio):
            path.unlink(missing_ok=True)


def narrate_job(
    folder: Path,
    config: FeedConfig,
    source: str,
    existing: EpisodeRecord | None,
    use_cache: bool = True,
    threads: int | None = None,
    sentence_progress: Progress | None = None,
) -> tuple[Outcome, EpisodeRecord | None]:
    """The work for one article, without touching the library (it runs in worker processes)."""
    from ..cache import SegmentCache
    from ..encode import FORMATS
    from ..engines import get_engine
    from ..master import MasterOptions
    from ..pipeline import load_article, narrate_script, narration_key, slugify
    from ..script import SpeechOptions, build_script

    try:
        article = load_article(source)
        script = build_script(article, options=SpeechOptions(lang=config.lang or None))
        engine = get_engine(
            config.engine, voice=config.voice or None, lang=script.lang, threads=threads
        )
        fmt = FORMATS[config.format]
        options = MasterOptions(fmt, bitrate=config.bitrate, loudness=config.loudness)
        key = narration_key(script, engine.name, engine.voice, options.settings())
        guid = article.url or source
        if existing is not None and existing.guid != guid:
            existing = None
        if (
            existing
            and existing.narration_key == key
            and (folder / EPISODES / existing.audio).exists()
        ):
            return Outcome(source, "unchanged", article.title), None
        audio_name = f"{slugify(article.title, 60)}-{key[:8]}{fmt.suffix}"
        out = folder / EPISODES / audio_name
        result = narrate_script(
            script,
            out,
            engine=engine,
            master_options=options,
            progress=sentence_progress,
            cache=SegmentCache() if use_cache else None,
        )
    except NarrateError as exc:
        return Outcome(source, "failed", error=str(exc)), None
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    first_seen = existing.first_seen if existing else today()
    duration = result.duration if not result.skipped else probe_duration(out)
    record = EpisodeRecord(
        guid=guid,
        source=source,
        url=article.url,
        title=article.title,
        author=article.author,
        site=article.site,
        published=article.date or first_seen,
        excerpt=excerpt(" ".join(b.text for b in article.blocks if b.kind != "heading")),
        narration_key=key,
        audio=audio_name,
        mime=fmt.mime,
        size=out.stat().st_size,
        duration=duration,
        sentences=result.sentences,
        first_seen=first_seen,
        updated=now,
    )
    return Outcome(source, "updated" if existing else "new", article.title), record


def probe_duration(path: Path) -> float:
    import mutagen

    audio = mutagen.File(str(path))
    return float(audio.info.length) if audio is not None else 0.0


def add_sources(
    folder: Path,
    sources: list[str],
    overrides: dict[str, object] | None = None,
    article_progress: Callable[[int, int], None] | None = None,
    sentence_progress: Progress | None = None,
    remember: bool = True,
    jobs: int = 1,
    use_cache: bool = True,
) -> list[Outcome]:
    """Expand SOURCES, narrate what is new or changed, and rebuild the outputs.

    One failing source never stops the batch: it comes back as a "failed" outcome. With
    JOBS > 1, articles are narrated in that many worker processes at once, each engine
    given its share of the CPU threads.
    """
    config = apply_overrides(load_config(folder), overrides)
    (folder / EPISODES).mkdir(exist_ok=True)
    clean_stale_staging(folder)
    library = Library(folder / LIBRARY_NAME)
    outcomes: list[Outcome] = []
    try:
        articles: list[str] = []
        for source in sources:
            try:
                expanded = expand(source)
            except NarrateError as exc:
                outcomes.append(Outcome(source, "failed", error=str(exc)))
                continue
            if expanded.subscribable and remember:
                library.add_source(source, expanded.kind, today())
            if not expanded.articles:
                outcomes.append(Outcome(source, "failed", error="no articles found in it"))
            articles += [a for a in expanded.articles if a not in articles]
        jobs = effective_jobs(config.engine, jobs)
        if jobs > 1 and len(articles) > 1:
            outcomes += narrate_parallel(
                folder, config, library, articles, jobs, use_cache, article_progress
            )
        else:
            for index, article in enumerate(articles):
                if article_progress:
                    article_progress(index, len(articles))
                outcomes.append(
                    narrate_source(folder, config, library, article, sentence_progress, use_cache)
                )
        if article_progress:
            article_progress(len(articles), len(articles))
        publish(folder, config, library)
    finally:
        library.close()
    return outcomes


# A neural engine runs faster as one process with two threads than as two processes with one
# each (measured on 2 cores: 3.6 s vs 4.2 s for the sample), so its workers get two cores.
THREADS_PER_NEURAL_WORKER = 2
NEURAL_ENGINES = {"piper"}


def effective_jobs(engine: str, jobs: int) -> int:
    """Worker processes for a batch: JOBS, capped for neural engines at a pair of cores each."""
    import os

    if engine in NEURAL_ENGINES:
        return max(1, min(jobs, (os.cpu_count() or 1) // THREADS_PER_NEURAL_WORKER))
    return max(1, jobs)


def narrate_parallel(
    folder: Path,
    config: FeedConfig,
    library: Library,
    articles: list[str],
    jobs: int,
    use_cache: bool,
    article_progress: Callable[[int, int], None] | None,
) -> list[Outcome]:
    """Narrate ARTICLES in JOBS processes; the library is written here, in order."""
    import multiprocessing
    import os
    import sys
    from concurrent.futures import ProcessPoolExecutor

    threads = max(1, (os.cpu_count() or 1) // jobs)
    # fork: workers start without importing everything again (the parent holds no threads
    # and no speech engine yet); spawn elsewhere.
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
    if context.get_start_method() == "fork":
        preload()
    results: list[tuple[Outcome, EpisodeRecord | None] | None] = [None] * len(articles)
    with ProcessPoolExecutor(max_workers=min(jobs, len(articles)), mp_context=context) as pool:
        futures = {
            pool.submit(
                narrate_job,
                folder,
                config,
                article,
                library.get_for_source(article),
                use_cache,
                threads,
            ): index
            for index, article in enumerate(articles)
        }
        from concurrent.futures import as_completed

        for done, future in enumerate(as_completed(futures), start=1):
            index = futures[future]
            try:
                results[index] = future.result()
            except Exception as exc:  # a worker that died: report it, keep the batch going
                results[index] = (Outcome(articles[index], "failed", error=str(exc)), None)
            if article_progress:
                article_progress(done, len(articles))
    outcomes = []
    for item in results:
        assert item is not None
        outcome, record = item
        commit(folder, library, outcome, record)
        outcomes.append(outcome)
    return outcomes


def preload() -> None:
    """Import what every worker needs once, here, so forked workers start ready."""
    import numpy  # noqa: F401
    import trafilatura  # noqa: F401
    from PIL import Image  # noqa: F401

    from .. import encode, master, pipeline  # noqa: F401


def update_feed(
    folder: Path, overrides: dict[str, object] | None = None, **options: Any
) -> list[Outcome]:
    """Re-read every remembered feed, OPML file and URL list, and add what is new."""
    library = Library(folder / LIBRARY_NAME)
    try:
        sources = [source for source, _kind in library.sources()]
    finally:
        library.close()
    if not sources:
        return []
    return add_sources(folder, sources, overrides, remember=False, **options)


def apply_overrides(config: FeedConfig, overrides: dict[str, object] | None) -> FeedConfig:
    values = {k: v for k, v in (overrides or {}).items() if v is not None}
    return replace(config, **values) if values else config


def list_episodes(folder: Path) -> list[tuple[EpisodeRecord, bool]]:
    """Every episode, newest first, with whether its audio file is present."""
    load_config(folder)
    library = Library(folder / LIBRARY_NAME)
    try:
        return [(r, (folder / EPISODES / r.audio).exists()) for r in library.episodes()]
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


def remove_episode(folder: Path, key: str) -> EpisodeRecord:
    config = load_config(folder)
    library = Library(folder / LIBRARY_NAME)
    try:
        record = find_episode(library.episodes(), key)
        library.delete(record.guid)
        for path in episode_files(folder, record.audio):
            path.unlink(missing_ok=True)
        publish(folder, config, library)
    finally:
        library.close()
    return record


def publish(folder: Path, config: FeedConfig | None = None, library: Library | None = None) -> None:
    """Rewrite feed.xml, index.html and the episode pages from the library, atomically."""
    config = config or load_config(folder)
    own = library is None
    library = library or Library(folder / LIBRARY_NAME)
    try:
        episodes = [r for r in library.episodes() if (folder / EPISODES / r.audio).exists()]
    finally:
        if own:
            library.close()
    episodes_dir = folder / EPISODES
    for record in episodes:
        write_atomic(
            episodes_dir / f"{episode_stem(record)}.html",
            episode_page(config, record, episodes_dir),
        )
    write_atomic(folder / "index.html", index_page(config, episodes, episodes_dir))
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    write_atomic(folder / "feed.xml", build_feed(config, episodes, now))
