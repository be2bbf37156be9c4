"""User pronunciation rules: substitutions, say-as-letters, say-as-word and regex rules.

Three file formats:

* TOML (`.toml`), one `[[rule]]` table per rule::

      [[rule]]
      word = "Zelensky"          # a word or phrase, matched on word boundaries
      say = "Zelenskyy"
      [[rule]]
      word = "SBU"
      as = "letters"             # or "word"
      [[rule]]
      regex = 'Kh-(\\d+)'
      say = 'K H \\1'            # groups as in re.sub
      case_sensitive = true      # default: false

* Tab-separated (`.tsv`, `.txt`): `written<TAB>spoken`, where spoken may be `@letters` or
  `@word`; lines starting with `#` are comments.
* W3C Pronunciation Lexicon Specification (`.pls`, `.xml`), as kept for Amazon Polly,
  ElevenLabs and BeyondWords: each `<lexeme>`'s `<grapheme>`s are replaced by its `<alias>`,
  or by its IPA `<phoneme>` for engines that take phonemes (Piper: `[[ phonemes ]]`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...errors import NarrateError
from .core import Text

log = logging.getLogger(__name__)
PLS_NS = "{http://www.w3.org/2005/01/pronunciation-lexicon}"


class LexiconError(NarrateError):
    """A lexicon file cannot be read or holds a bad rule."""


REGEX_TIMEOUT_S = 1.0  # a user's regex rule may take this long on one piece of a sentence


class TimedPattern:
    """A user's regex rule, compiled by the `regex` module and searched under a time limit:
    a pattern that backtracks catastrophically (`(a|aa)+$` on "aaaa…!") stops with one line
    instead of hanging narrate. `regex` rather than RE2 (linear time, no such risk) because
    it reads Python's syntax as written, lookarounds and backreferences included, which
    pronunciation rules use, and its matches expand templates as `re` does."""

    def __init__(self, source: str, flags: int, where: str) -> None:
        import regex

        self.source = source
        self.where = where
        self.compiled = regex.compile(source, flags)

    @property
    def flags(self) -> int:
        return int(self.compiled.flags)

    def finditer(self, text: str) -> Iterator[Any]:
        try:
            yield from self.compiled.finditer(text, timeout=REGEX_TIMEOUT_S)
        except TimeoutError:
            raise LexiconError(
                f"{self.where}: the regex rule {self.source[:80]!r} took over "
                f"{REGEX_TIMEOUT_S:g} s on one sentence (it backtracks without end): simplify it"
            ) from None


@dataclass(frozen=True)
class LexiconRule:
    pattern: re.Pattern[str] | TimedPattern
    say: str | None = None  # replacement text (regex rules: a re.sub template)
    mode: str = "substitute"  # "substitute" | "letters" | "word" | "regex"
    source: str = ""

    def spoken(self, match: Any) -> str:
        written = match.group(0)
        if self.mode == "letters":
            return " ".join(ch.upper() for ch in written if ch.isalnum())
        if self.mode == "word":
            return written.capitalize() if written.isupper() else written
        if self.mode == "regex":
            return match.expand(self.say or "")
        return self.say or ""


@dataclass
class Lexicon:
    """An ordered list of rules; earlier rules win where matches overlap."""

    rules: list[LexiconRule] = field(default_factory=list)

    def apply(self, text: Text) -> None:
        for rule in self.rules:
            text.apply(rule.pattern, rule.spoken, "lexicon")

    def __len__(self) -> int:
        return len(self.rules)

    def add_word(
        self,
        word: str,
        say: str | None = None,
        mode: str = "substitute",
        case_sensitive: bool = False,
        source: str = "",
    ) -> None:
        if not word.strip():
            raise LexiconError(f"{source or 'lexicon'}: empty word")
        flags = 0 if case_sensitive else re.IGNORECASE
        pattern = re.compile(r"(?<!\w)" + re.escape(word.strip()) + r"(?!\w)", flags)
        self.rules.append(LexiconRule(pattern, say, mode, source))

    def add_regex(
        self, regex: str, say: str, case_sensitive: bool = False, source: str = ""
    ) -> None:
        import regex as regex_module

        where = source or "lexicon"
        if not regex.strip():
            raise LexiconError(f"{where}: empty regex")
        try:
            flags = regex_module.V0 | (0 if case_sensitive else regex_module.IGNORECASE)
            pattern = TimedPattern(regex, flags, where)
            # The replacement is checked now, not at the first match: the same pattern with
            # an empty alternative matches "" with every group unset and expands it once.
            regex_module.compile(f"(?:{regex})|", flags).sub(say, "", timeout=REGEX_TIMEOUT_S)
        except (regex_module.error, re.error, IndexError, TimeoutError) as exc:
            raise LexiconError(f"{where}: bad regex rule {regex!r}: {exc}") from None
        self.rules.append(LexiconRule(pattern, say, "regex", source))


def load_lexicon(path: str | Path, phonemes: bool = False) -> Lexicon:
    """Read a lexicon file (.toml, .tsv/.txt or .pls/.xml).

    PHONEMES: keep PLS <phoneme> entries as Piper `[[ phonemes ]]` (only Piper reads them).
    """
    file = Path(path)
    if not file.exists():
        raise LexiconError(f"lexicon not found: {file}")
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"cannot read lexicon {file}: {exc}") from None
    suffix = file.suffix.lower()
    if suffix == ".toml":
        return parse_toml(text, str(file))
    if suffix in (".pls", ".xml"):
        return parse_pls(text, str(file), phonemes)
    return parse_tsv(text, str(file))


RULE_KEYS: dict[str, type] = {
    "word": str,
    "regex": str,
    "say": str,
    "as": str,
    "case_sensitive": bool,
}


def parse_toml(text: str, source: str = "lexicon") -> Lexicon:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LexiconError(f"{source}: {exc}") from None
    lexicon = Lexicon()
    rules = data.get("rule", [])
    if not isinstance(rules, list):
        raise LexiconError(f"{source}: 'rule' must be a list of [[rule]] tables")
    for index, rule in enumerate(rules, start=1):
        where = f"{source} rule {index}"
        if not isinstance(rule, dict):
            raise LexiconError(f"{where}: expected a table")
        for key, kind in RULE_KEYS.items():
            if key in rule and not isinstance(rule[key], kind):
                wanted = "true or false" if kind is bool else "text"
                raise LexiconError(f"{where}: {key} must be {wanted}, not {rule[key]!r}")
        unknown = set(rule) - set(RULE_KEYS)
        if unknown:
            raise LexiconError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        case_sensitive = rule.get("case_sensitive", False)
        mode = rule.get("as", "substitute")
        if "regex" in rule:
            if "say" not in rule:
                raise LexiconError(f"{where}: a regex rule needs 'say'")
            lexicon.add_regex(rule["regex"], rule["say"], case_sensitive, where)
        elif "word" in rule:
            if mode not in ("substitute", "letters", "word"):
                raise LexiconError(f"{where}: 'as' must be letters or word")
            if mode == "substitute" and "say" not in rule:
                raise LexiconError(f"{where}: needs 'say' or 'as'")
            lexicon.add_word(rule["word"], rule.get("say"), mode, case_sensitive, where)
        else:
            raise LexiconError(f"{where}: needs 'word' or 'regex'")
    return lexicon


def parse_tsv(text: str, source: str = "lexicon") -> Lexicon:
    lexicon = Lexicon()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if "\t" not in line:
            raise LexiconError(f"{source} line {number}: expected 'written<TAB>spoken'")
        written, spoken = (part.strip() for part in line.split("\t", 1))
        where = f"{source} line {number}"
        if spoken in ("@letters", "@word"):
            lexicon.add_word(written, None, spoken[1:], False, where)
        else:
            lexicon.add_word(written, spoken, "substitute", False, where)
    return lexicon


def parse_pls(text: str, source: str = "lexicon", phonemes: bool = False) -> Lexicon:
    from lxml import etree

    try:
        root = etree.fromstring(text.encode("utf-8"))
    except etree.XMLSyntaxError as exc:
        raise LexiconError(f"{source}: not a PLS lexicon ({exc})") from None
    if not isinstance(root.tag, str) or etree.QName(root).localname != "lexicon":
        raise LexiconError(f"{source}: not a PLS lexicon (no <lexicon> root)")
    namespace = root.nsmap.get(None)
    ns = f"{{{namespace}}}" if namespace else ""
    alphabet = (root.get("alphabet") or "ipa").lower()
    lexicon = Lexicon()
    skipped = 0
    for index, lexeme in enumerate(root.iter(f"{ns}lexeme"), start=1):
        graphemes = [
            g.text.strip() for g in lexeme.iter(f"{ns}grapheme") if g.text and g.text.strip()
        ]
        alias = next((a.text.strip() for a in lexeme.iter(f"{ns}alias") if a.text), None)
        phoneme_element = next(iter(lexeme.iter(f"{ns}phoneme")), None)
        phoneme = (
            phoneme_element.text.strip()
            if phoneme_element is not None and phoneme_element.text
            else None
        )
        phoneme_alphabet = (
            (phoneme_element.get("alphabet") or alphabet).lower()
            if phoneme_element is not None
            else alphabet
        )
        where = f"{source} lexeme {index}"
        if alias:
            say = alias
        elif phoneme and phonemes and phoneme_alphabet == "ipa":
            say = f"[[ {phoneme} ]]"
        else:
            skipped += 1
            continue
        for grapheme in graphemes:
            # PLS graphemes match case-sensitively, as Polly and ElevenLabs apply them.
            lexicon.add_word(grapheme, say, "substitute", True, where)
    if skipped:
        log.warning(
            "%s: %d lexeme(s) give only phonemes, which this engine cannot take; "
            "they are read as written (Piper reads IPA phonemes)",
            source,
            skipped,
        )
    return lexicon
