"""Audio QA (`--verify`): every sentence is heard by a recogniser as it is spoken; one that
comes out wrong is spoken again, and the best take is kept.

A neural voice samples noise as it speaks, so the same sentence can come out well in one take
and slurred in the next. A take scoring below the threshold is re-spoken, at most `tries`
times: with new noise (engines whose takes vary), then slower, then with its numbers said
the other way (years in full, halves as halves), then in the sentence's other rendering
(initialisms and names as letters and respellings instead of phonemes), and each re-take is
heard in turn. The best take goes into the segment cache with its verdict, so a
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
from .speak import speak
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
    take: str  # which take was kept: first, new noise, slower, other numbers, alternative, cached
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
    varies = engine.varies
    if varies:
        plan.append(("new noise", text, 1.0))
    if engine.paced:
        plan.append(("slower", text, SLOWER))
    if sentence.numbers_spoken and sentence.numbers_spoken != sentence.spoken:
        plan.append(("other numbers", engine_text(sentence.numbers_spoken), 1.0))
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
    sentences to share out) while the takes before them are heard here. Takes are heard
    together, a window of the recogniser at a time (up to GROUP_S seconds of audio: the
    recogniser hears 30 s windows, and one window for three sentences costs little more than
    one for one); what it heard is shared out among them by lining it up with their words. A
    sentence heard below the threshold is spoken again at once and its re-take goes first into
    the next window, beside the first takes that follow it."""
    sentences = script.sentences
    heard_by = listener.identity()
    texts = [engine_text(s.spoken) for s in sentences]
    identity = engine.identity()
    keys = [cache.key(identity, text) if cache else "" for text in texts]
    takes = first_takes(texts, keys, engine, report, heard_by, cache, voices)
    checker = Checker(sentences, keys, engine, listener, report, cache)
    try:
        for index in range(len(sentences)):
            checker.add(index, next(takes))
            while checker.window_is_full():
                checker.hear_window()
            yield from checker.settled(progress)
        while checker.waiting():
            checker.hear_window()
            yield from checker.settled(progress)
    finally:
        checker.close()
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


@dataclass
class Attempt:
    """One sentence being checked: its comparable words, the best take so far, and the
    re-takes it has left."""

    index: int
    reference: list[str]
    clip: Clip
    plan: list[tuple[str, str, float]]  # re-takes still to try: (name, engine text, pace)
    score: float = -1.0
    heard: list[str] = field(default_factory=list)
    take: str = "first"
    scores: list[float] = field(default_factory=list)  # of every take heard, in order
    other_reference: list[str] = field(default_factory=list)  # numbers said the other way

    def heard_take(self, clip: Clip, heard: list[str], name: str) -> None:
        """Score a take: heard as either way of saying its numbers counts as right."""
        score = words_score(self.reference, heard)
        if self.other_reference:
            score = max(score, words_score(self.other_reference, heard))
        self.scores.append(round(score, 3))
        if score > self.score:
            self.score, self.clip, self.heard, self.take = score, clip, heard, name


class Checker:
    """The takes waiting to be heard, the sentences being checked, and those settled."""

    def __init__(
        self,
        sentences: list[Sentence],
        keys: list[str],
        engine: Engine,
        listener: Hearer,
        report: VerifyReport,
        cache: SegmentCache | None,
    ) -> None:
        self.sentences, self.keys, self.engine = sentences, keys, engine
        self.listener, self.report, self.cache = listener, report, cache
        self.queue: deque[tuple[Attempt, Clip, str]] = deque()  # takes to hear, in order
        self.speaking: list[tuple[Attempt, Future[Clip], str]] = []  # re-takes on the thread
        self.speaker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="narrate-retake")
        self.done: dict[int, tuple[Clip, Check]] = {}
        self.next_out = 0  # the next sentence to give out, in reading order

    def add(self, index: int, take: Take) -> None:
        """A sentence's first take: settled by its cached verdict, or queued to be heard."""
        sentence = self.sentences[index]
        if take.verdict is not None:
            score = float(take.verdict["score"])
            check = Check(
                index,
                sentence.written,
                sentence.heard_as,
                str(take.verdict.get("heard", "")),
                score,
                0,
                "cached",
                score < self.report.threshold,
            )
            self.done[index] = (take.clip, check)
            return
        plan = retakes(self.engine, sentence, self.report.tries)
        attempt = Attempt(
            index,
            comparable_words(sentence.heard_as),
            take.clip,
            plan,
            other_reference=comparable_words(sentence.numbers_words),
        )
        self.queue.append((attempt, take.clip, "first"))

    def close(self) -> None:
        self.speaker.shutdown(wait=True, cancel_futures=True)

    def collect(self, wait: bool = False) -> None:
        """Move the re-takes that have been spoken to the head of the queue, earliest
        sentence first (WAIT: all of them, when nothing else is left to hear)."""
        if wait:
            for _, future, _ in self.speaking:
                future.result()
        ready, still = [], []
        for item in self.speaking:  # one look at each: a re-take may finish meanwhile
            (ready if item[1].done() else still).append(item)
        self.speaking = still
        for attempt, future, name in reversed(ready):
            self.queue.appendleft((attempt, future.result(), name))

    def queued_s(self) -> float:
        return sum(clip.duration + GAP_S for _, clip, _ in self.queue)

    def window_is_full(self) -> bool:
        self.collect()
        return len(self.queue) >= GROUP_SENTENCES or self.queued_s() >= GROUP_S

    def waiting(self) -> bool:
        return bool(self.queue or self.speaking)

    def hear_window(self) -> None:
        """Hear the takes at the head of the queue that fit one window, together; have the
        next re-take of each sentence still below the threshold spoken on a thread (it goes
        to the head of the queue when it is ready) and settle the others."""
        self.collect(wait=not self.queue)
        window: list[tuple[Attempt, Clip, str]] = []
        seconds = 0.0
        while self.queue and len(window) < GROUP_SENTENCES:
            length = self.queue[0][1].duration + GAP_S
            if window and seconds + length > GROUP_S:
                break
            window.append(self.queue.popleft())
            seconds += length
        heard = heard_words(self.listener.hear(joined([clip for _, clip, _ in window])))
        if len(window) > 1:
            parts = split_heard([attempt.reference for attempt, _, _ in window], heard)
        else:
            parts = [heard]
        retaken = []
        for (attempt, clip, name), part in zip(window, parts, strict=True):
            attempt.heard_take(clip, part, name)
            if attempt.score < self.report.threshold and attempt.plan:
                retaken.append(attempt)
            else:
                self.settle(attempt)
        for attempt in retaken:
            name, text, pace = attempt.plan.pop(0)
            future = self.speaker.submit(speak, self.engine, text, pace)
            self.speaking.append((attempt, future, name))
        self.speaking.sort(key=lambda item: item[0].index)

    def settle(self, attempt: Attempt) -> None:
        sentence = self.sentences[attempt.index]
        check = Check(
            attempt.index,
            sentence.written,
            sentence.heard_as,
            " ".join(attempt.heard),
            round(attempt.score, 3),
            len(attempt.scores),
            attempt.take,
            attempt.score < self.report.threshold,
            attempt.scores,
        )
        if self.cache is not None:
            verdict = verdict_of(check, self.report, self.listener.identity())
            self.cache.put(self.keys[attempt.index], attempt.clip, verdict)
        self.done[attempt.index] = (attempt.clip, check)

    def settled(self, progress: Callable[[int], None] | None) -> Iterator[Clip]:
        """The clips of the settled sentences that come next in reading order."""
        while self.next_out in self.done:
            clip, check = self.done.pop(self.next_out)
            self.report.checks.append(check)
            self.next_out += 1
            if progress:
                progress(1)
            yield clip


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
