"""Mastering cost: time for 100 vs 1,000 segments, and peak memory for a 60-minute narration.

    python benchmarks/master_bench.py [--minutes 60]

Segments are synthetic (tone bursts of 2–4 s, like sentences), so the figures measure narrate's
stitching, loudness, encoding and tagging — not a speech engine. Peak memory is the maximum
resident set of the mastering process and of its largest ffmpeg child, each in a fresh process.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RATE = 22050


def clips(count: int):
    import numpy as np

    from narrate.model import Clip

    for i in range(count):
        seconds = 2.0 + (i * 7919 % 2000) / 1000
        t = np.arange(int(seconds * RATE)) / RATE
        envelope = 0.5 + 0.5 * np.sin(2 * math.pi * 3 * t)  # syllable-like amplitude
        tone = 0.3 * envelope * np.sin(2 * math.pi * (180 + i % 60) * t)
        yield Clip((tone * 32767).astype("<i2").tobytes(), RATE)


def script_with(count: int):
    from narrate.model import Article, Script, ScriptBlock, Sentence

    blocks = []
    per_block = 5
    for start in range(0, count, per_block):
        sentences = [
            Sentence(f"Sentence {i}.", f"Sentence {i}.")
            for i in range(start, min(count, start + per_block))
        ]
        kind = "heading" if start and start % 100 == 0 else "paragraph"
        blocks.append(ScriptBlock(kind, sentences[:1] if kind == "heading" else sentences))
    total = sum(len(b.sentences) for b in blocks)
    while total < count:  # headings took one sentence each: top up the last block
        blocks[-1].sentences.append(Sentence("More.", "More."))
        total += 1
    return Script(Article(title="Benchmark", site="narrate"), blocks)


def master_once(count: int, folder: Path) -> dict[str, float]:
    from narrate.audio.encode import FORMATS
    from narrate.audio.master import MasterOptions, master
    from narrate.audio.tags import EpisodeTags

    script = script_with(count)
    tags = EpisodeTags("Benchmark", None, "narrate", None, "en", "benchmark", None, "k")
    options = MasterOptions(FORMATS["mp3"], fetch_cover=False)
    start = time.perf_counter()
    episode = master(
        script, clips(count), folder / f"b{count}.mp3", rate=RATE, tags=tags, options=options
    )
    return {"seconds": time.perf_counter() - start, "audio_minutes": episode.duration / 60}


def child(count: int) -> None:
    """Run in a fresh process: master COUNT segments, print timing and peak memory as JSON."""
    with tempfile.TemporaryDirectory() as folder:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result = master_once(count, Path(folder))
        result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result["rss_before_mb"] = before / 1024
        result["ffmpeg_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(result))


def run(count: int) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, __file__, "--child", str(count)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    small, large = run(100), run(1000)
    print(
        f"mastering 100 segments ({small['audio_minutes']:.1f} min of audio): "
        f"{small['seconds']:.1f} s"
    )
    print(
        f"mastering 1000 segments ({large['audio_minutes']:.1f} min of audio): "
        f"{large['seconds']:.1f} s"
    )
    print(f"ratio 1000/100: {large['seconds'] / small['seconds']:.1f} (linear would be 10)")
    segments = int(args.minutes * 60 / 3.35)  # ~3 s sentences plus pauses
    long = run(segments)
    print(
        f"{long['audio_minutes']:.0f}-minute narration ({segments} segments): "
        f"{long['seconds']:.1f} s; peak memory: mastering process {long['peak_rss_mb']:.0f} MB "
        f"({long['rss_before_mb']:.0f} MB before mastering), largest ffmpeg "
        f"{long['ffmpeg_peak_rss_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
