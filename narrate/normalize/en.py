"""English normalisation for speech: how a newsreader says what a reporter wrote.

Rules run in priority order over the pieces of a sentence that no earlier rule rewrote
(see core.Text): web addresses, times, abbreviations, initials, dates, money, percentages,
measures, fractions, ordinals, decades, ranges, model names, Roman numerals, plain numbers,
acronyms, then symbols. Each rule is a compiled regex and a function returning the spoken
form, or None to leave the match for later rules.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from . import tables
from .core import Rule, Text
from .numbers import (
    SCALES,
    UNICODE_FRACTIONS,
    cardinal,
    digits,
    fraction,
    integer,
    is_one,
    mixed_fraction,
    number,
    ordinal,
    pair_year,
    roman_value,
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


# --- web ------------------------------------------------------------------------------


@lru_cache(maxsize=2048)
def split_compound(word: str) -> str:
    """'kyivindependent' → 'kyiv independent' (wordninja's Wikipedia unigrams); a split into
    short fragments ('ukr in form') is not trusted and the word stays whole."""
    if len(word) < 6 or not word.isalpha():
        return word
    import wordninja

    parts = wordninja.split(word)
    if len(parts) > 1 and all(len(p) >= 3 for p in parts):
        return " ".join(parts)
    return word


def speak_address_part(part: str, split_words: bool = True) -> str:
    """One piece of a URL, domain or e-mail: words stay, digits are read one by one."""
    out = []
    for token in re.findall(r"[A-Za-z]+|\d+|[^A-Za-z\d]", part):
        if token.isdecimal():
            value = int(token)
            out.append(
                cardinal(value) if len(token) <= 4 and value % 100 == 0 and value else digits(token)
            )
        elif token.isalpha():
            out.append(split_compound(token) if split_words and token.islower() else token)
        else:
            out.append(
                {
                    ".": "dot",
                    "/": "slash",
                    "-": "dash",
                    "_": "underscore",
                    "@": "at",
                    "&": "ampersand",
                    "~": "tilde",
                    "?": "question mark",
                    "=": "equals",
                    "#": "hash",
                    ":": "colon",
                    "+": "plus",
                    "%": "percent",
                }.get(token, "")
            )
    return " ".join(w for w in out if w)


def speak_domain(domain: str) -> str:
    labels = domain.split(".")
    spoken = []
    for i, label in enumerate(labels):
        if i == len(labels) - 1 and label.isalpha() and label.lower() not in SPOKEN_TLDS:
            spoken.append(label.upper())
        elif label.lower() == "www":
            spoken.append("WWW")
        else:
            spoken.append(speak_address_part(label))
    return " dot ".join(spoken)


def _url(m: re.Match[str]) -> str:
    text = m.group(0)
    scheme = re.match(r"^(https?|ftp)://", text, flags=re.IGNORECASE)
    prefix = ""
    if scheme:
        prefix = f"{scheme.group(1).upper()} colon slash slash "
        text = text[scheme.end() :]
    if text.lower().startswith("file:///"):
        return "file colon slash slash slash " + speak_path(text[8:])
    host, slash, path = text.partition("/")
    spoken = prefix + (speak_domain(host) if "." in host else speak_address_part(host))
    if slash:
        spoken += " slash" + (" " + speak_path(path) if path else "")
    return spoken


FILE_EXTENSIONS = {
    "jpg": "jpeg",
    "jpeg": "jpeg",
    "png": "P N G",
    "gif": "gif",
    "pdf": "P D F",
    "htm": "H T M",
    "html": "HTML",
    "php": "P H P",
    "mp3": "M P three",
}


def speak_path(path: str) -> str:
    parts = re.split(r"(/)", path)
    out = []
    for part in parts:
        if part == "/":
            out.append("slash")
        elif part:
            stem, dot, ext = part.rpartition(".")
            if dot and stem and ext.isalpha():
                said = FILE_EXTENSIONS.get(ext.lower(), ext.upper() if len(ext) <= 4 else ext)
                out.append(f"{speak_address_part(stem, False)} dot {said}")
            else:
                out.append(speak_address_part(part, False))
    return " ".join(out)


def _email(m: re.Match[str]) -> str:
    user, _, domain = m.group(0).partition("@")
    return f"{speak_address_part(user)} at {speak_domain(domain)}"


def _domain(m: re.Match[str]) -> str | None:
    host = m.group("host")
    tld = host.rsplit(".", 1)[-1]
    if any(len(label) < 2 for label in host.split(".")[:-1]) and tld.lower() not in KNOWN_TLDS:
        return None
    if tld.lower() not in KNOWN_TLDS and not (host.islower() and len(tld) >= 2):
        return None
    spoken = speak_domain(host)
    if m.group("path"):
        spoken += " slash " + speak_path(m.group("path").lstrip("/"))
    return spoken


def camel_words(name: str) -> str:
    """'KyivIndependent' → 'Kyiv Independent'; 'stand_with_ukraine' → 'stand with ukraine'."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|_", " ", name)
    return speak_address_part(spaced.replace(" ", "-")).replace(" dash ", " ")


def _handle(m: re.Match[str]) -> str:
    return "at " + camel_words(m.group(1))


def _hashtag(m: re.Match[str]) -> str:
    return "hashtag " + camel_words(m.group(1))


def _phone(m: re.Match[str]) -> str:
    groups = re.findall(r"\d+", m.group(0))
    spoken = ", ".join(digits(g) for g in groups)
    return ("plus " + spoken) if m.group(0).startswith("+") else spoken


# --- times ----------------------------------------------------------------------------


def clock(hour: int, minute: int, meridiem: bool) -> str:
    if minute == 0:
        return cardinal(hour) if meridiem else f"{cardinal(hour)} o'clock"
    if minute < 10:
        return f"{cardinal(hour)} oh {cardinal(minute)}"
    return f"{cardinal(hour)} {cardinal(minute)}"


def speak_zone(zone: str | None) -> str:
    """'e.s.t' → 'EST' (engines spell these well-known zones); 'Kyiv time' stays."""
    if not zone:
        return ""
    compact = zone.replace(".", "")
    if compact.isalpha() and " " not in zone:
        return " " + compact.upper()
    return " " + zone


def speak_time(m: re.Match[str]) -> str | None:
    hour = int(m.group("h"))
    minute = int(m.group("m") or 0)
    second = m.group("s")
    meridiem = m.group("ampm")
    if minute > 59 or hour > 24 or (meridiem and not 1 <= hour <= 12):
        return None
    if second is not None and int(second) > 59:
        return None
    if second is not None:
        sec = int(second)
        spoken = (
            f"{cardinal(hour)} hour{'' if hour == 1 else 's'} {cardinal(minute)} "
            f"minute{'' if minute == 1 else 's'} and "
            f"{cardinal(sec)} second{'' if sec == 1 else 's'}"
        )
    else:
        spoken = clock(hour, minute, bool(meridiem))
    if meridiem:
        spoken += " " + meridiem.replace(".", "").replace(" ", "")[0].upper() + "M"
    return spoken + speak_zone(m.group("zone"))


TIME_12 = (
    r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?(?::(?P<s>\d{2}))?\s?(?P<ampm>[AaPp]\.?\s?[Mm]\b\.?)"
    r"(?:\s?(?P<zone>" + ZONES + r")\b\.?)?"
)
TIME_24 = (
    r"(?P<h>[01]?\d|2[0-4]):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?(?P<ampm>)(?![\d:])"
    r"(?:\s(?P<zone>" + ZONES + r")\b)?"
)


TIME_PART = re.compile(r"(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s?(?P<ampm>[AaPp])?")


def _time_range(m: re.Match[str]) -> str | None:
    """'2pm-5pm', '4:00 am - 8:12 pm', '9:00-17:30' → 'two P M to five P M'."""
    spoken = []
    for part in (m.group("t1"), m.group("t2")):
        p = TIME_PART.match(part)
        if not p:
            return None
        hour, minute = int(p.group("h")), int(p.group("m") or 0)
        meridiem = p.group("ampm")
        if minute > 59 or hour > 24 or (meridiem and not 1 <= hour <= 12):
            return None
        words = clock(hour, minute, bool(meridiem))
        if meridiem:
            words += " " + meridiem.upper() + "M"
        spoken.append(words)
    return f"{spoken[0]} to {spoken[1]}"


# --- abbreviations and initials ---------------------------------------------------------


def _abbreviation(m: re.Match[str]) -> str | None:
    written = m.group("abbr")
    spoken, where = tables.abbreviations()[written]
    if where == "title" and not m.group("next"):
        return None
    return spoken + (m.group("next") or "") + final_stop(m)


SENTENCE_OPENERS = {
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
    "There",
    "But",
    "And",
    "In",
    "On",
    "At",
    "His",
    "Her",
    "Its",
    "Their",
    "Our",
    "My",
    "Then",
    "When",
}


def _context_abbreviation(m: re.Match[str]) -> str:
    before_name, after_name = CONTEXT_ABBREVIATIONS[m.group("abbr")]
    preceded_by_name = re.search(r"[A-Z][a-z]+\s+$", before(m))
    if m.group("next"):
        following = re.match(r"\s*(\w+)", after(m))
        if preceded_by_name and following and following.group(1) in SENTENCE_OPENERS:
            return after_name + "." + m.group("next")
        return before_name + m.group("next")
    return (after_name if preceded_by_name else before_name) + final_stop(m)


def _dotted_initials(m: re.Match[str]) -> str:
    spoken = letters(m.group(0).replace(".", "").replace(" ", ""))
    if m.group(0).endswith(".") and not after(m).strip():
        spoken += "."  # "... from the U.S." ends the sentence
    return spoken


def _weekday_abbreviation(m: re.Match[str]) -> str:
    return WEEKDAYS[m.group(1).lower()]


# --- dates ----------------------------------------------------------------------------


def speak_date(month: int, day: int, year_text: str | None, order: str) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    name = MONTH_NAMES[month - 1]
    said_year = ""
    if year_text:
        said_year = spoken_year(year_text) if len(year_text) == 4 else spoken_short_year(year_text)
    if order == "dmy":
        spoken = f"the {ordinal(day)} of {name}"
        return spoken + (f" {said_year}" if said_year else "")
    spoken = f"{name} {ordinal(day)}"
    return spoken + (f", {said_year}" if said_year else "")


def spoken_short_year(text: str) -> str:
    """'98' → 'ninety eight', '05' → 'oh five' (as in "the class of '05")."""
    value = int(text)
    if value < 10:
        return f"oh {cardinal(value)}"
    return cardinal(value)


def _iso_date(m: re.Match[str]) -> str | None:
    return speak_date(int(m.group("mo")), int(m.group("d")), m.group("y"), "mdy")


def make_numeric_date(date_order: str):
    def _numeric_date(m: re.Match[str]) -> str | None:
        a, b = int(m.group("a")), int(m.group("b"))
        y = m.group("y")
        if date_order == "dmy" or a > 12:
            return speak_date(b, a, y, "dmy")
        if date_order == "ymd":
            return None
        return speak_date(a, b, y, "mdy")

    return _numeric_date


def _month_day(m: re.Match[str]) -> str | None:
    month = MONTH_NAMES.index(month_name(m.group("month"))) + 1
    return speak_date(month, int(m.group("day")), m.group("year"), "mdy")


def _day_month(m: re.Match[str]) -> str | None:
    month = MONTH_NAMES.index(month_name(m.group("month"))) + 1
    spoken = speak_date(month, int(m.group("day")), m.group("year"), "dmy")
    if spoken and re.search(r"\bthe\s+$", before(m), re.IGNORECASE):
        spoken = spoken[4:]
    return spoken


def _month_year(m: re.Match[str]) -> str:
    return f"{month_name(m.group('month'))} {spoken_year(m.group('year'))}"


def _month_alone(m: re.Match[str]) -> str:
    return month_name(m.group(1)) + final_stop(m)


def _era(m: re.Match[str]) -> str:
    era = m.group("era").replace(".", "").replace(" ", "").upper()
    value = int(m.group("y"))
    spoken = pair_year(*divmod(value, 100)) if 100 <= value <= 999 else year(value)
    return f"{spoken} {letters(era)}"


def decade_words(text: str) -> str:
    base = cardinal(int(text)) if len(text) == 2 else year(int(text))
    if base.endswith("y"):
        return base[:-1] + "ies"
    if base.endswith("thousand"):
        return base + "s"
    return base + "s"


def _decade(m: re.Match[str]) -> str:
    spoken = decade_words(m.group("d"))
    if m.group("mid"):
        spoken = f"{m.group('mid')} {spoken}"
    if m.group("d2"):
        spoken += " to " + decade_words(m.group("d2"))
    return spoken


# --- money, percent, measures ---------------------------------------------------------


def currency_names(symbol: str) -> tuple[str, str, str, str]:
    table = tables.currencies()
    key = re.sub(r"\s+", "", symbol)
    return table.get(key) or table.get(key.upper()) or ("", "", "", "")


def is_adjective_position(m: re.Match[str], follower: str) -> bool:
    """'$61 billion aid package', 'a $5 fee': the amount modifies the noun after it."""
    word = re.match(r"\s+([A-Za-z-]+)", follower)
    if not word:
        return False
    noun = word.group(1)
    if re.fullmatch(ADJECTIVE_NOUNS, noun.lower()):
        return True
    article = re.search(r"\b(?:a|an)\s+$", before(m), re.IGNORECASE)
    return bool(article) and noun.islower() and noun.lower() not in NOT_NOUNS


def money_words(symbol: str, amount: str, scale: str | None, adjective: bool) -> str:
    one, many, minor_one, minor_many = currency_names(symbol)
    if scale:
        spoken = f"{number(amount)} {SCALES[scale]}"
        return f"{spoken} {one if adjective else many}".strip()
    whole, dot, frac = amount.replace(",", "").partition(".")
    frac = frac.rstrip("0") if len(frac) > 2 else frac
    if dot and frac and len(frac) <= 2 and minor_one and not adjective:
        cents = int(frac.ljust(2, "0"))
        main = int(whole or 0)
        parts = []
        if main or not cents:
            parts.append(f"{integer(whole or '0', True)} {one if main == 1 else many}")
        if cents:
            parts.append(f"{cardinal(cents, True)} {minor_one if cents == 1 else minor_many}")
        return " ".join(parts)
    if dot and not frac:
        amount = whole
    noun = one if (is_one(amount) or adjective) else many
    return f"{number(amount, True)} {noun}".strip()


MONEY_SYMBOL = r"(?:US\s?\$|[CA]\$|HK\$|[$€£¥₴₽₹₩₪₺])"
MONEY_CODE = r"(?:USD|EUR|GBP|UAH|JPY|RUB|CHF|CNY|INR|PLN|KRW|CAD|AUD|ILS|TRY)"


def _money(m: re.Match[str]) -> str | None:
    symbol = m.group("cur") or m.group("code")
    follower = m.group("follow") or ""
    scale = m.group("scale")
    adjective = is_adjective_position(m, follower)
    spoken = money_words(symbol, m.group("num"), scale, adjective)
    if m.group("per"):
        unit = PER_UNITS.get(m.group("per"), m.group("per"))
        if " cent" in spoken and spoken.startswith("zero"):
            spoken = spoken
        spoken += f" per {unit}"
    if m.group("num2"):
        second = money_words(symbol, m.group("num2"), m.group("scale2") or None, adjective)
        if scale and not m.group("scale2"):
            first = f"{number(m.group('num'), True)} {SCALES[scale]}"
        else:
            first = spoken
        if not m.group("cur2") and not m.group("scale") and m.group("scale2"):
            first = number(m.group("num"))
        spoken = f"{first} to {second}"
    return spoken


def _money_after(m: re.Match[str]) -> str:
    """'5 million USD', '500 UAH', '300 hryvnias'."""
    amount, scale, code = m.group("num"), m.group("scale"), m.group("code")
    if code.lower().startswith("hryvn"):
        one, many = "hryvnia", "hryvnias"
    else:
        one, many, *_ = currency_names(code)
    spoken = number(amount, True)
    if scale:
        spoken += f" {SCALES[scale]}"
    return f"{spoken} {one if is_one(amount) and not scale else many}"


def _percent(m: re.Match[str]) -> str:
    spoken = number(m.group("num"))
    if m.group("num2"):
        spoken += " to " + number(m.group("num2"))
    return spoken + " percent"


UNIT_KEYS = sorted(tables.units(), key=len, reverse=True)
UNIT_RE = r"(?:" + "|".join(re.escape(u) for u in UNIT_KEYS) + r")"


def unit_words(unit: str, singular: bool) -> str:
    one, many = tables.units()[unit]
    return one if singular else many


def _measure(m: re.Match[str]) -> str | None:
    amount, unit = m.group("num"), m.group("unit")
    follower = m.group("follow") or ""
    hyphen = m.group("space") == "-"
    attached = not m.group("space")
    if unit in ("m", "t", "h", "l", "L", "W", "V", "g", "min", "°") and follower.startswith(
        (" people", " residents", " users", " votes")
    ):
        return None
    not_noun = re.match(
        r"\s+(?:of|in|to|from|and|or|per|away|long|wide|high|deep|tall|ago|at|on|north|south|"
        r"east|west|inland|offshore|underground|above|below|beyond|behind|ahead)\b",
        follower,
    )
    after_article = bool(re.search(r"\b(?:a|an)\s+$", before(m), re.IGNORECASE))
    adjectival = (
        (hyphen or attached or after_article)
        and bool(re.match(r"\s+[a-z]", follower))
        and not not_noun
    )
    if "/" in amount:
        whole, _, rest = amount.rpartition(" ")
        num, _, den = rest.partition("/")
        spoken = (
            mixed_fraction(int(whole), int(num), int(den))
            if whole
            else fraction(int(num), int(den))
        )
    else:
        spoken = number(amount, True)
    if m.group("scale"):
        spoken += " " + SCALES[m.group("scale")]
        adjectival = False
    if m.group("num2"):
        spoken += " to " + number(m.group("num2"), True)
        singular = adjectival
    else:
        singular = is_one(amount) or adjectival
    spoken += " " + unit_words(unit, singular)
    if m.group("per"):
        per = m.group("per")
        spoken += " per " + (
            tables.units()[per][0] if per in tables.units() else PER_UNITS.get(per, per)
        )
    return spoken


def _per_unit(m: re.Match[str]) -> str:
    unit = m.group("unit")
    return f"{number(m.group('num'))} per {unit_words(unit, True)}"


def _dimensions(m: re.Match[str]) -> str:
    spoken = f"{number(m.group('a'))} by {number(m.group('b'))}"
    if m.group("unit"):
        spoken += " " + unit_words(m.group("unit"), False)
    return spoken


# --- fractions, ordinals, ranges, numbers ------------------------------------------------


def _fraction(m: re.Match[str]) -> str | None:
    num, den = int(m.group("n")), int(m.group("d"))
    whole = m.group("w")
    if den == 0:
        return None
    if whole:
        return mixed_fraction(int(whole), num, den)
    return fraction(num, den)


def _unicode_fraction(m: re.Match[str]) -> str:
    num, den = UNICODE_FRACTIONS[m.group("f")]
    if m.group("w"):
        return mixed_fraction(int(m.group("w")), num, den)
    return fraction(num, den)


ORDINAL_SUFFIX = {1: "st", 2: "nd", 3: "rd"}


def _ordinal(m: re.Match[str]) -> str | None:
    n = int(m.group("n").replace(",", ""))
    suffix = m.group("suf").lower()
    expected = "th" if 10 <= n % 100 <= 20 else ORDINAL_SUFFIX.get(n % 10, "th")
    if suffix != expected:
        return None
    return ordinal(n)


def _range(m: re.Match[str]) -> str | None:
    a, b = m.group("a"), m.group("b")
    if "." not in a and "." not in b and "," not in a and len(a) == 4 and 1000 <= int(a) <= 2099:
        if len(b) == 2 and int(b) > int(a[2:]):
            return f"{year(int(a))} to {cardinal(int(b))}"
        if len(b) == 4 and int(b) > int(a):
            return f"{year(int(a))} to {year(int(b))}"
    return f"{number(a)} to {number(b)}"


def _scaled(m: re.Match[str]) -> str:
    return f"{number(m.group('num'))} {SCALES[m.group('scale')]}"


def _model_name(m: re.Match[str]) -> str | None:
    prefix, digits_ = m.group("prefix"), m.group("digits")
    known = tables.acronyms_as_words()
    if prefix in known:
        spoken_prefix = known[prefix]
    elif prefix.isupper() or len(prefix) <= 2:
        spoken_prefix = letters(prefix)
    else:
        return None
    if len(digits_) == 3 and digits_[1] == "0" and digits_[2] != "0":
        spoken_number = f"{cardinal(int(digits_[0]))} oh {cardinal(int(digits_[2]))}"
    elif len(digits_) > 1 and digits_[0] == "0":
        spoken_number = digits(digits_)
    else:
        spoken_number = cardinal(int(digits_))
    suffix = m.group("suffix") or ""
    spoken_suffix = (" " + letters(suffix)) if suffix else ""
    return f"{spoken_prefix} {spoken_number}{spoken_suffix}"


def _digit_prefix(m: re.Match[str]) -> str:
    return f"{cardinal(int(m.group(1)))} {letters(m.group(2))}"


def _roman_in_context(m: re.Match[str]) -> str | None:
    value = roman_value(m.group("r"))
    if value is None:
        return None
    return f"{m.group('ctx')} {cardinal(value)}"


def _regnal(m: re.Match[str]) -> str | None:
    name, numeral = m.group("name"), m.group("r")
    value = roman_value(numeral)
    if value is None or value > 40 or name in NOT_REGNAL:
        return None
    if numeral == "I" and name not in REGNAL_NAMES:
        return None
    if numeral in ("V", "X", "L") and name not in REGNAL_NAMES:
        return None
    return f"{name} the {ordinal(value)}"


def _plain_number(m: re.Match[str]) -> str | None:
    text = m.group(0)
    body = text.lstrip("-−+")
    if not body or body == ".":
        return None
    if text[0] == "+":
        return "plus " + number(body)
    negative = text[0] in "-−"
    if negative and re.search(r"[\w)]\s?$", before(m)) and not re.search(r"\s$", before(m)):
        text = body  # "978-0": a hyphen, not a minus sign
        negative = False
    if re.fullmatch(r"\d{4}", body):
        n = int(body)
        context_before = before(m)[-40:]
        context_after = after(m)[:30]
        if (
            1000 <= n <= 2099
            and not negative
            and (
                YEAR_BEFORE.search(context_before)
                or YEAR_AFTER_VERB.match(context_after)
                or not re.match(r"\s+[a-z]", context_after)
            )
        ):
            return year(n)
    spoken = number(body)
    return ("minus " + spoken) if negative else spoken


def _leftover_digits(m: re.Match[str]) -> str:
    return digits(m.group(0))


# --- acronyms and symbols ----------------------------------------------------------------

PRONOUNCEABLE = re.compile(
    r"^(?:[BCDFGHJKLMNPQRSTVWXYZ]?[BCDFGHJKLMNPRSTVWZ]?[AEIOUY][AEIOUY]?"
    r"(?:[BCDFGHJKLMNPQRSTVWXZ]{1,2}[AEIOUY][AEIOUY]?)*[BCDFGHJKLMNPQRSTVWXZ]{0,2})$"
)


@lru_cache(maxsize=4096)
def speak_acronym(word: str, shouting: bool) -> str | None:
    known_words = tables.acronyms_as_words()
    known_letters = tables.acronyms_as_letters()
    if word in known_words:
        return known_words[word]
    plural = len(word) > 2 and word.endswith("s") and word[:-1].isupper()
    stem = word[:-1] if plural else word
    if word in known_letters or stem in known_letters:
        return letters(stem) + ("'s" if plural else "")
    if shouting:
        return None  # a shouted headline: an ordinary word in capitals
    if len(stem) >= 4 and PRONOUNCEABLE.match(stem):
        return stem.capitalize() + ("s" if plural else "")
    return letters(stem) + ("'s" if plural else "")


US_AS_COUNTRY_AFTER = re.compile(
    r"^\s*(?:[A-Z]{2,}\s+){0,2}?(?:TROOPS|AID|ARMY|NAVY|FORCES|"
    r"PRESIDENT|SENATE|CONGRESS|OFFICIALS|SANCTIONS|ELECTION|"
    r"MILITARY|STOCKS|ECONOMY|GOVERNMENT|ENVOY|INTELLIGENCE|"
    r"DOLLAR|MARKETS|EMBASSY|ALLIES|WEAPONS|STATE|DEFENSE|"
    r"SECRETARY|CITIZENS|BANKS|FED|CAPITOL|TREASURY)\b"
)


def make_acronym_handler(shouting: bool):
    def _acronym(m: re.Match[str]) -> str | None:
        word = m.group(0)
        if shouting and word == "US":
            country = (
                re.search(r"\b(?:THE|AND|,)\s*$", before(m))
                or US_AS_COUNTRY_AFTER.match(after(m))
                or not before(m).strip()
            )
            return "U S" if country else "us"
        spoken = speak_acronym(word, shouting)
        if spoken is None and shouting:
            return word.lower() if word not in ("I",) else None
        return spoken

    return _acronym


def _symbol(m: re.Match[str]) -> str:
    return " " + SYMBOL_WORDS[m.group(0)] + " "


def _stray(m: re.Match[str]) -> str:
    return " "


def _slash_words(m: re.Match[str]) -> str:
    if m.group(0).lower() == "and/or":
        return "and or"
    return " slash ".join(part.strip() for part in m.group(0).split("/"))


# --- the rule table ---------------------------------------------------------------------


def title_abbreviation_pattern() -> re.Pattern[str]:
    keys = sorted(tables.abbreviations(), key=len, reverse=True)
    alternation = "|".join(re.escape(k) for k in keys)
    return re.compile(r"(?<![\w.])(?P<abbr>" + alternation + r")(?P<next>\s+(?=[A-Z]))?")


def c(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


WEB_RULES: list[Rule] = [
    (c(r"(?<![\w.+&-])[\w.+&-]+@[\w-]+(?:\.[\w-]+)+(?:/[\w./-]*)?"), _email),
    (
        c(
            r"\b(?:https?|ftp)://[^\s<>\"]*[^\s<>\".,;:!?)\]]|\bfile:///[^\s<>\"]*[^\s<>\".,;:!?)\]]",
            re.IGNORECASE,
        ),
        _url,
    ),
    (c(r"\bwww\.[\w-]+(?:\.[\w-]+)+(?:/[^\s<>\"]*[^\s<>\".,;:!?)\]])?", re.IGNORECASE), _url),
    (
        c(
            r"(?<![\w@./-])(?P<host>(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,6})(?P<path>/[\w./-]*[\w/])?"
            r"(?![\w@])(?!\.[A-Za-z])"
        ),
        _domain,
    ),
    (c(r"(?<![\w@])@([A-Za-z_]\w{0,30})\b"), _handle),
    (c(r"(?<![\w&#])#([A-Za-z_]\w*)"), _hashtag),
]
TIME_RULES: list[Rule] = [
    (
        c(
            r"(?<![\w:.])(?P<t1>\d{1,2}(?::\d{2})?\s?[AaPp]\.?\s?[Mm]\.?|\d{1,2}:\d{2})\s?[-–]\s?"
            r"(?P<t2>\d{1,2}(?::\d{2})?\s?[AaPp]\.?\s?[Mm]\b\.?|\d{1,2}:\d{2})(?![\d:])"
        ),
        _time_range,
    ),
    (c(r"(?<![\w:.$€£])" + TIME_12), speak_time),
    (c(r"(?<![\w:.$€£])" + TIME_24), speak_time),
]
STREET_TYPES = {
    "St": "Street",
    "Street": "Street",
    "Ave": "Avenue",
    "Avenue": "Avenue",
    "Rd": "Road",
    "Road": "Road",
    "Blvd": "Boulevard",
    "Boulevard": "Boulevard",
    "Dr": "Drive",
    "Drive": "Drive",
    "Ln": "Lane",
    "Lane": "Lane",
    "Ct": "Court",
    "Court": "Court",
    "Pl": "Place",
    "Place": "Place",
    "Hwy": "Highway",
    "Expy": "Expressway",
    "Way": "Way",
    "Sq": "Square",
    "Square": "Square",
}


def _address(m: re.Match[str]) -> str:
    value = int(m.group("n"))
    house = (
        pair_year(*divmod(value, 100))
        if value >= 1000 or (value > 100 and value % 100)
        else cardinal(value)
    )
    kind = STREET_TYPES[m.group("type")]
    following = re.match(r"\s*(\w+)", after(m))
    stop = (
        "." if m.group("dot") and (not following or following.group(1) in SENTENCE_OPENERS) else ""
    )
    return f"{house} {m.group('name')} {kind}{stop}"


ABBREVIATION_RULES: list[Rule] = [
    (
        c(
            r"(?<![\w.,])(?P<n>\d{3,5}) (?P<name>(?:[A-Z][a-z]+ ){0,2}[A-Z][a-z]+) (?P<type>"
            + "|".join(STREET_TYPES)
            + r")\b(?P<dot>\.)?"
        ),
        _address,
    ),
    (c(r"\b401\(k\)"), lambda m: "four oh one k"),
    (c(r"\b24/7\b"), lambda m: "twenty four seven"),
    (c(r"(?<![\w.])(?P<abbr>Dr\.|St\.|Mt\.|Ft\.)(?P<next>\s+(?=[A-Z]))?"), _context_abbreviation),
    (c(r"\b(?:No|NO|no)\.\s?(?=\d)"), lambda m: "number "),
    (c(r"\bNos\.\s?(?=\d)"), lambda m: "numbers "),
    (
        c(r"\b(Mon|Tues?|Wed|Thurs?|Thu|Fri|Sat|Sun)\.(?=,?\s+(?:" + MONTH + r"|\d))"),
        _weekday_abbreviation,
    ),
    (title_abbreviation_pattern(), _abbreviation),
    (c(r"\bltd\b\.?", re.IGNORECASE), lambda m: "limited" + final_stop(m)),
    (
        c(r"(?<![\w.])[A-Za-z]\.(?:\s?[A-Za-z]\.)+|(?<![\w.])(?:[A-Za-z]\.)+[A-Za-z]\b"),
        _dotted_initials,
    ),
]


def date_rules(date_order: str) -> list[Rule]:
    return [
        (c(r"(?<![\w.-])(?P<y>\d{4})[-/.](?P<mo>\d{1,2})[-/.](?P<d>\d{1,2})(?![\w-])"), _iso_date),
        (
            c(
                r"(?<![\w.,/-])(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\w/.-]\d|\d)"
            ),
            make_numeric_date(date_order),
        ),
        (
            c(
                r"(?<![\w.])(?P<month>"
                + MONTH
                + r")\s*[-\s]\s*(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?![:.,]\d)"
                r"(?:(?:,\s*|\s+|-)(?P<year>\d{4})\b)?"
            ),
            _month_day,
        ),
        (
            c(
                r"(?<![\w.,])(?P<day>[0-3]?\d)(?:st|nd|rd|th)?(?:\s+of)?(?:\s+|[-.])(?P<month>"
                + MONTH_WITH_YEAR
                + r")(?:,?[\s.-]+(?P<year>\d{4})\b)?"
            ),
            _day_month,
        ),
        (c(r"\b(?P<month>" + MONTH + r")\s+(?P<year>\d{4})\b"), _month_year),
        (
            c(
                r"(?<![\w.])(?P<y>\d{1,4})\s?(?P<era>A\.?D\.?|B\.?C\.?E\.?|B\.?C\.?|C\.?E\.?)(?![\w])"
            ),
            _era,
        ),
        (
            c(
                r"(?:(?<![\w.])(?P<mid>mid|early|late)[- ]?|(?<![\w.])['’]?)"
                r"(?P<d>\d{3}0|(?<=['’ -])\d0)"
                r"\s?['’]?s\b(?:\s?[-–]\s?['’]?(?P<d2>\d{3}0|\d0)['’]?s\b)?"
            ),
            _decade,
        ),
        (
            c(r"(?<![\w.])(?:Q(?P<q>[1-4])|(?P<qq>[1-4])Q)\s?(?P<y>\d{4}|\d{2})?\b"),
            lambda m: _quarter_adapter(m),
        ),
    ]


def _quarter_adapter(m: re.Match[str]) -> str:
    q = m.group("q") or m.group("qq")
    y = m.group("y")
    spoken = f"the {ordinal(int(q))} quarter"
    if y:
        spoken += f" of {year(int(y)) if len(y) == 4 else cardinal(int(y))}"
    return spoken


MONEY_RULES: list[Rule] = [
    (
        c(
            r"(?:(?P<cur>"
            + MONEY_SYMBOL
            + r")\s?|\b(?P<code>"
            + MONEY_CODE
            + r")\s?)(?P<num>"
            + NUM
            + r")(?:\s?(?P<scale>"
            + SCALE
            + r"|[kKmMbB])\b)?"
            r"(?:\s?(?:-|–|to)\s?(?P<cur2>" + MONEY_SYMBOL + r")?\s?(?P<num2>" + NUM + r")"
            r"(?:\s?(?P<scale2>" + SCALE + r"|[kKmMbB])\b)?)?"
            r"(?:/(?P<per>[A-Za-z]{1,6}))?(?=(?P<follow>\s+[A-Za-z-]+))?"
        ),
        _money,
    ),
    (
        c(
            r"(?<![\w.])(?P<num>"
            + NUM
            + r")\s?(?:(?P<scale>"
            + SCALE
            + r")\s)?\s?(?P<code>"
            + MONEY_CODE
            + r"|hryvnias?|hryvnyas?)\b"
        ),
        _money_after,
    ),
]
PERCENT_RULES: list[Rule] = [
    (
        c(
            r"(?<![\w.])(?P<num>-?" + NUM + r")(?:\s?%?\s?(?:-|–|to)\s?(?P<num2>-?" + NUM + r"))?"
            r"\s?(?:%|percent\b|per cent\b|pct\b)"
        ),
        _percent,
    ),
]
MEASURE_RULES: list[Rule] = [
    (
        c(
            r"(?<![\w.])(?P<a>"
            + NUM
            + r")\s?[x×]\s?(?P<b>"
            + NUM
            + r")(?:\s?(?P<unit>"
            + UNIT_RE
            + r"))?(?![\w])"
        ),
        _dimensions,
    ),
    (
        c(
            r"(?<![\w./])(?P<num>-?(?:\d+ \d+/\d+|\d+/\d+|"
            + NUM
            + r"))(?:\s?[-–]\s?(?P<num2>"
            + NUM
            + r"))?(?:\s(?P<scale>"
            + SCALE
            + r"))?(?P<space>\s?-?)(?P<unit>"
            + UNIT_RE
            + r")(?![\w²³]|/\d)(?:/(?P<per>[A-Za-z]{1,4}))?(?=(?P<follow>\s+[A-Za-z]+))?"
        ),
        _measure,
    ),
    (c(r"(?<![\w.])(?P<num>" + NUM + r")/(?P<unit>" + UNIT_RE + r")(?![\w])"), _per_unit),
]
SPELLED_UNITS = (
    r"(?:millimet(?:er|re)s?|centimet(?:er|re)s?|met(?:er|re)s?|kilomet(?:er|re)s?|kilograms?|"
    r"grams?|tons?|tonnes?|miles?|feet|foot|inch(?:es)?|pounds?|ounces?|liters?|litres?|"
    r"gallons?|acres?|hectares?|degrees?|kilowatts?|megawatts?|gigawatts?|barrels?|yards?)"
)


def _spelled_measure(m: re.Match[str]) -> str:
    return f"{number(m.group('num'), True)} {m.group('unit')}"


PREFIX_RULES: list[Rule] = [
    (c(r"(?<![\w~≈<>])(?:[~≈]|ca\.|c\.)\s?(?=[$€£]?\d)"), lambda m: "approximately "),
    (c(r"(?<![\w<>=-])(?:<|&lt;)\s?(?=[$€£]?\d)"), lambda m: "less than "),
    (c(r"(?<![\w<>=-])(?:>|&gt;)\s?(?=[$€£]?\d)"), lambda m: "more than "),
]
NUMBER_RULES: list[Rule] = [
    (
        c(r"\b(?:ending|ends|ended) (?:in|with) (\d{2,6})\b"),
        lambda m: m.group(0)[: m.start(1) - m.start()] + digits(m.group(1)),
    ),
    (
        c(r"(?<![\w.,])(?P<num>" + NUM + r")[-\s](?P<unit>" + SPELLED_UNITS + r")\b"),
        _spelled_measure,
    ),
    (c(r"(?<![\w.])(?P<w>\d+)?\s?(?P<f>[" + "".join(UNICODE_FRACTIONS) + r"])"), _unicode_fraction),
    (
        c(
            r"(?<![\w/.,])(?:(?P<w>\d+)\s+)?(?P<n>\d+)/(?P<d>\d+)(?:th|rd|nd|st|TH|RD|ND|ST|s)?(?![\w/]|\.\d)"
        ),
        _fraction,
    ),
    (c(r"(?<![\w.])(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?P<suf>st|nd|rd|th|ST|ND|RD|TH)\b"), _ordinal),
    (
        c(r"(?<![\w.,/-])(?P<a>" + NUM + r")\s?[-–]\s?(?P<b>" + NUM + r")(?![\w.,/-]*\d)(?!\w)"),
        _range,
    ),
    (c(r"(?<![\w.])(?P<num>" + NUM + r")\s?(?P<scale>" + SCALE + r")\b"), _scaled),
    (c(r"(?<![\w.])(?P<num>" + NUM + r")(?P<scale>[kKMB]|bn)\b"), _scaled),
    (
        c(
            r"\b(?P<prefix>[A-Z][A-Za-z]{0,5})-?(?P<digits>\d{1,4})(?P<suffix>[A-Z]{1,2})?\b(?![.,]\d)"
        ),
        _model_name,
    ),
    (c(r"\b(\d)(G|D|K)\b"), _digit_prefix),
    (c(r"(?<![\w.])[-−+]?" + NUM + r"(?![\d])"), _plain_number),
]
ROMAN_RULES: list[Rule] = [
    (c(r"\b(?P<ctx>" + ROMAN_CONTEXT + r")\s+(?P<r>[IVXLCDM]+)\b(?!['’]?\w)"), _roman_in_context),
    (c(r"\b(?P<name>[A-Z][a-z]+)\s+(?P<r>[IVXL]{1,6})\b(?![.'’-]?\w)"), _regnal),
]
SYMBOL_RULES: list[Rule] = [
    (c(r"\b[A-Za-z]{2,}(?:\s?/\s?[A-Za-z]{2,})+\b"), _slash_words),
    (c(r"[&+±=×÷≈≤≥§‰№%]|(?:(?<=\s)|^)[<>~](?=\s?\w)|(?<=\d)°"), _symbol),
    (c(r"\s*[—–]\s*|\s+-\s+|--+"), lambda m: ", "),
    (c(r"[*•·|→←↑↓^_\\{}©®™✓✔►▶◆■□●○★☆†‡¶]+"), _stray),
]
LEFTOVER_RULES: list[Rule] = [
    (c(r"\d+"), _leftover_digits),
]


@lru_cache(maxsize=4)
def rule_set(date_order: str) -> tuple[list[Rule], list[Rule], list[Rule]]:
    """(rules for text with digits, rules for any text, final rules) for a date order."""
    numeric = TIME_RULES + date_rules(date_order) + MONEY_RULES + PERCENT_RULES + MEASURE_RULES
    return numeric, NUMBER_RULES, LEFTOVER_RULES


SHOUTING_MIN_LETTERS = 12


def is_shouting(text: str) -> bool:
    letters_only = [ch for ch in text if ch.isalpha()]
    if len(letters_only) < SHOUTING_MIN_LETTERS:
        return False
    upper = sum(ch.isupper() for ch in letters_only)
    return upper / len(letters_only) > 0.8 and len(re.findall(r"[A-Z]{2,}", text)) >= 3


ACRONYM = c(r"\b[A-Z][A-Z0-9]*[A-Z](?:s\b)?\b|\b[A-Z]{2,}s\b|\bMiG\b")
HAS_DIGIT = c(r"\d")
HAS_CAPS = c(r"[A-Z]{2}|MiG")
HAS_ROMAN = c(r"\b[IVXL]+\b")
HAS_SYMBOL = c(r"[&+±=×÷≈~≤≥<>§‰№%—–*•·|→←↑↓^_\\{}©®™✓✔►▶◆■□●○★☆†‡¶°/-]")
HAS_WEB = c(r"[@#]|\.[A-Za-z]{2}|www|://")
HAS_ABBREVIATION = c(r"[A-Za-z]\.|401\(k\)")


def normalize_text(text: Text, date_order: str = "mdy") -> None:
    """Run the English rules over TEXT in place."""
    source = text.original
    if HAS_WEB.search(source):
        text.apply_all(WEB_RULES)
    numeric, numbers_, leftovers = rule_set(date_order)
    has_digit = bool(HAS_DIGIT.search(source))
    if has_digit:
        text.apply_all(PREFIX_RULES)
        text.apply_all(TIME_RULES)
    if HAS_ABBREVIATION.search(source):
        text.apply_all(ABBREVIATION_RULES)
    if has_digit:
        text.apply_all(numeric[len(TIME_RULES) :])
    if has_digit or any(ch in source for ch in UNICODE_FRACTIONS):
        text.apply_all(numbers_)
    if HAS_CAPS.search(source) or HAS_ROMAN.search(source):
        text.apply_all(ROMAN_RULES)
        text.apply(ACRONYM, make_acronym_handler(is_shouting(source)), "acronym")
    if HAS_SYMBOL.search(source):
        text.apply_all(SYMBOL_RULES)
    if (
        has_digit
        or any(ch.isdigit() for ch in source)
        or any(p.spoken and any(ch.isdigit() for ch in p.spoken) for p in text.pieces)
    ):
        text.apply_all(leftovers)
        text.apply(c(r"[^\W_]+"), _unicode_digits, "digits")
        for piece in text.pieces:  # a guarantee: no rule's output keeps a digit
            if piece.spoken and any(ch.isdigit() for ch in piece.spoken):
                spoken = re.sub(
                    r"(?<![\d.])\d+(?:\.\d+)?",
                    lambda m: " " + number(m.group(0)) + " ",
                    piece.spoken,
                )
                piece.spoken = " ".join(re.sub(r"[^\W_]+", _unicode_digits_or_word, spoken).split())


def _unicode_digits_or_word(m: re.Match[str]) -> str:
    return _unicode_digits(m) or m.group(0)


def _unicode_digits(m: re.Match[str]) -> str | None:
    """Any digit character left (superscripts, other scripts) is read by its value."""
    word = m.group(0)
    if not any(ch.isdigit() for ch in word):
        return None
    out = []
    for ch in word:
        if ch.isdigit():
            out.append(" " + digits(str(unicodedata.digit(ch))) + " ")
        else:
            out.append(ch)
    return "".join(out)


def prepare(text: str) -> str:
    """Unify spaces, minus signs and ellipses that change how rules match."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    text = re.sub(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "", text)
    text = text.replace("\u2212", "-").replace("…", "...")
    return text
