"""The whole job as library calls: source → script → audio file. The CLI is a thin layer on this."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .errors import OutputError
from .files import guard_output
from .model import Article, Script
from .read.extract import extract_page
from .read.fetch import Page, fetch
from .read.reach import Reach
from .speech.script import SpeechOptions, build_script

if TYPE_CHECKING:
    from .voice.cache import SegmentCache
    from .voice.engines.base import Engine
    from .voice.pool import VoicePool
    from .voice.verify import Hearer, VerifyOptions, VerifyReport

DEFAULT_ENGINE = "piper"


def load_article(source: str, reach: Reach | None = None) -> Article:
    """Fetch and extract SOURCE (URL, file or "-"); a URL goes where REACH allows (default:
    the caller typed it, so its own host may be internal: see read/reach.py)."""
    return extract_page(fetch(source, reach=reach))


def prepare_script(source: str, options: SpeechOptions | None = None, outro: bool = True) -> Script:
    options = options or SpeechOptions()
    return build_script(load_article(source), options.lang, options=options, outro=outro)


def slugify(title: str, max_length: int = 80) -> str:
    """'Austin: South Korea's allies…' → 'austin-south-koreas-allies…' (ASCII, hyphens)."""
    text = unicodedata.normalize("NFKD", title)
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    if len(text) > max_length:
        text = text[:max_length].rsplit("-", 1)[0]
    return text or "article"


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


def narrate_script(
    script: Script,
    out: Path,
    *,
    engine_name: str = DEFAULT_ENGINE,
    voice: str | None = None,
    force: bool = False,
    master_options: object | None = None,
    progress: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    cache: SegmentCache | None = None,
    engine: Engine | None = None,
    evict: bool = True,
    source: str = "",
    voices: VoicePool | None = None,
    own_sidecars: bool = False,
    verify: VerifyOptions | None = None,
    listener: Hearer | None = None,
    verify_report: bool = True,
    inputs: tuple[Path, ...] = (),
) -> NarrationResult:
    """Synthesise and master SCRIPT into OUT, refusing to replace a different file unless FORCE.

    With EVICT, the cache is trimmed to its size limit afterwards (a batch does that once, at
    its end, rather than after every article). SOURCE (see source_key) is stored in the file.
    With VOICES, worker processes speak the sentences (see voice/pool.py). Files already
    beside OUT under a sidecar's name (OUT.jpg, OUT.vtt, …) are the user's: refused like OUT
    itself unless FORCE, or OWN_SIDECARS (a feed's episodes folder is narrate's own).
    With VERIFY, LISTENER hears every sentence as it is spoken and what came out wrong is
    spoken again (see voice/verify.py); the report goes to OUT's .verify.json beside it
    (unless not VERIFY_REPORT: a feed keeps it in its library). No file written may be one of
    INPUTS (the article's file, a lexicon), nor a folder, FIFO or device (see guard_output).
    """
    from .audio.encode import format_for
    from .audio.master import MasterOptions, master
    from .audio.tags import EpisodeTags, disclosure, read_key
    from .voice.engines import get_engine
    from .voice.synth import iter_clips

    options = (
        master_options
        if isinstance(master_options, MasterOptions)
        else MasterOptions(format_for(out))
    )
    engine = engine or get_engine(engine_name, voice=voice, lang=script.lang)
    settings = options.settings()
    if verify is not None:
        settings["verify"] = verify.settings()
    key = narration_key(script, engine.name, engine.voice, settings)
    words = script.article.word_count
    written = written_beside(out, options.sidecars, verify is not None and verify_report)
    guard_output(out, (*inputs, options.cover, options.intro_music, options.outro_music), written)
    if out.exists() and not force:
        if read_key(out) == key:
            return NarrationResult(out, 0.0, len(script.sentences), words, skipped=True)
        raise OutputError(f"{out} already exists: use --force to replace it, or -o another name")
    if (options.sidecars or verify is not None) and not force and not own_sidecars:
        from .audio.sidecars import SIDECAR_SUFFIXES, sidecar_path
        from .voice.verify import verify_path

        kinds = SIDECAR_SUFFIXES if options.sidecars else {}
        taken = [path for kind in kinds if (path := sidecar_path(out, kind)).exists()]
        if verify is not None and verify_report and verify_path(out).exists():
            taken.append(verify_path(out))
        if taken:
            more = f" (and {len(taken) - 1} more beside it)" if len(taken) > 1 else ""
            raise OutputError(
                f"{taken[0]} already exists{more}: use --force to replace it, -o another name, "
                "or --no-sidecars"
            )
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
        source=source,
    )
    if on_start:
        on_start(len(script.sentences))
    report = None
    if verify is not None and listener is not None and is_english(script.lang):
        from .voice.verify import VerifyReport, verified_clips

        report = VerifyReport(listener.identity(), verify.threshold, verify.tries)
        clips = verified_clips(script, engine, listener, report, cache, progress, voices)
    else:
        if verify is not None:
            from .voice.verify import VerifyReport

            report = VerifyReport("", verify.threshold, verify.tries)
            report.unchecked = len(script.sentences)
        clips = iter_clips(script, engine, progress, cache, voices)
    voice_key = f"{engine.name}:{engine.voice}"
    episode = master(
        script, clips, out, rate=engine.sample_rate, tags=tags, options=options, voice_key=voice_key
    )
    if report is not None and verify_report:
        from .voice.verify import verify_path, write_report

        write_report(report, verify_path(out))
    if cache is not None and evict:
        cache.evict()
    return NarrationResult(
        episode.path,
        episode.duration,
        len(script.sentences),
        words,
        sidecars=episode.sidecars,
        verify=report,
    )


def written_beside(out: Path, sidecars: bool, report: bool) -> list[Path]:
    """The files a narration into OUT writes beside it."""
    from .audio.sidecars import SIDECAR_SUFFIXES, sidecar_path
    from .voice.verify import verify_path

    beside = [sidecar_path(out, kind) for kind in SIDECAR_SUFFIXES] if sidecars else []
    return beside + ([verify_path(out)] if report else [])


def is_english(lang: str | None) -> bool:
    """Whether LANG is English, the one language the verify listener hears."""
    return (lang or "en").lower().replace("_", "-").split("-")[0] == "en"
