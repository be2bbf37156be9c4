"""One sentence through an engine: cut to the engine's length limit, spoken, joined up."""

from __future__ import annotations

from ..errors import EngineError
from ..model import Clip
from ..speech.segment import split_long
from .engines.base import Engine

PIECE_GAP_S = 0.12  # between the pieces of a sentence split for the engine's length limit


def speak(engine: Engine, text: str, pace: float = 1.0) -> Clip:
    """Synthesise TEXT, split at clause boundaries if the engine needs shorter pieces; PACE
    above 1 asks for slower speech (engines that cannot speak slower are asked for normal)."""
    pieces = split_long(text, engine.max_chars)
    if pace != 1.0 and engine.paced:
        clips = [engine.synthesize(piece, pace=pace) for piece in pieces]  # type: ignore[call-arg]
    else:
        clips = [engine.synthesize(piece) for piece in pieces]
    if not clips:
        raise EngineError("nothing to synthesise")
    rate = clips[0].rate
    if any(c.rate != rate for c in clips):
        raise EngineError(f"{engine.name} returned clips at different sample rates")
    gap = bytes(int(rate * PIECE_GAP_S) * 2)
    return Clip(gap.join(c.pcm for c in clips), rate)
