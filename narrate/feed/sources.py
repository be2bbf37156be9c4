"""What `narrate feed add` accepts, expanded into article sources.

An article URL or file; a text file of URLs (one per line, # comments); an OPML file (its
feeds are read, its plain links taken as articles); or an RSS/Atom feed (each entry's link).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SourceError
from ..read.fetch import decode, get, is_url

FEED_TYPES = {
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/feed+json",
}
OPML_TYPES = {"text/x-opml", "application/x-opml", "text/opml"}


@dataclass
class Expanded:
    """The articles a source stands for; KIND says whether to re-read it on `feed update`."""

    source: str
    kind: str  # "article" | "list" | "opml" | "feed"
    articles: list[str] = field(default_factory=list)

    @property
    def subscribable(self) -> bool:
        return self.kind in ("list", "opml", "feed")


def expand(source: str) -> Expanded:
    """Classify SOURCE and list the article URLs or paths it stands for."""
    if is_url(source):
        return expand_url(source)
    path = Path(source)
    if not path.exists():
        raise SourceError(f"cannot read {path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".opml":
        return Expanded(source, "opml", from_opml(path.read_bytes(), source))
    if suffix in (".xml", ".rss", ".atom"):
        return Expanded(source, "feed", from_feed(path.read_bytes(), source))
    if suffix in (".txt", ".list", ".urls", ""):
        lines = url_lines(decode(path.read_bytes()))
        if lines is not None:
            base = path.parent
            return Expanded(
                source,
                "list",
                [line if is_url(line) else str((base / line).resolve()) for line in lines],
            )
    return Expanded(source, "article", [source])


def url_lines(text: str) -> list[str] | None:
    """The entries of a URL list, or None when TEXT is not one (an article, say)."""
    entries = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not (is_url(line) or re.fullmatch(r"[\w./-]+\.(?:html?|md|txt)", line)):
            return None
        entries.append(line)
    return entries or None


def expand_url(url: str) -> Expanded:
    data, mime, _charset, _final_url = get(
        url,
        accept="text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
        "text/x-opml;q=0.9,*/*;q=0.1",
    )
    head = data[:1024].lstrip().lower()
    if mime in OPML_TYPES or b"<opml" in head:
        return Expanded(url, "opml", from_opml(data, url))
    if mime in FEED_TYPES or (mime in ("", "text/plain") and (b"<rss" in head or b"<feed" in head)):
        return Expanded(url, "feed", from_feed(data, url))
    return Expanded(url, "article", [url])


def from_feed(data: bytes, where: str) -> list[str]:
    import feedparser

    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise SourceError(f"cannot read the feed {where}: {parsed.bozo_exception}")
    links = []
    for entry in parsed.entries:
        link = entry.get("link") or next(
            (x.get("href") for x in entry.get("links", []) if x.get("rel") == "alternate"), None
        )
        if link and link not in links:
            links.append(link)
    return links


def from_opml(data: bytes, where: str) -> list[str]:
    from lxml import etree

    try:
        root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"cannot read the OPML file {where}: {exc}") from None
    articles: list[str] = []
    for outline in root.iter("outline"):
        feed_url = outline.get("xmlUrl")
        if feed_url:
            for link in expand_url(feed_url).articles:
                if link not in articles:
                    articles.append(link)
            continue
        link = outline.get("url") or outline.get("htmlUrl")
        if link and link not in articles:
            articles.append(link)
    return articles
