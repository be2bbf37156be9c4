"""English normalisation for speech: how a newsreader says what a reporter wrote.

Rules run in priority order over the pieces of a sentence that no earlier rule rewrote
(see core.Text): web addresses, times, abbreviations, initials, dates, money, percentages,
measures, fractions, ordinals, decades, ranges, model names, Roman numerals, plain numbers,
acronyms, then symbols. Each rule is a compiled regex and a function returning the spoken
form, or None to leave the match for later rules. Dates and times live in en_dates.py, web
addresses in en_web.py, shared vocabulary in en_words.py."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from . import tables
from .core import Rule, Text
from .en_dates import (
    TIME_RULES,
    date_rules,
)
from .en_web import (
    WEB_RULES,
)
from .en_words import (
    ADJECTIVE_NOUNS,
    CONTEXT_ABBREVIATIONS,
    MONTH,
    NOT_NOUNS,
    NOT_REGNAL,
    NUM,
    PER_UNITS,
    REGNAL_NAMES,
    ROMAN_CONTEXT,
    SCALE,
    SENTENCE_OPENERS,
    SYMBOL_WORDS,
    WEEKDAYS,
    YEAR_AFTER_VERB,
    YEAR_BEFORE,
    after,
    before,
    c,
    final_stop,
    letters,
)
from .names import news_names
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
from .syllables import pronounceable

# --- abbreviations and initials ---------------------------------------------------------


def _abbreviation(m: re.Match[str]) -> str | None:
    written = m.group("abbr")
    spoken, where = tables.abbreviations()[written]
    if where == "title" and not m.group("next"):
        return None
    return spoken + (m.group("next") or "") + final_stop(m)


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
            parts.append(f"{integer(whole or '0')} {one if main == 1 else many}")
        if cents:
            parts.append(f"{cardinal(cents)} {minor_one if cents == 1 else minor_many}")
        return " ".join(parts)
    if dot and not frac:
        amount = whole
    noun = one if (is_one(amount) or adjective) else many
    return f"{number(amount)} {noun}".strip()


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
            first = f"{number(m.group('num'))} {SCALES[scale]}"
        else:
            first = spoken
        if not m.group("cur2") and not m.group("scale") and m.group("scale2"):
            first = number(m.group("num"))
        spoken = f"{first} to {second}"
    if m.group("neg") or m.group("neg2"):  # "-$5", "$-5": a loss of five dollars
        spoken = "minus " + spoken
    return spoken


def _money_after(m: re.Match[str]) -> str:
    """'5 million USD', '500 UAH', '300 hryvnias'."""
    amount, scale, code = m.group("num"), m.group("scale"), m.group("code")
    if code.lower().startswith("hryvn"):
        one, many = "hryvnia", "hryvnias"
    else:
        one, many, *_ = currency_names(code)
    spoken = number(amount)
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


NOT_NOUNS_AFTER_MEASURE = (
    r"of|in|into|to|from|and|or|nor|but|per|away|long|wide|high|deep|tall|thick|old|ago|at|on|"
    r"by|for|with|as|than|north|south|east|west|inland|offshore|underground|above|below|beyond|"
    r"behind|ahead|apart|each|every|more|less|higher|lower|warmer|colder|hotter|today|"
    r"yesterday|tomorrow|tonight|now|then|last|next|this|that|these|those|which|who|where|when|"
    r"is|are|was|were|be|been|has|have|had|will|would|can|could|may|might|must|should|shall|"
    r"did|do|does|a|an|the|so|too|very|all|still|yet|alone|overall|total|altogether"
)


def _measure(m: re.Match[str]) -> str | None:
    amount, unit = m.group("num"), m.group("unit")
    follower = m.group("follow") or ""
    hyphen = m.group("space") == "-"
    attached = not m.group("space")
    if unit in ("m", "t", "h", "l", "L", "W", "V", "g", "min", "°") and follower.startswith(
        (" people", " residents", " users", " votes")
    ):
        return None
    not_noun = re.match(r"\s+(?:" + NOT_NOUNS_AFTER_MEASURE + r")\b", follower) or re.match(
        r"\s+[a-z]+ly\b", follower
    )
    # A measure before a noun is an adjective, in the singular: "a 750 kV transformer", "the
    # 300 MW plant", "a 155mm shell" — not before a preposition, a verb or an adverb.
    adjectival = bool(re.match(r"\s+[a-z]", follower)) and not not_noun
    del hyphen, attached
    if "/" in amount:
        whole, _, rest = amount.rpartition(" ")
        num, _, den = rest.partition("/")
        spoken = (
            mixed_fraction(int(whole), int(num), int(den))
            if whole
            else fraction(int(num), int(den))
        )
    else:
        spoken = number(amount)
    if m.group("scale"):
        spoken += " " + SCALES[m.group("scale")]
        adjectival = False
    if m.group("num2"):
        spoken += " to " + number(m.group("num2"))
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

CALL_LETTERS = re.compile(r"^[KW][A-Z]{3}$")  # US broadcast stations: KFSM, WUSA


@lru_cache(maxsize=1)
def english_words() -> dict[str, float]:
    """wordninja's list of English words (already a dependency, for web addresses)."""
    import wordninja

    return wordninja.DEFAULT_LANGUAGE_MODEL._wordcost


def is_english_word(stem: str) -> bool:
    """'WILD', 'KING': words in capitals, not a station's call letters ('WUSA', 'KFSM')."""
    return stem.lower() in english_words()


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
    if CALL_LETTERS.match(stem) and not is_english_word(stem):
        return letters(stem) + ("'s" if plural else "")  # spelled, however they look
    if pronounceable(stem):  # made of English syllables (syllables.py)
        return stem.capitalize() + ("s" if plural else "")
    return letters(stem) + ("'s" if plural else "")


US_AS_COUNTRY_AFTER = re.compile(
    r"^\s*(?:[A-Z]{2,}\s+){0,2}?(?:TROOPS|AID|ARMY|NAVY|FORCES|"
    r"PRESIDENT|SENATE|CONGRESS|OFFICIALS|SANCTIONS|ELECTION|"
    r"MILITARY|STOCKS|ECONOMY|GOVERNMENT|ENVOY|INTELLIGENCE|"
    r"DOLLAR|MARKETS|EMBASSY|ALLIES|WEAPONS|STATE|DEFENSE|"
    r"SECRETARY|CITIZENS|BANKS|FED|CAPITOL|TREASURY)\b"
)


CAPITAL_WORD = re.compile(r"[A-Z][A-Z'’-]*[A-Z]")
PLURAL_INITIALISM = re.compile(r"[A-Z]{2,}s")  # a plural s in lower case: no shouted word


def in_capital_run(m: re.Match[str]) -> bool:
    """Whether a word in capitals stands beside another one (a shouted kicker or headline
    inside a sentence: "QUIET CAR"): then it is a word in capitals, not an initialism."""
    left = before(m).rstrip().rsplit(None, 1)
    right = after(m).lstrip().split(None, 1)
    neighbours = (left[-1] if left else "", right[0] if right else "")
    bare = (word.strip('.,:;!?"“”()') for word in neighbours)
    return any(len(word) >= 3 and CAPITAL_WORD.fullmatch(word) for word in bare)


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
        if PLURAL_INITIALISM.fullmatch(word):  # "APIs", "CEOs": letters with a plural s
            return speak_acronym(word, False)
        local = (
            not shouting
            and in_capital_run(m)
            and word not in tables.acronyms_as_letters()
            and (len(word) < 4 or pronounceable(word))  # "LVMH CEO" is no shouted word
        )
        spoken = speak_acronym(word, shouting or local)
        if spoken is None and (shouting or local):
            return word.capitalize() if local else (word.lower() if word != "I" else None)
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


MONEY_RULES: list[Rule] = [
    (
        c(
            r"(?:(?<![\w.])(?P<neg>-))?(?:(?P<cur>"
            + MONEY_SYMBOL
            + r")\s?|\b(?P<code>"
            + MONEY_CODE
            + r")\s?)(?P<neg2>-(?=\d))?(?P<num>"
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
    return f"{number(m.group('num'))} {m.group('unit')}"


def _dateline(m: re.Match[str]) -> str | None:
    """'WASHINGTON (CNN) —' → 'Washington, C N N:'; 'KYIV, Ukraine —' → 'Kyiv, Ukraine:'.
    Not an initialism before a dash ("US — the talks"): a place has a word of four letters."""
    words = m.group("place").split()
    if not any(
        len(w.strip(",.")) >= 4 and w.strip(",.") not in tables.acronyms_as_letters() for w in words
    ):
        return None
    place = " ".join(
        part.capitalize() if part.isupper() else part for part in m.group("place").split()
    )
    place = news_names().respell(place)
    agency = m.group("agency")
    if agency:
        spoken = agency if not agency.isupper() else (speak_acronym(agency, False) or agency)
        return f"{place}, {spoken}: "
    return f"{place}: "


def _no_dateline(m: re.Match[str]) -> str | None:
    return "" if _dateline(m) is not None else None


DATELINE = (
    r"^(?P<place>[A-Z][A-Z'’.-]+(?: [A-Z][A-Z'’.-]+){0,3}(?:, [A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+)?)?)"
    r"\s*(?:\((?P<agency>[A-Za-z][A-Za-z.& ]{0,30})\))?\s*(?:—|–|--| - )\s*"
)
DATELINE_RULE: Rule = (c(DATELINE), _dateline)
PREFIX_RULES: list[Rule] = [
    (c(r"(?<![\w~≈<>])(?:[~≈]|ca\.|c\.)\s?(?=[$€£]?\d)"), lambda m: "approximately "),
    (c(r"(?<![\w<>=-])(?:<|&lt;)\s?(?=[$€£]?\d)"), lambda m: "less than "),
    (c(r"(?<![\w<>=-])(?:>|&gt;)\s?(?=[$€£]?\d)"), lambda m: "more than "),
]
NUMBER_RULES: list[Rule] = [
    (  # "7x more", "a 10× rise": times, not the letter
        c(r"(?<![\w.,])(?P<num>\d+(?:\.\d+)?)\s?[x×](?![\w\d])"),
        lambda m: f"{number(m.group('num'))} times",
    ),
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


def normalize_text(text: Text, date_order: str = "mdy", datelines: bool = True) -> None:
    """Run the English rules over TEXT in place, the news-names list among them (after the
    rules that read a name as their context, before capitals are judged; a dateline reads its
    own place names). Without DATELINES a dateline is left out."""
    source = text.original
    if HAS_WEB.search(source):
        text.apply_all(WEB_RULES)
    numeric, numbers_, leftovers = rule_set(date_order)
    if source[:1].isupper():
        text.apply(DATELINE_RULE[0], DATELINE_RULE[1] if datelines else _no_dateline, "dateline")
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
    news_names().apply(text)  # after the rules that read a name as context ("Gen. Budanov")
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


PREPARED = {"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2212": "-", "…": "..."}
INVISIBLE = set("\u200b\u200c\u200d\u2060\ufeff\u00ad")


def prepare(text: str) -> str:
    """Unify spaces, minus signs and ellipses that change how rules match."""
    return prepare_with_positions(text)[0]


def prepare_with_positions(text: str) -> tuple[str, list[int]]:
    """prepare(TEXT), and for each of its characters (and its end) the position in TEXT it
    came from, so that rewrites can be placed in the text as written."""
    out: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        if ch in INVISIBLE:
            continue
        replacement = PREPARED.get(ch, ch)
        out.append(replacement)
        origin.extend([index] * len(replacement))
    origin.append(len(text))
    return "".join(out), origin
