"""Normalisation beyond English: numbers, ordinals, dates, times, money, measures and the
abbreviations a newsreader expands.

Number words come from num2words. Each language adds, as code, how it says a date, a time and
an ordinal (German endings after the article, Ukrainian case after the preposition, Spanish
and French gender), and, as data (data/languages/LANG.toml), its units, scale words, minor
currency units, month and other abbreviations, and which nouns are feminine: a contributor
extends those without touching code.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from num2words import num2words

from .core import Rule, Text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(frozen=True)
class Language:
    code: str
    months: tuple[str, ...]  # as they appear in dates (genitive where the language inflects)
    percent: tuple[str, str, str]  # one, few, many (few/many matter for Slavic languages)
    currencies: dict[str, tuple[str, str, str]]  # symbol/code → (one, few, many)
    ordinal_dot: bool = False  # German "14." is an ordinal


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
DATA = Path(__file__).resolve().parent / "data" / "languages"


@dataclass(frozen=True)
class Noun:
    """A noun in the forms a number asks for: one, few (Ukrainian 2–4), many; after a decimal
    (Ukrainian genitive singular); and whether it is feminine."""

    one: str
    few: str
    many: str
    feminine: bool = False
    decimal: str = ""


@dataclass(frozen=True)
class Table:
    """One language's data file."""

    decimal: str = "Komma"
    fraction: str = "digits"
    minus: str = "minus"
    per: tuple[str, ...] = ()
    abbreviations: tuple[tuple[str, str], ...] = ()
    month_abbreviations: tuple[tuple[str, int], ...] = ()
    scales: tuple[tuple[str, Noun], ...] = ()
    minor: tuple[tuple[str, Noun], ...] = ()
    units: tuple[tuple[str, Noun], ...] = ()
    feminine: frozenset[str] = frozenset()
    masculine: frozenset[str] = frozenset()
    decimal_forms: tuple[tuple[str, str], ...] = ()  # noun → its form after a decimal

    def after_decimal(self, noun: str, default: str) -> str:
        return dict(self.decimal_forms).get(noun, default)


def _nouns(raw: Any, decimal_forms: dict[str, str]) -> tuple[tuple[str, Noun], ...]:
    if not isinstance(raw, dict):
        return ()
    nouns = []
    for key, forms in raw.items():
        if not (isinstance(forms, list) and len(forms) >= 3):
            raise ValueError(f"{key!r} needs [one, few, many] forms")
        one, few, many = (str(f) for f in forms[:3])
        nouns.append(
            (str(key), Noun(one, few, many, "f" in forms[3:], decimal_forms.get(one, many)))
        )
    return tuple(sorted(nouns, key=lambda kv: len(kv[0]), reverse=True))


@cache
def table(code: str) -> Table:
    """CODE's data file (data/languages/CODE.toml); an empty table where there is none."""
    path = DATA / f"{code}.toml"
    if not path.is_file():
        return Table()
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    decimal_forms = {str(k): str(v) for k, v in raw.get("decimal_forms", {}).items()}
    return Table(
        decimal=str(raw.get("decimal", "Komma")),
        fraction=str(raw.get("fraction", "digits")),
        minus=str(raw.get("minus", "minus")),
        per=tuple(str(p) for p in raw.get("per", [])),
        abbreviations=tuple(
            sorted(
                ((str(k), str(v)) for k, v in raw.get("abbreviations", {}).items()),
                key=lambda kv: len(kv[0]),
                reverse=True,
            )
        ),
        month_abbreviations=tuple(
            (str(k), int(v)) for k, v in raw.get("month_abbreviations", {}).items()
        ),
        scales=_nouns(raw.get("scales"), decimal_forms),
        minor=_nouns(raw.get("minor"), decimal_forms),
        units=_nouns(raw.get("units"), decimal_forms),
        feminine=frozenset(raw.get("feminine", {}).get("words", [])),
        masculine=frozenset(raw.get("masculine", {}).get("words", [])),
        decimal_forms=tuple(decimal_forms.items()),
    )


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
        return table("uk").after_decimal(one, few) if lang == "uk" else many
    n = int(value)
    if lang == "uk":
        if n % 10 == 1 and n % 100 != 11:
            return one
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return few
        return many
    return one if n == 1 else many


def noun_form(value: str, noun: Noun, lang: str) -> str:
    if "." in value and lang == "uk":
        return noun.decimal or noun.many
    if lang == "fr" and float(value) < 2:  # "1,5 milliard", "0,5 kilomètre"
        return noun.one
    return plural_form(value, (noun.one, noun.few, noun.many), lang)


def to_plain(num: str, decimal_comma: bool = True) -> str:
    """'1.000,5' → '1000.5' (decimal comma) or '1,000.5' → '1000.5'; '1 000' → '1000'."""
    num = re.sub(r"[\s\u00a0\u202f]", "", num)
    if decimal_comma:
        if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", num) or "," in num:
            num = num.replace(".", "").replace(",", ".")
    else:
        num = num.replace(",", "")
    return num


# Ukrainian ordinals: num2words gives the masculine nominative ("п'ятий", "третій"); the
# ending changes with gender and case, hard stems (-ий) and soft ones (-ій) alike.
UK_ENDINGS = {
    "m_nom": ("ий", "ій"),
    "m_gen": ("ого", "ього"),
    "m_loc": ("ому", "ьому"),
    "f_nom": ("а", "я"),
    "f_gen": ("ої", "ьої"),
    "f_loc": ("ій", "ій"),
    "f_acc": ("у", "ю"),
    "n_nom": ("е", "є"),
    "pl_gen": ("их", "іх"),
}
# What a written suffix says ("5-та", "3-й", "2-му", "93-тя"), by how it ends.
UK_SUFFIXES = (
    ("ому", "m_loc"),
    ("му", "m_loc"),
    ("го", "m_gen"),
    ("ої", "f_gen"),
    ("ї", "f_gen"),
    ("й", "m_nom"),
    ("а", "f_nom"),
    ("я", "f_nom"),
    ("у", "f_acc"),
    ("ю", "f_acc"),
    ("е", "n_nom"),
    ("є", "n_nom"),
    ("х", "pl_gen"),
)


def uk_ordinal(value: str, form: str) -> str:
    """'5', 'f_nom' → 'п'ята'; '2022', 'm_loc' → 'дві тисячі двадцять другому'."""
    text = words(value, "uk", "ordinal")
    head, _, last = text.rpartition(" ")
    if last.endswith("ій"):
        last = last[:-2] + UK_ENDINGS[form][1]
    elif last.endswith("ий"):
        last = last[:-2] + UK_ENDINGS[form][0]
    return f"{head} {last}".strip()


ES_ORDINALS = (
    "",
    "primero",
    "segundo",
    "tercero",
    "cuarto",
    "quinto",
    "sexto",
    "séptimo",
    "octavo",
    "noveno",
    "décimo",
    "undécimo",
    "duodécimo",
)
ES_TEEN_ORDINALS = {
    13: "decimotercero",
    14: "decimocuarto",
    15: "decimoquinto",
    16: "decimosexto",
    17: "decimoséptimo",
    18: "decimoctavo",
    19: "decimonoveno",
}


def es_ordinal(n: int, suffix: str) -> str:
    """13, 'ª' → 'decimotercera'; 3, 'er' → 'tercer'."""
    if n < len(ES_ORDINALS):
        spoken = ES_ORDINALS[n]
    elif n in ES_TEEN_ORDINALS:
        spoken = ES_TEEN_ORDINALS[n]
    else:
        spoken = words(str(n), "es", "ordinal")
    if suffix in ("ª", "a"):
        return " ".join(w[:-1] + "a" if w.endswith("o") else w for w in spoken.split())
    if suffix in ("er", "ᵉʳ"):
        return re.sub(r"(primer|tercer)o\b", r"\1", spoken)
    return spoken


def fraction_words(fraction: str, code: str) -> str:
    """The digits after a decimal comma: digit by digit (German), or as a number when short
    (French, Spanish: 'treinta y dos'; leading zeros said each)."""
    if table(code).fraction == "number" and len(fraction) <= 3:
        zeros = len(fraction) - len(fraction.lstrip("0"))
        rest = fraction.lstrip("0")
        return " ".join([words("0", code)] * zeros + ([words(rest, code)] if rest else []))
    return " ".join(words(d, code) for d in fraction)


UK_FRACTIONS = {1: ("десята", "десятих"), 2: ("сота", "сотих"), 3: ("тисячна", "тисячних")}


def uk_feminine(text: str) -> str:
    return re.sub(r"\bодин$", "одна", re.sub(r"\bдва$", "дві", text))


def decimal_words(plain: str, code: str) -> str:
    """'2.5' → 'zwei Komma fünf', 'dos coma cinco', 'дві цілих п'ять десятих'."""
    whole, _, fraction = plain.partition(".")
    if code == "uk" and len(fraction) in UK_FRACTIONS:
        w, f = int(whole), int(fraction)
        one = w % 10 == 1 and w % 100 != 11
        spoken = f"{uk_feminine(words(whole, code))} {'ціла' if one else 'цілих'} "
        if f == 0:
            return spoken + "нуль " + UK_FRACTIONS[len(fraction)][1]
        one = f % 10 == 1 and f % 100 != 11
        return spoken + (
            f"{uk_feminine(words(str(f), code))} {UK_FRACTIONS[len(fraction)][0 if one else 1]}"
        )
    if code not in LANGUAGES:
        return words(plain, code)
    return f"{words(whole, code)} {table(code).decimal} {fraction_words(fraction, code)}"


ES_NOT_NOUNS = {
    "de", "del", "y", "o", "u", "a", "al", "en", "por", "que", "para", "con", "sin", "entre",
    "hasta", "desde", "sobre", "se", "es", "son", "fue", "más", "menos", "veces",
}  # fmt: skip


def feminine_next(after: str, code: str) -> bool | None:
    """Whether the word after a number is a feminine noun (None: no noun follows, or the
    language does not say)."""
    m = re.match(r"\s+([^\W\d_]+)", after)
    if not m:
        return None
    word = m.group(1)
    data = table(code)
    if code == "es":
        lower = word.lower()
        if lower in ES_NOT_NOUNS or lower in data.masculine:
            return None if lower in ES_NOT_NOUNS else False
        return lower in data.feminine or bool(re.search(r"as?$", lower))
    if code == "de":
        return word in data.feminine if word[:1].isupper() else None
    if code == "fr":
        return True if word.lower() in data.feminine else None
    return None


def agree(spoken: str, code: str, feminine: bool | None) -> str:
    """Number words before a noun: German 'ein/eine', Spanish 'un/una/veintiún/doscientas',
    French 'une', Ukrainian 'одна/дві'. FEMININE None: no noun follows."""
    if code == "de" and spoken.endswith("eins") and feminine is not None:
        return spoken[:-1] + ("e" if feminine else "")
    if code == "es":
        if feminine:
            spoken = re.sub(r"ientos\b", "ientas", spoken)
            return re.sub(r"uno$", "una", spoken)
        if feminine is False:
            return re.sub(r"veintiuno$", "veintiún", re.sub(r"\buno$", "un", spoken))
    if code == "fr" and feminine:
        return re.sub(r"\bun$", "une", spoken)
    if code == "uk" and feminine:
        return uk_feminine(spoken)
    return spoken


def uk_cardinal(plain: str, following: str) -> str:
    """A Ukrainian number ending in one agrees with the noun after it: 'одна ракета',
    'одну ракету', 'одне село' (the noun's ending says its gender and case)."""
    spoken = number_words(plain, "uk")
    noun = re.match(r"\s+([^\W\d_]+)", following)
    if "." in plain or not noun or not spoken.endswith("один") or int(plain) % 100 == 11:
        return spoken
    ending = noun.group(1).lower()[-1]
    said = {"а": "одна", "я": "одна", "у": "одну", "ю": "одну", "о": "одне", "е": "одне"}
    return spoken[: -len("один")] + said.get(ending, "один")


# Ukrainian numbers in the genitive, as after "до", "від", "з", "близько": "до двадцяти двох
# гривень", "з п'яти областей".
UK_GEN_UNITS = (
    "нуля",
    "одного",
    "двох",
    "трьох",
    "чотирьох",
    "п'яти",
    "шести",
    "семи",
    "восьми",
    "дев'яти",
    "десяти",
    "одинадцяти",
    "дванадцяти",
    "тринадцяти",
    "чотирнадцяти",
    "п'ятнадцяти",
    "шістнадцяти",
    "сімнадцяти",
    "вісімнадцяти",
    "дев'ятнадцяти",
)
UK_GEN_TENS = (
    "",
    "",
    "двадцяти",
    "тридцяти",
    "сорока",
    "п'ятдесяти",
    "шістдесяти",
    "сімдесяти",
    "вісімдесяти",
    "дев'яноста",
)
UK_GEN_HUNDREDS = (
    "",
    "ста",
    "двохсот",
    "трьохсот",
    "чотирьохсот",
    "п'ятисот",
    "шестисот",
    "семисот",
    "восьмисот",
    "дев'ятисот",
)
UK_GEN_SCALES = ((10**9, "мільярда", "мільярдів"), (10**6, "мільйона", "мільйонів"),
                 (10**3, "тисячі", "тисяч"))  # fmt: skip
UK_GENITIVE_PREPOSITIONS = {
    "до", "від", "з", "із", "зі", "близько", "біля", "після", "для", "без", "серед",
    "замість", "протягом", "кількох",
}  # fmt: skip


def uk_genitive_under_1000(n: int, feminine: bool) -> list[str]:
    said = [UK_GEN_HUNDREDS[n // 100]] if n >= 100 else []
    rest = n % 100
    if rest >= 20:
        said.append(UK_GEN_TENS[rest // 10])
        rest %= 10
    if rest or not said:
        said.append("однієї" if rest == 1 and feminine else UK_GEN_UNITS[rest])
    return [w for w in said if w]


def uk_genitive(n: int, feminine: bool = False) -> str:
    """N in the genitive: 22 → "двадцяти двох", 1000 → "тисячі", 2300 → "двох тисяч трьохсот"."""
    said: list[str] = []
    for size, one, many in UK_GEN_SCALES:
        count, n = divmod(n, size)
        if count:
            if count > 1:
                said += uk_genitive_under_1000(count, feminine=size == 10**3)
            ends_one = count % 10 == 1 and count % 100 != 11
            said.append(one if ends_one else many)
    if n or not said:
        said += uk_genitive_under_1000(n, feminine)
    return " ".join(said)


def uk_governs_genitive(before_text: str) -> bool:
    """Whether the word before a Ukrainian number asks for the genitive ("до 22 грн")."""
    last = re.search(r"([^\W\d_]+)\s*$", before_text[-30:])
    return bool(last and last.group(1).lower() in UK_GENITIVE_PREPOSITIONS)


def uk_counted_genitive(plain: str, noun: Noun | None) -> str | None:
    """A whole number (and NOUN) in the genitive; None for what this does not say (decimals)."""
    if "." in plain or not plain.isdigit() or len(plain) > 12:
        return None
    n = int(plain)
    spoken = uk_genitive(n, bool(noun and noun.feminine))
    if noun is None:
        return spoken
    ends_one = n % 10 == 1 and n % 100 != 11
    return f"{spoken} {noun.decimal if ends_one and noun.decimal else noun.many}"


def number_words(plain: str, code: str, feminine: bool | None = None) -> str:
    """PLAIN ('1000.5') said in CODE, agreeing with the noun after it where it is whole."""
    if "." in plain:
        return decimal_words(plain, code)
    return agree(words(plain, code), code, feminine)


def german_ending(before: str, date: bool) -> str:
    """The ending a German ordinal takes after BEFORE: 'am 14.' → -en, 'der 30.' → -e,
    'in der 3.' → -en, no article → -er (dates, 'Montag, 30. Juni') or -e."""
    found = re.findall(r"[^\W\d_]+", before[-40:])
    last = found[-1].lower() if found else ""
    previous = found[-2].lower() if len(found) > 1 else ""
    if last in GERMAN_EN:
        return "en"
    if last == "der":
        return "en" if previous in GERMAN_PREPOSITIONS else "e"
    if last in ("die", "das", "diese", "dieses", "jede", "jedes", "eine", "keine", "seine",
                "ihre", "unsere", "welche"):  # fmt: skip
        return "e"
    if last in GERMAN_PREPOSITIONS:
        return "en"
    return "er" if date else "e"


GERMAN_EN = {
    "am", "im", "zum", "vom", "beim", "dem", "den", "des", "einem", "einen", "eines", "einer",
    "ihren", "ihrem", "ihres", "ihrer", "seinen", "seinem", "seines", "seiner", "unseren",
    "unserem", "unseres", "unserer", "diesem", "diesen", "jedem", "jeden", "allen", "zur",
    "seit", "ab", "bis",
}  # fmt: skip
GERMAN_PREPOSITIONS = {
    "in", "an", "auf", "bei", "mit", "nach", "von", "zu", "aus", "vor", "seit", "während",
    "wegen", "trotz", "unter", "über", "hinter", "neben", "zwischen", "für", "gegen", "ab",
    "bis", "um",
}  # fmt: skip


def german_ordinal(value: str, ending: str) -> str:
    base = words(value, "de", "ordinal")  # "dritte"
    return base + ending[1:] if base.endswith("e") else base


def before(m: re.Match[str]) -> str:
    return m.string[: m.start()]


def after(m: re.Match[str]) -> str:
    return m.string[m.end() :]


MAX_NUMBER_DIGITS = 15  # up to the quadrillions
# A number grouped in thousands ("1.000.000", "1 000 000") has five groups at most: a longer
# run of groups is several numbers (or none), and a bound keeps matching linear.
NUM = (
    r"\d{1,3}(?:[.\u00a0\u202f ]\d{3}){1,4}(?![.\u00a0\u202f ]\d{3}(?!\d))(?:,\d+)?"
    r"|\d+(?:[.,]\d+)?"
)
MINOR_UK = {
    "гривня": ("копійка", "копійки", "копійок"),
    "долар": ("цент", "центи", "центів"),
    "євро": ("цент", "центи", "центів"),
}
ES_TIME_OF_DAY = (
    (range(0, 6), "de la madrugada"),
    (range(6, 12), "de la mañana"),
    (range(12, 13), "del mediodía"),
    (range(13, 20), "de la tarde"),
    (range(20, 24), "de la noche"),
)


def alternation(keys: list[str]) -> str:
    return "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))


@cache
def rules_for(code: str) -> list[Rule]:
    language = LANGUAGES.get(code)
    data = table(code)
    rules: list[Rule] = []

    def cardinal_rule(m: re.Match[str]) -> str:
        plain = to_plain(m.group(0))
        if code == "uk":
            if uk_governs_genitive(before(m)):
                said = uk_counted_genitive(plain, None)
                if said:
                    return said
            return uk_cardinal(plain, after(m))
        return number_words(plain, code, feminine_next(after(m), code))

    if language:
        month_names = {name.lower(): i for i, name in enumerate(language.months, 1)}
        month_names.update({k.lower(): v for k, v in data.month_abbreviations})
        months = alternation([*language.months, *(k for k, _ in data.month_abbreviations)])

        def say_date(m: re.Match[str], day: str, month: int, year: str | None) -> str | None:
            if not (1 <= month <= 12 and 1 <= int(day) <= 31):
                return None
            month_word = language.months[month - 1]
            day = str(int(day))
            if code == "de":
                spoken = german_ordinal(day, german_ending(before(m), date=True))
            elif code == "uk":
                on = re.search(r"\bна\s*$", before(m), re.IGNORECASE)
                spoken = uk_ordinal(day, "n_nom" if on else "m_gen")
            elif code == "fr":
                spoken = "premier" if day == "1" else words(day, code)
            elif code == "es":
                spoken = ("primero" if day == "1" else words(day, code)) + " de"
            else:
                spoken = words(day, code)
            spoken += f" {month_word}"
            if year:
                if code == "uk":
                    spoken += " " + uk_ordinal(year, "m_gen")
                elif code == "es":
                    spoken += " de " + words(year, code)
                else:
                    spoken += " " + words(year, code, "year")
            return spoken

        def numeric_date(m: re.Match[str]) -> str | None:
            return say_date(m, m.group("d"), int(m.group("mo")), m.group("y"))

        def named_date(m: re.Match[str]) -> str | None:
            month = month_names.get(m.group("mo").lower())
            if month is None:
                return None
            spoken = say_date(m, m.group("d"), month, m.group("y"))
            if spoken and code == "es" and m.group("del"):
                spoken = spoken.replace(
                    " de " + words(m.group("y"), code), " del " + words(m.group("y"), code)
                )
            return spoken

        rules += [
            (
                re.compile(r"\b(?P<y>\d{4})-(?P<mo>[01]?\d)-(?P<d>[0-3]?\d)\b"),
                numeric_date,
            ),
            (
                re.compile(r"\b(?P<d>[0-3]?\d)(?P<sep>[./-])(?P<mo>[01]?\d)(?P=sep)(?P<y>\d{4})\b"),
                numeric_date,
            ),
            (
                re.compile(
                    r"\b(?P<d>[0-3]?\d)(?:\.|er|-го|-е)?\s+(?:de\s+)?(?P<mo>"
                    + months
                    + r")(?:\s+(?:(?:de|(?P<del>del))\s+)?(?P<y>\d{4}))?(?!\w)",
                    re.IGNORECASE,
                ),
                named_date,
            ),
        ]
        if code == "de":
            # the first of two ordinals joined by "bis", "und" or "oder": "vom 3. bis zum 5. Mai"
            rules.insert(
                0,
                (
                    re.compile(r"\b(?P<n>\d{1,3})\.(?=\s+(?:bis|und|oder)\s+(?:\w+\s+)?\d{1,3}\.)"),
                    lambda m: german_ordinal(m.group("n"), german_ending(before(m), date=False)),
                ),
            )
            # "vom 2.3. an": day and month without a year
            rules.append(
                (re.compile(r"\b(?P<d>[0-3]?\d)\.(?P<mo>[01]?\d)\.(?!\d)(?P<y>)"), numeric_date)
            )
        rules += time_rules(code)
        rules.append(negative_rule(code))
        rules += money_rules(code, language)

        def percent(m: re.Match[str]) -> str:
            plain = to_plain(m.group("num"))
            if code == "uk" and uk_governs_genitive(before(m)):
                one, few, many = language.percent
                noun = Noun(one, few, many, False, table(code).after_decimal(one, many))
                said = uk_counted_genitive(plain, noun)
                if said:
                    return said
            return f"{number_words(plain, code)} {plural_form(plain, language.percent, code)}"

        rules.append((re.compile(r"(?P<num>" + NUM + r")\s?%"), percent))
        rules += measure_rules(code)
        if language.ordinal_dot:

            def german_dot(m: re.Match[str]) -> str:
                return german_ordinal(m.group("n"), german_ending(before(m), date=False))

            rules.append((re.compile(r"\b(?P<n>\d{1,3})\.(?=\s+[A-ZÄÖÜ][a-zäöüß])"), german_dot))

    else:
        rules.append(
            (
                re.compile(r"(?P<num>" + NUM + r")\s?%"),
                lambda m: f"{number_words(to_plain(m.group('num')), code)} %",
            )
        )
    rules += ordinal_rules(code)
    rules.append((re.compile(NUM), cardinal_rule))
    return rules


def time_rules(code: str) -> list[Rule]:
    def valid(m: re.Match[str]) -> tuple[int, int] | None:
        hours, minutes = int(m.group("h")), int(m.group("m") or 0)
        return (hours, minutes) if hours <= 24 and minutes <= 59 else None

    def minutes_words(minutes: int) -> str:
        return words(str(minutes), code) if minutes else ""

    if code == "de":

        def german(m: re.Match[str]) -> str | None:
            hm = valid(m)
            if hm is None:
                return None
            hours, minutes = hm
            return f"{agree(words(str(hours), code), code, False)} Uhr {minutes_words(minutes)}"

        return [
            (re.compile(r"\b(?P<h>[01]?\d|2[0-4])[:.](?P<m>[0-5]\d)\s?Uhr\b"), german),
            (re.compile(r"\b(?P<h>[01]?\d|2[0-4]):(?P<m>[0-5]\d)\b(?!:)"), german),
        ]
    if code == "fr":

        def french(m: re.Match[str]) -> str | None:
            hm = valid(m)
            if hm is None:
                return None
            hours, minutes = hm
            hour = agree(words(str(hours), code), code, True)
            return f"{hour} {'heure' if hours == 1 else 'heures'} {minutes_words(minutes)}"

        return [
            (re.compile(r"\b(?P<h>[01]?\d|2[0-4])\s?h\s?(?P<m>[0-5]\d)?(?![\w/])"), french),
            (re.compile(r"\b(?P<h>[01]?\d|2[0-4]):(?P<m>[0-5]\d)\b(?!:)"), french),
        ]
    if code == "es":

        def spanish(m: re.Match[str]) -> str | None:
            hm = valid(m)
            if hm is None:
                return None
            hours, minutes = hm
            spoken = agree(words(str(hours), code), code, True)
            if m.groupdict().get("art"):
                spoken = m.group("art") + spoken
            elif not re.search(r"\b(?:la|las)\s+$", before(m), re.IGNORECASE):
                spoken = ("la " if hours == 1 else "las ") + spoken
            if minutes:
                spoken += {15: " y cuarto", 30: " y media"}.get(
                    minutes, " y " + words(str(minutes), code)
                )
            if m.group("ap"):
                clock = hours % 12 + (12 if m.group("ap")[0].lower() == "p" else 0)
                clock = 12 if m.group("ap")[0].lower() == "p" and hours == 12 else clock
                spoken += " " + next(s for r, s in ES_TIME_OF_DAY if clock % 24 in r)
            return spoken

        ampm = r"(?:\s?(?P<ap>[ap]\.\s?m\.?|[ap]m\b))?"
        return [
            (re.compile(r"\b(?P<h>[01]?\d|2[0-4]):(?P<m>[0-5]\d)\b(?!:)" + ampm), spanish),
            (
                re.compile(
                    r"\b(?P<art>(?:la|las) )(?P<h>[01]?\d|2[0-4])\.(?P<m>[0-5]\d)\b(?![.,]\d)"
                    + ampm,
                    re.IGNORECASE,
                ),
                spanish,
            ),
        ]
    if code == "uk":

        def ukrainian(m: re.Match[str]) -> str | None:
            hm = valid(m)
            if hm is None:
                return None
            hours, minutes = hm
            preposition = re.search(r"(\w+)\s*$", before(m))
            word = preposition.group(1).lower() if preposition else ""
            form = {"о": "f_loc", "об": "f_loc"}.get(word)
            if word in ("з", "із", "зі", "до", "після", "від", "близько", "біля", "після"):
                form = "f_gen"
            spoken = "нуль" if hours == 0 else uk_ordinal(str(hours), form or "f_nom")
            if minutes:
                spoken += (" нуль " if minutes < 10 else " ") + words(str(minutes), code)
            return spoken

        return [(re.compile(r"\b(?P<h>[01]?\d|2[0-4]):(?P<m>[0-5]\d)\b(?!:)"), ukrainian)]
    return []


def negative_rule(code: str) -> Rule:
    minus = table(code).minus
    return (re.compile(r"(?<![\w.,/-])[-−–](?=\d)"), lambda m: minus)


def money_rules(code: str, language: Language) -> list[Rule]:
    data = table(code)
    scales = dict(data.scales)
    minors = dict(data.minor)
    currency_re = alternation(list(language.currencies))
    scale_re = alternation(list(scales)) if scales else r"(?!)"

    def noun_of(symbol: str) -> Noun:
        one, few, many = language.currencies[symbol]
        feminine = feminine_next(f" {one}", code) or one in ("гривня",)
        return Noun(one, few, many, bool(feminine), table(code).after_decimal(one, many))

    def money(m: re.Match[str]) -> str:
        currency = noun_of(m.group("pre") or m.group("post"))
        plain = to_plain(m.group("num"))
        scale = scales.get(m.group("scale") or "")
        if scale:
            amount = number_words(plain, code, scale.feminine)
            said_scale = noun_form(plain, scale, code)
            joiner = {"es": " de ", "fr": " de "}.get(code, " ")
            if code == "fr" and re.match(r"[aeiouyéèh]", currency.many):
                joiner = " d'"
            return f"{amount} {said_scale}{joiner}{currency.many}"
        whole, _, cents = plain.partition(".")
        symbol = m.group("pre") or m.group("post")
        minor = minors.get(symbol)
        if code == "uk" and currency.one in MINOR_UK:
            one, few, many = MINOR_UK[currency.one]
            minor = Noun(one, few, many, one == "копійка")
        if len(cents) == 2:
            if int(whole) == 0 and int(cents) and minor:
                return f"{number_words(str(int(cents)), code, minor.feminine)} " + noun_form(
                    str(int(cents)), minor, code
                )
            spoken = f"{number_words(whole, code, currency.feminine)} " + noun_form(
                whole, currency, code
            )
            if int(cents):
                said_cents = number_words(str(int(cents)), code, minor.feminine if minor else None)
                if code == "es":
                    spoken += f" con {said_cents}" + (
                        f" {noun_form(str(int(cents)), minor, code)}" if minor else ""
                    )
                elif code == "uk" and minor:
                    spoken += f" {said_cents} {noun_form(str(int(cents)), minor, code)}"
                else:
                    spoken += f" {said_cents}"
            return spoken
        if code == "uk" and uk_governs_genitive(before(m)):
            said = uk_counted_genitive(plain, currency)
            if said:
                return said
        return f"{number_words(plain, code, currency.feminine)} {noun_form(plain, currency, code)}"

    return [
        (
            re.compile(
                r"(?P<pre>"
                + currency_re
                + r")\s?(?P<num>"
                + NUM
                + r")(?:\s(?P<scale>"
                + scale_re
                + r")(?!\w))?(?P<post>)"
            ),
            money,
        ),
        (
            re.compile(
                r"(?P<pre>)(?P<num>"
                + NUM
                + r")(?:\s(?P<scale>"
                + scale_re
                + r"))?\s?(?P<post>"
                + currency_re
                + r")(?!\w)"
            ),
            money,
        ),
    ]


def measure_rules(code: str) -> list[Rule]:
    """A number before a unit or a scale word ('200 m', '5 млн', '1 Million'), and a unit
    after 'per' ('je km²')."""
    data = table(code)
    nouns = dict(data.units) | dict(data.scales)
    if not nouns:
        return []

    def measure(m: re.Match[str]) -> str:
        noun = nouns[m.group("unit")]
        plain = to_plain(m.group("num"))
        if code == "uk" and uk_governs_genitive(before(m)):
            said = uk_counted_genitive(plain, noun)
            if said:
                return said
        return f"{number_words(plain, code, noun.feminine)} {noun_form(plain, noun, code)}"

    rules: list[Rule] = [
        (
            re.compile(
                r"(?P<num>" + NUM + r")\s?(?P<unit>" + alternation(list(nouns)) + r")(?![\w/²³])"
            ),
            measure,
        )
    ]
    if data.per and data.units:
        units = dict(data.units)
        rules.append(
            (
                re.compile(
                    r"\b(?P<per>(?:"
                    + "|".join(data.per)
                    + r") )(?P<unit>"
                    + alternation(list(units))
                    + r")(?![\w/²³])"
                ),
                lambda m: m.group("per") + units[m.group("unit")].one,
            )
        )
    return rules


def ordinal_rules(code: str) -> list[Rule]:
    if code == "fr":

        def french(m: re.Match[str]) -> str:
            n, suffix = m.group("n"), m.group("s")
            if n == "1":
                return "première" if suffix in ("re", "ère") else "premier"
            return words(n, code, "ordinal")

        return [(re.compile(r"\b(?P<n>\d{1,4})(?P<s>er|re|ère|ème|e)\b"), french)]
    if code == "es":
        return [
            (
                re.compile(r"\b(?P<n>\d{1,3})\.?(?P<s>º|ª|ᵉʳ|er\b)"),
                lambda m: es_ordinal(int(m.group("n")), m.group("s")),
            )
        ]
    if code in ("it", "pt"):
        return [
            (re.compile(r"\b(?P<n>\d{1,3})[ºª°]"), lambda m: words(m.group("n"), code, "ordinal"))
        ]
    if code == "uk":

        def suffixed(m: re.Match[str]) -> str:
            suffix = m.group("s")
            form = next((f for end, f in UK_SUFFIXES if suffix.endswith(end)), "m_nom")
            return uk_ordinal(m.group("n"), form)

        def year(m: re.Match[str]) -> str:
            noun = m.group("noun")
            form = {"році": "m_loc", "року": "m_gen", "рік": "m_nom"}.get(noun, "m_gen")
            return uk_ordinal(m.group("n"), form)

        return [
            (re.compile(r"\b(?P<n>\d{1,4})-(?P<s>[а-яіїєґ]{1,3})\b"), suffixed),
            (re.compile(r"\b(?P<n>\d{4})(?=\s+(?P<noun>році|року|рік)\b)"), year),
        ]
    if code == "ru":
        return [
            (
                re.compile(r"\b(?P<n>\d{1,3})-(?:й|го|му|я|е|ой|ая)\b"),
                lambda m: words(m.group("n"), code, "ordinal"),
            )
        ]
    return []


def roman_rules(code: str) -> list[Rule]:
    """Centuries and ordinals in Roman numerals: French 'XXe siècle', Spanish 'siglo XIX',
    Ukrainian 'XXI століття'."""
    from .numbers import roman_value

    def value(m: re.Match[str]) -> str | None:
        n = roman_value(m.group("r"))
        return str(n) if n else None

    if code == "fr":

        def french(m: re.Match[str]) -> str | None:
            n = value(m)
            if n is None:
                return None
            return (
                ("première" if m.group("s") == "re" else "premier")
                if n == "1"
                else words(n, code, "ordinal")
            )

        return [(re.compile(r"\b(?P<r>[IVX][IVXLC]*|[LC][IVXLC]+)(?P<s>e|ème|er|re)\b"), french)]
    if code == "es":

        def spanish(m: re.Match[str]) -> str | None:
            n = value(m)
            return f"{m.group('ctx')} {words(n, code)}" if n else None

        return [(re.compile(r"\b(?P<ctx>[Ss]iglos?)\s+(?P<r>[IVXLC]+)\b"), spanish)]
    if code == "uk":

        def ukrainian(m: re.Match[str]) -> str | None:
            n = value(m)
            form = "m_loc" if m.group("noun") == "столітті" else "m_gen"
            return uk_ordinal(n, form) if n else None

        return [(re.compile(r"\b(?P<r>[IVXLC]+)(?=\s+(?P<noun>століття|столітті)\b)"), ukrainian)]
    return []


def abbreviation_rule(code: str) -> Rule | None:
    data = table(code)
    if not data.abbreviations:
        return None
    spoken = dict(data.abbreviations)
    pattern = re.compile(r"(?<![\w.])(?:" + alternation(list(spoken)) + r")(?![\w])")

    def expand(m: re.Match[str]) -> str:
        said = spoken[m.group(0)]
        # an abbreviation that ends the sentence lends it its full stop
        return said + "." if m.group(0).endswith(".") and not after(m).strip() else said

    return pattern, expand


# Longer runs of digits are no amount anyone says as a number (and num2words has no words for
# them): they are read digit by digit, which also keeps every rule's work linear in the text.
LONG_DIGITS = re.compile(rf"\d{{{MAX_NUMBER_DIGITS + 1},}}")


def normalize_text(text: Text, code: str) -> None:
    """Run LANGUAGE's rules over TEXT in place."""
    if re.search(r"\d", text.original):
        text.apply(LONG_DIGITS, lambda m: " ".join(words(d, code) for d in m.group(0)), "digits")
        text.apply_all(rules_for(code))
    if re.search(r"\b[IVXLC]+", text.original):
        text.apply_all(roman_rules(code))
    abbreviations = abbreviation_rule(code)
    if abbreviations:
        text.apply(*abbreviations, "abbreviation")
