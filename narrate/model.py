"""Plain data passed between the stages: `Article` (read → speech), `Script` (speech →
voice) and `Clip` (voice → audio)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from typing import Any

BLOCK_KINDS = ("heading", "paragraph", "list_item", "quote", "cell", "code")

# What XML 1.0 cannot carry (C0 controls but tab and newlines, lone surrogates, U+FFFE/FFFF),
# and the C1 controls, which no text meant to be read holds.
UNSAFE_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Scripts written without spaces between words: about two characters make a word.
UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uff66-\uff9f]"
)


def safe_text(text: str) -> str:
    """TEXT without the characters an XML feed, a tag or a transcript cannot carry."""
    return UNSAFE_CHARACTERS.sub("", text)


def with_safe_texts(item: Any) -> Any:
    """A copy of the dataclass ITEM with every text field passed through safe_text."""
    values = {
        f.name: safe_text(value)
        for f in fields(item)
        if isinstance(value := getattr(item, f.name), str)
    }
    return replace(item, **values)


def count_words(text: str) -> int:
    """Words in TEXT: space-separated ones, and for Chinese, Japanese, Thai and the like
    (written without spaces) one per two characters."""
    if not UNSPACED.search(text):
        return len(text.split())
    total = 0
    for token in text.split():
        unspaced = len(UNSPACED.findall(token))
        total += (unspaced + 1) // 2 if unspaced else 1
    return total


@dataclass(frozen=True)
class Clip:
    """Mono 16-bit little-endian PCM audio: what a voice speaks and mastering joins."""

    pcm: bytes
    rate: int

    @property
    def duration(self) -> float:
        return len(self.pcm) / 2 / self.rate


@dataclass(frozen=True)
class Block:
    """One unit of article text, as written: a heading, paragraph, list item, quote or code
    listing ("code": kept with its lines, announced rather than read aloud)."""

    kind: str
    text: str
    # The share of its characters in links (extraction's clue to teasers; not its content).
    links: float = field(default=0.0, compare=False, repr=False)


@dataclass
class Article:
    """An extracted article: metadata plus its body as blocks."""

    title: str
    author: str | None = None
    date: str | None = None  # ISO 8601 (YYYY-MM-DD) when known
    site: str | None = None
    lang: str = "en"
    image: str | None = None
    url: str | None = None
    blocks: list[Block] = field(default_factory=list)
    lang_reason: str = ""  # why this language: declared, detected, or both (--debug, --changes)
    # The title is the body's own first words (a text without one): the intro does not say it.
    title_from_body: bool = False
    dek: str | None = None  # the subtitle under the title: said once, in the intro

    @property
    def word_count(self) -> int:
        """Words a listener will hear from the body (code listings are not read)."""
        return sum(count_words(block.text) for block in self.blocks if block.kind != "code")

    def made_safe(self) -> Article:
        """This article with every text cleaned of what XML cannot carry (see safe_text), and
        its metadata cut to lengths a title, a byline or an address has (FIELD_LIMITS): a
        page's metadata and text are the page author's, and may hold anything (a 200 kB
        title would be spoken in the intro and written into every tag)."""
        blocks = [with_safe_texts(b) for b in self.blocks]
        safe = with_safe_texts(self)
        limited = {
            name: shortened(value, limit)
            for name, limit in FIELD_LIMITS.items()
            if isinstance(value := getattr(safe, name), str)
        }
        if safe.image and len(safe.image) > MAX_URL:
            limited["image"] = None
        if safe.url and len(safe.url) > MAX_URL:
            limited["url"] = None
        return replace(safe, blocks=[b for b in blocks if b.text.strip()], **limited)


FIELD_LIMITS = {"title": 300, "author": 300, "site": 120, "lang": 35, "date": 40, "dek": 600}
MAX_URL = 2048  # longer addresses are no article's own


def shortened(text: str, limit: int) -> str:
    """TEXT cut at a word boundary to at most LIMIT characters (an ellipsis marks the cut)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


@dataclass(frozen=True)
class Sentence:
    """One sentence: the text as written (for transcripts), as the engine is given it, and
    as words (the same as SPOKEN unless the engine is given phonemes: what a listener should
    hear, which the verifier compares with what it heard)."""

    written: str
    spoken: str
    words: str = ""
    # for a re-take: the engine's text and the words with the numbers said the other way
    # (years in full, halves as halves); empty when the sentence has no such number
    numbers_spoken: str = ""
    numbers_words: str = ""

    @property
    def heard_as(self) -> str:
        """The words a listener should hear."""
        return self.words or self.spoken


@dataclass
class ScriptBlock:
    """A block of the script: its kind ("intro", "heading", "paragraph", ...) and sentences."""

    kind: str
    sentences: list[Sentence]

    @property
    def spoken(self) -> str:
        return " ".join(s.spoken for s in self.sentences)


@dataclass
class Script:
    """Everything that will be spoken, in order, with the article it came from."""

    article: Article
    blocks: list[ScriptBlock]
    lang: str = "en"

    @property
    def sentences(self) -> list[Sentence]:
        return [s for block in self.blocks for s in block.sentences]


LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*")


def base_language(code: str | None, default: str = "en") -> str:
    """The primary language of a code, the one parser of them: "en-GB", "en_us", "EN" → "en";
    none or empty → DEFAULT."""
    base = (code or "").strip().replace("_", "-").split("-")[0].lower()
    return base or default


def language_tag(code: str) -> str:
    """CODE checked as a language tag ("en", "en-GB", "pt_BR", "zh-Hans") and written with
    hyphens; ValueError naming it otherwise."""
    if not isinstance(code, str) or not LANGUAGE_TAG.fullmatch(code.strip()):
        raise ValueError(f"must be a language code like en or en-GB, not {code!r}")
    return code.strip().replace("_", "-")
