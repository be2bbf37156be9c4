"""Extract stage: Page → Article (trafilatura for the story, then a filter for speech junk)."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import ExtractError
from ..model import Article, Block, count_words, safe_text
from .fetch import Page
from .junk import (
    DROP_TAGS,
    JUNK_CLASS,
    JUNK_CONTAINER_MAX_CHARS,
    is_fragment,
    is_junk_text,
    is_truncated_teaser,
)

__all__ = ["Article", "Block", "extract", "extract_page", "parse_text"]

# Elements that hold the story itself are never pruned, whatever their class says.
PROTECTED_TAGS = {"html", "body", "main", "article", "head"}
LINK_ONLY_RATIO = 0.8
MIN_ARTICLE_WORDS = 15


def extract_page(page: Page) -> Article:
    """Dispatch on the page kind: HTML through trafilatura, text/Markdown through parse_text."""
    if page.kind == "html":
        return extract(page.content, page.url)
    return parse_text(page.content, page.url)


def extract(html: str, url: str | None = None) -> Article:
    """Extract the spoken article from an HTML page."""
    import lxml.html
    import trafilatura
    from trafilatura.metadata import extract_metadata

    if not html or not html.strip():
        raise ExtractError("the page is empty")
    # libxml2 stops reading at a control character: one stray byte would cost the story.
    html = safe_text(html)
    # Comments must go at parse time: inside a paragraph they cut its text in two.
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise ExtractError(f"cannot parse the page as HTML: {exc}") from None

    meta = extract_metadata(lxml.html.document_fromstring(html, parser=parser), default_url=url)
    prune_furniture(tree)
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=True,
        include_formatting=False,
        deduplicate=False,
        with_metadata=False,
    )
    title = clean_inline(meta.title or "") if meta else ""
    blocks = body_blocks(doc.body if doc is not None else None)
    blocks = filter_blocks(blocks, title)
    if sum(count_words(b.text) for b in blocks) < MIN_ARTICLE_WORDS:
        raise ExtractError("no article text found on the page")

    authors = jsonld_authors(tree) or split_authors(meta.author if meta else None)
    article = Article(
        title=title or first_sentence(blocks),
        author=join_names(authors) if authors else None,
        date=(meta.date or None) if meta else None,
        site=(meta.sitename or None) if meta else None,
        lang=page_language(tree, " ".join(b.text for b in blocks[:5])),
        image=(meta.image or None) if meta else None,
        url=canonical_url(meta.url if meta else None, url),
        blocks=blocks,
    )
    return article.made_safe()


def canonical_url(claimed: str | None, fetched: str | None) -> str | None:
    """The page's own address for it (its canonical link), believed only on the site it was
    fetched from: a page cannot claim to be another site's article (and take its place in a
    feed). A local file's claim is its user's: believed when it is a web address."""
    from urllib.parse import urlsplit

    if not claimed or not re.match(r"^https?://", claimed, re.IGNORECASE):
        return fetched
    if fetched is None:
        return claimed

    def host(address: str) -> str:
        name = (urlsplit(address).hostname or "").lower()
        return name[4:] if name.startswith("www.") else name

    mine, theirs = host(fetched), host(claimed)
    same_site = bool(mine) and (
        mine == theirs or mine.endswith("." + theirs) or theirs.endswith("." + mine)
    )
    return claimed if same_site else fetched


def prune_furniture(tree: Any) -> None:
    """Remove captions, forms, players and class-marked furniture from the DOM in place."""
    for element in list(tree.iter(*DROP_TAGS)):
        drop(element)
    for element in list(tree.iter()):
        if not isinstance(element.tag, str) or element.tag in PROTECTED_TAGS:
            continue
        marker = f"{element.get('class', '')} {element.get('id', '')}".strip()
        if not marker or not JUNK_CLASS.search(marker):
            continue
        if element.getparent() is None:
            continue
        if len(" ".join(element.text_content().split())) <= JUNK_CONTAINER_MAX_CHARS:
            drop(element)


def drop(element: Any) -> None:
    """Remove an element but keep the text that follows it (its tail)."""
    parent = element.getparent()
    if parent is not None:
        element.drop_tree()


def body_blocks(body: Any) -> list[Block]:
    """Turn trafilatura's XML body (p, head, list/item, quote) into blocks."""
    if body is None:
        return []
    blocks: list[Block] = []

    def add(kind: str, element: Any) -> None:
        text = clean_inline("".join(element.itertext()))
        if not text:
            return
        link_chars = sum(len(clean_inline("".join(r.itertext()))) for r in element.iter("ref"))
        if link_chars >= LINK_ONLY_RATIO * len(text) and len(text.split()) <= 40:
            return  # a link-only line: a teaser or a "more" link
        blocks.append(Block(kind, text))

    for element in body:
        tag = element.tag
        if tag == "head":
            add("heading", element)
        elif tag == "list":
            for item in element.iter("item"):
                add("list_item", item)
        elif tag == "quote":
            paragraphs = element.findall(".//p")
            for part in paragraphs or [element]:
                add("quote", part)
        elif tag in ("p", "div"):
            add("paragraph", element)
    return blocks


def filter_blocks(blocks: list[Block], title: str) -> list[Block]:
    """Drop junk blocks, the repeated title, and trailing teasers and orphan headings."""
    title_key = normalise_key(title)
    junk = [is_junk_text(b.text) or normalise_key(b.text) == title_key for b in blocks]
    # A short label beside furniture ("Ukraine Daily" above a newsletter form) is furniture.
    for i, block in enumerate(blocks):
        near_junk = (i > 0 and junk[i - 1]) or (i + 1 < len(blocks) and junk[i + 1])
        if not junk[i] and block.kind != "heading" and near_junk and is_fragment(block.text):
            junk[i] = True
    kept = drop_duplicates([b for b, bad in zip(blocks, junk, strict=True) if not bad])
    while kept and (kept[-1].kind == "heading" or is_truncated_teaser(kept[-1].text)):
        kept.pop()
    return kept


def drop_duplicates(blocks: list[Block]) -> list[Block]:
    seen: set[str] = set()
    result = []
    for block in blocks:
        key = normalise_key(block.text)
        if block.kind != "heading" and key in seen and len(key) > 20:
            continue
        seen.add(key)
        result.append(block)
    return result


def normalise_key(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def clean_inline(text: str) -> str:
    """Collapse whitespace and strip zero-width characters."""
    text = re.sub(r"[\u200b\u200c\u200d\ufeff\u00ad]", "", text)
    return " ".join(text.split())


def first_sentence(blocks: list[Block]) -> str:
    if not blocks:
        return "Untitled"
    text = blocks[0].text
    match = re.match(r"(.{10,120}?[.!?])\s", text)
    return match.group(1) if match else text[:120]


def jsonld_authors(tree: Any) -> list[str]:
    """Author names from schema.org JSON-LD, when a page lists several."""
    names: list[str] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for item in iter_jsonld(data):
            if not isinstance(item, dict):
                continue
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if not any(str(k).endswith("Article") or k == "BlogPosting" for k in kinds):
                continue
            authors = item.get("author")
            for author in authors if isinstance(authors, list) else [authors]:
                name = author.get("name") if isinstance(author, dict) else author
                if isinstance(name, str) and name.strip() and name.strip() not in names:
                    names.append(clean_inline(name))
    return names if len(names) > 1 else []


def iter_jsonld(data: Any) -> list[Any]:
    if isinstance(data, list):
        return [x for item in data for x in iter_jsonld(item)]
    if isinstance(data, dict) and "@graph" in data:
        return iter_jsonld(data["@graph"])
    return [data]


def split_authors(author: str | None) -> list[str]:
    if not author:
        return []
    return [a.strip() for a in re.split(r";|\|", author) if a.strip()]


def join_names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "with", "for", "was", "on", "said"},
    "de": {"der", "die", "und", "das", "ist", "nicht", "mit", "von", "den", "sich", "auf"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "dans", "pour", "qui", "pas", "du"},
    "es": {"el", "la", "los", "las", "que", "y", "en", "del", "por", "una", "para", "con"},
    "it": {"il", "di", "che", "e", "la", "per", "una", "sono", "della", "non", "con", "gli"},
    "pt": {"o", "de", "que", "e", "do", "da", "em", "um", "para", "não", "uma", "os"},
    "nl": {"de", "het", "een", "en", "van", "is", "dat", "niet", "op", "met", "zijn", "voor"},
    "uk": {"і", "в", "на", "що", "не", "з", "до", "як", "це", "та", "у", "за"},
    "ru": {"и", "в", "на", "что", "не", "с", "по", "как", "это", "он", "к", "из"},
    "pl": {"i", "w", "na", "że", "nie", "z", "się", "do", "jest", "to", "o", "jak"},
}


def guess_language(text: str) -> str | None:
    """A cheap stop-word vote, used only when the page declares no language."""
    words = re.findall(r"\w+", text.lower())[:400]
    if not words:
        return None
    scores = {lang: sum(w in stop for w in words) for lang, stop in STOPWORDS.items()}
    best = max(scores, key=lambda lang: scores[lang])
    return best if scores[best] >= 3 else None


def page_language(tree: Any, sample: str) -> str:
    """The page's declared language (html lang, content-language, og:locale), else a guess."""
    declared = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not declared:
        for meta in tree.iter("meta"):
            key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").lower()
            if key in ("content-language", "og:locale", "language", "dc.language"):
                declared = meta.get("content")
                break
    if declared:
        code = re.split(r"[-_]", declared.strip())[0].lower()
        if re.fullmatch(r"[a-z]{2,3}", code):
            return code
    return guess_language(sample) or "en"


MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def parse_text(text: str, url: str | None = None) -> Article:
    """Turn a plain-text or Markdown article into an Article.

    The title is the first `# ` heading or the first line; a following "By …" line is the
    author; blank lines separate paragraphs; `#` headings, `-`/`*`/`1.` items and `>` quotes
    become their own block kinds.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs: list[tuple[str, list[str]]] = []
    current: list[str] = []
    current_kind = "paragraph"

    def flush() -> None:
        nonlocal current, current_kind
        if current:
            paragraphs.append((current_kind, current))
        current, current_kind = [], "paragraph"

    for raw in lines:
        line = raw.strip()
        if not line:
            flush()
            continue
        if re.match(r"^#{1,6}\s", line):
            flush()
            paragraphs.append(("heading", [line.lstrip("#").strip()]))
            continue
        item = re.match(r"^(?:[-*+•]|\d{1,3}[.)])\s+(.*)$", line)
        if item and not re.match(r"^\d{4}\.", line):
            flush()
            paragraphs.append(("list_item", [item.group(1)]))
            continue
        if line.startswith(">"):
            if current_kind != "quote":
                flush()
                current_kind = "quote"
            current.append(line.lstrip(">").strip())
            continue
        if current_kind != "paragraph":
            flush()
        current.append(line)
    flush()

    blocks = [
        Block(kind, clean_inline(MD_EMPHASIS.sub(r"\2", MD_LINK.sub(r"\1", " ".join(parts)))))
        for kind, parts in paragraphs
    ]
    blocks = [b for b in blocks if b.text and not re.fullmatch(r"[-*_=\s]{3,}", b.text)]
    if not blocks:
        raise ExtractError("the text is empty")
    title = blocks[0].text
    blocks = blocks[1:]
    author = None
    if (
        blocks
        and re.match(r"^by\s+\S", blocks[0].text, re.IGNORECASE)
        and len(blocks[0].text) < 120
    ):
        author = re.sub(r"^by\s+", "", blocks[0].text, flags=re.IGNORECASE)
        blocks = blocks[1:]
    blocks = [b for b in blocks if not is_junk_text(b.text)]
    if not blocks:
        raise ExtractError("no article text found after the title")
    sample = " ".join(b.text for b in blocks[:5])
    return Article(
        title=title.rstrip("."),
        author=author,
        lang=guess_language(sample) or "en",
        url=url,
        blocks=blocks,
    ).made_safe()
