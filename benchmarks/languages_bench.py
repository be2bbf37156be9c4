"""News sentences in German, French, Spanish and Ukrainian, read through `narrate script`.

    python benchmarks/languages_bench.py [--misses] [LANG ...]

Each language's set is benchmarks/data/languages/LANG.tsv (written<TAB>spoken, alternatives
after " | "). The sentences become one text article, a paragraph each, under a title in that
language, and `narrate script` reads it twice: with --lang and without it (the language then
comes from the text). A sentence counts when its spoken block equals one of the accepted
readings, compared loosely: case, spaces, hyphens, apostrophes and punctuation ignored.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT / "benchmarks" / "data" / "languages"
TITLES = {"de": "Nachrichten", "fr": "Actualités", "es": "Noticias", "uk": "Новини"}
LANGUAGES = tuple(TITLES)


@dataclass(frozen=True)
class Case:
    written: str
    accepted: tuple[str, ...]


@dataclass
class Score:
    lang: str
    given: bool
    hits: int
    total: int
    misses: list[tuple[str, str, str]]  # written, spoken, first accepted

    @property
    def share(self) -> float:
        return self.hits / self.total if self.total else 0.0


def load(lang: str) -> list[Case]:
    cases = []
    for line in (DATA / f"{lang}.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        written, spoken = line.split("\t")
        cases.append(Case(written, tuple(s.strip() for s in spoken.split(" | "))))
    return cases


def loose(text: str) -> str:
    return re.sub(r"[\W\d_]+", "", text.lower())


def score(lang: str, given: bool) -> Score:
    from click.testing import CliRunner

    from narrate.cli import cli

    cases = load(lang)
    with tempfile.TemporaryDirectory() as folder:
        story = Path(folder) / "story.txt"
        story.write_text(
            TITLES[lang] + "\n\n" + "\n\n".join(c.written for c in cases) + "\n", encoding="utf-8"
        )
        args = ["script", str(story), "--no-outro", *(["--lang", lang] if given else [])]
        result = CliRunner().invoke(cli, args)
    if result.exit_code != 0:
        raise RuntimeError(f"narrate script failed for {lang}: {result.output}")
    blocks = [b.strip() for b in result.output.strip().split("\n\n")][1:]  # 0 is the intro
    if len(blocks) != len(cases):
        raise RuntimeError(f"{lang}: {len(cases)} sentences became {len(blocks)} blocks")
    hits, misses = 0, []
    for case, spoken in zip(cases, blocks, strict=True):
        if loose(spoken) in {loose(a) for a in case.accepted}:
            hits += 1
        else:
            misses.append((case.written, spoken, case.accepted[0]))
    return Score(lang, given, hits, len(cases), misses)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("languages", nargs="*", default=list(LANGUAGES))
    parser.add_argument("--misses", action="store_true", help="print each sentence missed")
    args = parser.parse_args()
    print(f"{'language':<10}{'sentences':>10}{'--lang':>10}{'detected':>10}")
    for lang in args.languages:
        given, found = score(lang, True), score(lang, False)
        print(f"{lang:<10}{given.total:>10}{given.share:>10.0%}{found.share:>10.0%}")
        if args.misses:
            for written, spoken, wanted in given.misses + [
                m for m in found.misses if m not in given.misses
            ]:
                print(f"    {written}\n      said:   {spoken}\n      wanted: {wanted}")


if __name__ == "__main__":
    main()
