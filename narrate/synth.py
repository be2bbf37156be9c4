"""Synthesis stage: Script → one clip per sentence, with progress."""

from __future__ import annotations

import contextlib
import itertools
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor

from .cache import SegmentCache
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


def synthesize_sentence(engine: Engine, spoken: str, cache: SegmentCache | None = None) -> Clip:
    """Speak one sentence (from the cache when an identical one was spoken before), splitting
    it at clause boundaries if the engine needs shorter text."""
    text = engine_text(spoken)
    key = cache.key(engine.identity(), text) if cache is not None else ""
    if cache is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    pieces = split_long(text, engine.max_chars)
    clips = [engine.synthesize(piece) for piece in pieces]
    if not clips:
        raise EngineError("nothing to synthesise")
    rate = clips[0].rate
    if any(c.rate != rate for c in clips):
        raise EngineError(f"{engine.name} returned clips at different sample rates")
    gap = bytes(int(rate * PIECE_GAP_S) * 2)
    clip = Clip(gap.join(c.pcm for c in clips), rate)
    if cache is not None:
        cache.put(key, clip)
    return clip


def iter_clips(
    script: Script,
    engine: Engine,
    progress: Progress | None = None,
    cache: SegmentCache | None = None,
) -> Iterator[Clip]:
    """Synthesise every sentence of SCRIPT in reading order, one clip at a time.

    An online engine (one with `concurrent_requests` > 1) gets that many sentences in flight
    at once, on threads: its time goes in waiting for the network, not in the CPU. The clips
    still come back in reading order."""
    if cache is not None:
        warm_up(engine, script, cache)
    sentences = iter(script.sentences)
    width = int(getattr(engine, "concurrent_requests", 1))
    if width <= 1:
        for sentence in sentences:
            clip = synthesize_sentence(engine, sentence.spoken, cache)
            if progress:  # before the yield: the consumer need not ask past the last clip
                progress(1)
            yield clip
        return
    pool = ThreadPoolExecutor(max_workers=width, thread_name_prefix="narrate-request")
    pending: deque[Future[Clip]] = deque()
    try:
        for sentence in itertools.islice(sentences, 2 * width):
            pending.append(pool.submit(synthesize_sentence, engine, sentence.spoken, cache))
        while pending:
            clip = pending.popleft().result()
            following = next(sentences, None)
            if following is not None:
                pending.append(pool.submit(synthesize_sentence, engine, following.spoken, cache))
            if progress:
                progress(1)
            yield clip
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def warm_up(engine: Engine, script: Script, cache: SegmentCache) -> threading.Thread | None:
    """When some sentence is not in the cache, load the engine's voice in the background, so
    it is ready by the time the cached sentences before it have gone to the encoder."""
    identity = engine.identity()
    if all(cache.has(cache.key(identity, engine_text(s.spoken))) for s in script.sentences):
        return None
    return load_in_background(engine)


def load_in_background(engine: Engine) -> threading.Thread | None:
    """Start loading ENGINE's voice (if it has one to load) in a thread; the first synthesis
    waits for it, and reports any failure. Not a daemon: the process never exits mid-load."""
    load = getattr(engine, "load", None)
    if load is None:
        return None

    def run() -> None:
        with contextlib.suppress(Exception):
            load()

    thread = threading.Thread(target=run, name="narrate-voice-load")
    thread.start()
    return thread
