"""The hibari engine: misaki phonemes from narrate's IPA, synthesis, and voices downloaded
only when asked (against a stand-in server on 127.0.0.1)."""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrate.cli import cli
from narrate.errors import EngineError
from narrate.speech.normalize.phonemes import (
    LETTERS_IPA,
    MISAKI_PATTERN,
    MISAKI_SOUNDS,
    MISAKI_TABLE,
    for_hibari,
    letters_ipa,
    misaki,
)
from tests.conftest import Route

hibari = pytest.importorskip("hibari")
NAMES = Path(__file__).resolve().parent.parent / "narrate/speech/normalize/data/news_names.tsv"


def vocabulary() -> set[str]:
    import hibari.tts

    with open(Path(hibari.tts.ASSETS) / "vocab.json", encoding="utf-8") as handle:
        return set(json.load(handle))


def untouched(ipa: str) -> set[str]:
    """The symbols of IPA that the conversion has no sound for (left out)."""
    converted = MISAKI_PATTERN.sub(lambda m: MISAKI_TABLE[m.group(0)], ipa)
    return {ch for ch in converted if ch not in MISAKI_SOUNDS}


def test_every_news_name_and_letter_converts_to_sounds_the_model_knows():
    known = vocabulary()
    entries = [
        line.split("\t")
        for line in NAMES.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert len(entries) > 300
    for written, _respelling, ipa, *_ in entries:
        assert not untouched(ipa), (written, ipa, untouched(ipa))
        assert set(misaki(ipa)) <= known, (written, misaki(ipa))
    for letter, ipa in LETTERS_IPA.items():
        assert not untouched(ipa) and set(misaki(ipa)) <= known, letter
    assert misaki("kˈiːv") == "kˈiv" and misaki("oʊdˈɛsə") == "Odˈɛsə"
    assert misaki(letters_ipa("F B I")) == "ˌɛfbˌijˈI"


def test_pauses_moved_into_a_block_come_back_after_it():
    assert for_hibari("the [[ jˌuːˈɛn, ]] said") == "the [name](/jˌuˈɛn/), said"
    assert for_hibari("Kyiv [[ kˈiːv? ]]") == "Kyiv [name](/kˈiv/)?"


@pytest.fixture(scope="module")
def engine():
    from narrate.voice.engines import get_engine

    return get_engine("hibari")


def test_initialisms_are_never_read_as_words(engine, tmp_path):
    story = tmp_path / "ai.txt"
    story.write_text("AI in the newsroom\n\nThe AI model and the UN agency met the FBI today.\n")
    result = CliRunner().invoke(cli, ["script", str(story), "--engine", "hibari"])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "model" in line)
    assert "[name](/ˌAˈI/)" in line and "[name](/jˌuˈɛn/)" in line
    spoken = " ".join(engine.phonemes(line))
    assert "ˌAˈI" in spoken and "ɐ ˌI" not in spoken  # given as text, "A I" is "a eye"
    assert "A I" not in line


def test_hibari_speaks_24_khz_seeded_and_slower_when_asked(engine):
    text = "The [[ jˌuːˈɛn ]] said on Tuesday that the city would get more shelters."
    first, again = engine.synthesize(text, seed=7), engine.synthesize(text, seed=7)
    assert first.rate == 24000 and first.duration > 2.0
    assert first.pcm == again.pcm  # the same noise seed, the same take
    assert engine.synthesize(text, seed=8).pcm != first.pcm  # a new seed, a new take
    slower = engine.synthesize(text, pace=1.3, seed=7)
    assert slower.duration > first.duration * 1.15
    long = ", and then ".join(["the council met again to talk about the bridge"] * 20) + "."
    assert engine.synthesize(long).duration > 20  # over the model's length: split, all said


@pytest.fixture
def no_network(monkeypatch):
    """A connection anywhere but this machine fails the test."""
    real = socket.socket.connect

    def guarded(self, address):  # type: ignore[no-untyped-def]
        host = address[0] if isinstance(address, tuple) else ""
        if host not in ("127.0.0.1", "::1"):
            raise AssertionError(f"narrate tried to reach {address}")
        return real(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def stand_in_voice(monkeypatch, server, tmp_path):
    """A voice 'tiny' in hibari's registry, served by the stand-in server."""
    from narrate.voice.engines import hibari as module

    payload = Path(hibari.__file__).with_name("assets").joinpath("hibari.onnx").read_bytes()
    registry = module.registry()
    registry["tiny"] = {
        "file": "tiny.int8.onnx",
        "bytes": len(payload),
        "sha256": hashlib.sha256(payload).hexdigest(),
        "language": "en-US",
        "accent": "American",
        "gender": "female",
        "british": False,
    }
    monkeypatch.setattr(module, "registry", lambda: registry)
    monkeypatch.setenv("NARRATE_VOICES_URL", server.url("/voices/"))
    monkeypatch.setenv("NARRATE_DATA_DIR", str(tmp_path / "data"))
    server.routes["/voices/tiny.int8.onnx"] = Route(
        body=payload, content_type="application/octet-stream"
    )
    return tmp_path / "data" / "voices" / "hibari" / "tiny.int8.onnx"


def test_a_voice_not_downloaded_is_one_line_naming_the_command(stand_in_voice, no_network):
    with pytest.raises(EngineError, match="narrate voices download tiny"):
        from narrate.voice.engines import get_engine

        get_engine("hibari", voice="tiny")
    result = CliRunner().invoke(cli, ["voices", "--engine", "hibari"])
    assert "downloadable" in result.output and "narrate voices download tiny" in result.output
    assert not stand_in_voice.exists()  # nothing was fetched on the way


def test_download_once_then_offline(stand_in_voice, server, no_network):
    from narrate.voice.engines import get_engine

    result = CliRunner().invoke(cli, ["voices", "download", "tiny"])
    assert result.exit_code == 0, result.output
    assert stand_in_voice.is_file()
    fetched = len(server.requests)
    engine = get_engine("hibari", voice="tiny")
    assert engine.synthesize("A short sentence.").duration > 0.5
    again = CliRunner().invoke(cli, ["voices", "download", "tiny"])
    assert again.exit_code == 0 and len(server.requests) == fetched  # already here
    assert [p.name for p in stand_in_voice.parent.iterdir()] == ["tiny.int8.onnx"]


def test_a_wrong_checksum_leaves_no_file(stand_in_voice, server, no_network):
    server.routes["/voices/tiny.int8.onnx"] = Route(
        body=b"not the voice" * 1000, content_type="application/octet-stream"
    )
    result = CliRunner().invoke(cli, ["voices", "download", "tiny"])
    assert result.exit_code == 1
    assert "is not the one hibari lists" in result.output
    assert len(result.output.strip().splitlines()) == 1
    folder = stand_in_voice.parent
    assert not folder.exists() or list(folder.iterdir()) == []


def test_no_network_is_one_line(stand_in_voice, monkeypatch):
    from tests.test_fetch import free_port

    monkeypatch.setenv("NARRATE_VOICES_URL", f"http://127.0.0.1:{free_port()}/voices/")
    result = CliRunner().invoke(cli, ["voices", "download", "tiny"])
    assert result.exit_code == 1 and "cannot download the hibari voice 'tiny'" in result.output
    assert not stand_in_voice.exists()


def test_auto_is_hibari_for_english_and_espeak_for_other_languages():
    from narrate.voice.engines import choose_engine

    assert choose_engine("auto", None) == "hibari"  # unknown language: English
    assert choose_engine("auto", "en-GB") == "hibari"
    assert choose_engine("auto", "en_US") == "hibari"
    assert choose_engine("auto", "de") == "espeak"
    assert choose_engine("auto", "uk-UA") == "espeak"
    assert choose_engine("auto", "de", voice="/voices/de_DE-thorsten-medium.onnx") == "piper"
    assert choose_engine("auto", "en", voice="joe") == "piper"
    assert choose_engine("auto", "en", voice="heart") == "hibari"
    assert choose_engine("piper", "en") == "piper"  # a choice is kept
    assert choose_engine("hibari", "de") == "hibari"  # …and fails later with one line


BLOCK_NETWORK = """
import socket
_connect = socket.socket.connect
def _guarded(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        raise OSError("network blocked by the test")
    return _connect(self, address)
socket.socket.connect = _guarded
def _no_lookup(*args, **kwargs):
    raise OSError("name lookup blocked by the test")
socket.getaddrinfo = _no_lookup
"""


def offline_env(tmp_path: Path) -> dict[str, str]:
    """An environment where no Python process (workers included) can open a network socket,
    with an empty home, data folder and cache: nothing there to find, nowhere to download."""
    import os

    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCK_NETWORK)
    home = tmp_path / "home"
    home.mkdir()
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "NARRATE_DATA_DIR": str(tmp_path / "data"),
        "NARRATE_CACHE_DIR": str(tmp_path / "cache"),
        "HF_HUB_OFFLINE": "0",  # were anything to try hub downloads, it would try and fail
    }


def test_the_sample_is_narrated_offline_with_the_default_voice(tmp_path):
    import subprocess
    import sys

    from mutagen.mp3 import MP3

    sample = Path(__file__).resolve().parent.parent / "samples/kyiv-independent-austin.html"
    env = offline_env(tmp_path)
    check = subprocess.run(
        [sys.executable, "-c", "import socket; socket.socket().connect(('127.0.0.1', 9))"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert "network blocked by the test" in check.stderr  # the block itself works
    out = tmp_path / "austin.mp3"
    result = subprocess.run(
        [sys.executable, "-m", "narrate", "article", str(sample), "-o", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "voice hibari heart" in result.stderr
    assert MP3(out).info.length > 120
    home = Path(env["HOME"])
    # Nothing downloaded or cached: ONNX Runtime leaves only its device id (a few bytes).
    written = [p for p in home.rglob("*") if p.is_file() and "Microsoft" not in p.parts]
    assert written == []
    assert sum(p.stat().st_size for p in home.rglob("*") if p.is_file()) < 100_000
    assert not (tmp_path / "data").exists()


def test_a_german_page_is_spoken_by_espeak_by_default(tmp_path):
    page = tmp_path / "de.html"
    page.write_text(
        '<html lang="de"><head><title>Ein Test</title></head><body><article><h1>Ein Test</h1>'
        "<p>Der Stadtrat hat am Montag einen neuen Haushalt beschlossen. Die Opposition "
        "kritisierte den Plan scharf.</p></article></body></html>",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["article", str(page), "-o", str(tmp_path / "de.mp3"), "--no-cache"]
    )
    assert result.exit_code == 0, result.output
    assert "voice espeak" in result.output
    hibari_only = CliRunner().invoke(
        cli, ["article", str(page), "-o", str(tmp_path / "x.mp3"), "--engine", "hibari"]
    )
    assert hibari_only.exit_code != 0 and "hibari speaks English only" in hibari_only.output
    assert not (tmp_path / "x.mp3").exists()


def feed_with(tmp_path: Path, *options: str) -> Path:
    folder = tmp_path / "feed"
    result = CliRunner().invoke(
        cli,
        [
            "feed",
            "init",
            str(folder),
            "--title",
            "Voices",
            "--author",
            "Desk",
            "--email",
            "desk@example.com",
            "--base-url",
            "https://example.org/podcast/",
            *options,
        ],
    )
    assert result.exit_code == 0, result.output
    return folder


def short_story(tmp_path: Path) -> Path:
    story = tmp_path / "story.md"
    story.write_text(
        "# Council approves the budget\n\nThe city council approved the budget on Monday "
        "after a long debate. The mayor said the plan would fund new schools.\n",
        encoding="utf-8",
    )
    return story


def test_a_feed_speaks_with_hibari_by_default_and_voice_picks_one(tmp_path, no_network):
    folder = feed_with(tmp_path)
    assert 'engine = "auto"' in (folder / "feed.toml").read_text()
    added = CliRunner().invoke(cli, ["feed", "add", str(folder), str(short_story(tmp_path))])
    assert added.exit_code == 0, added.output
    assert list((folder / "public" / "episodes").glob("*.mp3"))
    from narrate.feed.config import load_config
    from narrate.feed.episodes import feed_engine

    config = load_config(folder)
    assert feed_engine(config, "en") == "hibari" and feed_engine(config, "fr") == "espeak"


def test_a_feed_voice_not_downloaded_names_the_command(tmp_path, stand_in_voice, no_network):
    folder = feed_with(tmp_path, "--voice", "tiny")
    added = CliRunner().invoke(cli, ["feed", "add", str(folder), str(short_story(tmp_path))])
    assert added.exit_code != 0
    assert "narrate voices download tiny" in added.output
    assert not list((folder / "public" / "episodes").glob("*.mp3"))
    assert not stand_in_voice.exists()  # never fetched during a narration
