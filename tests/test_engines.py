import base64
import itertools
import json
import math
import re
import struct
import subprocess
import threading
import time
import urllib.parse

import pytest

from narrate.errors import EngineError, NetworkError
from narrate.ffmpeg import ffmpeg_path
from narrate.model import Clip
from narrate.voice.engines import get_engine
from narrate.voice.engines.gtts import ENDPOINT_ENV, GttsEngine
from narrate.voice.synth import synthesize_sentence
from tests.conftest import Route
from tests.test_fetch import free_port


def tone_mp3(seconds: float = 0.4, rate: int = 24000) -> bytes:
    pcm = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i / rate)))
        for i in range(int(seconds * rate))
    )
    return subprocess.run(
        [
            ffmpeg_path(),
            "-loglevel",
            "error",
            "-f",
            "s16le",
            "-ar",
            str(rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-f",
            "mp3",
            "pipe:1",
        ],
        input=pcm,
        capture_output=True,
        check=True,
    ).stdout


def batchexecute_body(mp3: bytes) -> bytes:
    """The shape of Google's batchexecute answer that gTTS parses."""
    b64 = base64.b64encode(mp3).decode()
    line = json.dumps(
        [["wrb.fr", "jQ1olc", json.dumps([b64]), None, None, None, "generic"]],
        separators=(",", ":"),
    )
    return f")]}}'\n\n{len(line)}\n{line}\n".encode()


def test_espeak_speaks_english_and_german():
    english = get_engine("espeak", lang="en").synthesize("Hello from the offline engine.")
    german = get_engine("espeak", lang="de").synthesize("Guten Tag aus Kiew.")
    assert english.rate == 22050
    assert 1.0 < english.duration < 5.0
    assert 0.4 < german.duration < 4.0
    assert max(abs(v) for v in struct.unpack(f"<{len(english.pcm) // 2}h", english.pcm)) > 1000


def test_espeak_lists_many_voices_and_rejects_unknown():
    engine = get_engine("espeak")
    assert len(engine.voices()) > 50
    with pytest.raises(EngineError, match="no voice"):
        get_engine("espeak", voice="xx-nonexistent").synthesize("hello")


def test_piper_bundled_voice_speaks():
    engine = get_engine("piper")
    clip = engine.synthesize("The offline voice works.")
    assert clip.rate == 22050
    assert 0.8 < clip.duration < 4.0
    assert engine.voice == "en_US-joe-medium"


def test_piper_rejects_bad_voice_paths(tmp_path):
    with pytest.raises(EngineError, match="not found"):
        get_engine("piper", voice=str(tmp_path / "missing.onnx"))
    with pytest.raises(EngineError, match="unknown Piper voice"):
        get_engine("piper", voice="someone-else")


def test_unknown_engine():
    with pytest.raises(EngineError, match="unknown engine"):
        get_engine("festival")


def gtts_texts(requests):
    texts = []
    for _method, _path, body in requests:
        payload = urllib.parse.unquote(body.decode().split("f.req=", 1)[1].rstrip("&"))
        texts.append(json.loads(json.loads(payload)[0][0][1])[0])
    return texts


def test_gtts_against_a_stand_in_server(server, monkeypatch):
    mp3 = tone_mp3()
    server.routes["/_/TranslateWebserverUi/data/batchexecute"] = Route(
        body=batchexecute_body(mp3), content_type="application/json"
    )
    monkeypatch.setenv(ENDPOINT_ENV, server.base_url)
    engine = GttsEngine(lang="en", backoff_s=0.01)
    clip = engine.synthesize("Hello from Google.")
    assert clip.rate == 24000
    assert 0.3 < clip.duration < 0.7
    assert gtts_texts(server.requests) == ["Hello from Google."]


WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight"]


def test_gtts_speaks_several_sentences_at_once_and_keeps_their_order(server, monkeypatch):
    """Online synthesis is network-bound: sentences go out four at a time, come back in
    reading order, each with its own audio."""
    from narrate.model import Article, Block
    from narrate.speech.script import build_script
    from narrate.voice.synth import iter_clips

    lock = threading.Lock()
    state = {"in_flight": 0, "most": 0}
    tones = {n: tone_mp3(0.3 * n) for n in range(1, 9)}

    def answer(handler):
        (text,) = gtts_texts([("POST", handler.path, handler.request_body)])
        number = WORDS.index(re.search(r"number (\w+)", text).group(1)) + 1
        with lock:
            state["in_flight"] += 1
            state["most"] = max(state["most"], state["in_flight"])
        time.sleep(0.03 * (9 - number))  # the network's time: earlier sentences answer later
        with lock:
            state["in_flight"] -= 1
        return Route(body=batchexecute_body(tones[number]), content_type="application/json")

    server.routes["/_/TranslateWebserverUi/data/batchexecute"] = answer
    monkeypatch.setenv(ENDPOINT_ENV, server.base_url)
    paragraph = " ".join(f"This is sentence number {n}." for n in range(1, 9))
    article = Article(title="Counting", blocks=[Block("paragraph", paragraph)], lang="en")
    script = build_script(article, intro=False, outro=False)
    assert [s.spoken for s in script.sentences] == [f"This is sentence number {w}." for w in WORDS]
    engine = GttsEngine(lang="en", backoff_s=0.01)
    durations = [clip.duration for clip in iter_clips(script, engine)]
    steps = [b - a for a, b in itertools.pairwise(durations)]
    assert all(0.2 < step < 0.4 for step in steps), steps  # each its own tone, 0.3 s longer
    assert state["most"] > 1


def test_gtts_long_sentences_are_chunked_under_its_limit(server, monkeypatch):
    server.routes["/_/TranslateWebserverUi/data/batchexecute"] = Route(
        body=batchexecute_body(tone_mp3(0.2)), content_type="application/json"
    )
    monkeypatch.setenv(ENDPOINT_ENV, server.base_url)
    sentence = (
        "Russia has increasingly turned to other sources for military equipment, including "
        "North Korea, which has shipped more than one million artillery shells, officials said."
    )
    synthesize_sentence(GttsEngine(lang="en", backoff_s=0.01), sentence)
    texts = gtts_texts(server.requests)
    assert len(texts) >= 2
    assert all(len(t) <= 100 for t in texts)
    assert " ".join(texts) == sentence


def test_gtts_retries_429_and_5xx_then_succeeds(server, monkeypatch):
    answers = [
        Route(429, b"slow down", "text/plain", {"Retry-After": "0"}),
        Route(503, b"busy", "text/plain"),
    ]
    good = Route(body=batchexecute_body(tone_mp3()), content_type="application/json")
    server.routes["/_/TranslateWebserverUi/data/batchexecute"] = lambda _request: (
        answers.pop(0) if answers else good
    )
    monkeypatch.setenv(ENDPOINT_ENV, server.base_url)
    clip = GttsEngine(lang="en", backoff_s=0.01).synthesize("Try again.")
    assert clip.duration > 0.3
    assert len(server.requests) == 3


def test_gtts_gives_up_after_retries(server, monkeypatch):
    server.routes["/_/TranslateWebserverUi/data/batchexecute"] = Route(500, b"down", "text/plain")
    monkeypatch.setenv(ENDPOINT_ENV, server.base_url)
    with pytest.raises(EngineError, match="HTTP 500"):
        GttsEngine(lang="en", retries=2, backoff_s=0.01).synthesize("Nope.")
    assert len(server.requests) == 3


def test_gtts_without_network_names_the_offline_engines(monkeypatch):
    monkeypatch.setenv(ENDPOINT_ENV, f"http://127.0.0.1:{free_port()}")
    with pytest.raises(NetworkError) as info:
        GttsEngine(lang="en", backoff_s=0.01).synthesize("Hello.")
    message = str(info.value)
    assert "piper" in message and "espeak" in message and "\n" not in message


def test_gtts_rejects_unknown_language():
    with pytest.raises(EngineError, match="no language"):
        GttsEngine(lang="xx")


def test_sentence_pieces_are_joined_with_a_short_gap():
    class Fake:
        name, offline, max_chars, sample_rate, voice = "fake", True, 20, 1000, "v"

        def synthesize(self, text):
            return Clip(b"\x01\x00" * 100, 1000)

    clip = synthesize_sentence(Fake(), "one two three four five six seven eight")
    assert clip.duration > 0.3  # at least two pieces and one gap


def test_gtts_answer_without_audio_is_a_clear_error(server, monkeypatch):
    server.routes["/_/TranslateWebserverUi/data/batchexecute"] = Route(
        body=b')]}\'\n\n[["wrb.fr","jQ1olc",null]]\n', content_type="application/json"
    )
    monkeypatch.setenv(ENDPOINT_ENV, server.base_url)
    with pytest.raises(EngineError, match="no audio"):
        GttsEngine(lang="en", backoff_s=0.01).synthesize("Hello.")


def test_piper_accepts_any_voice_file(tmp_path):
    import shutil

    from narrate.voice.engines.piper import bundled_voice_path

    model = bundled_voice_path()
    copy = tmp_path / "my-voice.onnx"
    shutil.copy(model, copy)
    shutil.copy(model.with_name(model.name + ".json"), tmp_path / "my-voice.onnx.json")
    engine = get_engine("piper", voice=str(copy))
    assert engine.voice == "my-voice"
    assert engine.synthesize("A voice from a file.").duration > 0.5


def test_piper_warns_when_asked_for_another_language(caplog):
    caplog.set_level("WARNING")
    get_engine("piper", lang="de")
    assert "speaks English" in caplog.text


@pytest.mark.parametrize(
    ("lang", "voice"),
    [("zh", "cmn"), ("zh-TW", "cmn"), ("zh_HK", "yue"), ("iw", "he"), ("no", "nb"),
     ("de-AT", "de"), ("fr", "fr"), ("pt_BR", "pt-br"), ("en", "en-us"), ("en-GB", "gmw/en")],
)  # fmt: skip
def test_espeak_finds_its_voice_for_the_codes_pages_declare(lang, voice):
    engine = get_engine("espeak", lang=lang)
    assert engine.voice == voice
    assert len(engine.synthesize("Hello, 你好.").pcm) > 1000
