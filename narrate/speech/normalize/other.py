"""Normalisation beyond English: numbers, ordinals, dates, times, percentages and currency.

Number words come from num2words; each language adds its month names, the words for
percent and currencies, and how it says a date and a time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from num2words import num2words

from .core import Rule, Text


@dataclass(frozen=True)
class Language:
    code: str
    months: tuple[str, ...]  # as they appear in dates (genitive where the language inflects)
    percent: tuple[str, str, str]  # one, few, many (few/many matter for Slavic languages)
    currencies: dict[str, tuple[str, str, str]]  # symbol/code → (one, few, many)
    decimal_comma: bool = True
    hour_word: str = ""  # "Uhr", "heures"
    ordinal_dot: bool = False  # German "14." is an ordinal
    aliases: dict[str, str] = field(default_factory=dict)


EURO = ("euro", "euro", "euros")
LANGUAGES: dict[str, Language] = {
    "de": Language(
        "de",
        (
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ),
        ("Prozent", "Prozent", "Prozent"),
        {
            "€": ("Euro", "Euro", "Euro"),
            "EUR": ("Euro", "Euro", "Euro"),
            "$": ("Dollar", "Dollar", "Dollar"),
            "USD": ("Dollar", "Dollar", "Dollar"),
            "£": ("Pfund", "Pfund", "Pfund"),
            "₴": ("Hrywnja", "Hrywnja", "Hrywnja"),
            "UAH": ("Hrywnja", "Hrywnja", "Hrywnja"),
        },
        hour_word="Uhr",
        ordinal_dot=True,
    ),
    "fr": Language(
        "fr",
        (
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ),
        ("pour cent", "pour cent", "pour cent"),
        {
            "€": ("euro", "euros", "euros"),
            "EUR": ("euro", "euros", "euros"),
            "$": ("dollar", "dollars", "dollars"),
            "USD": ("dollar", "dollars", "dollars"),
            "£": ("livre", "livres", "livres"),
            "₴": ("hryvnia", "hryvnias", "hryvnias"),
            "UAH": ("hryvnia", "hryvnias", "hryvnias"),
        },
        hour_word="heures",
    ),
    "es": Language(
        "es",
        (
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ),
        ("por ciento", "por ciento", "por ciento"),
        {
            "€": ("euro", "euros", "euros"),
            "EUR": ("euro", "euros", "euros"),
            "$": ("dólar", "dólares", "dólares"),
            "USD": ("dólar", "dólares", "dólares"),
            "£": ("libra", "libras", "libras"),
            "₴": ("grivna", "grivnas", "grivnas"),
            "UAH": ("grivna", "grivnas", "grivnas"),
        },
    ),
    "uk": Language(
        "uk",
        (
            "січня",
            "лютого",
            "березня",
            "квітня",
            "травня",
            "червня",
            "липня",
            "серпня",
            "вересня",
            "жовтня",
            "листопада",
            "грудня",
        ),
        ("відсоток", "відсотки", "відсотків"),
        {
            "€": ("євро", "євро", "євро"),
            "EUR": ("євро", "євро", "євро"),
            "$": ("долар", "долари", "доларів"),
            "USD": ("долар", "долари", "доларів"),
            "₴": ("гривня", "гривні", "гривень"),
            "UAH": ("гривня", "гривні", "гривень"),
            "грн": ("гривня", "гривні", "гривень"),
            "£": ("фунт", "фунти", "фунтів"),
        },
    ),
}
# Languages num2words reads, without date and currency specifics.
NUMBERS_ONLY = {"it", "pt", "nl", "ru", "pl", "cs", "da", "fi", "no", "sv", "tr", "ro", "hu"}
SUPPORTED = set(LANGUAGES) | NUMBERS_ONLY


@lru_cache(maxsize=8192)
def words(value: str, lang: str, to: str = "cardinal") -> str:
    """num2words for LANG; a value it cannot read comes back unchanged."""
    try:
        n: float | int = float(value) if "." in value else int(value)
        return num2words(n, lang=lang, to=to)
    except Exception:  # num2words fails in its own ways (a KeyError past its scales in uk)
        return value


def plural_form(value: str, forms: tuple[str, str, str], lang: str) -> str:
    """Pick one/few/many: Slavic rules for uk, else one vs other."""
    one, few, many = forms
    if "." in value:
        return UK_DECIMAL_FORM.get(one, few) if lang == "uk" else many
    n = int(value)
    if lang == "uk":
        if n % 10 == 1 and n % 100 != 11:
            return one
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return few
        return many
    return one if n == 1 else many


def to_plain(num: str, decimal_comma: bool) -> str:
    """'1.000,5' → '1000.5' (decimal comma) or '1,000.5' → '1000.5'; '1 000' → '1000'."""
    num = re.sub(r"[\s\u00a0\u202f]", "", num)
    if decimal_comma:
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", num) or "," in num:
            num = num.replace(".", "").replace(",", ".")
    else:
        num = num.replace(",", "")
    return num


def genitive_ordinal_uk(text: str) -> str:
    """'чотирнадцятий' → 'чотирнадцятого', 'третій' → 'третього' (last word only)."""
    head, _, last = text.rpartition(" ")
    if last.endswith("ій"):
        last = last[:-2] + "ього"
    elif last.endswith("ий"):
        last = last[:-2] + "ого"
    return f"{head} {last}".strip()


MAX_NUMBER_DIGITS = 15  # up to the quadrillions
# A number grouped in thousands ("1.000.000", "1 000 000") has five groups at most: a longer
# run of groups is several numbers (or none), and a bound keeps matching linear.
NUM = (
    r"\d{1,3}(?:[.\u00a0\u202f ]\d{3}){1,4}(?![.\u00a0\u202f ]\d{3}(?!\d))(?:,\d+)?"
    r"|\d+(?:[.,]\d+)?"
)
SCALE_WORDS = (
    r"Millionen|Milliarden|millions|milliards|millones|mil millones|млн|млрд|мільйонів|мільярдів"
)
MINOR_UK = {
    "гривня": ("копійка", "копійки", "копійок"),
    "долар": ("цент", "центи", "центів"),
    "євро": ("цент", "центи", "центів"),
}
# Ukrainian nouns after a decimal number take the genitive singular.
UK_DECIMAL_FORM = {
    "відсоток": "відсотка",
    "долар": "долара",
    "гривня": "гривні",
    "євро": "євро",
    "фунт": "фунта",
}


@cache
def rules_for(code: str) -> list[Rule]:
    language = LANGUAGES.get(code)
    decimal_comma = True
    rules: list[Rule] = []

    def cardinal(value: str) -> str:
        return words(to_plain(value, decimal_comma), code)

    if language:
        months = "|".join(language.months)
        currency_keys = sorted(language.currencies, key=len, reverse=True)
        currency_re = "|".join(re.escape(k) for k in currency_keys)

        def date(m: re.Match[str]) -> str:
            day, month, year_text = m.group("d"), m.group("mo"), m.group("y")
            if month.isdigit():
                index = int(month)
                if not 1 <= index <= 12:
                    return m.group(0)
                month_word = language.months[index - 1]
            else:
                month_word = month
            if code == "de":
                case = (
                    "n"
                    if re.search(
                        r"\b(?:am|vom|zum|bis zum|seit dem|ab dem)\s+$",
                        m.string[: m.start()],
                        re.IGNORECASE,
                    )
                    else "r"
                )
                spoken = words(day, code, "ordinal") + case
            elif code == "uk":
                spoken = genitive_ordinal_uk(words(day, code, "ordinal"))
            elif code == "fr":
                spoken = "premier" if day.lstrip("0") == "1" else words(day, code)
            elif code == "es":
                spoken = ("primero" if day.lstrip("0") == "1" else words(day, code)) + " de"
            else:
                spoken = words(day, code)
            spoken += f" {month_word}"
            if year_text:
                if code == "uk":
                    spoken += " " + genitive_ordinal_uk(words(year_text, code, "ordinal"))
                elif code == "es":
                    spoken += " de " + words(year_text, code)
                else:
                    spoken += " " + words(year_text, code, "year")
            return spoken

        rules += [
            (re.compile(r"\b(?P<d>[0-3]?\d)\.\s?(?P<mo>[01]?\d)\.\s?(?P<y>\d{4})\b"), date),
            (
                re.compile(
                    r"\b(?P<d>[0-3]?\d)(?:\.|er|-го|-е)?\s+(?:de\s+)?(?P<mo>"
                    + months
                    + r")(?:\s+(?:de\s+)?(?P<y>\d{4}))?\b",
                    re.IGNORECASE,
                ),
                date,
            ),
        ]

        def time(m: re.Match[str]) -> str:
            hours, minutes = int(m.group("h")), int(m.group("m"))
            if hours > 24 or minutes > 59:
                return m.group(0)
            spoken = words(str(hours), code)
            if code == "de":
                spoken += " Uhr" + (f" {words(str(minutes), code)}" if minutes else "")
                return spoken
            if code == "fr":
                spoken += " heures" if hours != 1 else " heure"
                return spoken + (f" {words(str(minutes), code)}" if minutes else "")
            if code == "es":
                article = "la" if hours == 1 else "las"
                if re.search(r"\b(?:la|las)\s+$", m.string[: m.start()], re.IGNORECASE):
                    article = ""
                spoken = f"{article} {spoken}".strip()
                return spoken + (f" y {words(str(minutes), code)}" if minutes else "")
            return spoken + (f" {words(str(minutes), code)}" if minutes else " нуль нуль")

        rules.append(
            (re.compile(r"\b(?P<h>[01]?\d|2[0-4])[:h](?P<m>[0-5]\d)(?:\s?(?:Uhr|h))?\b"), time)
        )

        def amount_words(value: str, forms: tuple[str, str, str]) -> str:
            amount = words(value, code)
            if code == "uk" and forms[0] in ("гривня", "копійка"):  # feminine nouns
                amount = re.sub(r"\bодин$", "одна", re.sub(r"\bдва$", "дві", amount))
            return amount

        def money(m: re.Match[str]) -> str:
            symbol = m.group("pre") or m.group("post")
            value = to_plain(m.group("num"), decimal_comma)
            scale = m.group("scale") or ""
            forms = language.currencies[symbol]
            whole, _, cents = value.partition(".")
            if not scale and len(cents) == 2:
                spoken = f"{amount_words(whole, forms)} {plural_form(whole, forms, code)}"
                if int(cents):
                    joiner = " con " if code == "es" else " "
                    spoken += joiner + words(str(int(cents)), code)
                    minor = MINOR_UK.get(forms[0]) if code == "uk" else None
                    if minor:
                        spoken = (
                            f"{amount_words(whole, forms)} {plural_form(whole, forms, code)} "
                            f"{amount_words(str(int(cents)), minor)} "
                            f"{plural_form(str(int(cents)), minor, code)}"
                        )
                return spoken
            noun = forms[2] if scale else plural_form(value, forms, code)
            return f"{amount_words(value, forms)} {scale + ' ' if scale else ''}{noun}"

        rules += [
            (
                re.compile(
                    r"(?P<pre>"
                    + currency_re
                    + r")\s?(?P<num>"
                    + NUM
                    + r")(?:\s(?P<scale>\w+ions?|Mrd\.|Mio\.|млн|млрд))?(?P<post>)"
                ),
                money,
            ),
            (
                re.compile(
                    r"(?P<pre>)(?P<num>"
                    + NUM
                    + r")(?:\s(?P<scale>"
                    + SCALE_WORDS
                    + r"))?\s?(?P<post>"
                    + currency_re
                    + r")(?!\w)"
                ),
                money,
            ),
        ]

        def percent(m: re.Match[str]) -> str:
            value = to_plain(m.group("num"), decimal_comma)
            return f"{words(value, code)} {plural_form(value, language.percent, code)}"

        rules.append((re.compile(r"(?P<num>" + NUM + r")\s?%"), percent))
        if language.ordinal_dot:
            rules.append(
                (
                    re.compile(r"\b(?P<n>\d{1,3})\.(?=\s+[A-Za-zÄÖÜäöüß])"),
                    lambda m: words(m.group("n"), code, "ordinal"),
                )
            )
    if code == "fr":
        rules.append(
            (
                re.compile(r"\b(?P<n>\d{1,3})(?:e|er|ère|ème|re)\b"),
                lambda m: words(m.group("n"), code, "ordinal"),
            )
        )
    elif code in ("es", "it", "pt"):
        rules.append(
            (re.compile(r"\b(?P<n>\d{1,3})[ºª°]"), lambda m: words(m.group("n"), code, "ordinal"))
        )
    elif code in ("uk", "ru"):
        rules.append(
            (
                re.compile(r"\b(?P<n>\d{1,3})-(?:й|го|му|та|ий|ої|а|е|ій)\b"),
                lambda m: words(m.group("n"), code, "ordinal"),
            )
        )
    else:
        rules.append(
            (re.compile(r"(?P<num>" + NUM + r")\s?%"), lambda m: f"{cardinal(m.group('num'))} %")
        )
    rules.append((re.compile(NUM), lambda m: cardinal(m.group(0))))
    return rules


# Longer runs of digits are no amount anyone says as a number (and num2words has no words for
# them): they are read digit by digit, which also keeps every rule's work linear in the text.
LONG_DIGITS = re.compile(rf"\d{{{MAX_NUMBER_DIGITS + 1},}}")


def normalize_text(text: Text, code: str) -> None:
    """Run LANGUAGE's rules over TEXT in place (only where it has digits)."""
    if not re.search(r"\d", text.original):
        return
    text.apply(LONG_DIGITS, lambda m: " ".join(words(d, code) for d in m.group(0)), "digits")
    text.apply_all(rules_for(code))
