"""The whole job as library calls: source → script → audio file. The CLI is a thin layer on this."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .. import __version__
from ..model import Article, Script
from ..read.extract import extract_page
from ..read.fetch import Page, fetch, is_url
from ..read.reach import Reach
from ..speech.script import SpeechOptions, build_script
from .narrator import Job, Narrator
from .settings import Settings, SettingsError

if TYPE_CHECKING:
    from ..voice.engines.base import Engine
    from ..voice.verify import VerifyReport

__all__ = [
    "Job",
    "NarrationResult",
    "Narrator",
    "Settings",
    "SettingsError",
    "load_article",
    "narrate",
    "prepare_script",
]


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


def narrate(
    source: str, out: Path | None = None, settings: Settings | None = None, *, cores: int = 1
) -> NarrationResult:
    """Narrate SOURCE (a URL, an HTML, text or Markdown file, or "-" for stdin) into OUT
    (default: a slug of the title in the current folder, as an MP3) by SETTINGS, on CORES
    cores, with narrate's segment cache: the library's one call for the whole job."""
    from ..voice.cache import SegmentCache
    from .narrator import Job, Narrator

    settings = settings or Settings()
    with Narrator(settings, cores=cores, cache=SegmentCache()) as narrator:
        script = narrator.script(load_article(source))
        suffix = f".{settings.format or 'mp3'}"
        target = out or Path.cwd() / f"{slugify(script.article.title)}{suffix}"
        inputs = (Path(source),) if source != "-" and not is_url(source) else ()
        return narrator.narrate(script, target, Job(inputs=inputs))


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
