"""Synthesis stage: Script → one clip per sentence, with progress."""

from __future__ import annotations

import contextlib
import itertools
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from ..model import Clip, Script
from .cache import SegmentCache
from .engines.base import Engine
from .speak import speak

if TYPE_CHECKING:
    from .pool import VoicePool

Progress = Callable[[int], None]


SPELLED_LETTERS = re.compile(r"\b[A-Z](?: [A-Z]\b)+")


def engine_text(spoken: str) -> str:
    """Adapt normalised text to how engines read it: spelled letters "U N C" become "U.N.C.",
    which espeak-based voices and Google read letter by letter ("U N" alone can come out as
    "a", the article, for the letter A)."""
    text = SPELLED_LETTERS.sub(lambda m: m.group(0).replace(" ", ".") + ".", spoken)
    return text.replace("..", ".")


def synthesize_sentence(engine: Engine, spoken: str, cache: SegmentCache | None = None) -> Clip:
    """Speak one sentence (from the cache when an identical one was spoken before)."""
    text = engine_text(spoken)
    key = cache.key(engine.identity(), text) if cache is not None else ""
    if cache is not None:
        cached = cache.get(key)
        if cached is not None:
            return cached
    clip = speak(engine, text)
    if cache is not None:
        cache.put(key, clip)
    return clip


def iter_clips(
    script: Script,
    engine: Engine,
    progress: Progress | None = None,
    cache: SegmentCache | None = None,
    voices: VoicePool | None = None,
) -> Iterator[Clip]:
    """Synthesise every sentence of SCRIPT in reading order, one clip at a time.

    With VOICES, the sentences not in the cache are spoken by its worker processes (when there
    are two or more of them). An online engine (one with `concurrent_requests` > 1) gets that
    many sentences in flight at once, on threads: its time goes in waiting for the network.
    Either way the clips come back in reading order."""
    if voices is not None:
        yield from pooled_clips(script, engine, voices, cache, progress)
        return
    if cache is not None:
        warm_up(engine, script, cache)
    sentences = iter(script.sentences)
    width = engine.concurrent_requests
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


def pooled_clips(
    script: Script,
    engine: Engine,
    voices: VoicePool,
    cache: SegmentCache | None,
    progress: Progress | None,
) -> Iterator[Clip]:
    """iter_clips with what the cache lacks spoken by VOICES' processes."""
    texts = [engine_text(s.spoken) for s in script.sentences]
    identity = engine.identity()
    keys = [cache.key(identity, text) if cache else "" for text in texts]
    missing = [i for i, key in enumerate(keys) if cache is None or not cache.has(key)]
    shared = voices.worth_it(len(missing))
    if missing and not shared:  # a few sentences: spoken here, the voice loads meanwhile
        load_in_background(engine)
    spoken = voices.speak([texts[i] for i in missing]) if shared else iter(())
    pending = set(missing) if shared else set()
    for index, text in enumerate(texts):
        clip = None if index in pending or cache is None else cache.get(keys[index])
        fresh = clip is None
        if index in pending:
            clip = next(spoken)
        elif clip is None:  # not cached (or evicted since it was looked up): speak it here
            clip = speak(engine, text)
        if cache is not None and fresh:
            cache.put(keys[index], clip)
        if progress:
            progress(1)
        yield clip


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

    def run() -> None:
        with contextlib.suppress(Exception):
            engine.load()

    thread = threading.Thread(target=run, name="narrate-voice-load")
    thread.start()
    return thread
