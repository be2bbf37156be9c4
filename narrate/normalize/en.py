"""English normalisation for speech: abbreviations, dates, times, money, measures, numbers.

Each rule is a regex with a function that returns the spoken form; rules run in order, each
over the output of the one before, so later rules never see digits an earlier rule has read.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import tables
from .numbers import SCALES, cardinal, number, ordinal, parse_number, plural_of_one, year

MONTHS = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "sept": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}
MONTH_NAMES = [
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
]
MONTH_RE = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
    r"Aug(?:ust|\.)?|Sept?(?:ember|\.)?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
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
NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
YEAR_CONTEXT = re.compile(
    r"(?:\b(?:in|since|by|from|until|till|through|to|of|during|before|after|around|circa|"
    r"early|late|mid|year|summer|winter|spring|autumn|fall|between|and|or|the|fiscal|"
    r"election|season|class|vintage|" + "|".join(m.lower() for m in MONTH_NAMES) + r")|[-–(])\s*$",
    re.IGNORECASE,
)
YEAR_VERBS = re.compile(
    r"^\s+(?:was|is|will|saw|marked|had|has|brought|began|ended|became|proved|remains)\b"
)

ZONES = r"GMT|UTC|EST|EDT|CET|CEST|EET|EEST|PST|PDT|BST|MSK|Kyiv time|local time"

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def month_name(word: str) -> str:
    key = word.rstrip(".").lower()
    return MONTHS.get(key[:4] if key.startswith("sept") else key[:3], word)


def spoken_date(month: str, day: str | None, year_text: str | None) -> str:
    parts = [month_name(month)]
    if day:
        parts.append(ordinal(int(day)))
    spoken = " ".join(parts)
    if year_text:
        spoken += (", " if day else " ") + year(int(year_text))
    return spoken


# --- rules ------------------------------------------------------------------------------


def _url(m: re.Match[str]) -> str:
    text = m.group(0)
    text = re.sub(r"^https?://", "", text)
    text = re.sub(r"^www\.", "w w w dot ", text)
    text = text.rstrip("/")
    spoken = re.sub(r"\.", " dot ", text)
    spoken = spoken.replace("/", " slash ").replace("@", " at ").replace("-", " dash ")
    return " ".join(spoken.split())


def _email(m: re.Match[str]) -> str:
    user, _, domain = m.group(0).partition("@")
    user = user.replace(".", " dot ").replace("_", " underscore ").replace("-", " dash ")
    return f"{user} at {_url(re.match(r'.+', domain))}"  # type: ignore[arg-type]


def _abbreviation(m: re.Match[str]) -> str:
    written = m.group("abbr")
    spoken, where = tables.abbreviations()[written]
    if where == "title" and not m.group("next"):
        return m.group(0)
    return spoken + (m.group("next") or "") + final_stop(m)


def final_stop(m: re.Match[str]) -> str:
    """Keep the full stop an abbreviation shared with the end of the sentence."""
    return "." if not m.string[m.end() :].strip() else ""


CONTEXT_ABBREVIATIONS = {
    # written: (before a name, after a name)
    "Dr.": ("Doctor", "Drive"),
    "St.": ("Saint", "Street"),
    "Mt.": ("Mount", "Mount"),
    "Ft.": ("Fort", "Fort"),
}


def _context_abbreviation(m: re.Match[str]) -> str:
    before_name, after_name = CONTEXT_ABBREVIATIONS[m.group("abbr")]
    if m.group("next"):
        return before_name + m.group("next")
    preceded_by_name = re.search(r"[A-Z][a-z]+\s+$", m.string[: m.start()])
    return (after_name if preceded_by_name else before_name) + final_stop(m)


def _dotted_initials(m: re.Match[str]) -> str:
    letters = m.group(0).replace(".", "")
    return " ".join(letters.upper())


def _dotted_initials_keep_period(m: re.Match[str]) -> str:
    spoken = _dotted_initials(m)
    rest = m.string[m.end() :]
    # "... the U.S." ends a sentence: keep one full stop for the pause.
    if not rest.strip():
        return spoken + "."
    return spoken


def _iso_date(m: re.Match[str]) -> str:
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return m.group(0)
    return f"{MONTH_NAMES[mo - 1]} {ordinal(d)}, {year(y)}"


def _numeric_date(m: re.Match[str]) -> str:
    a, b, y = int(m.group(1)), int(m.group(2)), m.group(3)
    month, day = (a, b) if a <= 12 else (b, a)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group(0)
    full_year = int(y) if len(y) == 4 else 2000 + int(y)
    return f"{MONTH_NAMES[month - 1]} {ordinal(day)}, {year(full_year)}"


def _month_day(m: re.Match[str]) -> str:
    weekday = m.group("weekday")
    prefix = ""
    if weekday:
        prefix = WEEKDAYS.get(weekday.rstrip(".").lower()[:4].rstrip("s"), weekday) + ", "
        prefix = WEEKDAYS.get(weekday.rstrip(".").lower()[:3], prefix.rstrip(", ")) + ", "
    return prefix + spoken_date(m.group("month"), m.group("day"), m.group("year"))


def _day_month(m: re.Match[str]) -> str:
    spoken = f"the {ordinal(int(m.group('day')))} of {month_name(m.group('month'))}"
    if m.group("year"):
        spoken += " " + year(int(m.group("year")))
    return spoken


def _month_year(m: re.Match[str]) -> str:
    return f"{month_name(m.group('month'))} {year(int(m.group('year')))}"


def _time(m: re.Match[str]) -> str:
    hour, minute = int(m.group("h")), m.group("m")
    meridiem = m.group("ampm")
    if hour > 24 or (minute and int(minute) > 59):
        return m.group(0)
    spoken = cardinal(hour)
    if minute and minute != "00":
        mins = int(minute)
        spoken += " oh " + cardinal(mins) if mins < 10 else " " + cardinal(mins)
    elif minute == "00" and not meridiem:
        spoken += " hundred" if hour > 12 or hour == 0 else " o'clock"
    if meridiem:
        spoken += " " + " ".join(meridiem.replace(".", "").replace(" ", "").upper())
    zone = m.group("zone")
    if zone:
        spoken += " " + " ".join(zone) if zone.isupper() else " " + zone
    return spoken


ADJECTIVE_NOUNS = (
    "aid|package|deal|loan|budget|contract|program|programme|fund|plan|bill|fine|investment|"
    "project|purchase|settlement|bailout|facility|tranche|grant|sale|order|lawsuit|tender|"
    "expansion|upgrade|stake|acquisition|merger|bond|question|industry|market|company|business"
)


def _money(m: re.Match[str]) -> str:
    symbol = m.group("cur") or m.group("code") or m.group("post")
    table = tables.currencies()
    key = symbol if symbol in table else symbol.upper()
    if key.lower().startswith("hryvnia"):
        key = "UAH"
    one, many, minor_one, minor_many = table.get(key, ("", "", "", ""))
    amount = m.group("num")
    scale = m.group("scale")
    follower = m.group("follow") or ""
    if scale:
        spoken = f"{number(amount)} {SCALES[scale]}"
        if follower and re.match(rf"\s+(?:{ADJECTIVE_NOUNS})\b", follower):
            return f"{spoken} {one}{follower}"
        return f"{spoken} {many}{follower}"
    whole, _, frac = amount.replace(",", "").partition(".")
    if frac and len(frac) == 2 and minor_one:
        cents = int(frac)
        main = int(whole or 0)
        parts = []
        if main:
            parts.append(f"{cardinal(main)} {one if main == 1 else many}")
        if cents or not main:
            parts.append(f"{cardinal(cents)} {minor_one if cents == 1 else minor_many}")
        return " and ".join(parts) + follower
    noun = one if plural_of_one(amount) else many
    if follower and re.match(rf"\s+(?:{ADJECTIVE_NOUNS})\b", follower) and not frac:
        noun = one
    return f"{number(amount)} {noun}{follower}"


def _percent(m: re.Match[str]) -> str:
    return f"{number(m.group(1))} percent"


def _ordinal(m: re.Match[str]) -> str:
    return ordinal(int(m.group(1).replace(",", "")))


def _decade(m: re.Match[str]) -> str:
    digits = m.group("digits")
    base = cardinal(int(digits)) if len(digits) == 2 else year(int(digits))  # '90s, 1950s
    if base.endswith("y"):
        return base[:-1] + "ies"
    return base + "s"


def _measure(m: re.Match[str]) -> str:
    amount, unit, follower = m.group("num"), m.group("unit"), m.group("follow") or ""
    one, many = tables.units()[unit]
    attached = not m.group("space")
    adjectival = attached and bool(re.match(r"\s+[a-z]", follower))
    noun = one if (plural_of_one(amount) or adjectival) else many
    return f"{number(amount)} {noun}{follower}"


def _scaled_number(m: re.Match[str]) -> str:
    return f"{number(m.group('num'))} {SCALES[m.group('scale')]}"


def _range(m: re.Match[str]) -> str:
    a, b = m.group("a"), m.group("b")
    unit = (m.group("unit") or "").strip()
    if unit == "%":
        suffix = " percent"
    elif unit:
        suffix = " " + tables.units()[unit][1]
    else:
        suffix = ""
    if not unit and len(a) == 4 and len(b) in (2, 4) and 1000 <= int(a) <= 2099:
        b_full = a[:2] + b if len(b) == 2 else b
        if int(b_full) > int(a):
            return f"{year(int(a))} to {year(int(b_full))}"
    return f"{number(a)} to {number(b)}{suffix}"


def _model_name(m: re.Match[str]) -> str:
    prefix, digits_ = m.group("prefix"), m.group("digits")
    spelled = prefix.isupper() or len(prefix) <= 2
    spoken_prefix = " ".join(prefix.upper()) if spelled else prefix
    n = int(digits_)
    if len(digits_) == 3 and digits_[1] == "0" and digits_[2] != "0":
        spoken_number = f"{cardinal(int(digits_[0]))} oh {cardinal(int(digits_[2]))}"
    else:
        spoken_number = cardinal(n)
    return f"{spoken_prefix} {spoken_number}"


def _plain_number(m: re.Match[str]) -> str:
    text = m.group(0)
    value = parse_number(text)
    if value is None:
        return text
    if "," not in text and "." not in text and len(text.lstrip("-")) == 4:
        n = int(value)
        before = m.string[max(0, m.start() - 30) : m.start()]
        after = m.string[m.end() : m.end() + 20]
        if 1000 <= n <= 2099 and (
            YEAR_CONTEXT.search(before)
            or YEAR_VERBS.match(after)
            or not re.match(r"\s+[a-z]", after)
        ):
            return year(n)
    return number(text)


def _acronym(m: re.Match[str]) -> str:
    word = m.group(0)
    known = tables.acronyms_as_words()
    if word in known:
        return known[word]
    plural = word.endswith("s") and word[:-1].isupper()
    letters = word[:-1] if plural else word
    spoken = " ".join(letters)
    return spoken + ("'s" if plural else "")


def _symbol_and(m: re.Match[str]) -> str:
    return " and "


DOTTED_INITIALS = re.compile(r"\b(?:[A-Za-z]\.){2,}(?=\s|$|[,;:)\"'”’])")

RULES: list[Rule] = [
    (re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), _email),
    (
        re.compile(
            r"\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)]|\bwww\.[\w-]+(?:\.[\w-]+)+(?:/[^\s]*)?"
            r"|\b[\w-]+\.(?:com|org|net|gov|edu|ua|uk|io|info|news|co)\b(?!\.\w)"
        ),
        _url,
    ),
    (
        re.compile(
            r"\b(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)(?![\w])"
            r"(?:\s+(?P<zone>" + ZONES + r"))?"
        ),
        _time,
    ),
    (
        re.compile(
            r"\b(?P<h>\d{1,2}):(?P<m>\d{2})(?P<ampm>)(?!\d)"
            r"(?:\s+(?P<zone>" + ZONES + r"))?"
        ),
        _time,
    ),
    (
        re.compile(
            r"\b(?P<abbr>Lt\. Col\.|Lt\. Gen\.|Maj\. Gen\.|Brig\. Gen\.|Rear Adm\.|Vice Adm\.)"
            r"(?P<next>\s+(?=[A-Z]))?"
        ),
        _abbreviation,
    ),
    (
        re.compile(
            r"(?<![\w.])(?P<abbr>"
            + "|".join(
                re.escape(a)
                for a in sorted(tables.abbreviations(), key=len, reverse=True)
                if " " not in a
            )
            + r")(?P<next>\s+(?=[A-Z]))?"
        ),
        _abbreviation,
    ),
    (
        re.compile(r"(?<![\w.])(?P<abbr>Dr\.|St\.|Mt\.|Ft\.)(?P<next>\s+(?=[A-Z]))?"),
        _context_abbreviation,
    ),
    (DOTTED_INITIALS, _dotted_initials_keep_period),
    (
        re.compile(r"\bNos?\.\s?(?=\d)"),
        lambda m: "numbers " if m.group(0).startswith("Nos") else "number ",
    ),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), _iso_date),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b"), _numeric_date),
    (
        re.compile(
            r"(?:(?P<weekday>(?:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)(?:day|nesday|urday|\.)?),?\s+)?"
            r"\b(?P<month>" + MONTH_RE + r")\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?\b"
            r"(?:,?\s+(?P<year>\d{4})\b)?"
        ),
        _month_day,
    ),
    (
        re.compile(
            r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>"
            + MONTH_RE
            + r")\b(?:,?\s+(?P<year>\d{4})\b)?"
        ),
        _day_month,
    ),
    (re.compile(r"\b(?P<month>" + MONTH_RE + r")\s+(?P<year>\d{4})\b"), _month_year),
    (
        re.compile(
            r"(?:(?P<cur>US\$|\$|€|£|¥|₴|₽|₹)\s?|\b(?P<code>USD|EUR|GBP|UAH|JPY|RUB|CHF|CNY|INR|PLN)\s?)"
            r"(?P<num>" + NUM + r")"
            r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mln|mn|tn|[mkKMB])\b)?"
            r"(?P<post>)(?P<follow>\s+[a-z]+)?"
        ),
        _money,
    ),
    (
        re.compile(
            r"(?P<cur>)(?P<code>)\b(?P<num>" + NUM + r")"
            r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn))?\s?"
            r"(?P<post>UAH|hryvnias?|euros?|dollars?)\b(?P<follow>)"
        ),
        lambda m: (
            f"{number(m.group('num'))}"
            + (f" {SCALES[m.group('scale')]}" if m.group("scale") else "")
            + " "
            + (
                (
                    "hryvnia"
                    if plural_of_one(m.group("num")) and not m.group("scale")
                    else "hryvnias"
                )
                if m.group("post") in ("UAH", "hryvnia", "hryvnias")
                else m.group("post")
            )
        ),
    ),
    (
        re.compile(
            r"(?<![\w.,-])(?P<a>\d{1,4}(?:\.\d+)?)\s?[-–]\s?(?P<b>\d{1,4}(?:\.\d+)?)\b(?![-–/]\d)"
            r"(?P<unit>\s?(?:%|(?:"
            + "|".join(re.escape(u) for u in sorted(tables.units(), key=len, reverse=True))
            + r")(?![\w/²])))?"
        ),
        _range,
    ),
    (re.compile(r"(-?(?:" + NUM + r"))\s?(?:%|percent\b|per cent\b)"), _percent),
    (re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d+)(?:st|nd|rd|th)\b"), _ordinal),
    (re.compile(r"(?:\b|')(?P<digits>\d{4}|(?<=')\d{2})'?s\b"), _decade),
    (
        re.compile(
            r"(?<![\w$€£])(?P<num>"
            + NUM
            + r")(?P<space>\s?)(?P<unit>"
            + "|".join(re.escape(u) for u in sorted(tables.units(), key=len, reverse=True))
            + r")(?![\w/²])(?P<follow>\s+\w+)?"
        ),
        _measure,
    ),
    (re.compile(r"\b(?P<num>" + NUM + r")\s?(?P<scale>bn|mln|[kKMB])\b"), _scaled_number),
    (re.compile(r"\b(?P<prefix>[A-Z][A-Za-z]{0,3})-?(?P<digits>\d{1,4})\b"), _model_name),
    (re.compile(r"(?<![\w.])-?(?:" + NUM + r")"), _plain_number),
    (re.compile(r"\b[A-Z][A-Z0-9]*[A-Z](?:s\b)?\b|\b[A-Z]{2,}s\b"), _acronym),
    (re.compile(r"\s*&\s*"), _symbol_and),
]


def normalize_en(text: str) -> str:
    text = prepare(text)
    for pattern, func in RULES:
        text = pattern.sub(func, text)
    return tidy(text)


def prepare(text: str) -> str:
    """Unify Unicode spaces, dashes and quotes that change how rules match."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    text = re.sub(r"(?<=\d)\s?[–—]\s?(?=\d)", "-", text)
    text = re.sub(r"\s*[—–]\s*", ", ", text)
    text = text.replace("…", "...")
    return text


def tidy(text: str) -> str:
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",\s*,", ",", text)
    return " ".join(text.split())
