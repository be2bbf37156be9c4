"""narrate: turn written journalism into listenable, podcast-ready audio.

The package reads like the pipeline, one sub-package per stage, each importing only the
stages before it and the shared modules at the top (`model`, `errors`, `files`, `cores`,
`ffmpeg`, and `pipeline`, which runs the stages in order):

    read (source → Article) → speech (→ Script) → voice (→ clips) → audio (→ episode file)
    → feed (many episodes → podcast) ; cli (the command line over all of it)

The library's public names, imported when first used (so the command line starts fast):

    import narrate
    narrate.narrate("story.html", Path("story.mp3"), narrate.Settings(lexicon=Path("n.pls")))
    with narrate.Narrator(settings, cores=4) as narrator: ...
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"  # part of every narration key: a new one re-narrates every feed

__all__ = [
    "Job",
    "NarrateError",
    "NarrationResult",
    "Narrator",
    "Settings",
    "SettingsError",
    "__version__",
    "load_article",
    "narrate",
]

_PUBLIC = {
    "Job": "narrate.pipeline",
    "NarrationResult": "narrate.pipeline",
    "Narrator": "narrate.pipeline",
    "Settings": "narrate.pipeline",
    "SettingsError": "narrate.pipeline",
    "load_article": "narrate.pipeline",
    "narrate": "narrate.pipeline",
    "NarrateError": "narrate.errors",
}


def __getattr__(name: str) -> Any:
    """The public names, from their modules on first use (PEP 562)."""
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'narrate' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
