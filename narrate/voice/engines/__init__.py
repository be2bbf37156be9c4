"""Speech engines by name."""

from __future__ import annotations

from ...errors import EngineError
from .base import Clip, Engine, VoiceInfo

ENGINES = {  # name: (module, class, offline, description)
    "hibari": (
        f"{__name__}.hibari",
        "HibariEngine",
        True,
        "Kokoro-class English voice, bundled, offline (the default for English)",
    ),
    "piper": (f"{__name__}.piper", "PiperEngine", True, "neural voice, bundled, offline"),
    "espeak": (f"{__name__}.espeak", "EspeakEngine", True, "fast, ~100 languages, offline"),
    "gtts": (f"{__name__}.gtts", "GttsEngine", False, "Google Translate voices, online"),
}

# Engines that read IPA as `[[ … ]]` in their text: they are given phonemes (PLS phonemes,
# initialisms, the news names) where the others get words.
PHONEME_ENGINES = frozenset({"piper", "hibari"})  # hibari: converted to its own alphabet

# The default: "auto" is hibari for English and espeak-ng for any other language (hibari
# speaks English only; Piper's bundled voice too).
AUTO = "auto"
DEFAULT_ENGINE = "hibari"
ENGINE_CHOICES = (AUTO, *ENGINES)

__all__ = [
    "AUTO",
    "DEFAULT_ENGINE",
    "ENGINES",
    "ENGINE_CHOICES",
    "PHONEME_ENGINES",
    "Clip",
    "Engine",
    "VoiceInfo",
    "choose_engine",
    "choose_engine_and_voice",
    "get_engine",
    "shared_engine",
]

_SHARED: dict[tuple[str, str | None, str | None, int | None], Engine] = {}


def choose_engine(name: str | None, lang: str | None, voice: str | None = None) -> str:
    """The engine NAME, or for "auto" (or none) the one for LANG and VOICE: a Piper voice
    (.onnx, joe) means Piper, a hibari voice hibari; otherwise hibari for English (and text
    of unknown language) and espeak-ng for every other language."""
    if name and name != AUTO:
        return name
    if voice:
        from ..catalogue import is_catalogue_name

        if voice.endswith(".onnx") or voice in ("joe", "en_US-joe-medium"):
            return "piper"
        if is_catalogue_name(voice):  # a voice of Piper's catalogue, by name
            return "piper"
        if voice in hibari_voice_names():
            return DEFAULT_ENGINE
    from ...model import base_language

    english = base_language(lang) == "en"
    return DEFAULT_ENGINE if english else "espeak"


def choose_engine_and_voice(
    name: str | None, lang: str | None, voice: str | None = None
) -> tuple[str, str | None]:
    """The engine and voice that speak LANG: as choose_engine, and for "auto" with no voice
    given, a language other than English is spoken by a downloaded neural voice of Piper's
    catalogue for it where there is one, else by espeak-ng, with a one-line note naming the
    command that gets a neural voice (never a download here)."""
    engine = choose_engine(name, lang, voice)
    if (name in (None, AUTO)) and not voice and engine == "espeak":
        from ..catalogue import note_missing, voice_for_language

        found = voice_for_language(lang or "")
        if found is not None:
            return "piper", str(found)
        note_missing(lang or "")
    return engine, voice


def hibari_voice_names() -> set[str]:
    try:
        from hibari.voices import VOICES
    except ImportError:
        return set()
    return set(VOICES)


def get_engine(
    name: str, voice: str | None = None, lang: str | None = None, threads: int | None = None
) -> Engine:
    """Create the engine called NAME for VOICE (engine-specific) and language LANG.

    THREADS caps the CPU threads a neural engine may use (default: all cores).
    """
    import importlib

    if name not in ENGINES:
        raise EngineError(f"unknown engine {name!r}: choose from {', '.join(ENGINES)}")
    module_name, class_name, _offline, _ = ENGINES[name]
    cls = getattr(importlib.import_module(module_name), class_name)
    extra = {"threads": threads} if threads and name in ("piper", "hibari") else {}
    engine: Engine = cls(voice=voice, lang=lang, **extra)
    return engine


def shared_engine(
    name: str, voice: str | None = None, lang: str | None = None, threads: int | None = None
) -> Engine:
    """The engine for these arguments, created once per process and then reused: a batch worker
    loads each voice once, not once per article."""
    key = (name, voice, lang, threads)
    engine = _SHARED.get(key)
    if engine is None:
        engine = _SHARED[key] = get_engine(name, voice=voice, lang=lang, threads=threads)
    return engine
