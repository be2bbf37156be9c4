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
    """Remove hidden elements, captions, forms, players and class-marked furniture from the
    DOM in place; embedded posts become quotes."""
    drop_hidden(tree)
    quote_embedded_posts(tree)
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


HIDDEN_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)\b", re.I)
HIDDEN_MAX_SHARE = 0.5  # never drop more than this share of the page's paragraph text


def drop_hidden(tree: Any) -> None:
    """Remove what the page hides from its readers (the `hidden` attribute, display:none,
    visibility:hidden in its style): a schema.org copy of the body kept for crawlers, a
    template, a tracking box. Not aria-hidden: pull quotes and visual repeats use it, shown to
    the eye. A page that hides most of its text shows it by script: then nothing is dropped."""
    hidden = [
        element
        for element in tree.iter()
        if isinstance(element.tag, str)
        and element.tag not in ("html", "head", "body")
        and (element.get("hidden") is not None or HIDDEN_STYLE.search(element.get("style", "")))
    ]
    marked = set(hidden)
    outermost = [e for e in hidden if not any(a in marked for a in e.iterancestors())]
    if not outermost:
        return
    total = paragraph_chars(tree)
    hidden_chars = sum(paragraph_chars(e) for e in outermost)
    if total and hidden_chars > HIDDEN_MAX_SHARE * total:
        return
    for element in outermost:
        drop(element)


def paragraph_chars(element: Any) -> int:
    """The characters of ELEMENT's paragraphs (itself included, when it is one)."""
    return sum(len(p.text_content().strip()) for p in element.iter("p"))


EMBEDDED_POSTS = re.compile(r"\b(?:twitter-tweet|twitter-video|instagram-media|tiktok-embed)\b")


def quote_embedded_posts(tree: Any) -> None:
    """An embedded post (a tweet, an Instagram or TikTok post, as their blockquotes) becomes a
    plain quote of its words, without the links to its pictures: a listener hears what was
    posted, and no "pic.twitter.com" address."""
    for quote in list(tree.iter("blockquote")):
        if not EMBEDDED_POSTS.search(quote.get("class", "")):
            continue
        for link in list(quote.iter("a")):
            text = link.text_content().strip()
            if re.match(r"^(?:pic\.twitter\.com|https?://|t\.co/|www\.)\S*$", text):
                drop(link)


def drop(element: Any) -> None:
    """Remove an element but keep the text that follows it (its tail)."""
    if element.getparent() is not None:
        element.drop_tree()
