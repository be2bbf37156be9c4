"""Non-English normalisation: numbers, ordinals, percentages and currency via num2words."""

from __future__ import annotations

import re
from functools import lru_cache

from num2words import num2words

SUPPORTED = {
    "de",
    "fr",
    "es",
    "it",
    "pt",
    "nl",
    "uk",
    "ru",
    "pl",
    "cs",
    "da",
    "fi",
    "no",
    "sv",
    "tr",
}
PERCENT = {
    "de": "Prozent",
    "fr": "pour cent",
    "es": "por ciento",
    "it": "per cento",
    "pt": "por cento",
    "nl": "procent",
    "uk": "відсотків",
    "ru": "процентов",
    "pl": "procent",
    "cs": "procent",
    "da": "procent",
    "fi": "prosenttia",
    "no": "prosent",
    "sv": "procent",
    "tr": "yüzde",
}
EURO = {
    "de": "Euro",
    "fr": "euros",
    "es": "euros",
    "it": "euro",
    "pt": "euros",
    "nl": "euro",
    "uk": "євро",
    "ru": "евро",
    "pl": "euro",
}
DOLLAR = {
    "de": "Dollar",
    "fr": "dollars",
    "es": "dólares",
    "it": "dollari",
    "pt": "dólares",
    "nl": "dollar",
    "uk": "доларів",
    "ru": "долларов",
    "pl": "dolarów",
}
HRYVNIA = {"uk": "гривень", "ru": "гривен", "de": "Hrywnja", "fr": "hryvnias", "es": "grivnas"}
# Decimal comma languages write 3,5 for 3.5 and 1.000 for 1000.
DECIMAL_COMMA = SUPPORTED - {"en"}


@lru_cache(maxsize=4096)
def words(value: str, lang: str, to: str = "cardinal") -> str:
    try:
        n: float | int = float(value) if "." in value else int(value)
        return num2words(n, lang=lang, to=to)
    except (NotImplementedError, OverflowError, ValueError):
        return value


def to_plain(num: str, lang: str) -> str:
    """'1.000,5' (de) → '1000.5'; '1 000' → '1000'."""
    num = num.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if lang in DECIMAL_COMMA:
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", num) or "," in num:
            num = num.replace(".", "").replace(",", ".")
    else:
        num = num.replace(",", "")
    return num


NUM = r"\d{1,3}(?:[.\u00a0\u202f ]\d{3})+(?:,\d+)?|\d+(?:[.,]\d+)?"


def normalize_other(text: str, lang: str) -> str:
    def percent(m: re.Match[str]) -> str:
        return f"{words(to_plain(m.group(1), lang), lang)} {PERCENT.get(lang, '%')}"

    def money(m: re.Match[str]) -> str:
        symbol = m.group("pre") or m.group("post")
        table = EURO if symbol in ("€", "EUR") else DOLLAR if symbol in ("$", "USD") else HRYVNIA
        return f"{words(to_plain(m.group('num'), lang), lang)} {table.get(lang, symbol)}"

    def time(m: re.Match[str]) -> str:
        hours, minutes = m.group(1), m.group(2)
        spoken = words(str(int(hours)), lang)
        if minutes != "00":
            spoken += " " + words(str(int(minutes)), lang)
        return spoken

    def ordinal(m: re.Match[str]) -> str:
        return words(m.group(1), lang, "ordinal")

    def cardinal(m: re.Match[str]) -> str:
        return words(to_plain(m.group(0), lang), lang)

    text = re.sub(r"(?:(?P<pre>[€$₴])\s?)(?P<num>" + NUM + r")(?P<post>)", money, text)
    text = re.sub(r"(?P<pre>)(?P<num>" + NUM + r")\s?(?P<post>€|EUR|USD|UAH|\$|₴|грн)", money, text)
    text = re.sub(r"(" + NUM + r")\s?%", percent, text)
    text = re.sub(r"\b(\d{1,2})[:.h](\d{2})\b(?!\d)", time, text)
    if lang in ("de", "da", "no", "fi", "cs", "pl"):
        text = re.sub(r"\b(\d{1,3})\.(?=\s+[A-Za-zÄÖÜäöü])", ordinal, text)
    elif lang == "fr":
        text = re.sub(r"\b(\d{1,3})(?:e|er|ème|re)\b", ordinal, text)
    elif lang in ("es", "it", "pt"):
        text = re.sub(r"\b(\d{1,3})[ºª°]", ordinal, text)
    elif lang in ("uk", "ru"):
        text = re.sub(r"\b(\d{1,3})-(?:й|го|му|та|ий|ої|а|е)\b", ordinal, text)
    text = re.sub(NUM, cardinal, text)
    return " ".join(text.split())
