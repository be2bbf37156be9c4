"""Encoding while the voice speaks: PCM goes to ffmpeg as each clip is synthesised.

The gain comes from what this voice needed last time (remembered per voice in the cache
folder), or a typical one for a first run. ffmpeg meters the limited signal as it encodes,
so at the end narrate knows at once whether the programme landed on its loudness target; if
not, the master falls back to measuring and encoding again from the PCM on disk.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import tempfile
from pathlib import Path

from .audio import ffmpeg_path
from .encode import AudioFormat, mastering_chain, parse_ebur128
from .errors import OutputError

TYPICAL_VOICE_LUFS = -21.0  # TTS voices land near here before any gain
TYPICAL_LIMITER_LOSS_DB = 1.5
# Gain (dB) that brought each bundled voice to −16 LUFS through narrate's limiter, measured
# on the sample articles with benchmarks/speed.py's setup; a run remembers its own after.
KNOWN_GAINS_AT_MINUS_16 = {"piper:en_US-joe-medium": 8.8, "espeak": 7.1}


class StreamEncoder:
    """An ffmpeg process fed raw PCM on stdin: gain, limiter, encoder and an EBU R128 meter."""

    def __init__(
        self,
        out: Path,
        audio_format: AudioFormat,
        *,
        bitrate: str,
        rate: int,
        gain: float,
        ceiling: float,
        source: Path | None = None,
    ) -> None:
        """Encode PCM written to this object, or, with SOURCE, the raw PCM file there."""
        self.gain = gain
        chain = mastering_chain(gain, ceiling, audio_format.rate)
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in finish() or abort()
        self.process = subprocess.Popen(
            [
                ffmpeg_path(),
                "-hide_banner",
                "-nostats",
                "-y",
                "-f",
                "s16le",
                "-ar",
                str(rate),
                "-ac",
                "1",
                "-i",
                str(source) if source else "pipe:0",
                "-filter_complex",
                f"[0:a]{chain},asplit=2[enc][meter];[meter]ebur128=peak=sample[metered]",
                "-map",
                "[enc]",
                *audio_format.output_args(bitrate),
                str(out),
                "-map",
                "[metered]",
                "-f",
                "null",
                "-",
            ],
            stdin=subprocess.DEVNULL if source else subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )

    def write(self, pcm: bytes) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(pcm)
        except BrokenPipeError:
            raise OutputError(f"ffmpeg stopped while encoding: {self.error()}") from None

    def error(self) -> str:
        self.log.seek(0)
        lines = self.log.read().decode(errors="replace").strip().splitlines()
        return (lines or ["no output"])[-1][:200]

    def finish(self) -> dict[str, float]:
        """Close the input, wait for ffmpeg, and return what it metered before the encoder:
        integrated loudness (LUFS) and sample peak (dBFS, as "true_peak")."""
        if self.process.stdin is not None:
            with contextlib.suppress(BrokenPipeError):
                self.process.stdin.close()
        if self.process.wait() != 0:
            raise OutputError(f"ffmpeg failed while encoding: {self.error()}")
        self.log.seek(0)
        measured = parse_ebur128(self.log.read().decode(errors="replace"))
        self.log.close()
        return measured

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.wait()
        self.log.close()


class LevelMemory:
    """The gain each voice needed to reach each loudness target, kept between runs."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, float]:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return {}
        return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def predict(self, voice: str, target: float) -> float:
        remembered = self.load().get(f"{voice}@{target}")
        if remembered is not None:
            return remembered
        known = KNOWN_GAINS_AT_MINUS_16.get(voice, KNOWN_GAINS_AT_MINUS_16.get(voice.split(":")[0]))
        if known is not None:
            return known + (target + 16.0)
        return target - TYPICAL_VOICE_LUFS + TYPICAL_LIMITER_LOSS_DB

    def remember(self, voice: str, target: float, gain: float) -> None:
        data = self.load()
        data[f"{voice}@{target}"] = round(gain, 3)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".levels.", dir=self.path.parent)
            with os.fdopen(fd, "w") as handle:
                json.dump(data, handle, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
        except OSError:
            pass  # only a later run's speed depends on it


def default_memory() -> LevelMemory:
    from .cache import default_dir

    return LevelMemory(default_dir().parent / "levels.json")
