"""Audio QA (`--verify`): every sentence is heard by a recogniser as it is spoken; one that
comes out wrong is spoken again, and the best take is kept.

A neural voice samples noise as it speaks, so the same sentence can come out well in one take
and slurred in the next. A take scoring below the threshold is re-spoken, at most `tries`
times: with new noise (engines whose takes vary), then slower, then in the sentence's other
rendering (initialisms and names as letters and respellings instead of phonemes), and each
re-take is heard in turn. The best take goes into the segment cache with its verdict, so a
later run neither speaks nor hears that sentence again.

Recognition runs beside synthesis: sentences are heard while the ones after them are spoken
on another thread or by the voice processes (both libraries release the GIL), a few
consecutive sentences in one window of the recogniser.
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ..model import Clip, Script, Sentence
from .cache import SegmentCache
from .engines.base import Engine
from .listen import comparable_words, heard_words, split_heard, words_score
from .speak import can_slow_down, speak
from .synth import engine_text

if TYPE_CHECKING:
    from .pool import VoicePool

# Measured with benchmarks/verify_bench.py on the samples (Piper joe, Whisper tiny.en): see
# the README. A score is 1 − the sentence's word error rate.
DEFAULT_THRESHOLD = 0.8
DEFAULT_TRIES = 3
SLOWER = 1.2  # the slower take: a fifth slower
LOOKAHEAD = 8  # sentences spoken ahead of the ones being heard
GROUP_S = 24.0  # consecutive sentences heard together, up to this much audio
GROUP_SENTENCES = 6
GAP_S = 0.4  # silence between the sentences heard together


class Hearer(Protocol):
    """What verification needs of a recogniser (see listen.Listener)."""

    def hear(self, clip: Clip) -> str: ...

    def identity(self) -> str: ...


def plan_verify(cores: int) -> tuple[int, int]:
    """(voice threads, listener threads) for a narration checked by ear on CORES cores: the
    listener takes a core of every four (at least one), the voice the rest."""
    listener = max(1, cores // 4)
    return max(1, cores - listener), listener


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
    scores: list[float] = field(default_factory=list)  # of every take heard, in order


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
    voices: VoicePool | None = None,
) -> Iterator[Clip]:
    """Every sentence of SCRIPT, spoken, heard and if need be re-spoken, in reading order;
    each verdict is added to REPORT.

    First takes are spoken ahead on a thread (or by VOICES' processes, when there are enough
    sentences to share out) while the takes before them are heard here. Consecutive
    sentences are heard together, up to GROUP_S seconds of audio: the recogniser hears 30 s
    windows, and one window for three sentences costs little more than one for one. What it
    heard is shared out among them by lining it up with their words. Re-takes are heard
    one by one."""
    sentences = script.sentences
    heard_by = listener.identity()
    texts = [engine_text(s.spoken) for s in sentences]
    identity = engine.identity()
    keys = [cache.key(identity, text) if cache else "" for text in texts]
    takes = first_takes(texts, keys, engine, report, heard_by, cache, voices)
    upcoming = iter(range(len(sentences)))
    try:
        while True:
            group: list[tuple[int, Take]] = []
            seconds = 0.0
            for index in upcoming:
                take = next(takes)
                group.append((index, take))
                if take.verdict is None:
                    seconds += take.clip.duration
                if seconds >= GROUP_S or len(group) >= GROUP_SENTENCES:
                    break
            if not group:
                return
            settled = settle_group(group, sentences, keys, engine, listener, report, cache)
            for clip, check in settled:
                report.checks.append(check)
                if progress:
                    progress(1)
                yield clip
    finally:
        takes.close()


def first_takes(
    texts: list[str],
    keys: list[str],
    engine: Engine,
    report: VerifyReport,
    heard_by: str,
    cache: SegmentCache | None,
    voices: VoicePool | None,
) -> Generator[Take, None, None]:
    """The first take of each of TEXTS (cached under KEYS), in order: from the cache (with
    its verdict, when it still stands), else spoken, LOOKAHEAD sentences ahead on a thread or
    by VOICES."""
    missing = [i for i, key in enumerate(keys) if cache is None or not cache.has(key)]
    pooled = set(missing) if voices is not None and voices.worth_it(len(missing)) else set()
    spoken = voices.speak([texts[i] for i in missing]) if voices and pooled else iter(())

    def take(index: int) -> Take:
        if index in pooled:
            return Take(next(spoken))
        if cache is not None:
            entry = cache.get_entry(keys[index])
            if entry is not None:
                verdict = entry.check
                if verdict is not None and not still_valid(verdict, heard_by, report):
                    verdict = None
                return Take(entry.clip, verdict)
        return Take(speak(engine, texts[index]))

    speaker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="narrate-speak")
    ahead: deque[Future[Take]] = deque()
    upcoming = iter(range(len(texts)))
    try:
        for index in itertools.islice(upcoming, LOOKAHEAD):
            ahead.append(speaker.submit(take, index))
        while ahead:
            result = ahead.popleft().result()
            following = next(upcoming, None)
            if following is not None:
                ahead.append(speaker.submit(take, following))
            yield result
    finally:
        speaker.shutdown(wait=True, cancel_futures=True)


def settle_group(
    group: list[tuple[int, Take]],
    sentences: list[Sentence],
    keys: list[str],
    engine: Engine,
    listener: Hearer,
    report: VerifyReport,
    cache: SegmentCache | None,
) -> list[tuple[Clip, Check]]:
    """Hear the takes of GROUP that have no verdict yet (together), re-speak those heard
    wrong, and give each sentence its kept clip and verdict, in order."""
    to_hear = [(index, take) for index, take in group if take.verdict is None]
    attempts = {
        index: Attempt(comparable_words(sentences[index].heard_as), take.clip)
        for index, take in to_hear
    }
    if to_hear:
        hear_together(listener, [(attempts[index], take.clip, "first") for index, take in to_hear])
    respeak([(sentences[index], attempts[index]) for index, _ in to_hear], engine, listener, report)
    settled = []
    for index, take in group:
        sentence = sentences[index]
        if take.verdict is not None:
            score = float(take.verdict["score"])
            heard_text = str(take.verdict.get("heard", ""))
            check = Check(
                index,
                sentence.written,
                sentence.heard_as,
                heard_text,
                score,
                0,
                "cached",
                score < report.threshold,
            )
            settled.append((take.clip, check))
            continue
        attempt = attempts[index]
        check = Check(
            index,
            sentence.written,
            sentence.heard_as,
            " ".join(attempt.heard),
            round(attempt.score, 3),
            len(attempt.scores),
            attempt.take,
            attempt.score < report.threshold,
            attempt.scores,
        )
        if cache is not None:
            cache.put(keys[index], attempt.clip, verdict_of(check, report, listener.identity()))
        settled.append((attempt.clip, check))
    return settled


@dataclass
class Attempt:
    """One sentence being checked: its comparable words and the best take so far."""

    reference: list[str]
    clip: Clip
    score: float = -1.0
    heard: list[str] = field(default_factory=list)
    take: str = "first"
    scores: list[float] = field(default_factory=list)  # of every take heard, in order

    def heard_take(self, clip: Clip, heard: list[str], name: str) -> None:
        score = words_score(self.reference, heard)
        self.scores.append(round(score, 3))
        if score > self.score:
            self.score, self.clip, self.heard, self.take = score, clip, heard, name


def hear_together(listener: Hearer, takes: list[tuple[Attempt, Clip, str]]) -> None:
    """Hear TAKES (attempt, clip, take name) in one window of the recogniser, the heard words
    shared out among them by lining them up with their references."""
    heard = heard_words(listener.hear(joined([clip for _, clip, _ in takes])))
    if len(takes) > 1:
        parts = split_heard([attempt.reference for attempt, _, _ in takes], heard)
    else:
        parts = [heard]
    for (attempt, clip, name), part in zip(takes, parts, strict=True):
        attempt.heard_take(clip, part, name)


def respeak(
    attempts: list[tuple[Sentence, Attempt]],
    engine: Engine,
    listener: Hearer,
    report: VerifyReport,
) -> None:
    """Re-take every sentence of ATTEMPTS heard below the threshold, in rounds: each round
    speaks the next re-take of every sentence still below it and hears them together (one
    recogniser window for the round, not one a take), until each is good or out of tries;
    the best take is kept."""
    plans = {
        id(attempt): retakes(engine, sentence, report.tries)
        for sentence, attempt in attempts
        if attempt.score < report.threshold
    }
    turn = 0
    while True:
        due = [
            (attempt, plans[id(attempt)][turn])
            for _, attempt in attempts
            if attempt.score < report.threshold and turn < len(plans.get(id(attempt), ()))
        ]
        if not due:
            return
        batch: list[tuple[Attempt, Clip, str]] = []
        for attempt, (name, text, pace) in due:
            clip = speak(engine, text, pace)
            if batch and sum(c.duration + GAP_S for _, c, _ in batch) + clip.duration > GROUP_S:
                hear_together(listener, batch)
                batch = []
            batch.append((attempt, clip, name))
        hear_together(listener, batch)
        turn += 1


def verdict_of(check: Check, report: VerifyReport, heard_by: str) -> dict[str, object]:
    """What the cache keeps of CHECK beside its take."""
    return {
        "listener": heard_by,
        "score": check.score,
        "heard": check.heard,
        "tries": report.tries,
        "threshold": report.threshold,
        "take": check.take,
    }


def joined(clips: list[Clip]) -> Clip:
    """CLIPS one after another with GAP_S of silence between (all at the first one's rate)."""
    rate = clips[0].rate
    gap = bytes(int(rate * GAP_S) * 2)
    return Clip(gap.join(clip.pcm for clip in clips), rate)


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
