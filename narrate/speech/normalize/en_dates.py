"""English readings of dates and times: Nov. 14, 2023-11-14, 14 November 2023, 11:10 PM, 1950s."""

from __future__ import annotations

import re

from .core import Rule
from .en_words import (
    MONTH,
    MONTH_NAMES,
    MONTH_WITH_YEAR,
    ZONES,
    before,
    c,
    final_stop,
    letters,
    month_name,
    spoken_year,
)
from .numbers import (
    cardinal,
    ordinal,
    pair_year,
    year,
)

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


def _colon_numbers(m: re.Match[str]) -> str:
    """Numbers around a colon that are no time of day: a duration in minutes and seconds
    ("25:00", "90:30") or a score or ratio ("3:2", "1:100")."""
    first, second = int(m.group("a")), m.group("b")
    if len(second) == 2 and first >= 24 and int(second) < 60:
        seconds = int(second)
        spoken = f"{cardinal(first)} minute{'' if first == 1 else 's'}"
        if seconds:
            spoken += f" and {cardinal(seconds)} second{'' if seconds == 1 else 's'}"
        return spoken
    return f"{cardinal(first)} to {cardinal(int(second))}"


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
    (c(r"(?<![\w:.,$€£])(?P<a>\d{1,3}):(?P<b>\d{1,3})(?![\d:]|[.,]\d)"), _colon_numbers),
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
