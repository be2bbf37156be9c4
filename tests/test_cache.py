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
from narrate.voice.engines.base import EngineBase
from narrate.voice.synth import synthesize_sentence
from tests.conftest import SAMPLE_HTML


class CountingEngine(EngineBase):
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


def users_music(folder: Path) -> dict[Path, bytes]:
    """A folder of the user's own: WAVs, a text file, and a folder named like a cache shard."""
    files = {
        folder / "album" / "track01.wav": b"RIFF-the-users-track",
        folder / "notes.txt": b"mine",
        folder / "ab" / ("ab" + "0" * 62 + ".wav"): b"a wav named like an entry, but mine",
    }
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return files


def test_a_folder_of_the_users_is_never_adopted_cleared_or_evicted(tmp_path, monkeypatch):
    music = tmp_path / "Music"
    files = users_music(music)
    monkeypatch.setenv("NARRATE_CACHE_DIR", str(music))
    runner = CliRunner()
    for args in (["cache", "clear"], ["cache", "info"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 1
        assert f"the cache folder {music} holds other files" in result.output
        assert len(result.output.strip().splitlines()) == 1
    with pytest.raises(Exception, match="not narrate's"):
        SegmentCache(music, max_bytes=0)
    result = runner.invoke(
        cli, ["article", str(SAMPLE_HTML), "--engine", "espeak", "-o", str(tmp_path / "a.mp3")]
    )
    assert result.exit_code == 1 and "--no-cache" in result.output
    assert all(path.read_bytes() == data for path, data in files.items())
    assert sorted(p.name for p in music.iterdir()) == ["ab", "album", "notes.txt"]
    assert not (tmp_path / "levels.json").exists()  # nothing written beside it either


def test_the_cache_deletes_only_its_own_entries(tmp_path):
    cache = SegmentCache(tmp_path / "cache", max_bytes=0)
    key = SegmentCache.key({"engine": "x"}, "hello")
    cache.put(key, Clip(b"\x01\x00" * 800, 16000))
    assert (tmp_path / "cache" / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f59")
    outside = tmp_path / "precious.wav"
    outside.write_bytes(b"mine")
    planted = [
        cache.path / key[:2] / "readme.txt",  # a stranger's file in a shard
        cache.path / "album.wav",  # and at the top
    ]
    for path in planted:
        path.write_bytes(b"not narrate's")
    link = cache.path / key[:2] / ("f" * 64 + ".wav")  # a link named like an entry
    link.symlink_to(outside)
    assert cache.evict() == 1 and cache.get(key) is None  # its own entry, evicted
    cache.put(key, Clip(b"\x01\x00" * 800, 16000))
    assert cache.clear() == 1
    assert outside.read_bytes() == b"mine" and link.is_symlink()
    assert all(path.read_bytes() == b"not narrate's" for path in planted)


def test_an_older_untagged_cache_is_recognised_and_tagged(tmp_path):
    old = tmp_path / "segments"
    key = "cd" + "1" * 62
    (old / "cd").mkdir(parents=True)
    (old / "cd" / f"{key}.wav").write_bytes(b"RIFF")
    cache = SegmentCache(old)
    assert (old / "CACHEDIR.TAG").exists()
    assert cache.info().entries == 1
    assert cache.clear() == 1


def test_level_memory_stays_inside_the_cache_and_reads_garbage_as_nothing(tmp_path, monkeypatch):
    from narrate.audio.stream import LevelMemory, default_memory

    monkeypatch.setenv("NARRATE_CACHE_DIR", str(tmp_path / "cache"))
    memory = default_memory()
    assert memory.path == tmp_path / "cache" / "levels.json"
    memory.remember("piper:joe", -16.0, -3.5)
    assert memory.predict("piper:joe", -16.0) == -3.5
    for garbage in ('{"piper:joe@-16.0": "loud"}', '{"piper:joe@-16.0": null}', "[1]", "\x00"):
        memory.path.write_text(garbage)
        assert isinstance(memory.predict("piper:joe", -16.0), float)
    foreign = tmp_path / "Music"
    users_music(foreign)
    LevelMemory(foreign / "levels.json").remember("piper:joe", -16.0, -3.5)
    assert not (foreign / "levels.json").exists()
