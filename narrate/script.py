"""Script stage: Article → Script (intro wording, sentences, normalisation)."""

from __future__ import annotations

import datetime as dt

from .model import Article, Script, ScriptBlock, Sentence
from .normalize import normalize
from .segment import split_sentences


def intro_text(article: Article) -> str:
    """The spoken intro, as written: "<title>. By <author>, <site>. <date>."."""
    parts = [article.title.rstrip(" .") + "."]
    byline = []
    if article.author:
        byline.append(f"By {article.author}")
    if article.site and article.site != article.author:
        byline.append(article.site)
    if byline:
        parts.append(", ".join(byline) + ".")
    if article.date:
        parts.append(written_date(article.date) + ".")
    return " ".join(parts)


def written_date(iso: str) -> str:
    """'2023-11-14' → 'Nov. 14, 2023' in a form every normaliser reads ('November 14, 2023')."""
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return iso
    return f"{day:%B} {day.day}, {day.year}"


def build_script(article: Article, lang: str | None = None, intro: bool = True) -> Script:
    """Split and normalise every block; the intro comes first as its own block."""
    language = lang or article.lang or "en"
    blocks: list[ScriptBlock] = []
    if intro:
        blocks.append(ScriptBlock("intro", sentences_of(intro_text(article), language)))
    for block in article.blocks:
        sentences = sentences_of(block.text, language)
        if sentences:
            blocks.append(ScriptBlock(block.kind, sentences))
    return Script(article=article, blocks=blocks, lang=language)


def sentences_of(text: str, lang: str) -> list[Sentence]:
    result = []
    for written in split_sentences(text):
        spoken = normalize(written, lang)
        if spoken.strip(" .,;:!?\"'“”‘’()-"):
            result.append(Sentence(written, spoken))
    return result


def render_script(script: Script) -> str:
    """The preview `narrate script` prints: one block per paragraph, blank lines between."""
    return "\n\n".join(block.spoken for block in script.blocks) + "\n"
