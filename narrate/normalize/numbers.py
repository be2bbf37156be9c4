"""English number words: cardinals, ordinals, decimals, years — via num2words, cached."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from num2words import num2words

SCALES = {
    "thousand": "thousand",
    "k": "thousand",
    "K": "thousand",
    "million": "million",
    "m": "million",
    "M": "million",
    "mln": "million",
    "mn": "million",
    "billion": "billion",
    "bn": "billion",
    "b": "billion",
    "B": "billion",
    "bln": "billion",
    "trillion": "trillion",
    "tn": "trillion",
    "trn": "trillion",
    "T": "trillion",
}


def tidy_words(words: str) -> str:
    """num2words' British style → plain spoken American: no 'and', commas or hyphens."""
    words = words.replace(",", "").replace("-", " ")
    words = re.sub(r"\band\b", " ", words)
    return " ".join(words.split())


@lru_cache(maxsize=4096)
def cardinal(n: int) -> str:
    if n < 0:
        return "minus " + cardinal(-n)
    return tidy_words(num2words(n))


@lru_cache(maxsize=2048)
def ordinal(n: int) -> str:
    return tidy_words(num2words(n, to="ordinal"))


@lru_cache(maxsize=2048)
def year(n: int) -> str:
    """1950 → nineteen fifty, 1905 → nineteen oh five, 2007 → two thousand seven."""
    if 2000 <= n <= 2009 or n < 1000 or n > 9999:
        return cardinal(n)
    if n % 1000 == 0:
        return cardinal(n)
    return tidy_words(num2words(n, to="year"))


def digits(text: str) -> str:
    return " ".join(DIGIT_WORDS[d] for d in text if d in DIGIT_WORDS)


DIGIT_WORDS = {
    "0": "zero",
    "1": "one",
    "2": "two",
    "3": "three",
    "4": "four",
    "5": "five",
    "6": "six",
    "7": "seven",
    "8": "eight",
    "9": "nine",
}


def parse_number(text: str) -> Decimal | None:
    """'1,000.5' → Decimal('1000.5'); None when the text is not a plain number."""
    cleaned = text.replace(",", "").replace("\u2212", "-")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def number(text: str) -> str:
    """Read a written number: '1,250' → one thousand…; '0.25' → zero point two five."""
    negative = text.startswith(("-", "\u2212"))
    body = text.lstrip("-\u2212").replace(",", "")
    whole, _, frac = body.partition(".")
    spoken = cardinal(int(whole)) if whole else "zero"
    if frac:
        spoken += " point " + digits(frac)
    return ("minus " if negative else "") + spoken


def plural_of_one(text: str) -> bool:
    """Whether a written amount takes a singular noun ('1 dollar', but '1.5 dollars')."""
    return text.replace(",", "") in ("1", "-1")
