"""Sentence splitting that respects abbreviations, and clause splitting for engine limits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Abbreviations after which a full stop never ends a sentence (a name or number follows).
NEVER_FINAL = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "rev",
    "hon",
    "gen",
    "lt",
    "col",
    "maj",
    "capt",
    "cpt",
    "sgt",
    "cpl",
    "pvt",
    "adm",
    "cmdr",
    "sen",
    "sens",
    "rep",
    "reps",
    "gov",
    "pres",
    "supt",
    "amb",
    "atty",
    "st",
    "mt",
    "ft",
    "no",
    "nos",
    "vs",
    "v",
    "fig",
    "figs",
    "vol",
    "ch",
    "approx",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "e.g",
    "i.e",
    "cf",
    "al",
    "ave",
    "blvd",
    "rd",
    "dept",
    "univ",
    "est",
}
# Abbreviations that may end a sentence: they do when a typical sentence opener follows.
MAYBE_FINAL = {
    "inc",
    "corp",
    "ltd",
    "co",
    "jr",
    "sr",
    "etc",
    "bros",
    "a.m",
    "p.m",
    "u.s",
    "u.k",
    "u.n",
    "e.u",
}
OPENERS = {
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "This",
    "That",
    "These",
    "Those",
    "But",
    "And",
    "Or",
    "So",
    "Yet",
    "In",
    "On",
    "At",
    "As",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "Since",
    "Although",
    "However",
    "Meanwhile",
    "There",
    "Here",
    "His",
    "Her",
    "Its",
    "Their",
    "Our",
    "My",
    "According",
    "Earlier",
    "Later",
    "Now",
    "Then",
    "Still",
    "Also",
    "Many",
    "Some",
    "Most",
    "Other",
    "One",
    "Two",
    "Three",
    "Nonetheless",
    "Instead",
}

# Candidate boundary: terminal punctuation, optional closing quotes/brackets, then space.
BOUNDARY = re.compile(r"([.!?…]+)([\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9À-ÖØ-ÞА-ЯЇІЄҐ¿¡])")


@dataclass(frozen=True)
class Endings:
    """How sentences end in one language (data/sentences/LANG.toml; English: the sets above)."""

    never_final: frozenset[str]
    maybe_final: frozenset[str]
    openers: frozenset[str]
    ordinal_dots: bool = False


ENGLISH = Endings(frozenset(NEVER_FINAL), frozenset(MAYBE_FINAL), frozenset(OPENERS))
DATA = Path(__file__).resolve().parent / "data" / "sentences"


@cache
def endings(lang: str) -> Endings:
    """The sentence endings of LANG: its data file, else English's."""
    from ..model import base_language

    base = base_language(lang)
    path = DATA / f"{base}.toml"
    if base == "en" or not path.is_file():
        return ENGLISH
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Endings(
        frozenset(data.get("never_final", [])),
        frozenset(data.get("maybe_final", [])),
        frozenset(data.get("openers", [])),
        bool(data.get("ordinal_dots", False)),
    )


def split_sentences(text: str, lang: str = "en") -> list[str]:
    """Split a paragraph into sentences in LANG: "Nov. 14", "U.S. State", "Q. Brown", German
    "am 1. März" and "z. B. Berlin" stay whole."""
    text = " ".join(text.split())
    rules = endings(lang)
    sentences: list[str] = []
    start = 0
    for match in BOUNDARY.finditer(text):
        end = match.end(2)
        if match.group(1) == "." and not is_sentence_end(text, match, rules):
            continue
        sentence = text[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def is_sentence_end(text: str, match: re.Match[str], rules: Endings = ENGLISH) -> bool:
    """Decide whether the full stop at MATCH ends a sentence, by RULES (a language's)."""
    if match.group(2):  # closing quote or bracket after the stop: a real end
        return True
    before = text[max(0, match.start(1) - 80) : match.start(1)]  # the word before: not all
    word_match = re.search(r"([\w.]+)$", before)  # the text before it (quadratic on a long one)
    word = word_match.group(1) if word_match else ""
    key = word.lower().rstrip(".")
    two_words = re.search(r"(\w+\.\s\w+)$", before)  # "z. B", "p. ej", "т. д"
    pair = two_words.group(1).lower() if two_words else ""
    following = re.match(r"[\"'“‘(\[]?([\w-]+)", text[match.end() :])
    next_word = following.group(1) if following else ""
    ahead = f"{key}. {next_word.lower()}"  # the stop inside "z. B.", "p. ej.", "т. д."
    if key in rules.never_final or pair in rules.never_final or ahead in rules.never_final:
        return False
    if len(word) == 1 and word.isupper():  # an initial: "Charles Q. Brown"
        return False
    if rules.ordinal_dots and re.fullmatch(r"\d{1,3}", word) and next_word[:1].isupper():
        return next_word in rules.openers  # "am 1. März", "die 3. Sitzung": an ordinal
    if key in rules.maybe_final or pair in rules.maybe_final:
        return next_word in rules.openers
    if re.fullmatch(r"(?:[a-z]\.)+[a-z]", key):
        return next_word in rules.openers
    return True


CLAUSE_BREAKS = [
    re.compile(r"(?<=[;:])\s+"),
    re.compile(r"(?<=[,)])\s+"),
    re.compile(r"\s+(?=(?:and|but|or|because|which|while|although|whereas|who|that)\s)"),
    re.compile(r"\s+"),
]


def split_long(sentence: str, limit: int) -> list[str]:
    """Split a sentence longer than LIMIT characters at the strongest clause boundary first."""
    if len(sentence) <= limit:
        return [sentence]
    for pattern in CLAUSE_BREAKS:
        pieces = [p for p in pattern.split(sentence) if p.strip()]
        if len(pieces) < 2:
            continue
        chunks = pack(pieces, limit)
        if len(chunks) > 1:
            return [c for chunk in chunks for c in split_long(chunk, limit)]
    # One unbreakable run of characters: cut hard.
    return [sentence[i : i + limit] for i in range(0, len(sentence), limit)]


def pack(pieces: list[str], limit: int) -> list[str]:
    """Greedily join pieces back together while they fit under LIMIT."""
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current} {piece}" if current else piece
        if len(candidate) <= limit or not current:
            current = candidate
        else:
            chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks
