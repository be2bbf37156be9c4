"""Pruning the page before extraction: furniture out, and never the story with it.

Furniture is found by tag (figures, forms, players: junk.DROP_TAGS) and by class or id
(junk.JUNK_CLASS: "related", "newsletter", "paywall", …). But pages name things their own
way: WIRED marks every story paragraph `class="paywall"`, an ASP.NET page wraps its whole body
in one `<form>`, WordPress puts `tag-<slug>` on the element that holds the headline. So what
holds the story is never dropped whole: an element that holds the `<h1>`, an `<article>`, a
`<main>` or the schema.org articleBody, and anything marked by a class or id that marks many
of the page's long paragraphs — its own name for its story, whatever that name is.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from .junk import DROP_TAGS, JUNK_CLASS, JUNK_CONTAINER_MAX_CHARS

STORY_TAGS = {"html", "body", "main", "article", "head"}
LONG_PARAGRAPH_CHARS = 100
STORY_MARK_MIN = 3  # long paragraphs a class must mark to be the story's…
STORY_MARK_SHARE = 0.4  # …and this share of all the page's long paragraphs


def prune_furniture(tree: Any) -> None:
    """Remove captions, forms, players and class-marked furniture from the DOM in place."""
    safe = story_elements(tree)
    for element in list(tree.iter(*DROP_TAGS)):
        if element not in safe:
            drop(element)
    marks = story_marks(tree)
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in STORY_TAGS or element in safe:
            continue
        names = f"{element.get('class', '')} {element.get('id', '')}".split()
        if not names or marks.intersection(names):
            continue
        markers = " ".join(name for name in names if not is_slug(name))
        if not JUNK_CLASS.search(markers) or element.getparent() is None:
            continue
        if element.tag in INLINE_TAGS and in_running_text(element):
            continue  # a word or phrase of a sentence (a link with a "popup" note, say)
        if len(" ".join(element.text_content().split())) <= JUNK_CONTAINER_MAX_CHARS:
            drop(element)


INLINE_TAGS = {
    "a", "abbr", "b", "cite", "em", "font", "i", "mark", "q", "small", "span", "strong", "sub",
    "sup", "time", "u",
}  # fmt: skip


def is_slug(name: str) -> bool:
    """An id or class made from a heading or title ("sharing-with-a-single-developer",
    "tag-transit-plan-2024"): words of the text, not a name for furniture."""
    return len(re.split(r"[-_]", name)) > 3


def in_running_text(element: Any) -> bool:
    """Whether an inline element sits inside a sentence: text runs on before or after it."""
    parent = element.getparent()
    before = element.getprevious()
    text_before = (before.tail if before is not None else parent.text) or ""
    return bool(text_before.strip() or (element.tail or "").strip())


def story_elements(tree: Any) -> set[Any]:
    """The elements that hold the story (and their ancestors): never dropped whole."""
    anchors = list(tree.iter("h1", "article", "main"))
    anchors += tree.xpath('//*[@itemprop="articleBody" or @property="articleBody"]')
    safe: set[Any] = set()
    for anchor in anchors:
        if anchor.tag == "h1" and not anchor.text_content().strip():
            continue
        safe.add(anchor)
        safe.update(anchor.iterancestors())
    return safe


def story_marks(tree: Any) -> set[str]:
    """Class and id names that mark several long paragraphs: the page's names for its story."""
    counts: Counter[str] = Counter()
    long_paragraphs = 0
    for paragraph in tree.iter("p"):
        if len(paragraph.text_content()) < LONG_PARAGRAPH_CHARS:
            continue
        long_paragraphs += 1
        names: set[str] = set()
        for element in (paragraph, paragraph.getparent()):
            if element is not None:
                names.update(f"{element.get('class', '')} {element.get('id', '')}".split())
        counts.update(names)
    least = max(STORY_MARK_MIN, STORY_MARK_SHARE * long_paragraphs)
    return {name for name, count in counts.items() if count >= least}


def drop(element: Any) -> None:
    """Remove an element but keep the text that follows it (its tail)."""
    if element.getparent() is not None:
        element.drop_tree()
