"""Master stage: clips → a podcast-ready file with chapters, tags, cover and sidecars.

Clips are laid on a streamed timeline (timeline.py), normalised to the loudness target and
encoded by ffmpeg (encode.py), tagged (tags.py), and written beside their transcripts and
chapters (sidecars.py). Everything is staged in a hidden folder next to the output and moved
into place only when complete, audio last.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..files import current_umask, staging_folder
from ..languages import words_for
from ..model import Clip, Script
from ..read.reach import Reach
from ..stopping import check as check_stop
from ..stopping import critical
from .cover import make_cover
from .encode import (
    PEAK_HEADROOM_DB,
    AudioFormat,
    Music,
    encode,
    ffmetadata,
    measure_file,
    prepare_intro_music,
    prepare_outro_music,
    run_ffmpeg,
)
from .sidecars import sidecar_path, write_text_sidecars
from .stream import StreamEncoder, default_memory
from .tags import EpisodeTags, write_tags
from .timeline import LEAD_IN_S, TAIL_S, Chapter, Cue, Timeline, pause_after

# The chapter names in English; other languages' are in narrate/languages/CODE.toml.
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
    reach: Reach = field(default_factory=Reach)  # where the page's lead image may come from
    # Encode while the voice speaks (ffmpeg on another core), or after it, from the PCM on
    # disk (one core in turn). The audio is the same either way.
    encode_while_speaking: bool = True

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
    chapter_names = words_for(script.lang).section("chapters")
    timeline.silence(lead)
    body_started = False
    for index, block in enumerate(script.blocks):
        next_kind = script.blocks[index + 1].kind if index + 1 < len(script.blocks) else None
        if block.kind == "intro":
            timeline.chapter(chapter_names["intro"], at=0.0)
        elif block.kind == "outro":
            timeline.mark("outro_start")
            timeline.chapter(chapter_names["outro"])
        elif block.kind == "heading":
            timeline.chapter(" ".join(s.written for s in block.sentences))
            body_started = True
        elif not body_started:
            timeline.chapter(script.article.title)
            body_started = True
        for j, sentence in enumerate(block.sentences):
            check_stop()  # a signal lost on its way (see stopping.py) stops it here
            timeline.speech(
                next(clip_iter), sentence.written, sentence.spoken, block=index, kind=block.kind
            )
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
    voice_key: str = "",
) -> Episode:
    """Stitch, normalise, encode, tag and write OUT (and its sidecars) atomically.

    Without music the audio is encoded while the clips arrive (stream.py), at the gain this
    voice needed last time; a programme that misses the loudness target, or music beds, take
    the measured path (encode.py) from the PCM kept on disk.
    """
    staging = contextlib.ExitStack()
    stage = staging.enter_context(staging_folder(out.parent, out.stem))
    fmt = options.audio_format
    single_pass = not (options.intro_music or options.outro_music)
    streaming = single_pass and options.encode_while_speaking
    encoder: StreamEncoder | None = None
    memory = default_memory()
    covers = ThreadPoolExecutor(max_workers=1)  # the cover is made while the voice speaks
    cover_job = covers.submit(
        make_cover,
        stage / f"{out.stem}.jpg",
        title=script.article.title,
        site=script.article.site,
        date=script.article.date,
        cover_file=options.cover,
        image_url=script.article.image,
        fetch=options.fetch_cover,
        reach=options.reach,
    )
    try:
        encoded = stage / f"encoded{fmt.suffix}"

        def start_encoder(source: Path | None = None) -> StreamEncoder:
            return StreamEncoder(
                encoded,
                fmt,
                bitrate=options.bitrate,
                rate=rate,
                gain=memory.predict(voice_key, options.loudness),
                ceiling=options.true_peak - (PEAK_HEADROOM_DB if fmt.lossy else 0.2),
                source=source,
            )

        if streaming:
            encoder = start_encoder()
        timeline = Timeline(
            stage / "speech.raw", rate, options.pauses, sink=encoder.write if encoder else None
        )
        lead = MUSIC_LEAD_S if options.intro_music else LEAD_IN_S
        tail = MUSIC_TAIL_S if options.outro_music else TAIL_S
        try:
            lay_out(script, clips, timeline, lead, tail)
        except BaseException:
            timeline.abort()
            raise
        laid = timeline.close()
        if single_pass and not streaming:  # one core: encode now, from the PCM on disk
            encoder = start_encoder(laid.path)

        music: list[Music] = []
        if options.intro_music:
            music.append(prepare_intro_music(options.intro_music, laid, lead, stage / "intro.wav"))
        if options.outro_music:
            music.append(prepare_outro_music(options.outro_music, laid, tail, stage / "outro.wav"))

        landed = False
        if encoder is not None:
            metered = encoder.finish()
            used = encoder.gain
            encoder = None
            on_target = abs(metered["integrated"] - options.loudness) <= STREAM_TOLERANCE_LU
            if on_target and metered["true_peak"] <= options.true_peak - SAFE_MARGIN_DB:
                landed = True  # peaks this far under the ceiling stay under it once encoded
            elif on_target:
                check = measure_file(encoded)
                landed = check["true_peak"] <= options.true_peak and (
                    abs(check["integrated"] - options.loudness) <= STREAM_TOLERANCE_LU
                )
            if landed:  # aim the next run at the middle of the target
                memory.remember(
                    voice_key, options.loudness, used + options.loudness - metered["integrated"]
                )
        if not landed:
            _, gain = encode(
                laid,
                encoded,
                fmt,
                bitrate=options.bitrate,
                loudness=options.loudness,
                true_peak=options.true_peak,
                music=music,
            )
            if single_pass:
                memory.remember(voice_key, options.loudness, gain)
        laid.path.unlink(missing_ok=True)

        chapter_spans = [
            (
                c.start,
                laid.chapters[i + 1].start if i + 1 < len(laid.chapters) else laid.duration,
                c.title,
            )
            for i, c in enumerate(laid.chapters)
        ]
        cover = cover_job.result()
        audio = stage / f"{out.stem}{fmt.suffix}"
        if fmt.name in ("wav", "mp3"):  # chapters go in with the ID3 tag
            os.replace(encoded, audio)
        else:
            # M4A and Opus: chapters and tags go in by a stream copy with ffmpeg.
            metadata = stage / "metadata.txt"
            metadata.write_text(ffmetadata(chapter_spans, tags.ffmetadata()), encoding="utf-8")
            remux(encoded, metadata, audio, fmt)
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
        check_stop()
        with critical():  # the whole set moves into place, or none of it: a signal waits
            for kind, path in staged.items():
                target = sidecar_path(out, kind)
                path.chmod(mode)
                os.replace(path, target)
                final[kind] = target
            audio.chmod(mode)
            os.replace(audio, out)  # last: the episode exists only once everything is in place
        return Episode(out, laid.duration, laid.cues, laid.chapters, final)
    finally:
        if encoder is not None:
            encoder.abort()
        covers.shutdown(wait=True, cancel_futures=True)
        staging.close()


STREAM_TOLERANCE_LU = 0.5
# Between samples, and in a lossy encoder, peaks rise a few tenths of a dB (measured: under
# 0.6 dB each here, with the limiter oversampled 2×). A programme whose pre-encode sample
# peaks sit this far under the ceiling needs no decode to check its true peak.
SAFE_MARGIN_DB = 1.4


def remux(source: Path, metadata: Path, target: Path, fmt: AudioFormat) -> None:
    """Copy the encoded audio into TARGET with the chapters and tags of METADATA."""
    extra = ["-movflags", "+faststart"] if fmt.name == "m4a" else []
    run_ffmpeg(
        [
            "-i",
            str(source),
            "-f",
            "ffmetadata",
            "-i",
            str(metadata),
            "-map",
            "0:a",
            "-map_metadata",
            "1",
            "-map_chapters",
            "1",
            "-c",
            "copy",
            *extra,
            "-f",
            fmt.muxer,
            str(target),
        ],
        "adding chapters",
    )
    source.unlink(missing_ok=True)
