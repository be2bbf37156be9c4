"""Extraction quality: narrate against plain trafilatura on pages nobody here wrote.

    python benchmarks/extract_bench.py [--data ../shared/data] [--worst N] [--only NAME]
                                       [--save FILE] [--against FILE]

--save writes every page's score to FILE (JSON); --against FILE prints each page whose score
moved since that file was saved (another checkout's, say), and the change per class of page.

What narrate is scored on is what it reads of the article besides its title and byline: the
subtitle (the dek, said in the intro after the title) and the body's blocks.

Pages: every Readability.js test page (its `expected.html` is the article, tags stripped;
the pages it marks not readerable are left out) and every page of trafilatura's English news
evaluation (its `with` segments must be read, its `without` segments must not). Figures, for
narrate (the article's blocks after the intro: the gold texts leave the title out too; code
listings are in the article, and spoken as a short note, so "read aloud" is the blocks without
them) and for `trafilatura.extract(include_comments=False)` on the same pages:

- shingle precision, recall and F1 (4-word shingles, lower-cased words, averaged per
  document), the metric of the public article-extraction benchmarks, on the Readability pages
  (gold: the expected article; and F1 again with the article's <pre> code listings left out
  of the gold, as narrate leaves them out for a listener) and on trafilatura's pages (gold:
  the `with` segments: recall only, as the rest of each page has no gold text);
- trafilatura's own segment score on its pages: precision, recall and F1 over the `with`
  (true) and `without` (false) segments found;
- the share of trafilatura's pages where a `without` segment is spoken, and where one is
  spoken that trafilatura itself leaves out;
- milliseconds per page (extraction alone, one core).
"""

from __future__ import annotations

import argparse
import html as html_lib
import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def shingles(text: str, size: int = 4) -> set[tuple[str, ...]]:
    tokens = words(text)
    if len(tokens) < size:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)}


def shingle_scores(predicted: str, gold: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of PREDICTED's 4-word shingles against GOLD's."""
    mine, theirs = shingles(predicted), shingles(gold)
    if not theirs:
        return (1.0, 1.0, 1.0) if not mine else (0.0, 1.0, 0.0)
    if not mine:
        return 0.0, 0.0, 0.0
    common = len(mine & theirs)
    precision, recall = common / len(mine), common / len(theirs)
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return precision, recall, f1


def flat(text: str) -> str:
    return " ".join(text.split())


def strip_tags(markup: str, code: bool = True) -> str:
    """The text of MARKUP; without CODE, its <pre> listings left out (what a listener gets)."""
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    if not code:
        markup = re.sub(r"(?is)<pre\b.*?</pre>", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</(p|div|h\d|li|tr|td|th|blockquote|pre)>", "\n", markup)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", markup))


@dataclass
class Page:
    name: str
    html: str
    url: str | None
    gold: str = ""  # the whole article (Readability pages)
    spoken_gold: str = ""  # the same without its code listings
    with_: list[str] = field(default_factory=list)  # trafilatura's pages
    without: list[str] = field(default_factory=list)
    lang: str = "en"


def readability_pages(data: Path) -> list[Page]:
    base = data / "extraction" / "readability" / "test-pages"
    pages = []
    for folder in sorted(base.iterdir()):
        source, expected = folder / "source.html", folder / "expected.html"
        if not (source.exists() and expected.exists()):
            continue
        meta = {}
        if (folder / "expected-metadata.json").exists():
            meta = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
        if meta.get("readerable") is False:
            continue
        pages.append(
            Page(
                f"readability/{folder.name}",
                source.read_text(encoding="utf-8", errors="replace"),
                "http://fakehost/test/page.html",
                gold=strip_tags(expected.read_text(encoding="utf-8", errors="replace")),
                spoken_gold=strip_tags(
                    expected.read_text(encoding="utf-8", errors="replace"), code=False
                ),
                lang=(meta.get("lang") or "en") or "en",
            )
        )
    return pages


def trafilatura_pages(data: Path) -> list[Page]:
    base = data / "extraction" / "trafilatura_eval"
    index = json.loads((base / "evaldata_english_news.json").read_text(encoding="utf-8"))
    pages = []
    for url, entry in sorted(index.items(), key=lambda item: item[1]["file"]):
        path = base / "html" / entry["file"]
        if path.exists():
            pages.append(
                Page(
                    f"trafilatura/{entry['file']}",
                    path.read_text(encoding="utf-8", errors="replace"),
                    url,
                    with_=entry.get("with", []),
                    without=entry.get("without", []),
                )
            )
    return pages


def narrate_text(page: Page) -> tuple[str, str]:
    """(the article narrate extracts, the part of it that is read aloud: no code listings)."""
    from narrate.errors import NarrateError
    from narrate.read.extract import extract

    try:
        article = extract(page.html, page.url)
    except NarrateError:
        return "", ""
    dek = [article.dek] if getattr(article, "dek", None) else []  # said in the intro
    return (
        "\n".join([*dek, *(block.text for block in article.blocks)]),
        "\n".join([*dek, *(block.text for block in article.blocks if block.kind != "code")]),
    )


def trafilatura_text(page: Page) -> tuple[str, str]:
    import trafilatura

    text = trafilatura.extract(page.html, url=page.url, include_comments=False) or ""
    return text, text  # a reader of trafilatura's text reads its code too


@dataclass
class Scores:
    shingle: list[tuple[float, float, float]] = field(default_factory=list)
    spoken: list[float] = field(default_factory=list)  # F1 against the gold without code
    segment_recall: list[float] = field(default_factory=list)  # trafilatura pages, shingles
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    junk_pages: list[str] = field(default_factory=list)
    seconds: float = 0.0
    texts: dict[str, str] = field(default_factory=dict)


def evaluate(pages: list[Page], extractor: Callable[[Page], tuple[str, str]]) -> Scores:
    scores = Scores()
    for page in pages:
        start = time.perf_counter()
        text, read_aloud = extractor(page)
        scores.seconds += time.perf_counter() - start
        scores.texts[page.name] = text
        spoken = flat(read_aloud)
        if page.gold:
            scores.shingle.append(shingle_scores(text, page.gold))
            scores.spoken.append(shingle_scores(read_aloud, page.spoken_gold)[2])
            continue
        scores.segment_recall.append(shingle_scores(text, " ".join(page.with_))[1])
        found = flat(text)
        for segment in page.with_:
            if flat(segment) in found:
                scores.tp += 1
            else:
                scores.fn += 1
        spoken_junk = [s for s in page.without if flat(s) and flat(s) in spoken]
        scores.fp += len(spoken_junk)
        scores.tn += len(page.without) - len(spoken_junk)
        if spoken_junk:
            scores.junk_pages.append(page.name)
    return scores


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else 0.0


def report(label: str, scores: Scores, pages: int) -> dict[str, float]:
    p = mean([s[0] for s in scores.shingle])
    r = mean([s[1] for s in scores.shingle])
    f = mean([s[2] for s in scores.shingle])
    sp = scores.tp / (scores.tp + scores.fp) if scores.tp + scores.fp else 0.0
    sr = scores.tp / (scores.tp + scores.fn) if scores.tp + scores.fn else 0.0
    sf = 2 * sp * sr / (sp + sr) if sp + sr else 0.0
    figures = {
        "shingle_p": p,
        "shingle_r": r,
        "shingle_f1": f,
        "spoken_f1": mean(scores.spoken),
        "with_recall": mean(scores.segment_recall),
        "segment_p": sp,
        "segment_r": sr,
        "segment_f1": sf,
        "junk_pages": len(scores.junk_pages),
        "ms": scores.seconds / max(1, pages) * 1000,
    }
    print(
        f"{label:<12} Readability pages: shingle P {p:.3f} R {r:.3f} F1 {f:.3f} "
        f"(read aloud: F1 {figures['spoken_f1']:.3f} against the gold without code) | "
        f"trafilatura pages: segments P {sp:.3f} R {sr:.3f} F1 {sf:.3f}, "
        f"'with' shingle recall {figures['with_recall']:.3f}, "
        f"a 'without' segment spoken on {len(scores.junk_pages)} pages | "
        f"{figures['ms']:.1f} ms/page"
    )
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages by F1")
    parser.add_argument("--only", help="pages whose name contains this")
    parser.add_argument("--save", type=Path, help="write every page's score to this JSON file")
    parser.add_argument("--against", type=Path, help="print the pages that moved since FILE")
    args = parser.parse_args()
    if not (args.data / "extraction").exists():
        sys.exit(f"no extraction data in {args.data}: pass --data")
    pages = readability_pages(args.data) + trafilatura_pages(args.data)
    if args.only:
        pages = [p for p in pages if args.only in p.name]
    narrate_text(pages[0])  # warm up: imports
    trafilatura_text(pages[0])
    gold_pages = sum(1 for p in pages if p.gold)
    print(f"{len(pages)} pages: {gold_pages} Readability, {len(pages) - gold_pages} trafilatura")
    ours = evaluate(pages, narrate_text)
    theirs = evaluate(pages, trafilatura_text)
    mine = report("narrate", ours, len(pages))
    other = report("trafilatura", theirs, len(pages))
    print(
        "narrate − trafilatura: Readability shingle F1 "
        f"{mine['shingle_f1'] - other['shingle_f1']:+.4f}"
        f", read aloud {mine['spoken_f1'] - other['spoken_f1']:+.4f}"
        f"; trafilatura pages segment F1 {mine['segment_f1'] - other['segment_f1']:+.4f}"
    )
    only_ours = sorted(set(ours.junk_pages) - set(theirs.junk_pages))
    print(
        f"pages where narrate speaks a 'without' segment trafilatura leaves out: {len(only_ours)}"
        + (f" ({', '.join(only_ours)})" if only_ours else "")
    )
    cjk = [p for p in pages if p.lang.split("-")[0] in ("zh", "ja", "ko", "th")]
    if cjk:
        empty = [p.name for p in cjk if not ours.texts[p.name].strip()]
        print(f"CJK/Thai pages: {len(cjk)}, with no article: {len(empty)} {empty or ''}")
    if args.worst:
        rows = []
        for page in pages:
            if page.gold:
                f = shingle_scores(ours.texts[page.name], page.gold)[2]
                g = shingle_scores(theirs.texts[page.name], page.gold)[2]
                rows.append((f - g, f, g, page.name))
        for diff, f, g, name in sorted(rows)[: args.worst]:
            print(f"  {name:<60} narrate {f:.3f}  trafilatura {g:.3f}  ({diff:+.3f})")
        for name in ours.junk_pages:
            page = next(p for p in pages if p.name == name)
            spoken = flat(ours.texts[name])
            junk = [s for s in page.without if flat(s) and flat(s) in spoken]
            print(f"  junk spoken on {name}: {junk}")
    scores = page_scores(pages, ours)
    if args.save:
        args.save.write_text(json.dumps(scores, indent=1, sort_keys=True), encoding="utf-8")
    if args.against:
        compare(json.loads(args.against.read_text(encoding="utf-8")), scores)
    del mine


def page_scores(pages: list[Page], scores: Scores) -> dict[str, dict[str, float]]:
    """Each page's own figures: shingle F1 (Readability pages), or the 'with' segments found
    and the 'without' ones spoken (trafilatura pages)."""
    result: dict[str, dict[str, float]] = {}
    for page in pages:
        text = scores.texts[page.name]
        if page.gold:
            result[page.name] = {"f1": shingle_scores(text, page.gold)[2]}
            continue
        found = flat(text)
        result[page.name] = {
            "with": sum(flat(s) in found for s in page.with_),
            "without": sum(bool(flat(s)) and flat(s) in found for s in page.without),
        }
    return result


def compare(before: dict[str, dict[str, float]], now: dict[str, dict[str, float]]) -> None:
    better = worse = 0
    for name in sorted(set(before) & set(now)):
        old, new = before[name], now[name]
        if old == new:
            continue
        if "f1" in new:
            change = new["f1"] - old["f1"]
            if abs(change) < 0.0005:
                continue
            better, worse = better + (change > 0), worse + (change < 0)
            print(f"  {name:<60} F1 {old['f1']:.3f} → {new['f1']:.3f} ({change:+.3f})")
        else:
            gained = new["with"] - old["with"] - (new["without"] - old["without"])
            better, worse = better + (gained > 0), worse + (gained < 0)
            print(
                f"  {name:<60} with {old['with']:.0f} → {new['with']:.0f}, "
                f"without {old['without']:.0f} → {new['without']:.0f}"
            )
    print(f"pages better: {better}, worse: {worse}")


if __name__ == "__main__":
    main()
