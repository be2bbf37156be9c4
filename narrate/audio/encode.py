"""Loudness and encoding with ffmpeg: EBU R128 gain, true-peak limiter, music beds, formats."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError
from ..ffmpeg import ffmpeg_path, pydub
from .timeline import TimelineResult


@dataclass(frozen=True)
class AudioFormat:
    name: str
    suffix: str
    mime: str
    codec_args: tuple[str, ...]
    rate: int
    lossy: bool = True

    @property
    def muxer(self) -> str:
        return {"m4a": "mp4", "opus": "ogg"}.get(self.name, self.name)

    def output_args(self, bitrate: str) -> list[str]:
        """ffmpeg arguments for the encoder and container (mono, this format's rate)."""
        bitrate_args = ["-b:a", bitrate] if self.lossy else []
        return [
            "-ac",
            "1",
            "-ar",
            str(self.rate),
            *self.codec_args,
            *bitrate_args,
            "-f",
            self.muxer,
        ]


FORMATS = {
    "mp3": AudioFormat(
        "mp3",
        ".mp3",
        "audio/mpeg",
        ("-c:a", "libmp3lame", "-write_xing", "1", "-compression_level", "7"),
        44100,
    ),
    "m4a": AudioFormat(
        "m4a", ".m4a", "audio/mp4", ("-c:a", "aac", "-movflags", "+faststart"), 44100
    ),
    "opus": AudioFormat(
        "opus", ".opus", "audio/ogg", ("-c:a", "libopus", "-application", "voip"), 48000
    ),
    "wav": AudioFormat("wav", ".wav", "audio/wav", ("-c:a", "pcm_s16le"), 44100, lossy=False),
}
SUFFIX_FORMATS = {f.suffix: f.name for f in FORMATS.values()} | {".aac": "m4a", ".ogg": "opus"}

# Lossy encoders raise inter-sample peaks a little; limit below the ceiling to stay under it.
PEAK_HEADROOM_DB = 1.5


def format_for(path: Path, explicit: str | None = None) -> AudioFormat:
    if explicit:
        return FORMATS[explicit]
    name = SUFFIX_FORMATS.get(path.suffix.lower())
    if name is None:
        raise OutputError(
            f"unknown audio type {path.suffix!r}: use .mp3, .m4a, .opus or .wav (or --format)"
        )
    return FORMATS[name]


@dataclass(frozen=True)
class Music:
    """A prepared music bed: a WAV file and where it starts on the timeline."""

    path: Path
    start: float


def prepare_intro_music(source: Path, timeline: TimelineResult, lead: float, out: Path) -> Music:
    """Music alone for LEAD seconds, then ducked under the intro voice, fading out after it."""
    intro_end = timeline.marks.get("intro_end", lead)
    return bed(
        source,
        out,
        length=intro_end + 1.5,
        alone_until=lead,
        ducked_until=intro_end,
        rise_after=False,
        start=0.0,
        rate=timeline.rate,
    )


def prepare_outro_music(source: Path, timeline: TimelineResult, tail: float, out: Path) -> Music:
    """Music entering under the outro voice, rising for the last TAIL seconds, fading out."""
    start = max(0.0, timeline.marks.get("outro_start", timeline.duration - tail) - 1.0)
    outro_end = timeline.duration - tail
    return bed(
        source,
        out,
        length=timeline.duration - start,
        alone_until=0.0,
        ducked_until=outro_end - start,
        rise_after=True,
        start=start,
        rate=timeline.rate,
    )


BED_LEVEL_DBFS = -24.0  # music alone, against speech at about −20 dBFS RMS before loudnorm
DUCK_DB = 12.0  # how far music drops under the voice
RAMP_MS = 600


def bed(
    source: Path,
    out: Path,
    *,
    length: float,
    alone_until: float,
    ducked_until: float,
    rise_after: bool,
    start: float,
    rate: int,
) -> Music:
    """Cut, loop, level, duck and fade a music file with pydub; write it as WAV."""
    AudioSegment = pydub().AudioSegment
    try:
        music = AudioSegment.from_file(str(source))
    except Exception as exc:  # pydub raises several kinds for unreadable input
        raise OutputError(f"cannot read music {source}: {str(exc).splitlines()[0][:120]}") from None
    if len(music) == 0:
        raise OutputError(f"music {source} is empty")
    music = music.set_channels(1).set_frame_rate(rate).set_sample_width(2)
    needed_ms = max(1, int(length * 1000))
    while len(music) < needed_ms:
        music = music + music
    music = music[:needed_ms]
    if music.dBFS != float("-inf"):
        music = music.apply_gain(BED_LEVEL_DBFS - music.dBFS)
    alone_ms = int(alone_until * 1000)
    ducked_ms = max(alone_ms, int(ducked_until * 1000))
    alone = music[:alone_ms]
    ducked = (
        music[alone_ms:ducked_ms].fade(
            from_gain=0, to_gain=-DUCK_DB, start=0, duration=min(RAMP_MS, ducked_ms - alone_ms)
        )
        if ducked_ms > alone_ms
        else music[:0]
    )
    rest = music[ducked_ms:]
    if rise_after and len(rest):
        rest = rest.fade(from_gain=-DUCK_DB, to_gain=0, start=0, duration=min(RAMP_MS, len(rest)))
    else:
        rest = rest.apply_gain(-DUCK_DB)
    music = (alone + ducked + rest).fade_in(min(500, needed_ms // 4))
    music = music.fade_out(min(2000, needed_ms // 2))
    music.export(str(out), format="wav")
    return Music(out, start)


def filter_graph(music: list[Music]) -> tuple[list[str], str]:
    """ffmpeg inputs for the music beds and the filter that mixes them under the speech."""
    inputs: list[str] = []
    if not music:
        return inputs, "[0:a]anull[mix]"
    chains = []
    labels = ["[0:a]"]
    for index, bed_ in enumerate(music, start=1):
        inputs += ["-i", str(bed_.path)]
        delay = round(bed_.start * 1000)
        chains.append(f"[{index}:a]adelay={delay}:all=1[m{index}]")
        labels.append(f"[m{index}]")
    mix = f"{''.join(labels)}amix=inputs={len(labels)}:duration=first:normalize=0[mix]"
    return inputs, ";".join([*chains, mix])


def run_ffmpeg(args: list[str], what: str) -> str:
    result = subprocess.run(
        [ffmpeg_path(), "-hide_banner", "-nostdin", "-nostats", "-y", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        tail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise OutputError(f"ffmpeg failed while {what}: {tail[:200]}")
    return result.stderr


def speech_input(timeline: TimelineResult) -> list[str]:
    return ["-f", "s16le", "-ar", str(timeline.rate), "-ac", "1", "-i", str(timeline.path)]


def parse_ebur128(stderr: str) -> dict[str, float]:
    summary = stderr[stderr.rfind("Summary:") :]
    integrated = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    return {
        "integrated": float(integrated.group(1)) if integrated else float("-inf"),
        "true_peak": float(peak.group(1)) if peak else float("-inf"),
    }


def mastering_chain(gain_db: float, ceiling_db: float, rate: int) -> str:
    """Gain, then a look-ahead limiter at the output rate, at least twice a voice's own rate
    (22–24 kHz), so it sees between the voice's samples."""
    limit = 10 ** (ceiling_db / 20)
    return (
        f"volume={gain_db:.3f}dB,aresample={rate},"
        f"alimiter=limit={limit:.5f}:attack=1:release=60:level=false"
    )


def measure_programme(timeline: TimelineResult, music: list[Music], chain: str) -> dict[str, float]:
    """Loudness and true peak of the mix after CHAIN (ffmpeg's EBU R128 meter; nothing written)."""
    inputs, graph = filter_graph(music)
    stderr = run_ffmpeg(
        [
            *speech_input(timeline),
            *inputs,
            "-filter_complex",
            f"{graph};[mix]{chain},ebur128=peak=true[out]",
            "-map",
            "[out]",
            "-f",
            "null",
            "-",
        ],
        "measuring loudness",
    )
    return parse_ebur128(stderr)


def measure_file(path: Path) -> dict[str, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) of an encoded file, by ffmpeg's ebur128."""
    stderr = run_ffmpeg(
        ["-i", str(path), "-filter_complex", "ebur128=peak=true", "-f", "null", "-"],
        "measuring the output",
    )
    return parse_ebur128(stderr)


TOLERANCE_LU = 0.3


def encode(
    timeline: TimelineResult,
    out: Path,
    audio_format: AudioFormat,
    *,
    bitrate: str,
    loudness: float,
    true_peak: float,
    music: list[Music] | None = None,
) -> tuple[dict[str, float], float]:
    """Bring the programme to LOUDNESS (LUFS) under TRUE_PEAK (dBTP) and encode it to OUT.

    The gain is found by measuring (EBU R128, after the limiter) and correcting, then the
    encoded file itself is measured; a lossy encode that lands outside the target is redone
    once with the measured error taken off. Returns the
    encoded file's measurement and the gain used.
    """
    music = music or []
    rate = audio_format.rate
    ceiling = true_peak - (PEAK_HEADROOM_DB if audio_format.lossy else 0.2)
    source = measure_programme(timeline, music, "anull")
    if source["integrated"] < -70:  # silence or near it: nothing to normalise
        chain = f"aresample={rate}"
        encode_once(timeline, out, audio_format, bitrate, music, chain)
        return measure_file(out), 0.0
    gain = loudness - source["integrated"]
    for _ in range(4):
        measured = measure_programme(timeline, music, mastering_chain(gain, ceiling, rate))
        error = loudness - measured["integrated"]
        if abs(error) <= TOLERANCE_LU:
            break
        gain += error * 1.2  # the limiter gives back less than the gain added
    result: dict[str, float] = {}
    used = gain
    for _ in range(3):
        used = gain
        chain = mastering_chain(gain, ceiling, rate)
        encode_once(timeline, out, audio_format, bitrate, music, chain)
        result = measure_file(out)
        error = loudness - result["integrated"]
        over = result["true_peak"] - true_peak
        if abs(error) <= 0.5 and over <= 0:
            break
        gain += error
        if over > 0:
            ceiling -= over + 0.3
    return result, used


def encode_once(
    timeline: TimelineResult,
    out: Path,
    audio_format: AudioFormat,
    bitrate: str,
    music: list[Music],
    chain: str,
) -> None:
    """One ffmpeg run: mix the music beds under the speech, apply CHAIN, encode."""
    inputs, graph = filter_graph(music)
    run_ffmpeg(
        [
            *speech_input(timeline),
            *inputs,
            "-filter_complex",
            f"{graph};[mix]{chain}[out]",
            "-map",
            "[out]",
            *audio_format.output_args(bitrate),
            str(out),
        ],
        f"encoding {audio_format.name}",
    )


def ffmetadata(chapters: list[tuple[float, float, str]], tags: dict[str, str]) -> str:
    """An ffmetadata file: global tags and chapters (for MP4 and Ogg chapter support)."""

    def escape(value: str) -> str:
        return re.sub(r"([=;#\\\n])", r"\\\1", value)

    lines = [";FFMETADATA1"]
    lines += [f"{key}={escape(value)}" for key, value in tags.items() if value]
    for start, end, title in chapters:
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={int(start * 1000)}",
            f"END={int(end * 1000)}",
            f"title={escape(title)}",
        ]
    return "\n".join(lines) + "\n"
