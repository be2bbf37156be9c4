"""Normalise written text into what a speech engine should say.

`normalize(text, lang)` returns the spoken text; `normalize_with_changes` also returns every
rewrite with its position, for `narrate script --changes`.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from .core import Change, Text
from .lexicon import Lexicon, load_lexicon

__all__ = [
    "Change",
    "Lexicon",
    "load_lexicon",
    "normalize",
    "normalize_alternatives",
    "normalize_forms",
    "normalize_with_changes",
]

log = logging.getLogger(__name__)
_warned: set[str] = set()
DATE_ORDERS = ("mdy", "dmy", "ymd")


def language_code(lang: str | None) -> str:
    from ...model import base_language

    return base_language(lang)


def normalize_with_changes(
    text: str,
    lang: str = "en",
    *,
    lexicon: Lexicon | None = None,
    date_order: str = "mdy",
    phonemes: bool = False,
    datelines: bool = True,
) -> tuple[str, list[Change]]:
    """Normalise TEXT and list every rewrite (position in TEXT, written form, spoken form).

    PHONEMES: the engine reads IPA as `[[ … ]]` (Piper): English names of the news list and
    spelled initialisms are given as phonemes. DATELINES: read a story's opening dateline
    ("WASHINGTON (CNN) —" → "Washington, C N N:"); without, it is left out."""
    sentence, origin, phonemes = rewritten(text, lang, lexicon, date_order, phonemes, datelines)
    changes = sentence.changes(phonemes)
    if origin is not None:  # placed in the text as written, not as prepared
        changes = [
            replace(
                c,
                start=origin[min(c.start, len(origin) - 1)],
                end=origin[min(c.end, len(origin) - 1)],
            )
            for c in changes
        ]
    return sentence.render(phonemes), changes


def normalize_forms(
    text: str,
    lang: str = "en",
    *,
    lexicon: Lexicon | None = None,
    date_order: str = "mdy",
    phonemes: bool = False,
    datelines: bool = True,
) -> tuple[str, str]:
    """(what the engine is given, the same as words): the two differ only with PHONEMES,
    where the first holds IPA and the second the words a listener should hear."""
    spoken, words, _, _ = normalize_alternatives(
        text, lang, lexicon=lexicon, date_order=date_order, phonemes=phonemes, datelines=datelines
    )
    return spoken, words


def normalize_alternatives(
    text: str,
    lang: str = "en",
    *,
    lexicon: Lexicon | None = None,
    date_order: str = "mdy",
    phonemes: bool = False,
    datelines: bool = True,
) -> tuple[str, str, str, str]:
    """As normalize_forms, then the same two with the sentence's numbers said the other way
    (years in full, halves as halves; see numbers.said_otherwise), for a re-take: the same
    as the first two when it has no such number."""
    sentence, _origin, phonemes = rewritten(text, lang, lexicon, date_order, phonemes, datelines)
    words = sentence.render(False)
    spoken = sentence.render(True) if phonemes else words
    other_words = sentence.render(False, other_numbers=True)
    other_spoken = sentence.render(True, other_numbers=True) if phonemes else other_words
    return spoken, words, other_spoken, other_words


def rewritten(
    text: str,
    lang: str,
    lexicon: Lexicon | None,
    date_order: str,
    phonemes: bool,
    datelines: bool,
) -> tuple[Text, list[int] | None, bool]:
    """TEXT with every rule applied; where each prepared character came from; and whether
    phonemes apply (English only)."""
    from .en import normalize_text as normalize_english
    from .en import prepare_with_positions
    from .other import SUPPORTED
    from .other import normalize_text as normalize_other

    if date_order not in DATE_ORDERS:
        raise ValueError(f"date order must be one of {', '.join(DATE_ORDERS)}")
    code = language_code(lang)
    prepared, origin = prepare_with_positions(text) if code == "en" else (text, None)
    sentence = Text(prepared)
    if lexicon is not None:
        lexicon.apply(sentence)
    if code == "en":
        normalize_english(sentence, date_order, datelines)
    elif code in SUPPORTED:
        normalize_other(sentence, code)
    elif code not in _warned:
        _warned.add(code)
        log.warning("no text normalisation for language %r; text is spoken as written", code)
    return sentence, origin, phonemes and code == "en"


def normalize(
    text: str,
    lang: str = "en",
    *,
    lexicon: Lexicon | None = None,
    date_order: str = "mdy",
    phonemes: bool = False,
    datelines: bool = True,
) -> str:
    """Rewrite TEXT as a newsreader would say it ("Nov. 14" → "November fourteenth")."""
    return normalize_with_changes(
        text, lang, lexicon=lexicon, date_order=date_order, phonemes=phonemes, datelines=datelines
    )[0]
