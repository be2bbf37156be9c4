"""ffmpeg plumbing shared by the voice and audio stages: find ffmpeg, decode compressed audio
(gTTS's MP3) to PCM, and configure pydub."""

from __future__ import annotations

import os
import shutil
import subprocess
import warnings
from functools import lru_cache
from typing import Any

from .errors import EngineError, OutputError

FFMPEG_ENV = "NARRATE_FFMPEG"


@lru_cache(maxsize=1)
def ffmpeg_path() -> str:
    """The ffmpeg narrate runs: $NARRATE_FFMPEG when set; else the static build shipped in the
    imageio-ffmpeg wheel (the same ffmpeg everywhere, and it starts in a tenth of the time of
    a distribution's shared-library build); else ffmpeg from PATH."""
    override = os.environ.get(FFMPEG_ENV)
    if override:
        found = shutil.which(override)
        if not found:
            raise OutputError(f"{FFMPEG_ENV}={override} is not an ffmpeg that can be run")
        return found
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        found = shutil.which("ffmpeg")
        if found:
            return found
        raise OutputError(f"ffmpeg not found: install ffmpeg or imageio-ffmpeg ({exc})") from None


def pydub() -> Any:
    """Import pydub pointed at our ffmpeg, without its warning about a missing PATH ffmpeg."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)  # pydub imports audioop
        import pydub as module
    module.AudioSegment.converter = ffmpeg_path()
    return module


def decode_to_pcm(data: bytes, rate: int) -> bytes:
    """Decode any audio ffmpeg reads (MP3 from gTTS, say) to mono s16le PCM at RATE."""
    result = subprocess.run(
        [
            ffmpeg_path(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-i",
            "pipe:0",
            "-f",
            "s16le",
            "-acodec",
            "pcm_s16le",
            "-ac",
            "1",
            "-ar",
            str(rate),
            "pipe:1",
        ],
        input=data,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise EngineError(f"cannot decode audio: {result.stderr.decode(errors='replace').strip()}")
    return result.stdout
