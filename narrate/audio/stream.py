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
import queue
import subprocess
import tempfile
import threading
from pathlib import Path

from ..errors import OutputError
from ..ffmpeg import ffmpeg_path
from .encode import AudioFormat, mastering_chain, parse_ebur128

QUEUED_CLIPS = 64  # pieces of PCM waiting for ffmpeg, at most (a few minutes of audio)
TYPICAL_VOICE_LUFS = -21.0  # TTS voices land near here before any gain
TYPICAL_LIMITER_LOSS_DB = 1.5
# Gain (dB) that brought each bundled voice to −16 LUFS through narrate's limiter, measured
# on the sample articles with benchmarks/speed.py's setup; a run remembers its own after.
KNOWN_GAINS_AT_MINUS_16 = {"piper:en_US-joe-medium": 8.8, "espeak": 7.1, "hibari": 10.6}


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
        # A feeder thread writes to ffmpeg, so the voice goes on to the next sentence while
        # ffmpeg takes in the last one (a pipe holds well under a second of audio).
        self.pending: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED_CLIPS)
        self.failed = False
        self.feeder: threading.Thread | None = None
        if source is None:
            self.feeder = threading.Thread(target=self._feed, name="narrate-encoder", daemon=True)
            self.feeder.start()

    def _feed(self) -> None:
        assert self.process.stdin is not None
        while (pcm := self.pending.get()) is not None:
            if self.failed:
                continue  # keep draining, so write() never blocks on a dead encoder
            try:
                self.process.stdin.write(pcm)
            except (BrokenPipeError, OSError, ValueError):
                self.failed = True
        with contextlib.suppress(BrokenPipeError, OSError, ValueError):
            self.process.stdin.close()

    def write(self, pcm: bytes) -> None:
        if self.failed:
            self.process.wait()
            raise OutputError(f"ffmpeg stopped while encoding: {self.error()}")
        self.pending.put(pcm)

    def error(self) -> str:
        self.log.seek(0)
        lines = self.log.read().decode(errors="replace").strip().splitlines()
        return (lines or ["no output"])[-1][:200]

    def finish(self) -> dict[str, float]:
        """Close the input, wait for ffmpeg, and return what it metered before the encoder:
        integrated loudness (LUFS) and sample peak (dBFS, as "true_peak")."""
        if self.feeder is not None:
            self.pending.put(None)
            self.feeder.join()
        if self.process.wait() != 0 or self.failed:
            raise OutputError(f"ffmpeg failed while encoding: {self.error()}")
        self.log.seek(0)
        measured = parse_ebur128(self.log.read().decode(errors="replace"))
        self.log.close()
        return measured

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
            self.process.wait()
        if self.feeder is not None:
            self.failed = True  # the feeder now only drains, so there is soon room for None
            with contextlib.suppress(queue.Full):
                self.pending.put(None, timeout=5)
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
        if not isinstance(data, dict):
            return {}
        return {
            str(k): float(v)
            for k, v in data.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) < 100
        }

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
        from ..voice.cache import claim

        if not claim(self.path.parent):  # kept inside narrate's own cache folder only
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".levels.", dir=self.path.parent)
            with os.fdopen(fd, "w") as handle:
                json.dump(data, handle, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
        except OSError:
            pass  # only a later run's speed depends on it


def default_memory() -> LevelMemory:
    from ..voice.cache import default_dir

    return LevelMemory(default_dir() / "levels.json")
