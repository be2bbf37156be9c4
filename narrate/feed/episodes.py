"""One episode of a feed: an article prepared, narrated and recorded (used by the local
batch and by cluster workers alike)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..audio.sidecars import SIDECAR_SUFFIXES
from ..errors import NarrateError
from ..read.reach import Reach
from .config import (
    FeedConfig,
    FeedError,
)
from .layout import STAGING, FeedLayout, audio_stem, episode_audio_name, layout_for, move_file
from .library import EpisodeRecord, Library
from .publish import episode_published_files

if TYPE_CHECKING:
    from ..model import Article, Script
    from ..pipeline import Narrator
    from ..read.fetch import Page
    from ..voice.engines.base import Engine
    from ..voice.listen import Listener
    from ..voice.verify import VerifyReport

log = logging.getLogger(__name__)


class ClusterLost(FeedError):
    """The Dask scheduler went away in the middle of a batch."""


EXCERPT_WORDS = 60


@dataclass(frozen=True)
class Outcome:
    """What happened to one source in a batch."""

    source: str
    status: str  # "new" | "updated" | "unchanged" | "failed"
    title: str | None = None
    error: str | None = None
    note: str | None = None  # said beside it: "the same article as …"


Progress = Callable[[int], None]


def today() -> str:
    return dt.date.today().isoformat()


def excerpt(text: str) -> str:
    words = text.split()
    return " ".join(words[:EXCERPT_WORDS]) + ("…" if len(words) > EXCERPT_WORDS else "")


def narrated_files(base: Path, audio: str) -> list[Path]:
    """The files one narration makes in BASE: the audio and its sidecars."""
    stem = audio_stem(audio)
    return [base / audio] + [base / f"{stem}{suffix}" for suffix in SIDECAR_SUFFIXES.values()]


def commit(
    layout: FeedLayout, library: Library, outcome: Outcome, record: EpisodeRecord | None
) -> None:
    """Move a narrated episode from staging into the public folder and record it, and delete
    the files of the version it replaces."""
    if record is None:
        return
    staged = narrated_files(layout.staging, record.audio)
    for source, target in zip(staged, narrated_files(layout.episodes, record.audio), strict=True):
        if source.exists():
            move_file(source, target)
    previous = library.get(record.guid)
    library.put(record)
    if previous and previous.audio != record.audio:
        for path in episode_files(layout, previous.audio):
            path.unlink(missing_ok=True)


@dataclass
class PreparedJob:
    """An article loaded and scripted, ready to be spoken (plain data: it crosses processes)."""

    source: str
    article: Article
    script: Script
    key: str
    guid: str
    existing: EpisodeRecord | None
    reach: Reach = field(default_factory=Reach)  # where its lead image may come from
    corrections: list[str] = field(default_factory=list)  # days it changed after publishing
    article_key: str | None = None  # its words, hashed (see article_key)
    note: str | None = None  # said beside its outcome

    @property
    def weight(self) -> int:
        """How much there is to say: the characters the engine will be given."""
        return sum(len(s.spoken) for s in self.script.sentences)


def prepare_job(
    folder: Path,
    config: FeedConfig,
    source: str,
    existing: EpisodeRecord | None,
    cores: int = 1,
    present: bool | None = None,
    reach: Reach | None = None,
    page: Page | None = None,
    twins: dict[str, EpisodeRecord] | None = None,
    intact: frozenset[str] | None = None,
) -> PreparedJob | Outcome:
    """Load and script one article; an Outcome when it failed or is already narrated as is
    (PRESENT: whether EXISTING's audio is published, when not to be looked up in FOLDER).
    REACH: where the article and its image may be fetched from (default: public addresses,
    or any with allow_private_addresses). PAGE: the article already fetched (no second
    request for it). TWINS (see twin_index): the feed's episodes by guid and by words, so
    that one article added from a second source (its URL, then a saved copy) stays one
    episode; INTACT: the guids whose audio is published whole, where FOLDER is not the feed's
    (a cluster worker's)."""
    from ..read.extract import extract_page
    from ..read.fetch import fetch

    reach = (reach or Reach()).with_private(config.allow_private_addresses)
    narrator = narrator_for(folder, config, cores)
    try:
        article = extract_page(page if page is not None else fetch(source, reach=reach))
        script = narrator.script(article)
        key = narrator.key(script, Path(f"episode.{config.audio_format}"))
    except NarrateError as exc:
        return Outcome(source, "failed", error=str(exc))
    guid = episode_guid(source, article, existing)
    if existing is not None and existing.guid != guid:
        existing = None
    twin = None
    if existing is None and twins:
        twin = twins.get(guid) or twins.get("words:" + article_key(article))
    if twin is not None and twin.source != source:
        existing, guid = twin, twin.guid  # the same article: its episode, not a second one
        if intact is not None:  # known where the episodes are (a cluster worker has none)
            present = twin.guid in intact
        else:
            present = audio_intact(layout_for(folder, config).episodes, twin)
        if existing.narration_key == key and present:
            return Outcome(
                source, "unchanged", article.title, note=f"the same article as {twin.source}"
            )
    if existing and existing.narration_key == key and present is None:
        present = audio_intact(layout_for(folder, config).episodes, existing)
    if existing and existing.narration_key == key and present:
        return Outcome(source, "unchanged", article.title)
    words = article_key(article)
    corrections = existing.correction_days() if existing else []
    if existing and existing.article_key not in (None, words) and config.narration.update_note:
        day = dt.datetime.now(dt.timezone.utc).date()
        corrections = [*corrections, day.isoformat()]
        script = narrator.script(article, updated=day)  # its key stays the article's own
    note = f"the same article as {twin.source}" if twin is not None and twin is existing else None
    return PreparedJob(
        source, article, script, key, guid, existing, reach, corrections, words, note
    )


def twin_index(records: list[EpisodeRecord]) -> dict[str, EpisodeRecord]:
    """The feed's episodes by guid and by their article's words ("words:" + article_key)."""
    index: dict[str, EpisodeRecord] = {}
    for record in records:
        index[record.guid] = record
        if record.article_key:
            index.setdefault("words:" + record.article_key, record)
    return index


def article_key(article: Article) -> str:
    """A hash of what the article says (its title and its blocks as written): a changed key
    is an edited article, where a changed narration key may be a new voice or lexicon."""
    import hashlib

    words = [article.title, *([f"dek:{article.dek}"] if article.dek else [])]
    words += [f"{b.kind}:{b.text}" for b in article.blocks]
    return hashlib.sha256("\n".join(words).encode()).hexdigest()


def audio_intact(episodes: Path, record: EpisodeRecord) -> bool:
    """Whether RECORD's audio is in EPISODES as narrate wrote it (its size: a file cut short
    or replaced is narrated again when its article comes back)."""
    try:
        return (episodes / record.audio).stat().st_size == record.size
    except OSError:
        return False


def episode_guid(source: str, article: Article, existing: EpisodeRecord | None) -> str:
    """An episode's guid: the article's own web address (its canonical link, believed only on
    its own site: see extract.canonical_url), else the URL it was read from; for a local file
    without one, the guid it had before, else a UUID of its absolute path (never the path
    itself, which would publish a folder name)."""
    import uuid

    from ..read.fetch import is_url

    if article.url:
        return article.url
    if is_url(source):
        return source
    if existing is not None:
        return existing.guid
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, Path(source).resolve().as_uri())}"


def engine_for(config: FeedConfig, lang: str | None, cores: int) -> Engine:
    """The feed's engine for LANG with the cores it may use (those the listener leaves)."""
    return narrator_for(Path("."), config, cores).engine(lang)


def feed_engine(config: FeedConfig, lang: str | None) -> str:
    """The engine that speaks an article in LANG: the feed's, or for auto the one for LANG."""
    return config.narration.engine_name(lang)


_LISTENERS: dict[int, Listener] = {}


def listener_for(config: FeedConfig, cores: int) -> Listener | None:
    """With verify, the listener of this process (loaded once, for every article it narrates)."""
    if not config.narration.verify:
        return None
    from ..voice.listen import Listener
    from ..voice.verify import plan_verify

    threads = plan_verify(cores)[1]
    if threads not in _LISTENERS:
        _LISTENERS[threads] = Listener(threads=threads)
    return _LISTENERS[threads]


_NARRATORS: dict[tuple[str, int, bool], Narrator] = {}


def narrator_for(folder: Path, config: FeedConfig, cores: int, use_cache: bool = True) -> Narrator:
    """The Narrator of this process for the feed's narration settings (its files taken
    relative to FOLDER) on CORES cores: one per process and settings, so a batch worker loads
    its voice and its listener once for all the articles it narrates."""
    from ..pipeline import Narrator
    from ..voice.cache import SegmentCache

    settings = config.narration.resolved(folder)
    settings.check_files()
    key = (settings.model_dump_json(), cores, use_cache)
    if key not in _NARRATORS:
        _NARRATORS[key] = Narrator(
            settings,
            cores=cores,
            cache=SegmentCache() if use_cache else None,
            evict=False,  # a batch trims the cache once, at its end
            pool=False,  # a batch runs a worker per core instead
            listener=listener_for(config, cores),
        )
    return _NARRATORS[key]


def run_job(
    folder: Path,
    config: FeedConfig,
    job: PreparedJob,
    use_cache: bool = True,
    cores: int = 1,
    sentence_progress: Progress | None = None,
) -> tuple[Outcome, EpisodeRecord | None]:
    """Speak and master a prepared article into the staging folder with CORES cores (the
    library and the public folder are not touched: this runs in worker processes)."""
    from ..audio.encode import FORMATS
    from ..pipeline import Job

    fmt = FORMATS[config.audio_format]
    article, existing = job.article, job.existing
    audio_name = episode_audio_name(article.title, job.key, fmt.suffix)
    out = folder / STAGING / audio_name
    try:
        narrator = narrator_for(folder, config, cores, use_cache)
        result = narrator.narrate(
            job.script,
            out,
            Job(
                own_sidecars=True,
                verify_report=False,  # the library keeps what a publisher needs: feed list
                progress=sentence_progress,
                reach=job.reach,
            ),
        )
    except NarrateError as exc:
        return Outcome(job.source, "failed", error=str(exc)), None
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    first_seen = existing.first_seen if existing else today()
    duration = result.duration if not result.skipped else probe_duration(out)
    record = EpisodeRecord(
        guid=job.guid,
        source=job.source,
        url=article.url,
        title=article.title,
        author=article.author,
        site=article.site,
        published=article.date or first_seen,
        excerpt=excerpt(
            " ".join(b.text for b in article.blocks if b.kind not in ("heading", "code"))
        ),
        narration_key=job.key,
        audio=audio_name,
        mime=fmt.mime,
        size=out.stat().st_size,
        duration=duration,
        sentences=result.sentences,
        first_seen=first_seen,
        updated=now,
        doubtful=doubtful_json(result.verify) if result.verify is not None else None,
        corrections=json.dumps(job.corrections) if job.corrections else None,
        article_key=job.article_key,
    )
    status = "updated" if existing else "new"
    return Outcome(job.source, status, article.title, note=job.note), record


def doubtful_json(report: VerifyReport) -> str:
    """The sentences REPORT still found doubtful, for the library."""
    import json

    items = [{"text": c.text, "heard": c.heard, "score": c.score} for c in report.doubtful]
    return json.dumps(items, ensure_ascii=False)


def probe_duration(path: Path) -> float:
    import mutagen

    audio = mutagen.File(str(path))
    return float(audio.info.length) if audio is not None else 0.0


def episode_files(layout: FeedLayout, audio: str) -> list[Path]:
    """Every published file of one episode: its narration, its page and its player files."""
    return narrated_files(layout.episodes, audio) + episode_published_files(layout, audio)
