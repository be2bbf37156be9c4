"""Synthesis stage: Script → one clip per sentence, with progress."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .engines.base import Clip, Engine
from .errors import EngineError
from .model import Script
from .segment import split_long

PIECE_GAP_S = 0.12  # between the pieces of a sentence split for the engine's length limit

Progress = Callable[[int], None]


SPELLED_LETTERS = re.compile(r"\b[A-Z](?: [A-Z]\b)+")


def engine_text(spoken: str) -> str:
    """Adapt normalised text to how engines read it: spelled letters "U N C" become "U.N.C.",
    which espeak-based voices and Google read letter by letter ("U N" alone can come out as
    "a", the article, for the letter A)."""
    text = SPELLED_LETTERS.sub(lambda m: m.group(0).replace(" ", ".") + ".", spoken)
    return text.replace("..", ".")


def synthesize_sentence(engine: Engine, spoken: str) -> Clip:
    """Speak one sentence, splitting it at clause boundaries if the engine needs shorter text."""
    pieces = split_long(engine_text(spoken), engine.max_chars)
    clips = [engine.synthesize(piece) for piece in pieces]
    if not clips:
        raise EngineError("nothing to synthesise")
    rate = clips[0].rate
    if any(c.rate != rate for c in clips):
        raise EngineError(f"{engine.name} returned clips at different sample rates")
    gap = bytes(int(rate * PIECE_GAP_S) * 2)
    return Clip(gap.join(c.pcm for c in clips), rate)


def iter_clips(script: Script, engine: Engine, progress: Progress | None = None) -> Iterator[Clip]:
    """Synthesise every sentence of SCRIPT in reading order, one clip at a time."""
    for block in script.blocks:
        for sentence in block.sentences:
            yield synthesize_sentence(engine, sentence.spoken)
            if progress:
                progress(1)
