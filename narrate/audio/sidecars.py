"""Files beside the audio: WebVTT and SRT, Podcasting 2.0 JSON chapters and transcript."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from .timeline import Chapter, Cue

CAPTION_LINE = 65  # characters; the Podcasting 2.0 transcript guide's recommendation
SPEAKER = "Narrator"


def timestamp(seconds: float, comma: bool = False) -> str:
    millis = round(max(0.0, seconds) * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    sep = "," if comma else "."
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{millis:03d}"


def caption(text: str) -> str:
    return "\n".join(textwrap.wrap(" ".join(text.split()), CAPTION_LINE)) or "…"


def webvtt(cues: list[Cue]) -> str:
    """WebVTT: one cue per sentence, as written (not as normalised for the voice)."""
    parts = ["WEBVTT", ""]
    for cue in cues:
        parts += [
            f"{timestamp(cue.start)} --> {timestamp(cue.end)}",
            escape_vtt(caption(cue.written)),
            "",
        ]
    return "\n".join(parts)


def escape_vtt(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "→")


def srt(cues: list[Cue]) -> str:
    parts = []
    for number, cue in enumerate(cues, start=1):
        parts += [
            str(number),
            f"{timestamp(cue.start, comma=True)} --> {timestamp(cue.end, comma=True)}",
            caption(cue.written),
            "",
        ]
    return "\n".join(parts)


def chapters_json(
    chapters: list[Chapter], duration: float, title: str, podcast: str | None, file_name: str
) -> str:
    """Podcasting 2.0 JSON chapters (application/json+chapters, version 1.2.0)."""
    items = []
    for index, chapter in enumerate(chapters):
        end = chapters[index + 1].start if index + 1 < len(chapters) else duration
        items.append(
            {
                "startTime": round(chapter.start, 3),
                "endTime": round(end, 3),
                "title": chapter.title,
            }
        )
    document: dict[str, object] = {"version": "1.2.0", "title": title, "fileName": file_name}
    if podcast:
        document["podcastName"] = podcast
    document["chapters"] = items
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def transcript_json(cues: list[Cue]) -> str:
    """Podcasting 2.0 JSON transcript (version 1.0.0): one segment per sentence. Beside the
    spec's fields each segment names its block of the article ("paragraph": its number,
    "part": heading, paragraph, intro…), so pages and the player can lay it out as written;
    readers of the spec's fields alone ignore them."""
    segments = []
    for c in cues:
        segment: dict[str, object] = {
            "speaker": SPEAKER,
            "startTime": round(c.start, 3),
            "endTime": round(c.end, 3),
            "body": " ".join(c.written.split()),
        }
        if c.block >= 0:
            segment["paragraph"] = c.block
            segment["part"] = c.kind
        segments.append(segment)
    return (
        json.dumps({"version": "1.0.0", "segments": segments}, ensure_ascii=False, indent=2) + "\n"
    )


SIDECAR_SUFFIXES = {
    "vtt": ".vtt",
    "srt": ".srt",
    "chapters": ".chapters.json",
    "transcript": ".transcript.json",
    "cover": ".jpg",
}


def sidecar_path(audio: Path, kind: str) -> Path:
    return audio.with_name(audio.stem + SIDECAR_SUFFIXES[kind])


def write_text_sidecars(
    folder: Path,
    stem: str,
    cues: list[Cue],
    chapters: list[Chapter],
    duration: float,
    title: str,
    podcast: str | None,
    audio_name: str,
) -> dict[str, Path]:
    """Write the four text sidecars into FOLDER (a staging folder) and return them by kind."""
    contents = {
        "vtt": webvtt(cues),
        "srt": srt(cues),
        "chapters": chapters_json(chapters, duration, title, podcast, audio_name),
        "transcript": transcript_json(cues),
    }
    written = {}
    for kind, text in contents.items():
        path = folder / (stem + SIDECAR_SUFFIXES[kind])
        path.write_text(text, encoding="utf-8")
        written[kind] = path
    return written
