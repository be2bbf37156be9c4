"""The engine interface: every TTS backend turns one piece of text into one PCM clip."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ...model import Clip

__all__ = ["Clip", "Engine", "VoiceInfo", "file_identity", "package_version"]


@dataclass(frozen=True)
class VoiceInfo:
    """A voice an engine offers."""

    name: str
    language: str
    description: str = ""


class Engine(Protocol):
    """What narrate needs from a speech engine."""

    name: str
    offline: bool
    max_chars: int  # longest text one synthesize() call should get
    sample_rate: int
    voice: str  # the voice in use, as a stable identifier

    def synthesize(self, text: str) -> Clip:
        """Speak TEXT (already normalised) and return its audio. Engines that can speak slower
        also take `pace` (1.0 is normal; 1.2 is a fifth slower), and an engine whose takes
        differ each time (a neural voice sampling noise) has `varies = True`: see verify.py."""
        ...

    def voices(self) -> list[VoiceInfo]:
        """Voices this engine can use here."""
        ...

    def identity(self) -> dict[str, object]:
        """Everything that shapes this engine's audio, for the segment cache key."""
        ...


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
