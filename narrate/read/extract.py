"""Extract stage: Page → Article (trafilatura for the story, then a filter for speech junk)."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

from ..errors import ExtractError
from ..model import Article, Block, count_words, safe_text
from .blocks import body_blocks, clean_inline
from .bylines import (
    as_written,
    byline,
    jsonld_items,
    jsonld_people,
    jsonld_publishers,
    split_authors,
)
from .fetch import Page
from .junk import filter_blocks, is_junk_text
from .metadata import page_metadata
from .prune import prune_furniture

log = logging.getLogger(__name__)

__all__ = ["Article", "Block", "extract", "extract_page", "parse_text"]

MIN_ARTICLE_WORDS = 15
# A second opinion (Readability's algorithm) is asked only when the page's paragraphs hold this
# many times the words of the story found, and taken when its story is that much longer.
SECOND_OPINION_RATIO = 1.6
SECOND_OPINION_MIN_EXTRA = 100  # words
TRAFILATURA_OPTIONS: dict[str, Any] = {
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": True,
    "include_formatting": False,
    "deduplicate": False,
    "with_metadata": False,
}
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def extract_page(page: Page, title: str | None = None) -> Article:
    """Dispatch on the page kind: HTML through trafilatura, text/Markdown through parse_text.
    TITLE (the user's) replaces the page's own; in a text it leaves every line to the body."""
    if page.kind == "html":
        article = extract(page.content, page.url)
        return replace(article, title=title).made_safe() if title else article
    return parse_text(page.content, page.url, title)


def extract(html: str, url: str | None = None) -> Article:
    """Extract the spoken article from an HTML page."""
    import lxml.html
    import trafilatura

    if not html or not html.strip():
        raise ExtractError("the page is empty")
    # libxml2 stops reading at a control character: one stray byte would cost the story; and
    # it refuses text that declares its own encoding (the text is decoded already).
    html = XML_DECLARATION.sub("", safe_text(html), count=1)
    # Comments must go at parse time: inside a paragraph they cut its text in two.
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (ValueError, lxml.etree.ParserError) as exc:
        raise ExtractError(f"cannot parse the page as HTML: {exc}") from None

    items = jsonld_items(tree)
    people = jsonld_people(items)
    meta = page_metadata(tree, url, need_author=not people)
    titles = page_titles(tree)
    dek = find_dek(tree)
    prune_furniture(tree)
    paragraph_words = count_words(" ".join(tree.xpath("//p//text()")))
    doc = trafilatura.bare_extraction(tree, url=url, **TRAFILATURA_OPTIONS)
    title = clean_inline(meta.title or "") if meta else ""
    blocks = join_split_body(tree, body_blocks(doc.body if doc is not None else None))
    lang, lang_reason = page_language(tree, " ".join(b.text for b in blocks[:8]))
    log.debug("language %s: %s", lang, lang_reason)
    blocks = filter_blocks(blocks, title, lang, titles)
    if paragraph_words > far_longer(spoken_words(blocks)):
        blocks = second_opinion(html, parser, url, blocks, title, lang, titles)
    dek, blocks = take_dek(dek, blocks, title)
    if spoken_words(blocks) < MIN_ARTICLE_WORDS:
        raise ExtractError("no article text found on the page")

    address = canonical_url(meta.url if meta else None, url)
    authors, site = byline(
        people or as_written(split_authors(meta.author if meta else None), tree),
        (meta.sitename or None) if meta else None,
        jsonld_publishers(items),
        urlsplit(address).hostname if address else None,
    )
    article = Article(
        title=title or first_sentence(blocks),
        author=authors,
        date=(meta.date or None) if meta else None,
        site=site,
        lang=lang,
        lang_reason=lang_reason,
        image=(meta.image or None) if meta else None,
        url=address,
        blocks=blocks,
        dek=dek,
    )
    return article.made_safe()


SPLIT_PART_TAGS = ("p", "h2", "h3", "h4", "li", "blockquote")


def join_split_body(tree: Any, blocks: list[Block]) -> list[Block]:
    """BLOCKS, and the rest of a story the page splits across several containers of one kind
    (the same tag and class, or itemprop, in a row) with ad rows between them: trafilatura
    takes the first container and stops there. The containers after the one that holds the
    story's last paragraph are read in order; what they hold is filtered with the rest."""
    from .junk import normalise_key

    last = next((b for b in reversed(blocks) if b.kind == "paragraph" and len(b.text) > 40), None)
    if last is None:
        return blocks
    key = normalise_key(last.text)
    holder = next((p for p in tree.iter("p") if normalise_key(p.text_content()) == key), None)
    container = holder.getparent() if holder is not None else None
    while container is not None and not (container.get("class") or container.get("itemprop")):
        container = container.getparent()
    if container is None or container.tag in ("body", "html", "main", "article"):
        return blocks
    mark = (container.tag, container.get("class"), container.get("itemprop"))
    seen = {normalise_key(b.text) for b in blocks}
    extra: list[Block] = []
    for sibling in container.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        if (sibling.tag, sibling.get("class"), sibling.get("itemprop")) != mark:
            continue  # an ad row, a share bar: not the story's, passed over
        for part in sibling.iter(*SPLIT_PART_TAGS):
            if any(a.tag in SPLIT_PART_TAGS for a in part.iterancestors()):
                continue  # inside a part already read
            text = clean_inline(part.text_content())
            if text and normalise_key(text) not in seen:
                seen.add(normalise_key(text))
                kind = "heading" if part.tag.startswith("h") else {"li": "list_item",
                    "blockquote": "quote"}.get(part.tag, "paragraph")  # fmt: skip
                extra.append(Block(kind, text))
    return blocks + extra


def page_titles(tree: Any) -> tuple[str, ...]:
    """What the page calls the story: og:title and <title>, and its first <h1> where they
    agree it is the headline (a page of several uses the others for its sections, and an
    <h1> its metadata does not name may be a heading of the text)."""
    from .junk import normalise_key

    named = tree.xpath('//meta[@property="og:title" or @name="twitter:title"]/@content')
    named += [t.text_content() for t in tree.iter("title")]
    named = [clean_inline(t) for t in named[:6] if t and t.strip()]
    keys = [normalise_key(t) for t in named]
    for h1 in list(tree.iter("h1"))[:1]:
        key = normalise_key(h1.text_content())
        if key and any(key in k or k in key for k in keys if k):
            named.append(clean_inline(h1.text_content()))
    return tuple(named)


DEK_MARK = re.compile(
    r"(?:^|[\s_-])(?:dek|deck|standfirst|sub-?title|subtitle|sub-?headline|subhead|strapline|"
    r"kicker-?text)(?:$|[\s_-])",
    re.IGNORECASE,
)
DEK_MAX_WORDS = 60


def find_dek(tree: Any) -> str | None:
    """The page's subtitle, where it marks one (class or id "dek", "standfirst", "subtitle"…,
    or itemprop alternativeHeadline): short, and not a paragraph of the story."""
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("html", "body", "meta"):
            continue
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if element.get("itemprop") == "alternativeHeadline" or DEK_MARK.search(names):
            text = clean_inline(element.text_content())
            if text and 3 <= count_words(text) <= DEK_MAX_WORDS:
                return text
    return None


def take_dek(dek: str | None, blocks: list[Block], title: str) -> tuple[str | None, list[Block]]:
    """The subtitle, taken out of the body where it heads it — the page's marked one, or a
    heading of a sentence or so above the story's first paragraph — to be said once, in the
    intro after the title. (A lead paragraph that repeats the page's description stays: lead
    paragraphs often are the description.)"""
    from .junk import normalise_key

    if len(blocks) < 2:
        return None, blocks
    first = blocks[0]
    if dek and normalise_key(first.text) == normalise_key(dek):
        return first.text, blocks[1:]
    if (
        first.kind == "heading"
        and blocks[1].kind == "paragraph"
        and 6 <= count_words(first.text) <= DEK_MAX_WORDS // 2
        and normalise_key(first.text) != normalise_key(title)
    ):
        return first.text, blocks[1:]
    return None, blocks  # a marked subtitle the story's text leaves out stays out


def spoken_words(blocks: list[Block]) -> int:
    return sum(count_words(b.text) for b in blocks if b.kind != "code")


def far_longer(words: int) -> float:
    """The length another story must pass to be taken instead of one of WORDS words."""
    return SECOND_OPINION_RATIO * words + SECOND_OPINION_MIN_EXTRA


def second_opinion(
    html: str,
    parser: Any,
    url: str | None,
    blocks: list[Block],
    title: str,
    lang: str,
    titles: tuple[str, ...] = (),
) -> list[Block]:
    """BLOCKS, or the story Readability's algorithm finds on the page when it is far longer
    (trafilatura cut the story short), read and filtered the same way.

    Readability (the port trafilatura ships, so no new dependency) scores containers by their
    paragraphs' text and commas and keeps the best one with its siblings: a different failure
    mode from trafilatura's tree pruning, which is what a second opinion needs."""
    import lxml.html
    import trafilatura
    from trafilatura.readability_lxml import Document

    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
        prune_furniture(tree)
        summary = f"<html><body>{Document(tree).summary()}</body></html>"  # a fragment
        doc = trafilatura.bare_extraction(summary, url=url, **TRAFILATURA_OPTIONS)
    except Exception:  # a second opinion that fails changes nothing
        return blocks
    found = body_blocks(doc.body if doc is not None else None)
    other = filter_blocks(found, title, lang, titles)
    return other if spoken_words(other) > far_longer(spoken_words(blocks)) else blocks


def canonical_url(claimed: str | None, fetched: str | None) -> str | None:
    """The page's own address for it (its canonical link), believed only on the site it was
    fetched from: a page cannot claim to be another site's article (and take its place in a
    feed). A local file's claim is its user's: believed when it is a web address."""
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


def first_sentence(blocks: list[Block]) -> str:
    if not blocks:
        return "Untitled"
    text = blocks[0].text
    match = re.match(r"(.{10,120}?[.!?])\s", text)
    return match.group(1) if match else text[:120]


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


def stopword_vote(text: str) -> tuple[str | None, int, int]:
    """(language, its score, the runner-up's) by a cheap vote of common words, read from
    TEXT's first 400 words: most pages settle here without loading the detector's model."""
    words = re.findall(r"\w+", text.lower())[:400]
    scores = sorted(
        ((sum(w in stop for w in words), lang) for lang, stop in STOPWORDS.items()), reverse=True
    )
    (best, lang), (second, _other) = scores[0], scores[1]
    return (lang if best else None), best, second


def clear_vote(text: str) -> str | None:
    """The language the vote names beyond doubt (many of its words, few of any other's)."""
    lang, best, second = stopword_vote(text)
    return lang if lang is not None and best >= 6 and best >= 3 * max(1, second) else None


DETECT_MIN_CHARS = 20  # shorter text says too little about its language
SURE = 0.90  # detection this sure overrides a page's declared language
LIKELY = 0.50  # detection this sure names the language of a page that declares none
_IDENTIFIER: list[Any] = []


def detect_language(text: str) -> tuple[str, float] | None:
    """(language, probability) of TEXT by py3langid (a 4.6 MB pure-Python model of 97
    languages, about 1 ms a sample once loaded), or None for text too short to tell."""
    sample = " ".join(text.split())[:3000]
    if len(sample) < DETECT_MIN_CHARS:
        return None
    if not _IDENTIFIER:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        _IDENTIFIER.append(LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True))
    code, probability = _IDENTIFIER[0].classify(sample)
    return str(code), float(probability)


def guess_language(text: str) -> str | None:
    """The language TEXT is in, when detection is fairly sure of it."""
    found = detect_language(text)
    return found[0] if found and found[1] >= LIKELY else None


def choose_language(declared: str | None, sample: str) -> tuple[str, str]:
    """(language, why): the page's DECLARED language when its text agrees or detection is
    unsure, else what the text reads as; English when nothing tells. A vote of common words
    settles the clear cases; the detector's model is loaded only for the others."""
    vote = clear_vote(sample)
    if vote is not None and (declared is None or vote == declared):
        if declared:
            return declared, f"declared by the page ({declared}), and the text agrees"
        return vote, f"no language declared; the text reads as {vote}"
    found = detect_language(sample)
    if declared:
        if found is None or found[0] == declared:
            return declared, f"declared by the page ({declared}), and the text agrees"
        if found[1] >= SURE:
            return found[0], (
                f"the page declares {declared} but its text reads as {found[0]} "
                f"({found[1]:.0%} sure)"
            )
        return declared, f"declared by the page ({declared}; the text is unclear)"
    if found is not None and found[1] >= LIKELY:
        return found[0], f"no language declared; the text reads as {found[0]} ({found[1]:.0%} sure)"
    return "en", "no language declared and the text does not tell: English"


def page_language(tree: Any, sample: str) -> tuple[str, str]:
    """The page's language and why (see choose_language): html lang, content-language or
    og:locale, checked against its text."""
    declared = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not declared:
        for meta in tree.iter("meta"):
            key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").lower()
            if key in ("content-language", "og:locale", "language", "dc.language"):
                declared = meta.get("content")
                break
    code = re.split(r"[-_]", declared.strip())[0].lower() if declared else ""
    return choose_language(code if re.fullmatch(r"[a-z]{2,3}", code) else None, sample)


MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")


def parse_text(text: str, url: str | None = None, title: str | None = None) -> Article:
    """Turn a plain-text or Markdown article into an Article.

    The title is TITLE (the user's `--title`), else a first `#` heading, else a first line
    that stands alone (a blank line after it, and more text after that); a following "By …"
    line is the author. A text with no such title (one paragraph, or lines that run on) is all
    body: its title, for the file name and the tags, is its first words, and the intro does
    not say them twice. Blank lines separate paragraphs; `#` headings, `-`/`*`/`1.` items and
    `>` quotes become their own block kinds, and a fenced listing (``` or ~~~) a code block.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    paragraphs: list[tuple[str, list[str]]] = []
    current: list[str] = []
    current_kind = "paragraph"
    fence: str | None = None
    listing: list[str] = []

    def flush() -> None:
        nonlocal current, current_kind
        if current:
            paragraphs.append((current_kind, current))
        current, current_kind = [], "paragraph"

    for raw in lines:
        line = raw.strip()
        if fence is not None:
            if line.startswith(fence):
                paragraphs.append(("code", ["\n".join(listing)]))
                fence, listing = None, []
            else:
                listing.append(raw.rstrip())
            continue
        opening = re.match(r"^(`{3,}|~{3,})", line)
        if opening:
            flush()
            fence = opening.group(1)
            continue
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
    if fence is not None:  # an unclosed fence runs to the end
        paragraphs.append(("code", ["\n".join(listing)]))

    blocks = [
        Block(kind, parts[0].strip("\n"))
        if kind == "code"
        else Block(kind, clean_inline(MD_EMPHASIS.sub(r"\2", MD_LINK.sub(r"\1", " ".join(parts)))))
        for kind, parts in paragraphs
    ]
    kept = [
        (b, len(parts))
        for b, (_kind, parts) in zip(blocks, paragraphs, strict=True)
        if b.text and not re.fullmatch(r"[-*_=\s]{3,}", b.text)
    ]
    blocks = [b for b, _lines in kept]
    if not blocks:
        raise ExtractError("the text is empty")
    title_from_body = False
    if title and title.strip():
        title = title.strip()
    elif blocks[0].kind == "heading" or (
        len(blocks) > 1 and kept[0][1] == 1 and blocks[0].kind == "paragraph"
    ):
        title, blocks = blocks[0].text, blocks[1:]
    else:
        title, title_from_body = opening_words(blocks[0].text), True
    author = None
    if (
        blocks
        and re.match(r"^by\s+\S", blocks[0].text, re.IGNORECASE)
        and len(blocks[0].text) < 120
    ):
        author = re.sub(r"^by\s+", "", blocks[0].text, flags=re.IGNORECASE)
        blocks = blocks[1:]
    blocks = [b for b in blocks if b.kind == "code" or not is_junk_text(b.text)]
    if not blocks:
        raise ExtractError("no article text found after the title")
    lang, lang_reason = choose_language(None, " ".join([title, *(b.text for b in blocks[:5])]))
    log.debug("language %s: %s", lang, lang_reason)
    return Article(
        title=title.rstrip("."),
        author=author,
        lang=lang,
        lang_reason=lang_reason,
        url=url,
        blocks=blocks,
        title_from_body=title_from_body,
    ).made_safe()


def opening_words(text: str, limit: int = 80) -> str:
    """A title made of TEXT's first sentence, cut at a word within LIMIT characters ("…")."""
    first = re.split(r"(?<=[.!?])\s+(?=[A-ZÀ-ÖØ-ÞА-ЯЄІЇҐ\"“«])", text.strip(), maxsplit=1)[0]
    first = re.sub(r"\s+", " ", first)
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"
