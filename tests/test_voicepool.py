"""Several processes speaking one article: order, timings and the cache stay exact."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from narrate.errors import EngineError
from narrate.model import Article, Block, Clip
from narrate.speech.script import build_script
from narrate.voice import engines
from narrate.voice.cache import SegmentCache
from narrate.voice.pool import VoicePool, VoiceSpec, plan_processes
from narrate.voice.synth import iter_clips
from tests.test_master import ToneEngine

pytestmark = pytest.mark.skipif(os.name != "posix", reason="worker set-up relies on fork")


class LoggingTone(ToneEngine):
    """The test voice, noting which process spoke each sentence (in $SPOKEN_LOG)."""

    def __init__(self, voice: str | None = None, lang: str | None = None) -> None:
        pass

    def identity(self) -> dict[str, object]:
        return {"engine": "tone"}

    def synthesize(self, text: str) -> Clip:
        with open(os.environ["SPOKEN_LOG"], "a") as handle:
            handle.write(f"{os.getpid()}\t{text}\n")
        return super().synthesize(text)


@pytest.fixture
def tone_engine(monkeypatch, tmp_path):
    """A 'tone' engine workers can build by name (forked workers: they get this registry)."""
    log = tmp_path / "spoken.log"
    monkeypatch.setenv("SPOKEN_LOG", str(log))
    monkeypatch.setitem(
        engines.ENGINES, "tone", ("tests.test_voicepool", "LoggingTone", True, "test voice")
    )
    return log


ARTICLE = Article(
    title="Counting the sentences",
    author="A. Writer",
    site="Example",
    lang="en",
    blocks=[
        Block("paragraph", "The first sentence is short. The second one is a little longer."),
        Block("paragraph", "A third arrives. Then a fourth, which runs on for a good while."),
        Block("heading", "More"),
        Block("paragraph", "Five. Six is here too. And seven ends the article."),
    ],
)


def spoken(log: Path) -> list[tuple[int, str]]:
    if not log.exists():
        return []
    return [
        (int(pid), text)
        for pid, text in (line.split("\t", 1) for line in log.read_text().splitlines())
    ]


def test_processes_speak_in_reading_order_exactly_as_one_process_would(tone_engine, tmp_path):
    script = build_script(ARTICLE)
    engine = engines.get_engine("tone")
    alone = list(iter_clips(script, engine))
    tone_engine.unlink(missing_ok=True)
    cache = SegmentCache(tmp_path / "cache")
    with VoicePool(VoiceSpec("tone", None, None, 1), 2, "fork") as voices:
        pooled = list(iter_clips(script, engine, cache=cache, voices=voices))
        assert pooled == alone  # same clips, same order: the timings follow
        speakers = {pid for pid, _ in spoken(tone_engine)}
        assert os.getpid() not in speakers and len(speakers) == 2

        tone_engine.unlink(missing_ok=True)
        again = list(iter_clips(script, engine, cache=cache, voices=voices))
        assert again == alone and spoken(tone_engine) == []  # all from the cache


def test_one_missing_sentence_is_spoken_here(tone_engine, tmp_path):
    script = build_script(ARTICLE)
    engine = engines.get_engine("tone")
    cache = SegmentCache(tmp_path / "cache")
    list(iter_clips(script, engine, cache=cache))
    edited = build_script(
        Article(**{**ARTICLE.__dict__, "blocks": [*ARTICLE.blocks, Block("paragraph", "New.")]})
    )
    tone_engine.unlink(missing_ok=True)
    with VoicePool(VoiceSpec("tone", None, None, 1), 2, "fork") as voices:
        clips = list(iter_clips(edited, engine, cache=cache, voices=voices))
    assert len(clips) == len(edited.sentences)
    assert [pid for pid, _ in spoken(tone_engine)] == [os.getpid()]


def test_a_voice_that_cannot_load_is_a_clear_error_not_a_hang(tmp_path):
    script = build_script(ARTICLE)
    engine = engines.get_engine("espeak")
    with (
        VoicePool(VoiceSpec("piper", str(tmp_path / "missing.onnx"), None, 1), 2) as voices,
        pytest.raises(EngineError, match="not found"),
    ):
        list(iter_clips(script, engine, voices=voices))


def test_plan_gives_each_process_its_share_of_the_cores():
    assert plan_processes(1) == (1, 1)
    assert plan_processes(2) == (2, 1)
    assert plan_processes(16) == (4, 4)


@pytest.mark.slow
def test_real_piper_voices_in_two_processes_keep_reading_order():
    """Piper samples noise, so no two syntheses match to the sample; the order shows in the
    lengths: short, long, short, long."""
    sentences = [
        "Indeed.",
        "This sentence is a great deal longer than the one before it, and that is on purpose.",
        "Right.",
        "And here is another long sentence, so that the short ones stand out between them.",
    ]
    article = Article(
        title="Piper in pieces", lang="en", blocks=[Block("paragraph", " ".join(sentences))]
    )
    script = build_script(article, intro=False, outro=False)
    assert len(script.sentences) == 4
    engine = engines.get_engine("piper", threads=1)
    with VoicePool(VoiceSpec("piper", None, None, 1), 2) as voices:
        durations = [clip.duration for clip in iter_clips(script, engine, voices=voices)]
    assert durations[0] < 1.5 < durations[1] and durations[2] < 1.5 < durations[3]


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_workers_from_a_fresh_interpreter_speak_too(method):
    """Where workers cannot be forked copies (macOS: spawn; Linux: the fork server)."""
    engine = engines.get_engine("espeak", lang="en")
    script = build_script(ARTICLE)
    with VoicePool(VoiceSpec("espeak", None, "en", 1), 2, method) as voices:
        clips = list(iter_clips(script, engine, voices=voices))
    assert len(clips) == len(script.sentences)
    assert all(clip.duration > 0.2 for clip in clips)
