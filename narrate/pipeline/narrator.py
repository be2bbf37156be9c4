"""The Narrator: one run's machinery for narrating by one Settings.

It owns what a run needs beside the settings — the engines (one for each engine a language
calls for, loaded once), the voice processes, the verify listener, the segment cache and the
plan of cores — and turns articles into scripts and scripts into episode files. `narrate
article`, the feed's local batch, its cluster workers and the library API all narrate through
it, so an article sounds the same whichever way it is narrated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..errors import OutputError
from ..files import guard_output
from ..model import Article, Script
from ..read.reach import Reach
from .settings import Settings

if TYPE_CHECKING:
    from ..audio.master import MasterOptions
    from ..read.fetch import Page
    from ..voice.cache import SegmentCache
    from ..voice.engines.base import Engine
    from ..voice.pool import VoicePool
    from ..voice.verify import Hearer, VerifyReport

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Job:
    """One narration's own circumstances (how it sounds is the Settings').

    FORCE replaces a different file at the output; SOURCE (see source_key) is stored in the
    file; no file written may be one of INPUTS (the article's file, a lexicon); files beside
    the output under a sidecar's name are the user's unless FORCE or OWN_SIDECARS (a feed's
    episodes folder is narrate's own); the verify report goes beside the output unless not
    VERIFY_REPORT (a feed keeps it in its library); PROGRESS is called for every sentence
    spoken, ON_START with their number."""

    force: bool = False
    source: str = ""
    inputs: tuple[Path, ...] = ()
    own_sidecars: bool = False
    verify_report: bool = True
    progress: Progress | None = None
    on_start: Progress | None = None
    reach: Reach | None = None  # where the page's lead image may come from (default: the run's)


class Narrator:
    """Narrates scripts by SETTINGS on CORES cores.

    CACHE: the segment cache (None: speak every sentence afresh), trimmed to its size limit
    after each narration when EVICT (a batch does it once, at its end). SIDECARS: write the
    transcripts, chapters and cover beside the audio. POOL: speak in worker processes when
    the voice is a neural one and there are two cores or more. ENCODE_WHILE_SPEAKING: ffmpeg
    beside the voice (default: with two cores or more). REACH: where a page's lead image may
    be fetched from. ENGINE and LISTENER replace the ones the settings call for (tests,
    benchmarks)."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        cores: int = 1,
        cache: SegmentCache | None = None,
        evict: bool = True,
        sidecars: bool = True,
        pool: bool = True,
        encode_while_speaking: bool | None = None,
        reach: Reach | None = None,
        engine: Engine | None = None,
        listener: Hearer | None = None,
    ) -> None:
        from ..voice.verify import plan_verify

        self.settings = settings or Settings()
        self.cores = max(1, cores)
        self.cache = cache
        self.evict = evict
        self.sidecars = sidecars
        self.reach = reach or Reach()
        self.encode_while_speaking = (
            self.cores >= 2 if encode_while_speaking is None else encode_while_speaking
        )
        self.verify = self.settings.verify_options()
        self.voice_threads, listener_threads = (
            plan_verify(self.cores) if self.verify else (self.cores, 0)
        )
        self.listener = listener
        if self.verify is not None and listener is None:
            from ..voice.listen import Listener

            self.listener = Listener(threads=listener_threads)
        self._engine = engine
        self._pool_allowed = pool
        self._pools: dict[tuple[str, str | None], VoicePool] = {}

    # The voice.

    def engine_name(self, lang: str | None) -> str:
        return self._engine.name if self._engine is not None else self.settings.engine_name(lang)

    def engine(self, lang: str | None) -> Engine:
        """The engine for text in LANG, made once per process for these settings."""
        if self._engine is not None:
            return self._engine
        from ..voice.engines import shared_engine

        name, voice = self.settings.engine_and_voice(lang)
        return shared_engine(name, voice, lang, self.voice_threads)

    def voices(self, lang: str | None) -> VoicePool | None:
        """Worker processes for the neural voice that speaks LANG (two cores or more)."""
        from ..voice.pool import POOLED_ENGINES, VoicePool, VoiceSpec, plan_processes

        name, voice = self.settings.engine_and_voice(lang)
        if not self._pool_allowed or self._engine is not None or self.cores < 2:
            return None
        if name not in POOLED_ENGINES:
            return None
        if (name, voice) not in self._pools:
            processes, threads = plan_processes(self.voice_threads)
            spec = VoiceSpec(name, voice, None, threads)
            self._pools[(name, voice)] = VoicePool(spec, processes)
        return self._pools[(name, voice)]

    def load_in_background(self, lang: str | None) -> None:
        """Load the voice for LANG while the page is read (when no worker processes will)."""
        from ..voice.synth import load_in_background

        if self.voices(lang) is None:
            load_in_background(self.engine(lang))
        if self.listener is not None and hasattr(self.listener, "load_in_background"):
            self.listener.load_in_background()

    # Articles and scripts.

    def script(
        self, article: Article, intro: bool = True, updated: dt.date | None = None
    ) -> Script:
        """ARTICLE as its engine will be given it (the language: the settings', else the
        page's own; hibari and Piper get phonemes). UPDATED: the day a published article
        changed, said after the intro when the settings ask for the note."""
        from ..speech.script import build_script, script_language, update_note

        language = script_language(article, self.settings.lang)
        name = self.engine_name(language)
        options = self.settings.speech_options(name)
        note = update_note(language, updated) if updated and self.settings.update_note else None
        return build_script(
            article, options=options, intro=intro, outro=self.settings.outro, note=note
        )

    def master_options(self, out: Path, reach: Reach | None = None) -> MasterOptions:
        return self.settings.master_options(
            out,
            sidecars=self.sidecars,
            encode_while_speaking=self.encode_while_speaking,
            reach=reach or self.reach,
        )

    def key(self, script: Script, out: Path) -> str:
        """The narration key of SCRIPT into OUT: the same key, the same audio."""

        engine = self.engine(script.lang)
        settings = self.master_options(out).settings()
        if self.verify is not None:
            settings["verify"] = self.verify.settings()
        return narration_key(script, engine.name, engine.voice, settings)

    def source_key(self, page: Page, out: Path) -> str:
        """A hash of PAGE as read and of every setting that shapes its narration into OUT:
        known before the page is extracted (the engine: the one --lang, else English, calls
        for)."""

        settings = self.master_options(out).settings()
        return source_key(page, self.settings.choices(), self.engine(self.settings.lang), settings)

    def narrate(self, script: Script, out: Path, job: Job | None = None) -> NarrationResult:
        """Speak and master SCRIPT into OUT, refusing to replace a different file unless the
        job says FORCE (see Job)."""
        from ..audio.master import master
        from ..audio.tags import EpisodeTags, disclosure, read_key

        job = job or Job()
        options = self.master_options(out, job.reach)
        engine = self.engine(script.lang)
        key = self.key(script, out)
        words = script.article.word_count
        report_beside = self.verify is not None and job.verify_report
        written = written_beside(out, options.sidecars, report_beside)
        extra_inputs = (options.cover, options.intro_music, options.outro_music)
        guard_output(out, (*job.inputs, self.settings.lexicon, *extra_inputs), written)
        if out.exists() and not job.force:
            if read_key(out) == key:
                return NarrationResult(out, 0.0, len(script.sentences), words, skipped=True)
            raise OutputError(
                f"{out} already exists: use --force to replace it, or -o another name"
            )
        if not job.force and not job.own_sidecars:
            refuse_taken(out, options.sidecars, report_beside)
        article = script.article
        tags = EpisodeTags(
            title=article.title,
            artist=article.author,
            album=article.site,
            date=article.date,
            language=script.lang,
            comment=disclosure(engine.name, engine.voice, article.url),
            url=article.url,
            key=key,
            source=job.source,
        )
        if job.on_start:
            job.on_start(len(script.sentences))
        report = None
        voices = self.voices(script.lang)
        if self.verify is not None and self.listener is not None and is_english(script.lang):
            from ..voice.verify import VerifyReport, verified_clips

            verify = self.verify
            report = VerifyReport(self.listener.identity(), verify.threshold, verify.tries)
            clips = verified_clips(
                script, engine, self.listener, report, self.cache, job.progress, voices
            )
        else:
            from ..voice.synth import iter_clips

            if self.verify is not None:
                from ..voice.verify import VerifyReport

                report = VerifyReport("", self.verify.threshold, self.verify.tries)
                report.unchecked = len(script.sentences)
            clips = iter_clips(script, engine, job.progress, self.cache, voices)
        voice_key = f"{engine.name}:{engine.voice}"
        episode = master(
            script,
            clips,
            out,
            rate=engine.sample_rate,
            tags=tags,
            options=options,
            voice_key=voice_key,
        )
        if report is not None and job.verify_report:
            from ..voice.verify import verify_path, write_report

            write_report(report, verify_path(out))
        if self.cache is not None and self.evict:
            self.cache.evict()
        return NarrationResult(
            episode.path,
            episode.duration,
            len(script.sentences),
            words,
            sidecars=episode.sidecars,
            verify=report,
        )

    def close(self) -> None:
        """Stop the voice processes (finished or not)."""
        for pool in self._pools.values():
            pool.close()
        self._pools.clear()

    def __enter__(self) -> Narrator:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def narration_key(script: Script, engine: str, voice: str, settings: dict[str, object]) -> str:
    """A hash of everything that shapes the audio: same key, same file."""
    payload = {
        "narrate": __version__,
        "engine": engine,
        "voice": voice,
        "settings": settings,
        "tags": [
            script.article.title,
            script.article.author,
            script.article.site,
            script.article.date,
            script.article.url,
        ],
        "blocks": [[block.kind, [s.spoken for s in block.sentences]] for block in script.blocks],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def source_key(page: Page, choices: dict[str, object], engine: Engine, settings: dict) -> str:
    """A hash of the page as read and of every choice that shapes its narration (speech
    options, engine and voice, mastering settings): the same key means the same audio, known
    before the page is extracted."""
    payload = {
        "narrate": __version__,
        "page": [hashlib.sha256(page.content.encode()).hexdigest(), page.kind, page.url],
        "choices": choices,
        "engine": engine.identity(),
        "settings": settings,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class NarrationResult:
    path: Path
    duration: float
    sentences: int
    words: int
    skipped: bool = False  # True when an identical narration was already there
    sidecars: dict[str, Path] = field(default_factory=dict)
    verify: VerifyReport | None = None  # with --verify: what the listener heard


def written_beside(out: Path, sidecars: bool, report: bool) -> list[Path]:
    """The files a narration into OUT writes beside it."""
    from ..audio.sidecars import SIDECAR_SUFFIXES, sidecar_path
    from ..voice.verify import verify_path

    beside = [sidecar_path(out, kind) for kind in SIDECAR_SUFFIXES] if sidecars else []
    return beside + ([verify_path(out)] if report else [])


def is_english(lang: str | None) -> bool:
    """Whether LANG is English, the one language the verify listener hears."""
    from ..model import base_language

    return base_language(lang) == "en"


def refuse_taken(out: Path, sidecars: bool, report: bool) -> None:
    """OutputError when a file narrate would write beside OUT is already there (the user's)."""
    from ..audio.sidecars import SIDECAR_SUFFIXES, sidecar_path
    from ..voice.verify import verify_path

    kinds = SIDECAR_SUFFIXES if sidecars else {}
    taken = [path for kind in kinds if (path := sidecar_path(out, kind)).exists()]
    if report and verify_path(out).exists():
        taken.append(verify_path(out))
    if taken:
        more = f" (and {len(taken) - 1} more beside it)" if len(taken) > 1 else ""
        raise OutputError(
            f"{taken[0]} already exists{more}: use --force to replace it, -o another name, "
            "or --no-sidecars"
        )
