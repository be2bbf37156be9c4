"""English number words: cardinals, ordinals, decimals, fractions, years (num2words, cached)."""

from __future__ import annotations

import re
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
    "mil": "million",
    "billion": "billion",
    "bn": "billion",
    "b": "billion",
    "B": "billion",
    "bln": "billion",
    "trillion": "trillion",
    "tn": "trillion",
    "trn": "trillion",
    "T": "trillion",
    "quadrillion": "quadrillion",
}
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
LONGEST_CARDINAL = 15  # digits; longer unformatted runs are read digit by digit
LARGEST_NAMED = 10**36  # past the undecillions, even a formatted number is read digit by digit


def tidy_words(words: str) -> str:
    """num2words' British style → plain spoken words: no 'and', commas or hyphens."""
    words = words.replace(",", "").replace("-", " ")
    words = re.sub(r"\band\b", " ", words)
    return " ".join(words.split())


@lru_cache(maxsize=8192)
def cardinal(n: int) -> str:
    """123 → 'one hundred twenty three'. One rule for every number, money and measures too:
    no "and" (as US newsreaders say them, and as Google's test set writes them)."""
    if n < 0:
        return "minus " + cardinal(-n)
    if n >= LARGEST_NAMED:  # no one says it as one number (and num2words has no words)
        return digits(str(n))
    return tidy_words(num2words(n))


@lru_cache(maxsize=4096)
def ordinal(n: int) -> str:
    """22 → 'twenty second'."""
    if n >= LARGEST_NAMED:
        return f"number {digits(str(n))}"
    return tidy_words(num2words(n, to="ordinal"))


@lru_cache(maxsize=4096)
def year(n: int) -> str:
    """1950 → nineteen fifty, 1905 → nineteen oh five, 2007 → two thousand seven."""
    if n < 1000 or n > 9999 or 2000 <= n <= 2009 or n % 1000 == 0:
        return cardinal(n)
    high, low = divmod(n, 100)
    return pair_year(high, low)


def pair_year(high: int, low: int) -> str:
    """A year as two pairs: 19|50 → nineteen fifty; 3|40 → three forty; 19|05 → nineteen oh five."""
    if low == 0:
        return f"{cardinal(high)} hundred"
    if low < 10:
        return f"{cardinal(high)} oh {cardinal(low)}"
    return f"{cardinal(high)} {cardinal(low)}"


def other_year(n: int) -> str | None:
    """The other way a year is said, for a re-take (see said_otherwise): 2023 → two
    thousand twenty three (said: twenty twenty three), 2007 → twenty oh seven, 1950 →
    nineteen hundred fifty; None for a year said only one way (1900, 2000)."""
    if not 1100 <= n <= 2099 or n % 100 == 0:
        return None
    high, low = divmod(n, 100)
    if 2000 <= n <= 2009:
        return pair_year(high, low)
    if high == 20:
        return cardinal(n)
    return f"{cardinal(high)} hundred {cardinal(low)}"


YEAR_IN_TEXT = re.compile(r"(?<![\d.,])(1[1-9]\d\d|20\d\d)(?![\d,]|\.\d)")
HALF_IN_TEXT = re.compile(r"(?<![\d.,])(\d{1,3})\.5(?=\s*(?:million|billion|trillion)\b)", re.I)


def said_otherwise(written: str, spoken: str) -> str:
    """SPOKEN, the words said for the WRITTEN text of one rewrite, with its numbers said
    the other way a newsreader might, for a re-take of a sentence heard wrong: a year in
    full or by its hundreds ("twenty twenty three" → "two thousand twenty three"), a half
    as a half ("one point five billion" → "one and a half billion"). SPOKEN unchanged when
    it has no such number."""
    for match in YEAR_IN_TEXT.finditer(written):
        value = int(match.group(1))
        other = other_year(value)
        if other:
            spoken = re.sub(rf"\b{year(value)}\b", other, spoken, count=1)
    for match in HALF_IN_TEXT.finditer(written):
        whole = cardinal(int(match.group(1)))
        spoken = re.sub(rf"\b{whole} point five\b", f"{whole} and a half", spoken)
    return spoken


def digits(text: str) -> str:
    """'004' → 'zero zero four' (any Unicode decimal digits; other characters dropped)."""
    import unicodedata

    words = []
    for ch in text:
        value = unicodedata.digit(ch, None)
        if value is not None:
            words.append(DIGIT_WORDS[value])
    return " ".join(words)


def integer(text: str) -> str:
    """A written integer: '1,250' → cardinal; '004' and long unformatted runs → digit by digit."""
    body = text.replace(",", "")
    if not body:
        return ""
    if (len(body) > 1 and body[0] == "0") or ("," not in text and len(body) > LONGEST_CARDINAL):
        return digits(body)
    return cardinal(int(body))


def number(text: str) -> str:
    """'1,250' → one thousand two hundred fifty; '-0.25' → minus zero point two five."""
    negative = text[:1] in ("-", "\u2212")
    body = text.lstrip("-\u2212+")
    whole, dot, frac = body.partition(".")
    spoken = integer(whole) if whole else ""
    if dot and frac:
        spoken = f"{spoken} point {digits(frac)}".strip()
    elif not whole:
        spoken = "zero"
    return ("minus " if negative else "") + spoken


def is_one(text: str) -> bool:
    """Whether a written amount takes a singular noun ('1 dollar', but '1.5 dollars')."""
    return text.replace(",", "").lstrip("+") in ("1", "-1", "1.0", "1.00")


FRACTION_NAMES = {2: ("half", "halves"), 4: ("quarter", "quarters")}


def fraction(numerator: int, denominator: int) -> str:
    """3/4 → three quarters; 1/3 → one third; 31/32 → thirty one thirty seconds."""
    if denominator == 0 or denominator == 1:
        return f"{cardinal(numerator)} over {cardinal(denominator)}"
    if denominator in FRACTION_NAMES:
        one, many = FRACTION_NAMES[denominator]
    else:
        one = ordinal(denominator)
        many = one + "s"
    return f"{cardinal(numerator)} {one if numerator == 1 else many}"


def mixed_fraction(whole: int, numerator: int, denominator: int) -> str:
    """2 1/2 → two and a half; 3 2/4 → three and two quarters."""
    if numerator == 1 and denominator in (2, 4):
        part = "a " + FRACTION_NAMES[denominator][0]
    else:
        part = fraction(numerator, denominator)
    return f"{cardinal(whole)} and {part}"


UNICODE_FRACTIONS = {
    "½": (1, 2),
    "⅓": (1, 3),
    "⅔": (2, 3),
    "¼": (1, 4),
    "¾": (3, 4),
    "⅕": (1, 5),
    "⅖": (2, 5),
    "⅗": (3, 5),
    "⅘": (4, 5),
    "⅙": (1, 6),
    "⅚": (5, 6),
    "⅛": (1, 8),
    "⅜": (3, 8),
    "⅝": (5, 8),
    "⅞": (7, 8),
    "⅐": (1, 7),
    "⅑": (1, 9),
    "⅒": (1, 10),
}
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
ROMAN_RE = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def roman_value(text: str) -> int | None:
    """'XIV' → 14; None if TEXT is not a well-formed Roman numeral."""
    if not text or not ROMAN_RE.fullmatch(text):
        return None
    total = 0
    for i, ch in enumerate(text):
        value = ROMAN_VALUES[ch]
        if i + 1 < len(text) and ROMAN_VALUES[text[i + 1]] > value:
            total -= value
        else:
            total += value
    return total or None
