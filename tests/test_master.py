"""Mastering: loudness, pauses and exact cue positions, chapters, tags, cover, formats, music."""

from __future__ import annotations

import json
import math
import re
import shutil
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import ID3
from PIL import Image

from narrate.audio.encode import FORMATS
from narrate.audio.master import INTRO_CHAPTER, OUTRO_CHAPTER, MasterOptions, master
from narrate.audio.tags import EpisodeTags
from narrate.audio.timeline import TRIM_MARGIN_S, parse_pauses
from narrate.ffmpeg import ffmpeg_path
from narrate.model import Article, Block, Clip
from narrate.read.extract import extract
from narrate.speech.script import build_script
from narrate.voice.engines.base import EngineBase
from narrate.voice.synth import engine_text
from tests.conftest import SAMPLES, Route

RATE = 22050


class ToneEngine(EngineBase):
    """A stand-in voice: each sentence is a tone whose length follows the text, padded with
    silence the mastering must trim."""

    name, offline, max_chars, sample_rate, voice = "tone", True, 400, RATE, "tone"

    def synthesize(self, text: str) -> Clip:
        seconds = 0.4 + 0.015 * len(text)
        freq = 220 + 40 * (len(text) % 9)
        t = np.arange(int(seconds * RATE)) / RATE
        tone = (0.35 * np.sin(2 * math.pi * freq * t) * 32767).astype("<i2")
        pad = np.zeros(int(0.15 * RATE), dtype="<i2")
        return Clip(np.concatenate([pad, tone, pad]).tobytes(), RATE)


ARTICLE = Article(
    title="Kyiv prepares for winter",
    author="Jane Doe",
    date="2023-11-14",
    site="The Example Times",
    lang="en",
    url="https://example.com/kyiv-winter",
    blocks=[
        Block("paragraph", "Kyiv is preparing for a hard winter. Officials met on Nov. 14."),
        Block("paragraph", "Generators were delivered to 1,000 schools."),
        Block("heading", "Power grid"),
        Block("paragraph", "Russia struck the grid 12 times in October. Repairs continue."),
        Block("heading", "Heating"),
        Block("paragraph", "Heating season began on Oct. 15 across the city."),
    ],
)


def tags(key: str = "k") -> EpisodeTags:
    return EpisodeTags(
        title=ARTICLE.title,
        artist=ARTICLE.author,
        album=ARTICLE.site,
        date=ARTICLE.date,
        language="en",
        comment="Generated with AI by narrate.",
        url=ARTICLE.url,
        key=key,
    )


def render(out: Path, fmt: str = "mp3", article: Article = ARTICLE, **options: object):
    script = build_script(article)
    engine = ToneEngine()
    clips = (engine.synthesize(engine_text(s.spoken)) for s in script.sentences)
    opts = MasterOptions(FORMATS[fmt], fetch_cover=False, **options)  # type: ignore[arg-type]
    return script, master(script, clips, out, rate=RATE, tags=tags(), options=opts)


def ebur128(path: Path) -> tuple[float, float]:
    stderr = subprocess.run(
        [
            ffmpeg_path(),
            "-hide_banner",
            "-nostats",
            "-i",
            str(path),
            "-filter_complex",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    summary = stderr[stderr.rfind("Summary:") :]
    integrated = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1))
    return integrated, peak


def decode(path: Path, rate: int = 44100) -> np.ndarray:
    raw = subprocess.run(
        [
            ffmpeg_path(),
            "-v",
            "error",
            "-i",
            str(path),
            "-f",
            "s16le",
            "-ac",
            "1",
            "-ar",
            str(rate),
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, dtype="<i2").astype(np.float64)


def parse_vtt(text: str) -> list[tuple[float, float, str]]:
    def seconds(stamp: str) -> float:
        h, m, s = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)

    assert text.startswith("WEBVTT\n")
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        timing, *lines = block.split("\n")
        start, end = timing.split(" --> ")
        cues.append((seconds(start), seconds(end), " ".join(lines)))
    return cues


def check_json_chapters(document: dict, duration: float) -> None:
    """The shape the Podcasting 2.0 JSON chapters spec (1.2.0) gives."""
    assert re.fullmatch(r"\d+\.\d+\.\d+", document["version"]) and document["version"] >= "1.2"
    assert isinstance(document["chapters"], list) and document["chapters"]
    allowed = {"startTime", "endTime", "title", "img", "url", "toc", "location"}
    previous = -1.0
    for chapter in document["chapters"]:
        assert set(chapter) <= allowed
        assert isinstance(chapter["startTime"], (int, float)) and chapter["startTime"] >= 0
        assert chapter["startTime"] > previous
        previous = chapter["startTime"]
        assert isinstance(chapter.get("title", ""), str)
        if "endTime" in chapter:
            assert chapter["startTime"] < chapter["endTime"] <= duration + 0.5
    for key in ("author", "title", "podcastName", "description", "fileName"):
        assert key not in document or isinstance(document[key], str)


def test_mp3_loudness_chapters_tags_cover_and_sidecars(tmp_path):
    out = tmp_path / "episode.mp3"
    script, episode = render(out)
    integrated, peak = ebur128(out)
    assert abs(integrated - (-16.0)) <= 1.0
    assert peak <= -1.0

    titles = [c.title for c in episode.chapters]
    assert titles == [INTRO_CHAPTER, ARTICLE.title, "Power grid", "Heating", OUTRO_CHAPTER]
    heading_cue = next(c for c in episode.cues if c.written == "Power grid")
    assert episode.chapters[2].start == pytest.approx(heading_cue.start, abs=0.001)

    tags_ = ID3(out)
    assert str(tags_["TIT2"]) == ARTICLE.title
    assert str(tags_["TPE1"]) == "Jane Doe"
    assert str(tags_["TALB"]) == "The Example Times"
    assert str(tags_["TCON"]) == "Podcast"
    assert str(tags_["TLAN"]) == "eng"
    cover = tags_.getall("APIC")[0]
    assert cover.mime == "image/jpeg" and cover.type == 3
    chapters = tags_.getall("CHAP")
    assert [str(c.sub_frames["TIT2"]) for c in chapters] == titles
    assert tags_.getall("CTOC")[0].child_element_ids == [c.element_id for c in chapters]

    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "episode.chapters.json",
        "episode.jpg",
        "episode.mp3",
        "episode.srt",
        "episode.transcript.json",
        "episode.vtt",
    ]
    with Image.open(tmp_path / "episode.jpg") as image:
        assert image.mode == "RGB" and image.width == image.height
        assert 1400 <= image.width <= 3000

    from mutagen.mp3 import MP3

    duration = MP3(out).info.length
    assert duration == pytest.approx(episode.duration, abs=0.1)
    cues = parse_vtt((tmp_path / "episode.vtt").read_text())
    assert len(cues) == len(script.sentences)
    assert cues[0][2].startswith("Kyiv prepares for winter.")
    assert any("Nov. 14" in text for *_, text in cues)  # written form, not "November fourteenth"
    for (start, end, _), (next_start, *_rest) in zip(cues, [*cues[1:], (math.inf,)], strict=True):
        assert 0 <= start < end <= duration
        assert end <= next_start

    check_json_chapters(json.loads((tmp_path / "episode.chapters.json").read_text()), duration)
    transcript = json.loads((tmp_path / "episode.transcript.json").read_text())
    assert transcript["version"] == "1.0.0"
    assert [s["body"] for s in transcript["segments"]][:2] == [
        "Kyiv prepares for winter.",
        "By Jane Doe, The Example Times.",
    ]
    srt = (tmp_path / "episode.srt").read_text()
    assert srt.startswith("1\n00:00:00,")


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe not installed")
def test_ffprobe_lists_the_chapters(tmp_path):
    out = tmp_path / "episode.mp3"
    _, episode = render(out)
    probe = json.loads(
        subprocess.run(
            ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(out)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    found = [(float(c["start_time"]), c["tags"]["title"]) for c in probe["chapters"]]
    expected = [(c.start, c.title) for c in episode.chapters]
    assert [t for _, t in found] == [t for _, t in expected]
    for (got, _), (want, _) in zip(found, expected, strict=True):
        assert got == pytest.approx(want, abs=0.01)


def test_every_cue_starts_where_its_sentence_starts(tmp_path):
    out = tmp_path / "episode.mp3"
    _, episode = render(out, pauses=parse_pauses("sentence=0.5,paragraph=0.9"))
    audio = decode(out)
    envelope = np.abs(audio)
    threshold = 0.1 * np.percentile(envelope, 99)
    for cue in episode.cues:
        lo = int(max(0.0, cue.start - 0.2) * 44100)
        hi = int((cue.start + 0.2) * 44100)
        loud = np.flatnonzero(envelope[lo:hi] > threshold)
        assert loud.size, cue
        onset = (lo + loud[0]) / 44100
        assert abs(onset - (cue.start + TRIM_MARGIN_S)) <= 0.05, (cue.written, onset, cue.start)


def test_encoding_after_speaking_gives_the_same_audio(tmp_path, monkeypatch):
    """One core (--jobs 1) encodes from the PCM on disk once the voice is done; more cores
    encode while it speaks. The listener must not be able to tell."""
    import narrate.audio.master

    started = []

    class Recording(narrate.audio.master.StreamEncoder):
        def __init__(self, *args, **kwargs):
            started.append(kwargs.get("source"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(narrate.audio.master, "StreamEncoder", Recording)
    _, alongside = render(tmp_path / "alongside.mp3", encode_while_speaking=True)
    _, after = render(tmp_path / "after.mp3", encode_while_speaking=False)
    assert started[0] is None and started[1] is not None  # piped vs read from the PCM file
    assert alongside.cues == after.cues and alongside.chapters == after.chapters
    assert np.array_equal(decode(tmp_path / "alongside.mp3"), decode(tmp_path / "after.mp3"))
    loudness, peak = ebur128(tmp_path / "after.mp3")
    assert abs(loudness + 16) <= 1 and peak <= -1


def test_an_encoder_that_dies_is_a_clear_error_not_a_hang(tmp_path):
    from narrate.audio.stream import StreamEncoder
    from narrate.errors import OutputError

    second = bytes(RATE * 2)
    encoder = StreamEncoder(
        tmp_path / "x.mp3", FORMATS["mp3"], bitrate="64k", rate=RATE, gain=0.0, ceiling=-2.0
    )
    encoder.write(second)
    encoder.process.kill()
    with pytest.raises(OutputError, match="ffmpeg"):
        for _ in range(300):  # more than the queue holds: a write must notice
            encoder.write(second)
        encoder.finish()
    encoder.abort()


def test_pauses_are_the_pauses_heard(tmp_path):
    out = tmp_path / "episode.wav"
    _, episode = render(out, "wav", pauses=parse_pauses("sentence=0.5,paragraph=1.0,heading=1.5"))
    first, second = episode.cues[3], episode.cues[4]  # two sentences of one paragraph
    assert second.start - first.end == pytest.approx(0.5, abs=0.002)
    heading = next(i for i, c in enumerate(episode.cues) if c.written == "Power grid")
    assert episode.cues[heading].start - episode.cues[heading - 1].end == pytest.approx(
        1.5, abs=0.002
    )


def test_m4a_has_mp4_chapters_tags_and_cover(tmp_path):
    from mutagen.mp4 import MP4

    out = tmp_path / "episode.m4a"
    _, episode = render(out, "m4a")
    audio = MP4(out)
    assert audio.tags["\xa9nam"] == [ARTICLE.title]
    assert audio.tags["\xa9ART"] == ["Jane Doe"]
    assert len(audio.tags["covr"]) == 1
    assert [c.title for c in audio.chapters] == [c.title for c in episode.chapters]
    integrated, peak = ebur128(out)
    assert abs(integrated + 16) <= 1.0 and peak <= -1.0


def test_opus_and_wav(tmp_path):
    from mutagen.oggopus import OggOpus
    from mutagen.wave import WAVE

    opus = tmp_path / "a.opus"
    render(opus, "opus")
    assert OggOpus(opus).tags["title"] == [ARTICLE.title]
    assert "metadata_block_picture" in OggOpus(opus).tags
    wav = tmp_path / "b.wav"
    _, _episode = render(wav, "wav", loudness=-19.0)
    info = WAVE(wav)
    assert info.info.sample_rate == 44100 and info.info.channels == 1
    assert str(info.tags["TIT2"]) == ARTICLE.title
    integrated, peak = ebur128(wav)
    assert abs(integrated + 19) <= 1.0 and peak <= -1.0


def test_intro_and_outro_music(tmp_path):
    music = tmp_path / "music.wav"
    t = np.arange(6 * 44100) / 44100
    samples = (0.3 * np.sin(2 * math.pi * 523 * t) * 32767).astype("<i2")
    subprocess.run(
        [
            ffmpeg_path(),
            "-v",
            "error",
            "-f",
            "s16le",
            "-ar",
            "44100",
            "-ac",
            "1",
            "-i",
            "-",
            str(music),
        ],
        input=samples.tobytes(),
        check=True,
    )
    plain = tmp_path / "plain.mp3"
    _, without = render(plain)
    out = tmp_path / "music.mp3"
    _, episode = render(out, intro_music=music, outro_music=music)
    assert episode.cues[0].start >= 2.5  # music plays alone before the voice
    assert episode.duration > without.duration + 5
    audio = decode(out)
    assert np.abs(audio[44100 : 2 * 44100]).max() > 1000  # the music, before the first word
    tail = audio[
        int((episode.cues[-1].end + 1.0) * 44100) : int((episode.cues[-1].end + 2) * 44100)
    ]
    assert np.abs(tail).max() > 1000  # and after the last one
    integrated, peak = ebur128(out)
    assert abs(integrated + 16) <= 1.0 and peak <= -1.0


def test_no_sidecars_and_explicit_cover(tmp_path):
    picture = tmp_path / "art.png"
    Image.new("RGB", (2000, 1200), (200, 30, 30)).save(picture)
    out = tmp_path / "out" / "episode.mp3"
    render(out, sidecars=False, cover=picture)
    assert [p.name for p in out.parent.iterdir()] == ["episode.mp3"]
    apic = ID3(out).getall("APIC")[0]
    from io import BytesIO

    with Image.open(BytesIO(apic.data)) as image:
        assert image.size == (1400, 1400)
        assert image.getpixel((700, 700))[0] > 150  # the user's red picture


def test_lead_image_from_the_page(tmp_path, server):
    from narrate.audio.cover import make_cover
    from narrate.read.reach import Reach

    picture = tmp_path / "lead.jpg"
    Image.new("RGB", (1600, 900), (20, 200, 40)).save(picture)
    server.routes["/lead.jpg"] = Route(body=picture.read_bytes(), content_type="image/jpeg")
    typed = Reach.typed(server.base_url)  # the page's own host, as if typed: it may be local
    cover = make_cover(
        tmp_path / "c.jpg",
        title="T",
        site="S",
        date=None,
        image_url=server.url("/lead.jpg"),
        reach=typed,
    )
    with Image.open(cover) as image:
        assert image.size == (1400, 1400) and image.getpixel((700, 700))[1] > 150
    missing = make_cover(
        tmp_path / "d.jpg",
        title="A title",
        site="S",
        date="2023-11-14",
        image_url=server.url("/nope.jpg"),
        reach=typed,
    )
    with Image.open(missing) as image:  # generated instead
        assert image.size == (1400, 1400)


def test_pause_option_errors():
    assert parse_pauses("sentence=0.2")["sentence"] == 0.2
    for bad in ("sentence", "verse=1", "sentence=x", "sentence=99"):
        with pytest.raises(ValueError):
            parse_pauses(bad)


@pytest.mark.slow
def test_longer_article_with_headings_end_to_end(tmp_path):
    """The NYT sample through the real CLI with espeak: chapters per heading, loudness, cues."""
    from click.testing import CliRunner

    from narrate.cli import cli

    article = extract((SAMPLES / "nytimes-winter-underground.html").read_text())
    headings = [b.text for b in article.blocks if b.kind == "heading"]
    assert len(headings) == 6
    out = tmp_path / "nyt.mp3"
    result = CliRunner().invoke(
        cli,
        [
            "article",
            str(SAMPLES / "nytimes-winter-underground.html"),
            "--engine",
            "espeak",
            "-o",
            str(out),
            "--no-remote-cover",
        ],
    )
    assert result.exit_code == 0, result.output
    integrated, peak = ebur128(out)
    assert abs(integrated + 16) <= 1.0 and peak <= -1.0
    chapters = [str(c.sub_frames["TIT2"]) for c in ID3(out).getall("CHAP")]
    assert chapters[0] == INTRO_CHAPTER and chapters[-1] == OUTRO_CHAPTER
    assert chapters[2:-1] == headings
    cues = parse_vtt(out.with_suffix(".vtt").read_text())
    starts = [c[0] for c in cues]
    assert starts == sorted(starts)


def test_unreadable_music_is_a_clear_error(tmp_path):
    from narrate.errors import OutputError

    bad = tmp_path / "music.mp3"
    bad.write_bytes(b"not audio")
    with pytest.raises(OutputError, match="cannot read music"):
        render(tmp_path / "x.mp3", intro_music=bad)
    assert not (tmp_path / "x.mp3").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["music.mp3"]  # no staging left behind


def test_tone_engine_is_what_the_tests_think(tmp_path):
    clip = ToneEngine().synthesize("hello")
    samples = struct.unpack(f"<{len(clip.pcm) // 2}h", clip.pcm)
    assert samples[0] == 0 and max(samples) > 10000
