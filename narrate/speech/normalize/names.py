"""Names in the news that the voices cannot know: Kyiv, Zaporizhzhia, Xi Jinping, Seoul …

The list is data (`data/news_names.tsv`: the name as written, a BBC-style respelling, IPA,
a region): Piper is given the IPA as phonemes, every other engine the respelling written as
one word ("Ohdessuh"). It runs after a user's lexicon (which wins) and before the
English rules, for English text. To add a name, see tools/news_names_ipa.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from .core import Text
from .phonemes import possessive
from .tables import read_tsv

REGIONS = {"ua", "ru", "me", "cn", "kr", "eu"}


@dataclass(frozen=True)
class NewsName:
    written: str
    respelling: str  # BBC style: "oh-DESS-uh"
    ipa: str  # "oʊdˈɛsə"
    region: str

    @property
    def spoken(self) -> str:
        """The respelling as every engine but Piper reads it: each word's syllables joined,
        in lower case (capitals would be spelled letter by letter) with a capital first
        ("Ohdessuh"). Measured against the IPA with espeak-ng over the whole list, this reads
        half as far from it as the names as written (phoneme distance 0.137 against 0.270),
        with the stress as often right; hyphenated syllables stress every one."""
        return " ".join(
            word.replace("-", "").lower().capitalize() for word in self.respelling.split()
        )


class NewsNames:
    """The loaded list and the one pattern that finds its names (as written, or shouted)."""

    def __init__(self, names: list[NewsName]) -> None:
        self.by_written: dict[str, NewsName] = {}
        for name in names:
            self.by_written[name.written] = name
            self.by_written.setdefault(name.written.upper(), name)
        alternatives = sorted(self.by_written, key=len, reverse=True)
        self.pattern = re.compile(
            r"(?<![\w'’-])(" + "|".join(map(re.escape, alternatives)) + r")(['’]s)?(?![\w'’-])"
        )

    def respell(self, text: str) -> str:
        """TEXT with the names in it respelled ("Kyiv, Ukraine" → "Keev, Ukraine"): for
        text that one rule speaks whole, as a dateline."""
        return self.pattern.sub(
            lambda m: self.by_written[m.group(1)].spoken + (m.group(2) or ""), text
        )

    def apply(self, text: Text) -> None:
        def say(m: re.Match[str]) -> tuple[str, str]:
            name = self.by_written[m.group(1)]
            if m.group(2):
                return name.spoken + "'s", possessive(name.ipa)
            return name.spoken, name.ipa

        text.apply(self.pattern, say, "news name")


def parse_names(rows: list[list[str]]) -> list[NewsName]:
    """Rows of the table as names; a malformed row is a ValueError naming it."""
    names = []
    for number, row in enumerate(rows, start=1):
        if len(row) != 4 or not all(row):
            raise ValueError(f"news_names.tsv entry {number}: expected 4 cells, got {row!r}")
        written, respelling, ipa, region = row
        if region not in REGIONS:
            raise ValueError(f"news_names.tsv entry {number}: unknown region {region!r}")
        if not re.fullmatch(r"[A-Za-z]+(?:-[A-Za-z]+)*(?: [A-Za-z]+(?:-[A-Za-z]+)*)*", respelling):
            raise ValueError(f"news_names.tsv entry {number}: bad respelling {respelling!r}")
        names.append(NewsName(written, respelling, ipa, region))
    return names


@cache
def news_names() -> NewsNames:
    return NewsNames(parse_names(read_tsv("news_names.tsv")))
