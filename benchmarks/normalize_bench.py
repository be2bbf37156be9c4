"""Normaliser accuracy and speed.

    python benchmarks/normalize_bench.py [--misses CLASS|all] [--data ../shared/data]

Accuracy: NeMo's English test cases per class, and the Google TN dev sentences, compared
loosely (lowercase, punctuation dropped). Speed: sentences per second on one core over the
sample article's sentences and the Google sentences, after a warm-up.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from narrate.read.extract import extract  # noqa: E402
from narrate.speech.normalize import normalize  # noqa: E402
from narrate.speech.segment import split_sentences  # noqa: E402

CLASSES = [
    "cardinal",
    "ordinal",
    "decimal",
    "fraction",
    "money",
    "measure",
    "date",
    "time",
    "whitelist",
    "roman",
    "range",
    "electronic",
]


def loose(text: str) -> str:
    """Lowercase, punctuation dropped, spaces collapsed."""
    return " ".join(re.sub(r"[^\w\s]|_", " ", text.lower()).split())


def nemo_cases(folder: Path, name: str) -> list[tuple[str, str]]:
    cases = []
    for line in (folder / f"test_cases_{name}.txt").read_text(encoding="utf-8").splitlines():
        if "~" in line:
            written, spoken = line.split("~", 1)
            cases.append((written, spoken))
    return cases


def news_sentences(data: Path) -> list[str]:
    """Sentences of the bundled samples plus trafilatura's 56 English news pages, if present."""
    pages = sorted((ROOT / "samples").glob("*.html"))
    pages += sorted((data / "extraction" / "trafilatura_eval" / "html").glob("*.html"))
    sentences = []
    for page in pages:
        try:
            article = extract(page.read_text(encoding="utf-8", errors="replace"))
        except Exception:  # a page with no article: not a news sentence source
            continue
        for block in article.blocks:
            sentences += split_sentences(block.text)
    return sentences


def throughput(sentences: list[str], rounds: int = 5) -> float:
    for s in sentences:
        normalize(s)  # warm caches, as a long run would be
    rates = []
    for _ in range(rounds):
        start = time.perf_counter()
        for s in sentences:
            normalize(s)
        rates.append(len(sentences) / (time.perf_counter() - start))
    return statistics.median(rates)


def print_names_load_time() -> None:
    """The news-names list: table read, parsed and its pattern compiled (best of 5, with
    Python's cache of compiled patterns emptied each time)."""
    import re
    import time

    from narrate.speech.normalize import names, tables

    best = float("inf")
    for _ in range(5):
        re.purge()
        started = time.perf_counter()
        names.NewsNames(names.parse_names(tables.read_tsv("news_names.tsv")))
        best = min(best, time.perf_counter() - started)
    print(f"news-names list: loads in {best * 1000:.1f} ms (best of 5)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--misses", help="print the misses of one class, 'google' or 'all'")
    args = parser.parse_args()
    nemo = args.data / "normalization" / "nemo_en"
    google = args.data / "normalization" / "google_tn_dev.jsonl"
    print_names_load_time()

    if nemo.exists():
        total = right = 0
        print("NeMo English test cases (loose comparison)")
        for name in CLASSES:
            cases = nemo_cases(nemo, name)
            ok = 0
            for written, expected in cases:
                got = normalize(written)
                if loose(got) == loose(expected):
                    ok += 1
                elif args.misses in (name, "all"):
                    print(
                        f"  MISS {name}: {written!r}\n       got {got!r}\n      want {expected!r}"
                    )
            total += len(cases)
            right += ok
            print(f"  {name:<11} {ok:>4}/{len(cases):<4} {100 * ok / len(cases):5.1f} %")
        print(f"  {'overall':<11} {right:>4}/{total:<4} {100 * right / total:5.1f} %")
    else:
        print(f"NeMo cases not found under {nemo}: skipped")

    google_sentences: list[str] = []
    if google.exists():
        rows = [json.loads(line) for line in google.read_text(encoding="utf-8").splitlines()]
        ok = 0
        for row in rows:
            got = normalize(row["text"])
            google_sentences.append(row["text"])
            if loose(got) == loose(row["gt_normalized"]):
                ok += 1
            elif args.misses in ("google", "all"):
                print(
                    f"  MISS google: {row['text']!r}\n       got {got!r}\n"
                    f"      want {row['gt_normalized']!r}"
                )
        print(f"Google TN dev sentences: {ok}/{len(rows)} = {100 * ok / len(rows):.1f} %")
    else:
        print(f"Google TN set not found at {google}: skipped")

    news = news_sentences(args.data)
    print(
        f"Throughput, one core: {throughput(news, 3):,.0f} sentences/s over {len(news)} news "
        f"sentences (samples and trafilatura's English news pages)"
    )
    if google_sentences:
        print(
            f"Throughput, one core: {throughput(google_sentences, 3):,.0f} sentences/s over "
            f"{len(google_sentences)} Google TN sentences"
        )


if __name__ == "__main__":
    main()
