"""Script stage: Article → Script (intro wording, sentences, normalisation)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

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


def intro_text(article: Article) -> str:
    """The spoken intro, as written: "<title>. By <author>, <site>. <date>."."""
    parts = [sentence_end(article.title)]
    byline = []
    if article.author:
        byline.append(f"By {article.author}")
    if article.site and article.site != article.author:
        byline.append(article.site)
    if byline:
        parts.append(sentence_end(", ".join(byline)))
    if article.date:
        parts.append(written_date(article.date) + ".")
    return " ".join(parts)


def sentence_end(text: str) -> str:
    """TEXT ending as a sentence: a stop added unless it ends with one already ("?", "!",
    "…", or a stop inside closing quotes), so that the title never runs into the byline."""
    stripped = text.strip()
    if re.search(r"[.!?…](?:[\"'”’»)\]]*)$", stripped):
        return stripped
    return stripped.rstrip(" .,;:") + "."


def outro_text(article: Article) -> str:
    """The spoken disclosure at the end: an AI voice, and whose article it was."""
    source = "an article"
    if article.author:
        source += f" by {article.author}"
    if article.site and article.site != article.author:
        source += f", published by {article.site}"
    return f"This audio was generated with AI from {source}."


def written_date(iso: str) -> str:
    """'2023-11-14' → 'November 14, 2023', a form every normaliser reads."""
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day:%B} {day.day}, {day.year}"


# What a listener hears where the article shows code: a listing read symbol by symbol helps
# nobody, and silence would hide that the page has something the audio does not.
CODE_NOTES = {
    "en": "The article shows a code listing here.",
    "de": "Der Artikel zeigt hier ein Code-Listing.",
    "fr": "L'article montre ici un extrait de code.",
    "es": "El artículo muestra aquí un listado de código.",
    "uk": "У статті тут наведено фрагмент коду.",
}


def block_texts(
    article: Article, intro: bool = True, outro: bool = True, note: str | None = None
) -> list[tuple[str, str]]:
    """(kind, written text) for every block that will be spoken: intro (and NOTE after it:
    that the article was updated), body, outro. A run of code listings is spoken as one short
    note in the article's language (none where narrate has no note in that language)."""
    texts = [("intro", intro_text(article) + (f" {note}" if note else ""))] if intro else []
    note = CODE_NOTES.get(base_language(article.lang))
    for block in article.blocks:
        if block.kind != "code":
            texts.append((block.kind, block.text))
        elif note and (not texts or texts[-1] != ("code", note)):
            texts.append(("code", note))
    if outro:
        texts.append(("outro", outro_text(article)))
    return texts


MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "uk": "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
}


def update_note(lang: str, day: dt.date) -> str | None:
    """The spoken note that opens a re-voiced episode ("This article was updated on December
    7."), in LANG when narrate reads that language, else None. The day is written as each
    language's normaliser reads a date, or in words where it would not (German ordinals)."""
    base = base_language(lang)
    if base not in MONTHS:
        return None
    month = MONTHS[base].split()[day.month - 1]
    if base == "en":
        return f"This article was updated on {month} {day.day}."
    if base == "de":
        from num2words import num2words

        ordinal = num2words(day.day, lang="de", to="ordinal")  # "siebte"
        return f"Dieser Artikel wurde am {ordinal}n {month} aktualisiert."
    if base == "fr":
        number = "1er" if day.day == 1 else str(day.day)
        return f"Cet article a été mis à jour le {number} {month}."
    if base == "es":
        return f"Este artículo se actualizó el {day.day} de {month}."
    return f"Цю статтю оновлено {day.day} {month}."


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
    for kind, text in block_texts(article, intro, outro, note):
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
    first = 0 if intro else 1
    for number, (_kind, text) in enumerate(block_texts(article, intro, outro), start=first):
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
