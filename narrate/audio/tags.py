"""Tags, chapters and cover art inside the audio file, per format, with mutagen."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from .. import __version__
from ..model import base_language
from .timeline import Chapter

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


@dataclass(frozen=True)
class EpisodeTags:
    """Everything written into the file: plain strings, so every format can take them."""

    title: str
    artist: str | None
    album: str | None
    date: str | None
    language: str
    comment: str
    url: str | None
    key: str  # narrate's hash of the narration, to recognise an identical re-run
    source: str = ""  # hash of the page and every setting, to recognise one before reading it

    @property
    def language_iso639_2(self) -> str:
        return ISO639_2.get(base_language(self.language, "und"), "und")

    def ffmetadata(self) -> dict[str, str]:
        """Tags as ffmpeg's muxers name them (MP3: ID3v2.4 frames; other keys go to TXXX)."""
        return {
            "title": self.title,
            "artist": self.artist or "",
            "album": self.album or "",
            "date": (self.date or "")[:10],
            "genre": "Podcast",
            "comment": self.comment,
            "language": self.language_iso639_2,
            "encoded_by": f"narrate {__version__}",
            "narrate_key": self.key,
            "narrate_source": self.source,
        }


def disclosure(engine: str, voice: str, url: str | None) -> str:
    source = f" from {url}" if url else ""
    return (
        f"This audio was generated with AI (text-to-speech: {engine}, voice {voice}) by "
        f"narrate {__version__}{source}."
    )


def write_tags(
    path: Path,
    format_name: str,
    tags: EpisodeTags,
    chapters: list[Chapter],
    duration: float,
    cover: Path | None,
) -> None:
    """Tags, cover and chapters inside the file, with mutagen."""
    if format_name in ("mp3", "wav"):
        write_id3(path, format_name, tags, chapters, duration, cover)
    elif format_name == "m4a":
        write_mp4(path, tags, cover)
    elif format_name == "opus":
        write_opus(path, tags, cover)


def id3_frames(
    tags: EpisodeTags, chapters: list[Chapter], duration: float, cover: Path | None
) -> list[object]:
    from mutagen.id3 import (
        APIC,
        CHAP,
        COMM,
        CTOC,
        TALB,
        TCON,
        TDRC,
        TIT2,
        TLAN,
        TPE1,
        TSSE,
        TXXX,
        WOAS,
        CTOCFlags,
    )

    frames: list[object] = [
        TIT2(encoding=3, text=tags.title),
        TCON(encoding=3, text="Podcast"),
        TLAN(encoding=3, text=tags.language_iso639_2),
        COMM(encoding=3, lang="eng", desc="", text=tags.comment),
        TSSE(encoding=3, text=f"narrate {__version__}"),
        TXXX(encoding=3, desc="narrate_key", text=tags.key),
        TXXX(encoding=3, desc="narrate_source", text=tags.source),
    ]
    if tags.artist:
        frames.append(TPE1(encoding=3, text=tags.artist))
    if tags.album:
        frames.append(TALB(encoding=3, text=tags.album))
    if tags.date:
        frames.append(TDRC(encoding=3, text=tags.date[:10]))
    if tags.url:
        frames.append(WOAS(url=tags.url))
    if cover is not None:
        frames.append(
            APIC(encoding=3, mime="image/jpeg", type=3, desc="Cover", data=cover.read_bytes())
        )
    ids = []
    for index, chapter in enumerate(chapters):
        end = chapters[index + 1].start if index + 1 < len(chapters) else duration
        element = f"chp{index}"
        ids.append(element)
        frames.append(
            CHAP(
                element_id=element,
                start_time=int(chapter.start * 1000),
                end_time=int(end * 1000),
                sub_frames=[TIT2(encoding=3, text=chapter.title)],
            )
        )
    if ids:
        frames.append(
            CTOC(
                element_id="toc",
                flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[TIT2(encoding=3, text="Chapters")],
            )
        )
    return frames


def write_id3(
    path: Path,
    format_name: str,
    tags: EpisodeTags,
    chapters: list[Chapter],
    duration: float,
    cover: Path | None,
) -> None:
    """ID3v2.4 tags with chapters (CHAP/CTOC) and cover; chapter frames in time order."""
    from mutagen.id3 import ID3
    from mutagen.wave import WAVE

    frames = id3_frames(tags, chapters, duration, cover)
    if format_name == "wav":
        audio = WAVE(str(path))
        if audio.tags is None:
            audio.add_tags()
        for frame in frames:
            audio.tags.add(frame)
        audio.save()
        return
    id3 = ID3()
    for frame in frames:
        id3.add(frame)
    id3.save(str(path), v2_version=4, padding=lambda info: 0)
    order_chapter_frames(path)


def syncsafe(data: bytes) -> int:
    return (data[0] << 21) | (data[1] << 14) | (data[2] << 7) | data[3]


def order_chapter_frames(path: Path) -> None:
    """Put the CHAP frames of an ID3v2.4 tag in time order, in place.

    mutagen writes frames sorted by size, which scrambles chapters for readers that list them
    in file order (ffprobe, some podcast apps). Only the CHAP frames' slots are permuted, so
    the tag keeps its length and every other frame its place.
    """
    with path.open("r+b") as handle:
        header = handle.read(10)
        if header[:3] != b"ID3" or header[3] != 4 or header[5] & 0xC0:
            return  # not a plain v2.4 tag (unsynchronised or with an extended header)
        body = handle.read(syncsafe(header[6:10]))
        frames: list[tuple[bytes, bytes]] = []
        position = 0
        while position + 10 <= len(body) and body[position] != 0:
            size = syncsafe(body[position + 4 : position + 8])
            frames.append((body[position : position + 4], body[position : position + 10 + size]))
            position += 10 + size

        def start_ms(frame: bytes) -> int:
            data = frame[10:]
            end = data.index(b"\0")
            return int.from_bytes(data[end + 1 : end + 5], "big")

        chapters = iter(sorted((f for fid, f in frames if fid == b"CHAP"), key=start_ms))
        ordered = b"".join(next(chapters) if fid == b"CHAP" else f for fid, f in frames)
        if len(ordered) == position:
            handle.seek(10)
            handle.write(ordered)


def write_mp4(path: Path, tags: EpisodeTags, cover: Path | None) -> None:
    from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm

    audio = MP4(str(path))
    if audio.tags is None:
        audio.add_tags()
    assert audio.tags is not None
    audio.tags["\xa9nam"] = [tags.title]
    audio.tags["\xa9gen"] = ["Podcast"]
    audio.tags["\xa9cmt"] = [tags.comment]
    audio.tags["\xa9too"] = [f"narrate {__version__}"]
    audio.tags["----:com.narrate:key"] = [MP4FreeForm(tags.key.encode())]
    audio.tags["----:com.narrate:source"] = [MP4FreeForm(tags.source.encode())]
    if tags.artist:
        audio.tags["\xa9ART"] = [tags.artist]
    if tags.album:
        audio.tags["\xa9alb"] = [tags.album]
    if tags.date:
        audio.tags["\xa9day"] = [tags.date[:10]]
    if cover is not None:
        audio.tags["covr"] = [MP4Cover(cover.read_bytes(), imageformat=MP4Cover.FORMAT_JPEG)]
    audio.save()


def write_opus(path: Path, tags: EpisodeTags, cover: Path | None) -> None:
    from mutagen.flac import Picture
    from mutagen.oggopus import OggOpus

    audio = OggOpus(str(path))
    assert audio.tags is not None
    audio.tags["title"] = tags.title
    audio.tags["genre"] = "Podcast"
    audio.tags["comment"] = tags.comment
    audio.tags["language"] = tags.language_iso639_2
    audio.tags["narrate_key"] = tags.key
    audio.tags["narrate_source"] = tags.source
    if tags.artist:
        audio.tags["artist"] = tags.artist
    if tags.album:
        audio.tags["album"] = tags.album
    if tags.date:
        audio.tags["date"] = tags.date[:10]
    if tags.url:
        audio.tags["contact"] = tags.url
    if cover is not None:
        picture = Picture()
        picture.type = 3
        picture.mime = "image/jpeg"
        picture.desc = "Cover"
        picture.data = cover.read_bytes()
        audio.tags["metadata_block_picture"] = base64.b64encode(picture.write()).decode("ascii")
    audio.save()


def read_key(path: Path, name: str = "key") -> str | None:
    """A key narrate stored in an existing file: "key" (the narration) or "source" (the page
    and settings it came from). None when there is none."""
    import mutagen

    try:
        audio = mutagen.File(str(path))
    except Exception:  # not audio, unreadable: certainly not ours
        return None
    if audio is None or audio.tags is None:
        return None
    tags = audio.tags
    for tag in (f"TXXX:narrate_{name}", f"----:com.narrate:{name}", f"narrate_{name}"):
        try:
            value = tags[tag]
        except (KeyError, ValueError, TypeError):
            continue
        if hasattr(value, "text"):
            return str(value.text[0])
        if isinstance(value, list) and value:
            item = value[0]
            return item.decode() if isinstance(item, bytes) else str(item)
    return None
