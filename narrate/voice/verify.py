"""Audio QA (`--verify`): every sentence is heard by a recogniser as it is spoken; one that
comes out wrong is spoken again, and the best take is kept.

A neural voice samples noise as it speaks, so the same sentence can come out well in one take
and slurred in the next. A take scoring below the threshold is re-spoken, at most `tries`
times: with new noise (engines whose takes vary), then slower, then in the sentence's other
rendering (initialisms and names as letters and respellings instead of phonemes), and each
re-take is heard in turn. The best take goes into the segment cache with its verdict, so a
later run neither speaks nor hears that sentence again.

Recognition runs beside synthesis: sentence N is heard on one thread while sentence N+1 is
spoken on another (both libraries release the GIL).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..model import Clip, Script, Sentence
from .cache import SegmentCache
from .engines.base import Engine
from .listen import heard_score
from .speak import can_slow_down, speak
from .synth import engine_text

# Measured with benchmarks/verify_bench.py on the samples (Piper joe, Whisper tiny.en): see
# the README. A score is 1 − the sentence's word error rate.
DEFAULT_THRESHOLD = 0.75
DEFAULT_TRIES = 3
SLOWER = 1.2  # the slower take: a fifth slower
LOOKAHEAD = 3  # sentences spoken ahead of the one being heard


class Hearer(Protocol):
    """What verification needs of a recogniser (see listen.Listener)."""

    def hear(self, clip: Clip) -> str: ...

    def identity(self) -> str: ...


@dataclass(frozen=True)
class VerifyOptions:
    tries: int = DEFAULT_TRIES  # re-takes at most, after the first
    threshold: float = DEFAULT_THRESHOLD

    def settings(self) -> dict[str, object]:
        """What of these options shapes the audio (for the narration key)."""
        return {"tries": self.tries, "threshold": self.threshold}


@dataclass
class Check:
    """The verdict on one sentence: what it should say, what was heard in the take kept."""

    index: int
    text: str  # the sentence as written
    said: str  # the words narrate had spoken, as compared
    heard: str
    score: float
    tries: int  # takes spoken and heard in this run (0: the verdict came from the cache)
    take: str  # which take was kept: first, new noise, slower, alternative, cached
    doubtful: bool


@dataclass
class VerifyReport:
    listener: str
    threshold: float
    tries: int
    checks: list[Check] = field(default_factory=list)
    unchecked: int = 0  # sentences no listener could hear (not English)

    @property
    def respoken(self) -> list[Check]:
        return [c for c in self.checks if c.tries > 1]

    @property
    def doubtful(self) -> list[Check]:
        return [c for c in self.checks if c.doubtful]

    def summary(self) -> str:
        """One line: "38 sentences checked, 4 re-spoken, 1 still doubtful: “…”"."""
        if not self.checks:
            return f"{self.unchecked} sentences not checked (the listener hears English only)"
        cached = sum(1 for c in self.checks if c.take == "cached")
        line = f"{len(self.checks)} sentences checked"
        if cached:
            line += f" ({cached} from the cache)"
        line += f", {len(self.respoken)} re-spoken, {len(self.doubtful)} still doubtful"
        if self.doubtful:
            line += ": " + " ".join(f"“{shorten(c.text)}”" for c in self.doubtful[:3])
            if len(self.doubtful) > 3:
                line += f" and {len(self.doubtful) - 3} more"
        return line

    def to_json(self) -> str:
        body = {
            "listener": self.listener,
            "threshold": self.threshold,
            "tries": self.tries,
            "checked": len(self.checks),
            "respoken": len(self.respoken),
            "doubtful": len(self.doubtful),
            "unchecked": self.unchecked,
            "sentences": [asdict(c) for c in self.checks],
        }
        return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


def shorten(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


@dataclass(frozen=True)
class Take:
    clip: Clip
    verdict: dict[str, Any] | None = None  # from the cache, still valid


def retakes(engine: Engine, sentence: Sentence, tries: int) -> list[tuple[str, str, float]]:
    """(name, engine text, pace) of each re-take, in the order they are tried."""
    text = engine_text(sentence.spoken)
    plan: list[tuple[str, str, float]] = []
    varies = bool(getattr(engine, "varies", False))
    if varies:
        plan.append(("new noise", text, 1.0))
    if can_slow_down(engine):
        plan.append(("slower", text, SLOWER))
    if sentence.words and sentence.words != sentence.spoken:
        plan.append(("alternative", engine_text(sentence.words), 1.0))
    while varies and len(plan) < tries:
        plan.append(("new noise", text, 1.0))
    return plan[:tries]


def verified_clips(
    script: Script,
    engine: Engine,
    listener: Hearer,
    report: VerifyReport,
    cache: SegmentCache | None = None,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Clip]:
    """Every sentence of SCRIPT, spoken, heard and if need be re-spoken, in reading order;
    each verdict is added to REPORT."""
    sentences = script.sentences
    identity = engine.identity()
    heard_by = listener.identity()
    keys = [cache.key(identity, engine_text(s.spoken)) if cache else "" for s in sentences]

    def first_take(index: int) -> Take:
        if cache is not None:
            entry = cache.get_entry(keys[index])
            if entry is not None:
                verdict = entry.check
                if verdict is not None and not still_valid(verdict, heard_by, report):
                    verdict = None
                return Take(entry.clip, verdict)
        return Take(speak(engine, engine_text(sentences[index].spoken)))

    def settle(index: int, pending: Future[Take]) -> tuple[Clip, Check]:
        take = pending.result()
        sentence = sentences[index]
        expected = sentence.heard_as
        if take.verdict is not None:
            verdict = take.verdict
            check = Check(
                index,
                sentence.written,
                expected,
                str(verdict.get("heard", "")),
                float(verdict["score"]),
                0,
                "cached",
                float(verdict["score"]) < report.threshold,
            )
            return take.clip, check
        heard = listener.hear(take.clip)
        best = (heard_score(expected, heard), take.clip, heard, "first")
        tries = 1
        if best[0] < report.threshold:
            for name, text, pace in retakes(engine, sentence, report.tries):
                clip = speak(engine, text, pace)
                heard = listener.hear(clip)
                tries += 1
                score = heard_score(expected, heard)
                if score > best[0]:
                    best = (score, clip, heard, name)
                if best[0] >= report.threshold:
                    break
        score, clip, heard, name = best
        doubtful = score < report.threshold
        check = Check(
            index, sentence.written, expected, heard, round(score, 3), tries, name, doubtful
        )
        if cache is not None:
            verdict = {
                "listener": heard_by,
                "score": check.score,
                "heard": heard,
                "tries": report.tries,
                "threshold": report.threshold,
                "take": name,
            }
            cache.put(keys[index], clip, verdict)
        return clip, check

    speaker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="narrate-speak")
    hearer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="narrate-listen")
    queued: deque[Future[tuple[Clip, Check]]] = deque()
    upcoming = iter(range(len(sentences)))

    def queue_next() -> None:
        index = next(upcoming, None)
        if index is not None:
            queued.append(hearer.submit(settle, index, speaker.submit(first_take, index)))

    try:
        for _ in range(LOOKAHEAD + 1):
            queue_next()
        while queued:
            clip, check = queued.popleft().result()
            queue_next()
            report.checks.append(check)
            if progress:
                progress(1)
            yield clip
    finally:
        hearer.shutdown(wait=True, cancel_futures=True)
        speaker.shutdown(wait=True, cancel_futures=True)


def still_valid(verdict: dict[str, Any], heard_by: str, report: VerifyReport) -> bool:
    """Whether a cached verdict stands: heard by the same listener, and either good enough
    or already given as many tries as this run would give it."""
    try:
        score = float(verdict["score"])
        tries = int(verdict.get("tries", 0))
    except (KeyError, TypeError, ValueError):
        return False
    if verdict.get("listener") != heard_by:
        return False
    return score >= report.threshold or tries >= report.tries


def write_report(report: VerifyReport, path: Path) -> None:
    from ..files import write_atomic

    write_atomic(path, report.to_json())


def verify_path(audio: Path) -> Path:
    """Where the report of AUDIO goes: beside it, as its other sidecars (story.verify.json
    for story.mp3)."""
    return audio.with_name(audio.stem + ".verify.json")
