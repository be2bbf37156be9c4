"""The segment cache: never stale, shared safely, bounded."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrate.cli import cli
from narrate.model import Clip
from narrate.voice.cache import SegmentCache
from narrate.voice.engines import get_engine
from narrate.voice.synth import synthesize_sentence
from tests.conftest import SAMPLE_HTML


class CountingEngine:
    """Synthesises a clip whose samples encode the text and a setting, and counts calls."""

    name, offline, max_chars, sample_rate = "count", True, 400, 8000

    def __init__(self, voice: str = "a", speed: float = 1.0) -> None:
        self.voice = voice
        self.speed = speed
        self.calls = 0

    def identity(self) -> dict[str, object]:
        return {"engine": self.name, "version": "1", "voice": self.voice, "speed": self.speed}

    def synthesize(self, text: str) -> Clip:
        self.calls += 1
        marker = (sum(map(ord, text + self.voice)) + int(self.speed * 100)) % 30000
        return Clip(marker.to_bytes(2, "little") * 800, self.sample_rate)


def test_a_hit_needs_no_synthesis_and_returns_the_same_clip(tmp_path):
    cache = SegmentCache(tmp_path)
    engine = CountingEngine()
    first = synthesize_sentence(engine, "Kyiv held on Nov. 14.", cache)
    second = synthesize_sentence(engine, "Kyiv held on Nov. 14.", cache)
    assert engine.calls == 1
    assert second == first
    assert (cache.hits, cache.misses) == (1, 1)


@pytest.mark.parametrize(
    "change",
    [
        {"text": "Kyiv held on Nov. 15."},
        {"voice": "b"},
        {"speed": 1.1},
        {"engine": "other"},
    ],
)
def test_a_changed_text_voice_setting_or_engine_never_reuses_a_stale_clip(tmp_path, change):
    cache = SegmentCache(tmp_path)
    base = CountingEngine()
    synthesize_sentence(base, "Kyiv held on Nov. 14.", cache)
    engine = CountingEngine(voice=change.get("voice", "a"), speed=change.get("speed", 1.0))
    if "engine" in change:
        engine.name = change["engine"]
    clip = synthesize_sentence(engine, change.get("text", "Kyiv held on Nov. 14."), cache)
    assert engine.calls == 1
    assert clip == engine.synthesize(change.get("text", "Kyiv held on Nov. 14."))


def test_real_engine_identities_differ_where_the_audio_would():
    key = SegmentCache.key
    espeak_en = get_engine("espeak", lang="en").identity()
    espeak_de = get_engine("espeak", lang="de").identity()
    piper = get_engine("piper").identity()
    assert len({key(espeak_en, "x"), key(espeak_de, "x"), key(piper, "x")}) == 3
    assert key(piper, "x") != key(piper, "y")
    assert piper["version"] != "unknown" and piper["model"]


def test_damaged_entries_are_dropped(tmp_path):
    cache = SegmentCache(tmp_path)
    engine = CountingEngine()
    synthesize_sentence(engine, "One.", cache)
    entry = next(tmp_path.rglob("*.wav"))
    entry.write_bytes(b"RIFF garbage")
    synthesize_sentence(engine, "One.", cache)
    assert engine.calls == 2


def test_least_recently_used_entries_are_evicted(tmp_path):
    cache = SegmentCache(tmp_path, max_bytes=10_000)
    engine = CountingEngine()
    for n in range(8):
        synthesize_sentence(engine, f"Sentence {n}.", cache)
        entry = cache.entry(cache.key(engine.identity(), f"Sentence {n}."))
        os.utime(entry, (1000 + n, 1000 + n))
    os.utime(cache.entry(cache.key(engine.identity(), "Sentence 0.")), (5000, 5000))  # just used
    removed = cache.evict()
    assert removed > 0
    info = cache.info()
    assert info.bytes <= 10_000
    assert cache.get(cache.key(engine.identity(), "Sentence 0.")) is not None
    assert cache.get(cache.key(engine.identity(), "Sentence 1.")) is None


def fill(path: str, worker: int, results) -> None:
    cache = SegmentCache(Path(path))
    engine = CountingEngine()
    for round_ in range(3):
        for n in range(30):
            clip = synthesize_sentence(engine, f"Shared sentence {n}.", cache)
            expected = CountingEngine().synthesize(f"Shared sentence {n}.")
            if clip != expected:
                results.put(f"worker {worker} round {round_}: wrong clip for {n}")
                return
    results.put("ok")


def test_concurrent_runs_share_the_cache_without_corruption(tmp_path):
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    workers = [context.Process(target=fill, args=(str(tmp_path), w, results)) for w in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert sorted(results.get(timeout=5) for _ in workers) == ["ok"] * 4
    assert not list(tmp_path.rglob("*.part"))
    assert SegmentCache(tmp_path).info().entries == 30


def test_cli_cache_info_clear_and_no_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NARRATE_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()
    out = tmp_path / "a.mp3"
    first = runner.invoke(
        cli,
        [
            "article",
            str(SAMPLE_HTML),
            "--engine",
            "espeak",
            "-o",
            str(out),
            "--no-sidecars",
            "--no-remote-cover",
        ],
    )
    assert first.exit_code == 0, first.output
    info = runner.invoke(cli, ["cache", "info"])
    assert info.exit_code == 0
    assert str(tmp_path / "cache") in info.output and "15 clips" in info.output
    again = runner.invoke(
        cli,
        [
            "article",
            str(SAMPLE_HTML),
            "--engine",
            "espeak",
            "-o",
            str(tmp_path / "b.mp3"),
            "--no-sidecars",
            "--no-cache",
        ],
    )
    assert again.exit_code == 0
    cleared = runner.invoke(cli, ["cache", "clear"])
    assert cleared.exit_code == 0 and "15" in cleared.output
    assert "0 clips" in runner.invoke(cli, ["cache", "info"]).output


def test_default_location_is_the_user_cache_dir(monkeypatch):
    from narrate.voice.cache import default_dir

    monkeypatch.delenv("NARRATE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/tmp/xdg-cache-for-narrate-test")
    assert default_dir() == Path("/tmp/xdg-cache-for-narrate-test/narrate/segments")
