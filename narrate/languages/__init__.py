"""narrate's own words in each language: what it says around an article (intro, the AI
disclosure, the "updated" note), the chapter names, and the labels of its player and site.

One data file per language (CODE.toml beside this module; en.toml explains the keys), so a
contributor adds a language without touching code. A key a file leaves out, or a language with
no file, falls back to English.
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..model import base_language

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).resolve().parent


def available() -> dict[str, str]:
    """{code: the language's own name} for every language file."""
    return {
        path.stem: str(_load(path.stem).get("name", path.stem))
        for path in sorted(HERE.glob("*.toml"))
    }


@cache
def _load(code: str) -> dict[str, Any]:
    path = HERE / f"{code}.toml"
    if not path.is_file():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def plural_category(n: int, code: str) -> str:
    """The CLDR plural category of N in CODE: one, few, many or other (the languages narrate
    has words for; others count as English does)."""
    if code in ("uk", "ru", "be"):
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "few"
        return "many"
    if code == "pl":
        if n == 1:
            return "one"
        return "few" if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14 else "many"
    if code == "fr":
        return "one" if n in (0, 1) else "other"
    return "one" if n == 1 else "other"


@dataclass(frozen=True)
class Words:
    """One language's words (CODE: its base code, "en" where narrate has none)."""

    code: str

    def section(self, name: str) -> dict[str, Any]:
        english = _load("en").get(name, {})
        own = _load(self.code).get(name, {}) if self.code != "en" else {}
        return {**english, **own}

    def say(self, section: str, key: str, /, **values: object) -> str:
        """The phrase KEY of SECTION with VALUES filled in."""
        template = self.section(section)[key]
        return str(template).format(**values)

    def count(self, section: str, key: str, n: int) -> str:
        """A counted phrase: '{n} episodes', '{n} випусків'."""
        forms = self.section(section)[key]
        category = plural_category(n, self.code)
        return str(forms.get(category, forms.get("other", ""))).format(n=n)

    def date(self, day: dt.date, section: str = "speech", year: bool = True) -> str:
        """DAY as this language writes it (speech: in the form its normaliser reads)."""
        words = self.section(section)
        month = words["months"][day.month - 1]
        template = words["date"] if year else words.get("day", words["date"])
        return str(template).format(day=day.day, month=month, year=day.year)


def words_for(lang: str | None) -> Words:
    """The words of LANG ("de-AT" → German), English where narrate has none."""
    code = base_language(lang)
    return Words(code if _load(code) else "en")


__all__ = ["Words", "available", "plural_category", "words_for"]
