"""Vocabulary and small helpers shared by the English rules: months, zones, word lists."""

from __future__ import annotations

import re

from ..segment import OPENERS
from .numbers import (
    digits,
    year,
)

# --- vocabulary -------------------------------------------------------------------------

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
MONTH_KEYS = {name[:3].lower(): name for name in MONTH_NAMES} | {"sept": "September"}
# Months in any case, except the words "may" and "march"/"mar", which must be capitalised.
MONTH = (
    r"(?:(?i:jan(?:uary)?|feb(?:ruary)?|apr(?:il)?|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)|Mar(?:ch)?|MAR(?:CH)?|May|MAY)\.?(?![a-z])"
)
MONTH_WITH_YEAR = r"(?:" + MONTH + r"|(?i:may|march)(?=,?\s+\d{4}\b))"
WEEKDAYS = {
    "mon": "Monday",
    "tue": "Tuesday",
    "tues": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "thur": "Thursday",
    "thurs": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
ZONES = (
    r"GMT|UTC|EST|EDT|CST|CDT|MST|MDT|PST|PDT|CET|CEST|EET|EEST|BST|MSK|IST|JST|AEST|"
    r"Kyiv time|Moscow time|local time|(?i:e\.s\.t\.?|est|gmt|utc)"
)
NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
SCALE = r"(?:thousand|million|billion|trillion|quadrillion|bn|mln|mn|tn|trn|bln)"
SCALE_LETTER = r"(?:[kKMBbm]|bn)"
YEAR_BEFORE = re.compile(
    r"(?:\b(?:in|since|by|from|until|till|through|to|of|during|before|after|around|circa|"
    r"early|late|mid|year|summer|winter|spring|autumn|fall|between|and|or|the|fiscal|"
    r"election|elections|season|class|vintage|on|ca|c|"
    + "|".join(n.lower() for n in MONTH_NAMES)
    + r")|[-–(,;])\s*$",
    re.IGNORECASE,
)
YEAR_AFTER_VERB = re.compile(
    r"^\s+(?:was|is|will|saw|marked|had|has|brought|began|ended|became|proved|remains|"
    r"election|elections|census|budget|season|edition|model|version|report|war|invasion|"
    r"offensive|Olympics|World Cup|summit)\b"
)
CONTEXT_ABBREVIATIONS = {
    # written: (before a name, after a name)
    "Dr.": ("Doctor", "Drive"),
    "St.": ("Saint", "Street"),
    "Mt.": ("Mount", "Mount"),
    "Ft.": ("Fort", "Fort"),
}
ROMAN_CONTEXT = (
    r"World War|Chapter|CHAPTER|Part|PART|Volume|Vol\.|Book|Act|Phase|Stage|Section|Article|"
    r"Title|Round|Class|Type|Level|Super Bowl|Vatican|Apollo|Olympiad|Grade|Schedule|Appendix|"
    r"Annex|Tier|Category|Division|Series|Episode|Season|Step|Band"
)
REGNAL_NAMES = {
    "Elizabeth",
    "Charles",
    "Henry",
    "George",
    "Edward",
    "William",
    "James",
    "Mary",
    "Peter",
    "Catherine",
    "Louis",
    "Napoleon",
    "Alexander",
    "Nicholas",
    "Paul",
    "John",
    "Benedict",
    "Pius",
    "Leo",
    "Francis",
    "Richard",
    "Philip",
    "Frederick",
    "Wilhelm",
    "Ivan",
    "Boris",
    "Gregory",
    "Innocent",
    "Clement",
    "Urban",
    "Felipe",
    "Juan",
    "Carl",
    "Gustav",
    "Harald",
    "Olav",
    "Haakon",
    "Willem",
    "Albert",
    "Baudouin",
    "Rama",
    "Akihito",
    "Sam",
    "Victor",
    "Constantine",
    "Otto",
    "Selim",
    "Mehmed",
    "Suleiman",
    "Abdullah",
    "Hussein",
    "Mohammed",
}
NOT_REGNAL = {"The", "In", "On", "At", "And", "But", "For", "Of", "By", "To", "Is", "Was", "It"}
ADJECTIVE_NOUNS = (
    "aid|package|deal|loan|budget|contract|program|programme|fund|plan|bill|fine|investment|"
    "project|purchase|settlement|bailout|facility|tranche|grant|sale|order|lawsuit|tender|"
    "expansion|upgrade|stake|acquisition|merger|bond|question|industry|market|company|"
    "business|fee|bonus|ticket|check|cheque|bribe|ransom|reward|subsidy|tax|tariff|"
    "donation|prize|payment|price|pledge|commitment|scheme|initiative|reconstruction|"
    "credit|deficit|surplus|debt|mortgage|salary|wage"
)
NOT_NOUNS = {
    "of",
    "in",
    "to",
    "for",
    "from",
    "and",
    "or",
    "that",
    "which",
    "was",
    "is",
    "were",
    "are",
    "per",
    "each",
    "a",
    "an",
    "the",
    "on",
    "at",
    "by",
    "with",
    "as",
    "than",
    "but",
    "has",
    "have",
    "had",
    "will",
    "would",
    "could",
    "should",
    "may",
    "might",
    "this",
    "it",
    "he",
    "she",
    "they",
    "we",
    "i",
    "you",
    "into",
    "over",
    "under",
    "last",
    "next",
    "more",
    "less",
    "worth",
    "annually",
    "yearly",
    "monthly",
    "weekly",
    "daily",
    "apiece",
    "so",
}
PER_UNITS = {
    "mo": "month",
    "month": "month",
    "yr": "year",
    "year": "year",
    "y": "year",
    "wk": "week",
    "week": "week",
    "d": "day",
    "day": "day",
    "hr": "hour",
    "hour": "hour",
    "h": "hour",
    "min": "minute",
    "person": "person",
    "head": "head",
    "barrel": "barrel",
    "bbl": "barrel",
    "kg": "kilogram",
    "g": "gram",
    "t": "ton",
    "ton": "ton",
    "tonne": "tonne",
    "l": "liter",
    "liter": "liter",
    "litre": "litre",
    "gal": "gallon",
    "gallon": "gallon",
    "kWh": "kilowatt hour",
    "MWh": "megawatt hour",
    "share": "share",
    "sq m": "square meter",
    "m2": "square meter",
    "s": "second",
    "sec": "second",
    "km": "kilometer",
    "m": "meter",
    "mi": "mile",
}
KNOWN_TLDS = {
    "com",
    "org",
    "net",
    "gov",
    "edu",
    "int",
    "mil",
    "info",
    "news",
    "io",
    "co",
    "biz",
    "tv",
    "me",
    "app",
    "dev",
    "online",
    "media",
    "blog",
    "eu",
    "ua",
    "uk",
    "us",
    "ru",
    "de",
    "fr",
    "es",
    "it",
    "pl",
    "nl",
    "ca",
    "au",
    "jp",
    "cn",
    "in",
    "kr",
    "ch",
    "se",
    "no",
    "fi",
    "dk",
    "cz",
    "sk",
    "ro",
    "hu",
    "at",
    "be",
    "pt",
    "gr",
    "tr",
    "il",
    "by",
    "md",
    "ge",
    "kz",
    "lt",
    "lv",
    "ee",
    "sm",
    "ly",
    "to",
    "fm",
    "gg",
}
SPOKEN_TLDS = {
    "com",
    "org",
    "net",
    "gov",
    "edu",
    "info",
    "news",
    "biz",
    "online",
    "media",
    "blog",
    "app",
    "dev",
    "abc",
    "mil",
    "int",
}
SYMBOL_WORDS = {
    "&": "and",
    "+": "plus",
    "±": "plus or minus",
    "=": "equals",
    "×": "times",
    "÷": "divided by",
    "≈": "approximately",
    "~": "approximately",
    "≤": "less than or equal to",
    "≥": "greater than or equal to",
    "<": "less than",
    ">": "greater than",
    "§": "section",
    "‰": "per mille",
    "%": "percent",
    "№": "number",
    "°": "degrees",
}


def month_name(word: str) -> str:
    key = word.rstrip(".").lower()
    return MONTH_KEYS.get(key[:4] if key.startswith("sept") else key[:3], word)


def spoken_year(text: str) -> str:
    return year(int(text))


def letters(word: str) -> str:
    """'UNC' → 'U N C' (spelled out; engines render runs of single letters as initials)."""
    return " ".join(digits(ch) if ch.isdigit() else ch.upper() for ch in word if ch.isalnum())


def after(m: re.Match[str]) -> str:
    return m.string[m.end() :]


def before(m: re.Match[str]) -> str:
    return m.string[: m.start()]


def final_stop(m: re.Match[str]) -> str:
    """Keep the full stop an abbreviation shared with the end of the sentence."""
    return "." if not after(m).strip() else ""


# Words that start a sentence after an abbreviation's full stop (segment.py decides with them).
SENTENCE_OPENERS = OPENERS


def c(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)
