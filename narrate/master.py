"""Master stage: clips → a podcast-ready file with chapters, tags, cover and sidecars.

Clips are laid on a streamed timeline (timeline.py), normalised to the loudness target and
encoded by ffmpeg (encode.py), tagged (tags.py), and written beside their transcripts and
chapters (sidecars.py). Everything is staged in a hidden folder next to the output and moved
into place only when complete, audio last.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .cover import make_cover
from .encode import AudioFormat, Music, encode, ffmetadata, prepare_intro_music, prepare_outro_music
from .engines.base import Clip
from .model import Script
from .sidecars import SIDECAR_SUFFIXES, write_text_sidecars
from .tags import EpisodeTags, write_tags
from .timeline import LEAD_IN_S, TAIL_S, Chapter, Cue, Timeline, pause_after

INTRO_CHAPTER = "Introduction"
OUTRO_CHAPTER = "About this audio"
MUSIC_LEAD_S = 3.0
MUSIC_TAIL_S = 4.0


@dataclass(frozen=True)
class MasterOptions:
    """How the narration is mastered."""

    audio_format: AudioFormat
    bitrate: str = "64k"
    loudness: float = -16.0  # LUFS, integrated
    true_peak: float = -1.0  # dBTP ceiling
    pauses: dict[str, float] | None = None
    intro_music: Path | None = None
    outro_music: Path | None = None
    sidecars: bool = True
    cover: Path | None = None
    fetch_cover: bool = True

    def settings(self) -> dict[str, object]:
        """What of these options shapes the audio (for the narration key)."""
        return {
            "format": self.audio_format.name,
            "bitrate": self.bitrate,
            "loudness": self.loudness,
            "true_peak": self.true_peak,
            "pauses": self.pauses,
            "intro_music": file_stamp(self.intro_music),
            "outro_music": file_stamp(self.outro_music),
        }


def file_stamp(path: Path | None) -> list[object] | None:
    if path is None:
        return None
    stat = path.stat()
    return [str(path.resolve()), stat.st_size, int(stat.st_mtime)]


@dataclass
class Episode:
    """The mastered file and what is known about it."""

    path: Path
    duration: float
    cues: list[Cue] = field(default_factory=list)
    chapters: list[Chapter] = field(default_factory=list)
    sidecars: dict[str, Path] = field(default_factory=dict)


def lay_out(
    script: Script, clips: Iterable[Clip], timeline: Timeline, lead: float, tail: float
) -> None:
    """Put every sentence's clip on the timeline with its pauses; open a chapter per heading."""
    clip_iter = iter(clips)
    timeline.silence(lead)
    body_started = False
    for index, block in enumerate(script.blocks):
        next_kind = script.blocks[index + 1].kind if index + 1 < len(script.blocks) else None
        if block.kind == "intro":
            timeline.chapter(INTRO_CHAPTER, at=0.0)
        elif block.kind == "outro":
            timeline.mark("outro_start")
            timeline.chapter(OUTRO_CHAPTER)
        elif block.kind == "heading":
            timeline.chapter(" ".join(s.written for s in block.sentences))
            body_started = True
        elif not body_started:
            timeline.chapter(script.article.title)
            body_started = True
        for j, sentence in enumerate(block.sentences):
            timeline.speech(next(clip_iter), sentence.written, sentence.spoken)
            if j < len(block.sentences) - 1:
                timeline.silence(timeline.pauses["sentence"])
        if block.kind == "intro":
            timeline.mark("intro_end")
        timeline.silence(pause_after(block.kind, next_kind, timeline.pauses))
    timeline.silence(tail)


def master(
    script: Script,
    clips: Iterable[Clip],
    out: Path,
    *,
    rate: int,
    tags: EpisodeTags,
    options: MasterOptions,
) -> Episode:
    """Stitch, normalise, encode, tag and write OUT (and its sidecars) atomically."""
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.stem}.", suffix=".narrate", dir=out.parent))
    try:
        timeline = Timeline(stage / "speech.raw", rate, options.pauses)
        lead = MUSIC_LEAD_S if options.intro_music else LEAD_IN_S
        tail = MUSIC_TAIL_S if options.outro_music else TAIL_S
        try:
            lay_out(script, clips, timeline, lead, tail)
        except BaseException:
            timeline.abort()
            raise
        laid = timeline.close()

        music: list[Music] = []
        if options.intro_music:
            music.append(prepare_intro_music(options.intro_music, laid, lead, stage / "intro.wav"))
        if options.outro_music:
            music.append(prepare_outro_music(options.outro_music, laid, tail, stage / "outro.wav"))

        chapter_spans = [
            (
                c.start,
                laid.chapters[i + 1].start if i + 1 < len(laid.chapters) else laid.duration,
                c.title,
            )
            for i, c in enumerate(laid.chapters)
        ]
        fmt = options.audio_format
        cover = make_cover(
            stage / f"{out.stem}.jpg",
            title=script.article.title,
            site=script.article.site,
            date=script.article.date,
            cover_file=options.cover,
            image_url=script.article.image,
            fetch=options.fetch_cover,
        )
        metadata = stage / "metadata.txt"
        # MP3: ffmpeg writes the chapter frames (in time order) and mutagen the tags after.
        global_tags = {} if fmt.name == "mp3" else tags.ffmetadata()
        metadata.write_text(ffmetadata(chapter_spans, global_tags), encoding="utf-8")
        audio = stage / f"{out.stem}{fmt.suffix}"
        encode(
            laid,
            audio,
            fmt,
            bitrate=options.bitrate,
            loudness=options.loudness,
            true_peak=options.true_peak,
            music=music,
            metadata_file=metadata if fmt.name != "wav" else None,
        )
        laid.path.unlink(missing_ok=True)
        write_tags(audio, fmt.name, tags, laid.chapters, laid.duration, cover)

        staged: dict[str, Path] = {}
        if options.sidecars:
            staged = write_text_sidecars(
                stage,
                out.stem,
                laid.cues,
                laid.chapters,
                laid.duration,
                script.article.title,
                script.article.site,
                out.name,
            )
            staged["cover"] = cover
        final: dict[str, Path] = {}
        mode = 0o666 & ~current_umask()
        for kind, path in staged.items():
            target = out.with_name(out.stem + SIDECAR_SUFFIXES[kind])
            path.chmod(mode)
            os.replace(path, target)
            final[kind] = target
        audio.chmod(mode)
        os.replace(audio, out)  # last: the episode exists only once everything is in place
        return Episode(out, laid.duration, laid.cues, laid.chapters, final)
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
