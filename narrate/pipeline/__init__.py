"""The whole job as library calls: source → script → audio file. The CLI is a thin layer on this."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the stages load when first used: the command line starts fast
    from ..model import Article, Script
    from ..read.reach import Reach
    from ..speech.script import SpeechOptions
    from .narrator import (
        Job,
        NarrationResult,
        Narrator,
        is_english,
        narration_key,
        source_key,
        written_beside,
    )
    from .settings import Settings, SettingsError

_FROM = {
    "Job": "narrator",
    "NarrationResult": "narrator",
    "Narrator": "narrator",
    "is_english": "narrator",
    "narration_key": "narrator",
    "source_key": "narrator",
    "written_beside": "narrator",
    "Settings": "settings",
    "SettingsError": "settings",
}


def __getattr__(name: str) -> Any:
    """The names of narrator.py and settings.py, imported on first use (PEP 562)."""
    if name not in _FROM:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{_FROM[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Job",
    "NarrationResult",
    "Narrator",
    "Settings",
    "SettingsError",
    "is_english",
    "load_article",
    "narrate",
    "narration_key",
    "prepare_script",
    "slugify",
    "source_key",
    "written_beside",
]


def load_article(source: str, reach: Reach | None = None, title: str | None = None) -> Article:
    """Fetch and extract SOURCE (URL, file or "-"); a URL goes where REACH allows (default:
    the caller typed it, so its own host may be internal: see read/reach.py). TITLE, the
    user's, replaces the article's own."""
    from ..read.extract import extract_page
    from ..read.fetch import fetch

    return extract_page(fetch(source, reach=reach), title)


def prepare_script(source: str, options: SpeechOptions | None = None, outro: bool = True) -> Script:
    from ..speech.script import SpeechOptions, build_script

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


def narrate(
    source: str, out: Path | None = None, settings: Settings | None = None, *, cores: int = 1
) -> NarrationResult:
    """Narrate SOURCE (a URL, an HTML, text or Markdown file, or "-" for stdin) into OUT
    (default: a slug of the title in the current folder, as an MP3) by SETTINGS, on CORES
    cores, with narrate's segment cache: the library's one call for the whole job."""
    from ..read.fetch import is_url
    from ..voice.cache import SegmentCache
    from .narrator import Job, Narrator
    from .settings import Settings

    settings = settings or Settings()
    with Narrator(settings, cores=cores, cache=SegmentCache()) as narrator:
        script = narrator.script(load_article(source))
        suffix = f".{settings.format or 'mp3'}"
        target = out or Path.cwd() / f"{slugify(script.article.title)}{suffix}"
        inputs = (Path(source),) if source != "-" and not is_url(source) else ()
        return narrator.narrate(script, target, Job(inputs=inputs))
