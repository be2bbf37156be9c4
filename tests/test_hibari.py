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
