"""Several processes speaking one article: each holds its own copy of the voice.

A neural voice keeps a core busy per synthesis thread, and on the machine this was measured on
(2 cores) two processes with one ONNX thread each spoke the sample article in 6.3–6.5 s where
one process with two threads took 7.4–7.6 s. Sentences go to whichever process is free, in
reading order, and come back in reading order, so the encoder can take them as they arrive.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .engines.base import Clip, Engine
from .errors import EngineError

MAX_PROCESSES = 8  # each holds a voice (about 100 MB for Piper's medium voices)
POOLED_ENGINES = {"piper"}  # CPU-bound voices; espeak is too fast to share out, gTTS uses threads


@dataclass(frozen=True)
class VoiceSpec:
    """What a worker needs to build the engine itself (an engine object does not travel)."""

    engine: str
    voice: str | None
    lang: str | None
    threads: int


def plan_processes(cores: int) -> tuple[int, int]:
    """(processes, ONNX threads each) for one article on CORES cores."""
    processes = max(1, min(cores, MAX_PROCESSES))
    return processes, max(1, cores // processes)


_ENGINE: Engine | None = None
_FAILURE: EngineError | None = None


def _start(spec: VoiceSpec) -> None:
    """In a worker: build and load the engine once. Ctrl-C is the parent's to handle."""
    global _ENGINE, _FAILURE
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from .engines import get_engine

        engine = get_engine(spec.engine, voice=spec.voice, lang=spec.lang, threads=spec.threads)
        load = getattr(engine, "load", None)
        if load is not None:
            load()
        _ENGINE = engine
    except Exception as exc:  # reported with the first sentence, never a pool that respawns
        _FAILURE = exc if isinstance(exc, EngineError) else EngineError(str(exc))


def _speak(text: str) -> Clip:
    from .synth import speak

    if _ENGINE is None:
        raise _FAILURE or EngineError("the voice did not load in a worker process")
    return speak(_ENGINE, text)


class VoicePool:
    """PROCESSES worker processes, started at once so their voices load ahead of need."""

    def __init__(self, spec: VoiceSpec, processes: int, start_method: str | None = None) -> None:
        # forkserver: workers come from a clean server process, never a copy of this one with
        # whatever threads it runs, and start as fast as forked ones (measured).
        available = multiprocessing.get_all_start_methods()
        method = start_method or ("forkserver" if "forkserver" in available else "spawn")
        context = multiprocessing.get_context(method)
        if method == "forkserver":
            context.set_forkserver_preload(["narrate.voicepool", "onnxruntime", "piper"])
        self.processes = processes
        self._pool: Any = context.Pool(processes, initializer=_start, initargs=(spec,))

    def speak(self, texts: list[str]) -> Iterator[Clip]:
        """Clips for TEXTS, in their order; the work goes to whichever process is free."""
        return self._pool.imap(_speak, texts, chunksize=1)

    def close(self) -> None:
        """Stop the workers at once (finished or not)."""
        self._pool.terminate()
        self._pool.join()

    def __enter__(self) -> VoicePool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
