"""Normalise written text into what a speech engine should say."""

from __future__ import annotations

import logging

from .en import normalize_en
from .other import SUPPORTED as OTHER_LANGUAGES
from .other import normalize_other

log = logging.getLogger(__name__)
_warned: set[str] = set()


def normalize(text: str, lang: str = "en") -> str:
    """Rewrite TEXT as a newsreader would say it ("Nov. 14" → "November fourteenth")."""
    code = (lang or "en").split("-")[0].split("_")[0].lower()
    if code == "en":
        return normalize_en(text)
    if code in OTHER_LANGUAGES:
        return normalize_other(text, code)
    if code not in _warned:
        _warned.add(code)
        log.warning("no text normalisation for language %r; text is spoken as written", code)
    return text
