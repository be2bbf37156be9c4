"""Several processes speaking one article: each holds its own copy of the voice.

A neural voice keeps a core busy per synthesis thread, and on the machine this was measured on
(2 cores) two processes with one ONNX thread each spoke the sample article in 6.3–6.5 s where
one process with two threads took 7.4–7.6 s. Sentences go to whichever process is free, in
reading order, and come back in reading order, so the encoder can take them as they arrive.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..cores import die_with_parent, quiet_worker_signals
from ..errors import EngineError
from ..model import Clip
from .engines.base import Engine
from .speak import speak

MAX_PROCESSES = 4  # each holds its own voice session: about 0.5 GB resident for Piper medium
# CPU-bound voices; espeak is too fast to share out, gTTS uses threads
POOLED_ENGINES = {"piper", "hibari"}


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
    die_with_parent()  # its parent is the fork server, which ends with narrate
    quiet_worker_signals()
    try:
        from .engines import get_engine

        engine = get_engine(spec.engine, voice=spec.voice, lang=spec.lang, threads=spec.threads)
        engine.load()
        _ENGINE = engine
    except Exception as exc:  # reported with the first sentence, never a pool that respawns
        _FAILURE = exc if isinstance(exc, EngineError) else EngineError(str(exc))


def _speak(text: str) -> Clip:
    if _ENGINE is None:
        raise _FAILURE or EngineError("the voice did not load in a worker process")
    return speak(_ENGINE, text)


class VoicePool:
    """Up to PROCESSES worker processes, started on the first speak(): an article that needs
    only a few sentences spoken (the rest cached) is spoken in the narrate process instead.

    Workers come from a fork server where there is one: clean processes, never copies of this
    one and its threads, that start as fast as forked ones here (the server imports the speech
    libraries once)."""

    def __init__(self, spec: VoiceSpec, processes: int, start_method: str | None = None) -> None:
        available = multiprocessing.get_all_start_methods()
        self.method = start_method or ("forkserver" if "forkserver" in available else "spawn")
        self.context: Any = multiprocessing.get_context(self.method)
        self.spec = spec
        self.processes = processes
        self._pool: Any = None
        if self.method == "forkserver":
            preload = ["narrate.voice.pool", "onnxruntime", spec.engine]
            self.context.set_forkserver_preload(preload)

    def worth_it(self, sentences: int) -> bool:
        """Whether SENTENCES to speak are enough to share out (two rounds for every worker);
        fewer go faster through one process with all the threads, already loaded."""
        return self.processes > 1 and sentences >= 2 * self.processes

    def speak(self, texts: list[str]) -> Iterator[Clip]:
        """Clips for TEXTS, in their order; the work goes to whichever process is free."""
        if self._pool is None:
            try:
                self._pool = self.context.Pool(
                    self.processes, initializer=_start, initargs=(self.spec,)
                )
            except OSError:  # no fork server here (a socket it cannot make): spawn instead
                self._pool = multiprocessing.get_context("spawn").Pool(
                    self.processes, initializer=_start, initargs=(self.spec,)
                )
        return self._pool.imap(_speak, texts, chunksize=1)

    def close(self) -> None:
        """Stop the workers at once (finished or not)."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def __enter__(self) -> VoicePool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
