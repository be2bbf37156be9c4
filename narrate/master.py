"""Master stage: clips → one MP3 with natural pauses and ID3 tags, written atomically."""

from __future__ import annotations

import os
import tempfile
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .audio import pydub
from .engines.base import Clip
from .errors import OutputError
from .model import Script

DEFAULT_PAUSES = {"sentence": 0.35, "paragraph": 0.8, "heading": 1.2, "intro": 1.0}
OUTPUT_RATE = 44100
DEFAULT_BITRATE = "64k"
SILENCE_THRESHOLD = 500  # |sample| below this (≈ −36 dBFS) counts as silence when trimming
TRIM_MARGIN_S = 0.03


@dataclass
class Cue:
    """Where one sentence sits in the finished audio."""

    start: float
    end: float
    written: str
    spoken: str


@dataclass
class Episode:
    """The mastered file and what is known about it."""

    path: Path
    duration: float
    cues: list[Cue] = field(default_factory=list)


def trim(clip: Clip) -> Clip:
    """Cut a clip's own leading and trailing silence, so the pauses narrate adds are exact."""
    samples = array("h")
    samples.frombytes(clip.pcm)
    n = len(samples)
    first = next((i for i in range(n) if abs(samples[i]) > SILENCE_THRESHOLD), None)
    if first is None:
        return Clip(b"", clip.rate)
    last = next(i for i in range(n - 1, -1, -1) if abs(samples[i]) > SILENCE_THRESHOLD)
    margin = int(TRIM_MARGIN_S * clip.rate)
    start, end = max(0, first - margin), min(n, last + 1 + margin)
    return Clip(clip.pcm[start * 2 : end * 2], clip.rate)


def gap_after(kind: str, next_kind: str | None, pauses: dict[str, float]) -> float:
    """The pause after a block of KIND when NEXT_KIND follows."""
    if next_kind is None:
        return 0.5
    if kind == "intro":
        return pauses["intro"]
    if kind == "heading" or next_kind == "heading":
        return pauses["heading"]
    if kind == "list_item" and next_kind == "list_item":
        return (pauses["sentence"] + pauses["paragraph"]) / 2
    return pauses["paragraph"]


def stitch(
    script: Script, clips: list[list[Clip]], pauses: dict[str, float] | None = None
) -> tuple[bytes, int, list[Cue]]:
    """Lay every clip on one timeline with pauses; return PCM, its rate and the cue list."""
    gaps = {**DEFAULT_PAUSES, **(pauses or {})}
    rate = next((c.rate for block in clips for c in block), 22050)
    parts: list[bytes] = []
    cues: list[Cue] = []
    position = 0  # in samples
    lead = int(0.3 * rate)
    parts.append(bytes(lead * 2))
    position += lead
    for index, (block, block_clips) in enumerate(zip(script.blocks, clips, strict=True)):
        next_kind = script.blocks[index + 1].kind if index + 1 < len(script.blocks) else None
        for j, (sentence, clip) in enumerate(zip(block.sentences, block_clips, strict=True)):
            trimmed = trim(clip)
            length = len(trimmed.pcm) // 2
            cues.append(
                Cue(position / rate, (position + length) / rate, sentence.written, sentence.spoken)
            )
            parts.append(trimmed.pcm)
            position += length
            last = j == len(block.sentences) - 1
            pause = gap_after(block.kind, next_kind, gaps) if last else gaps["sentence"]
            silence = int(pause * rate)
            parts.append(bytes(silence * 2))
            position += silence
    return b"".join(parts), rate, cues


def encode_mp3(pcm: bytes, rate: int, path: Path, bitrate: str = DEFAULT_BITRATE) -> None:
    """Encode PCM to a mono 44.1 kHz CBR MP3 at PATH with pydub (ffmpeg's libmp3lame)."""
    segment = pydub().AudioSegment(data=pcm, sample_width=2, frame_rate=rate, channels=1)
    try:
        segment.export(
            str(path),
            format="mp3",
            codec="libmp3lame",
            bitrate=bitrate,
            parameters=["-ar", str(OUTPUT_RATE), "-ac", "1"],
        )
    except Exception as exc:
        raise OutputError(f"cannot encode {path.name}: {str(exc).splitlines()[0][:200]}") from None


def master(
    script: Script,
    clips: list[list[Clip]],
    out: Path,
    *,
    engine_name: str,
    voice: str,
    key: str,
    pauses: dict[str, float] | None = None,
    bitrate: str = DEFAULT_BITRATE,
) -> Episode:
    """Stitch, encode and tag; the finished file appears at OUT only when complete."""
    pcm, rate, cues = stitch(script, clips, pauses)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".part.mp3", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        encode_mp3(pcm, rate, tmp, bitrate)
        tag_mp3(tmp, script, engine_name, voice, key)
        tmp.chmod(0o666 & ~current_umask())
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return Episode(out, len(pcm) / 2 / rate, cues)


def tag_mp3(path: Path, script: Script, engine_name: str, voice: str, key: str) -> None:
    """Write ID3v2.4 tags: title, artist, album (site), date, genre, language and AI disclosure."""
    from mutagen.id3 import COMM, ID3, TALB, TCON, TDRC, TIT2, TLAN, TPE1, TSSE, TXXX, WOAS

    article = script.article
    tags = ID3()
    tags.add(TIT2(encoding=3, text=article.title))
    if article.author:
        tags.add(TPE1(encoding=3, text=article.author))
    if article.site:
        tags.add(TALB(encoding=3, text=article.site))
    if article.date:
        tags.add(TDRC(encoding=3, text=article.date[:10]))
    tags.add(TCON(encoding=3, text="Podcast"))
    tags.add(TLAN(encoding=3, text=iso639_2(script.lang)))
    source = f" from {article.url}" if article.url else ""
    tags.add(
        COMM(
            encoding=3,
            lang="eng",
            desc="",
            text=f"This audio was generated with AI (text-to-speech: {engine_name}, voice "
            f"{voice}) by narrate {__version__}{source}.",
        )
    )
    if article.url:
        tags.add(WOAS(url=article.url))
    tags.add(TSSE(encoding=3, text=f"narrate {__version__}"))
    tags.add(TXXX(encoding=3, desc="narrate_key", text=key))
    tags.save(str(path), v2_version=4)


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


ISO639_2 = {
    "en": "eng",
    "de": "deu",
    "fr": "fra",
    "es": "spa",
    "uk": "ukr",
    "ru": "rus",
    "it": "ita",
    "pt": "por",
    "nl": "nld",
    "pl": "pol",
}


def iso639_2(code: str) -> str:
    return ISO639_2.get(code.split("-")[0].lower(), "und")


def read_key(path: Path) -> str | None:
    """The narrate_key tag of an existing file (None when it is not a narrate MP3)."""
    from mutagen.id3 import ID3, ID3NoHeaderError

    try:
        frames = ID3(str(path)).getall("TXXX:narrate_key")
    except (ID3NoHeaderError, OSError, ValueError):
        return None
    return str(frames[0].text[0]) if frames else None
