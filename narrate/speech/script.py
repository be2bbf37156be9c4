"""Script stage: Article → Script (intro wording, sentences, normalisation)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..languages import words_for
from ..model import Article, Script, ScriptBlock, Sentence, base_language
from .normalize import Change, Lexicon, normalize_alternatives, normalize_with_changes
from .segment import split_sentences


@dataclass(frozen=True)
class SpeechOptions:
    """How text is turned into speech text: language, user lexicon, numeric date order,
    whether a dateline is read, and whether the engine reads IPA phonemes (Piper)."""

    lang: str | None = None
    lexicon: Lexicon | None = None
    date_order: str = "mdy"
    datelines: bool = True
    phonemes: bool = False

    def normalize_args(self) -> dict[str, object]:
        return {
            "lexicon": self.lexicon,
            "date_order": self.date_order,
            "datelines": self.datelines,
            "phonemes": self.phonemes,
        }


def intro_text(article: Article, lang: str | None = None) -> str:
    """The spoken intro, as written in LANG (default: the article's):
    "<title>. <dek>. By <author>, <site>. <date>."."""
    words = words_for(lang or article.lang)
    parts = [] if article.title_from_body else [sentence_end(article.title)]
    if article.dek:
        parts.append(sentence_end(article.dek))
    byline = []
    if article.author:
        byline.append(words.say("speech", "by", author=article.author))
    if article.site and article.site != article.author:
        byline.append(article.site)
    if byline:
        parts.append(sentence_end(", ".join(byline)))
    if article.date:
        parts.append(written_date(article.date, lang or article.lang) + ".")
    return " ".join(parts)


def sentence_end(text: str) -> str:
    """TEXT ending as a sentence: a stop added unless it ends with one already ("?", "!",
    "…", or a stop inside closing quotes), so that the title never runs into the byline."""
    stripped = text.strip()
    if re.search(r"[.!?…](?:[\"'”’»)\]]*)$", stripped):
        return stripped
    return stripped.rstrip(" .,;:") + "."


def outro_text(article: Article, lang: str | None = None) -> str:
    """The spoken disclosure at the end, in LANG (default: the article's): an AI voice, and
    whose article it was."""
    words = words_for(lang or article.lang)
    author = article.author or ""
    site = article.site if article.site and article.site != article.author else ""
    key = "outro" + ("_author" if author else "") + ("_site" if site else "")
    return words.say("speech", key, author=author, site=site)


def written_date(iso: str, lang: str | None = "en") -> str:
    """'2023-11-14' → 'November 14, 2023' ('14. November 2023', '14 листопада 2023 року'),
    as LANG writes a date in a form its normaliser reads."""
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return words_for(lang).date(day)


def block_texts(
    article: Article,
    intro: bool = True,
    outro: bool = True,
    note: str | None = None,
    lang: str | None = None,
) -> list[tuple[str, str]]:
    """(kind, written text) for every block that will be spoken, narrate's own words in LANG
    (default: the article's): intro (and NOTE after it: that the article was updated), body,
    outro. A run of code listings is spoken as one short note (what the article shows
    there, said in the article's language)."""
    language = lang or article.lang
    opening = " ".join(part for part in (intro_text(article, language), note) if part)
    texts = [("intro", opening)] if intro and opening else []
    words = words_for(language)
    code_note = words.say("speech", "code") if words.code == base_language(language) else None
    for block in article.blocks:
        if block.kind != "code":
            texts.append((block.kind, block.text))
        elif code_note and (not texts or texts[-1] != ("code", code_note)):
            texts.append(("code", code_note))
    if outro:
        texts.append(("outro", outro_text(article, language)))
    return texts


def update_note(lang: str, day: dt.date) -> str | None:
    """The spoken note that opens a re-voiced episode ("This article was updated on December
    7."), in LANG when narrate has its words, else None. The day is written as each
    language's normaliser reads a date."""
    words = words_for(lang)
    if words.code != base_language(lang):
        return None
    return words.say("speech", "updated", day=words.date(day, year=False))


def script_language(article: Article, lang: str | None = None) -> str:
    """The language ARTICLE is read in: LANG (the user's), else the page's own, else English."""
    return lang or article.lang or "en"


def build_script(
    article: Article,
    lang: str | None = None,
    intro: bool = True,
    options: SpeechOptions | None = None,
    outro: bool = True,
    note: str | None = None,
) -> Script:
    """Split and normalise every block; the intro comes first (with NOTE: that the article
    was updated), the AI disclosure last."""
    options = options or SpeechOptions()
    language = script_language(article, lang or options.lang)
    blocks: list[ScriptBlock] = []
    for kind, text in block_texts(article, intro, outro, note, language):
        sentences = []
        for written in split_sentences(text, language):
            spoken, words, other_spoken, other_words = normalize_alternatives(
                written, language, **options.normalize_args()
            )
            if spoken.strip(" .,;:!?\"'“”‘’()-"):
                numbers = other_spoken != spoken
                sentences.append(
                    Sentence(
                        written,
                        spoken,
                        "" if words == spoken else words,
                        other_spoken if numbers else "",
                        other_words if numbers else "",
                    )
                )
        if sentences:
            blocks.append(ScriptBlock(kind, sentences))
    return Script(article=article, blocks=blocks, lang=language)


@dataclass(frozen=True)
class PlacedChange:
    """A rewrite with where it sits: block number (0 = intro) and offset in that block."""

    block: int
    offset: int
    change: Change


def list_changes(
    article: Article,
    lang: str | None = None,
    intro: bool = True,
    options: SpeechOptions | None = None,
    outro: bool = True,
) -> list[PlacedChange]:
    """Every rewrite the normaliser makes in ARTICLE, in reading order."""
    options = options or SpeechOptions()
    language = lang or options.lang or article.lang or "en"
    placed = []
    blocks = block_texts(article, intro, outro, lang=language)
    first = 0 if blocks and blocks[0][0] == "intro" else 1  # 0 is the intro
    for number, (_kind, text) in enumerate(blocks, start=first):
        cursor = 0
        for sentence in split_sentences(text, language):
            start = text.find(sentence, cursor)
            start = cursor if start < 0 else start
            cursor = start + len(sentence)
            _, changes = normalize_with_changes(sentence, language, **options.normalize_args())
            placed += [PlacedChange(number, start + c.start, c) for c in changes]
    return placed


def render_script(script: Script) -> str:
    """The preview `narrate script` prints: one block per paragraph, blank lines between."""
    return "\n\n".join(block.spoken for block in script.blocks) + "\n"
