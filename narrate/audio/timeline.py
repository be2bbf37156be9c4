"""Stitching, streamed: clips and pauses go straight to a raw PCM file on disk.

Memory stays bounded by one clip however long the narration; every sentence's position is
known exactly (in samples) as it is written, which gives the cues and chapters.
"""

from __future__ import annotations

import array
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ..model import Clip

DEFAULT_PAUSES = {"sentence": 0.35, "paragraph": 0.8, "heading": 1.2, "intro": 1.0}
LEAD_IN_S = 0.3
TAIL_S = 0.6
SILENCE_THRESHOLD = 400  # |sample| at or below this (about −38 dBFS) counts as silence
TRIM_MARGIN_S = 0.02


@dataclass(frozen=True)
class Cue:
    """Where one sentence sits in the finished audio (seconds)."""

    start: float
    end: float
    written: str
    spoken: str
    block: int = -1  # which block of the script (paragraph, heading, ...) it belongs to
    kind: str = ""  # that block's kind


@dataclass(frozen=True)
class Chapter:
    start: float
    title: str


@dataclass
class TimelineResult:
    path: Path  # raw mono s16le PCM
    rate: int
    duration: float
    cues: list[Cue] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    marks: dict[str, float] = field(default_factory=dict)  # intro_end, outro_start, ...


def parse_pauses(text: str | None) -> dict[str, float]:
    """'sentence=0.35,paragraph=0.8' → {'sentence': 0.35, 'paragraph': 0.8}."""
    pauses = dict(DEFAULT_PAUSES)
    if not text:
        return pauses
    for item in text.split(","):
        key, _, value = item.partition("=")
        key = key.strip()
        if key not in DEFAULT_PAUSES:
            raise ValueError(f"unknown pause {key!r}: use {', '.join(DEFAULT_PAUSES)}")
        try:
            seconds = float(value)
        except ValueError:
            raise ValueError(f"pause {key!r} needs seconds, like {key}=0.5") from None
        if not 0 <= seconds <= 10:
            raise ValueError(f"pause {key!r} must be between 0 and 10 seconds")
        pauses[key] = seconds
    return pauses


def trim(clip: Clip) -> Clip:
    """Cut a clip's own leading and trailing silence, so the pauses narrate sets are exact.

    Scans in from both ends (speech is near them), so it needs no numpy and little time."""
    samples = array.array("h")
    samples.frombytes(clip.pcm[: len(clip.pcm) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    count = len(samples)
    first = next((i for i in range(count) if abs(samples[i]) > SILENCE_THRESHOLD), None)
    if first is None:
        return Clip(b"", clip.rate)
    last = next(i for i in range(count - 1, first - 1, -1) if abs(samples[i]) > SILENCE_THRESHOLD)
    margin = int(TRIM_MARGIN_S * clip.rate)
    start = max(0, first - margin)
    end = min(count, last + 1 + margin)
    return Clip(clip.pcm[start * 2 : end * 2], clip.rate)


def pause_after(kind: str, next_kind: str | None, pauses: dict[str, float]) -> float:
    """The pause after the last sentence of a block of KIND when NEXT_KIND follows."""
    if next_kind is None:
        return 0.0
    if kind == "intro" or next_kind == "outro":
        return pauses["intro"]
    if kind == "heading" or next_kind == "heading":
        return pauses["heading"]
    if kind == next_kind and kind in ("list_item", "cell"):
        return (pauses["sentence"] + pauses["paragraph"]) / 2
    return pauses["paragraph"]


class Timeline:
    """Writes clips and silences to FILE as they come, keeping cue and chapter positions."""

    def __init__(
        self,
        path: Path,
        rate: int,
        pauses: dict[str, float] | None = None,
        sink: Callable[[bytes], None] | None = None,
    ) -> None:
        self.path = path
        self.sink = sink  # also gets every byte written (a streaming encoder)
        self.rate = rate
        self.pauses = {**DEFAULT_PAUSES, **(pauses or {})}
        self.samples = 0
        self.cues: list[Cue] = []
        self.chapters: list[Chapter] = []
        self.marks: dict[str, float] = {}
        self._file: BinaryIO = path.open("wb")

    @property
    def position(self) -> float:
        return self.samples / self.rate

    def silence(self, seconds: float) -> None:
        count = round(seconds * self.rate)
        if count > 0:
            self._write(bytes(count * 2))
            self.samples += count

    def speech(self, clip: Clip, written: str, spoken: str, block: int = -1, kind: str = "") -> Cue:
        if clip.rate != self.rate:
            raise ValueError(f"clip at {clip.rate} Hz in a {self.rate} Hz narration")
        trimmed = trim(clip)
        start = self.samples
        self._write(trimmed.pcm)
        self.samples += len(trimmed.pcm) // 2
        cue = Cue(start / self.rate, self.samples / self.rate, written, spoken, block, kind)
        self.cues.append(cue)
        return cue

    def _write(self, data: bytes) -> None:
        self._file.write(data)
        if self.sink is not None:
            self.sink(data)

    def chapter(self, title: str, at: float | None = None) -> None:
        start = self.position if at is None else at
        if self.chapters and abs(self.chapters[-1].start - start) < 1e-6:
            self.chapters[-1] = Chapter(start, title)
        else:
            self.chapters.append(Chapter(start, title))

    def mark(self, name: str) -> None:
        self.marks[name] = self.position

    def close(self) -> TimelineResult:
        self._file.close()
        return TimelineResult(
            self.path, self.rate, self.position, self.cues, self.chapters, self.marks
        )

    def abort(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)
