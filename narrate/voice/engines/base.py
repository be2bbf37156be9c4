"""The engine interface: every TTS backend turns one piece of text into one PCM clip."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ...model import Clip

__all__ = ["Clip", "Engine", "EngineBase", "VoiceInfo", "file_identity", "package_version"]


@dataclass(frozen=True)
class VoiceInfo:
    """A voice an engine offers."""

    name: str
    language: str
    description: str = ""


class Engine(Protocol):
    """What narrate needs from a speech engine, its abilities declared (never probed)."""

    name: str
    offline: bool
    max_chars: int  # longest text one synthesize() call should get
    sample_rate: int
    voice: str  # the voice in use, as a stable identifier
    varies: bool  # each take differs (a neural voice sampling noise): see verify.py
    paced: bool  # synthesize() takes `pace` (1.0 is normal; 1.2 is a fifth slower)
    concurrent_requests: int  # above 1: an online engine, that many sentences in flight

    def synthesize(self, text: str, pace: float = 1.0) -> Clip:
        """Speak TEXT (already normalised) and return its audio (PACE: see `paced`)."""
        ...

    def load(self) -> object:
        """Load the voice once per process (safe from a background thread); None when there
        is nothing to load."""
        ...

    def voices(self) -> list[VoiceInfo]:
        """Voices this engine can use here."""
        ...

    def identity(self) -> dict[str, object]:
        """Everything that shapes this engine's audio, for the segment cache key."""
        ...


class EngineBase:
    """The abilities an engine has unless it says otherwise: one take sounds like the next,
    no pace, one request at a time, nothing to load."""

    name = ""
    offline = True
    max_chars = 400
    sample_rate = 22050
    voice = ""
    varies = False
    paced = False
    concurrent_requests = 1

    def load(self) -> object:
        return None


def package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def file_identity(path: str) -> list[object]:
    import os

    stat = os.stat(path)
    return [os.path.basename(path), stat.st_size, int(stat.st_mtime)]
