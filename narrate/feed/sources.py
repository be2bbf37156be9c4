"""What `narrate feed add` accepts, expanded into article sources.

An article URL or file; a text file of URLs (one per line, # comments); an OPML file (its
feeds are read, its plain links taken as articles); or an RSS/Atom feed (each entry's link).

Where a source came from decides what it may name. The user's own arguments and URL lists may
name local files (a list's relative paths are read beside it). What a feed or an OPML file
names is only ever a web address: relative links are resolved against the feed's URL and
fetched over http(s); a path, a file:// link or any other scheme is skipped with a warning, so
nothing a publisher writes in a feed can make narrate read (and publish) a local file.

Nor an address inside the network: a source the user typed (or listed in a URL list) may be
on an internal host, and what is found through it may use that host; every other link a
feed, an OPML file or a redirect names must lead to a public address (see read/reach.py).
`Expanded.reach` says where the articles it found may be fetched from.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from ..errors import SourceError
from ..read.fetch import Page, decode, get, is_url, page_from, read_capped
from ..read.reach import Reach

log = logging.getLogger(__name__)
MAX_OPML_DEPTH = 3  # an OPML file may list feeds and other OPML files, this deep at most

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
    reach: Reach = field(default_factory=Reach)  # where its articles may be fetched from
    # The articles already fetched to classify the source (narrated as read, not fetched again).
    pages: dict[str, Page] = field(default_factory=dict)

    @property
    def subscribable(self) -> bool:
        return self.kind in ("list", "opml", "feed")


def expand(source: str, private: bool = False, reach: Reach | None = None) -> Expanded:
    """Classify SOURCE, as the user gave it, and list the articles it stands for: web
    addresses, and local files only where the user named them (or listed them in a URL list).
    PRIVATE: any internal address may be reached (allow_private_addresses). REACH: where a
    URL that came as content (over the API) may go; default: the user typed it."""
    if is_url(source):
        return expand_url(source, reach or Reach.typed(source, private=private))
    if re.match(r"^[a-z][a-z0-9+.-]*:", source, re.IGNORECASE) and not Path(source).exists():
        raise SourceError(f"cannot read {source}: only http and https URLs are supported")
    path = Path(source).expanduser().resolve()
    where = str(path)
    if not path.exists():
        raise SourceError(f"cannot read {source}: no such file")
    if path.is_dir():
        raise SourceError(f"cannot read {source}: it is a folder, not a file")
    suffix = path.suffix.lower()
    nowhere = Reach(private=private)  # a local feed or OPML file vouches for no host
    if suffix == ".opml":  # the user's own subscriptions: the feeds it names are as if typed
        data = read_capped(path)
        mine = Reach.typed(*opml_urls(data, where), private=private)
        return Expanded(where, "opml", from_opml(data, where, mine), mine)
    if suffix in (".xml", ".rss", ".atom"):
        return Expanded(where, "feed", from_feed(read_capped(path), where), nowhere)
    if suffix in (".txt", ".list", ".urls", ""):
        lines = url_lines(decode(read_capped(path)))
        if lines is not None:  # the user's own list: its entries are as if typed
            base = path.parent
            return Expanded(
                where,
                "list",
                [line if is_url(line) else str((base / line).resolve()) for line in lines],
                Reach.typed(*(line for line in lines if is_url(line)), private=private),
            )
    return Expanded(where, "article", [where], nowhere)


def web_links(links: list[str], base: str | None, where: str) -> list[str]:
    """LINKS a feed or OPML file named, as absolute http(s) URLs (relative ones resolved
    against BASE, the feed's own URL); anything else is skipped, with a warning."""
    kept: list[str] = []
    skipped: list[str] = []
    for raw in links:
        link = raw.strip()
        absolute = urljoin(base, link) if base else link
        if is_url(absolute) and "\x00" not in absolute:
            if absolute not in kept:
                kept.append(absolute)
        elif link:
            skipped.append(link)
    if skipped:
        shown = ", ".join(repr(s[:80]) for s in skipped[:3])
        more = f" and {len(skipped) - 3} more" if len(skipped) > 3 else ""
        log.warning(
            "skipped %d link(s) in %s that are not web addresses: %s%s",
            len(skipped),
            where,
            shown,
            more,
        )
    return kept


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


def expand_url(url: str, reach: Reach, depth: int = 0) -> Expanded:
    """What URL is (feed, OPML file or article) and the articles it names, fetched where
    REACH allows; they may be fetched with the same reach."""
    data, mime, charset, final_url = get(
        url,
        reach=reach,
        accept="text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
        "text/x-opml;q=0.9,*/*;q=0.1",
    )
    head = data[:1024].lstrip().lower()
    if mime in OPML_TYPES or b"<opml" in head:
        return Expanded(url, "opml", from_opml(data, url, reach, final_url, depth), reach)
    if mime in FEED_TYPES or (mime in ("", "text/plain") and (b"<rss" in head or b"<feed" in head)):
        return Expanded(url, "feed", from_feed(data, url, base=final_url), reach)
    return Expanded(
        url, "article", [url], reach, {url: page_from(url, data, mime, charset, final_url)}
    )


def from_feed(data: bytes, where: str, base: str | None = None) -> list[str]:
    """The article links of an RSS/Atom feed: web addresses only (see web_links)."""
    import feedparser

    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise SourceError(f"cannot read the feed {where}: {parsed.bozo_exception}")
    links = []
    for entry in parsed.entries:
        link = entry.get("link") or next(
            (x.get("href") for x in entry.get("links", []) if x.get("rel") == "alternate"), None
        )
        if isinstance(link, str) and link:
            links.append(link)
    return web_links(links, base, where)


def from_opml(
    data: bytes, where: str, reach: Reach, base: str | None = None, depth: int = 0
) -> list[str]:
    """The articles of an OPML file: its feeds' entries and its plain links, web addresses
    only (see web_links); feeds it names are read (where REACH allows) this deep at most."""
    feeds, links = opml_outlines(data, where)
    articles: list[str] = []
    for feed_url in web_links(feeds, base, where):
        if depth >= MAX_OPML_DEPTH:
            log.warning("skipped %s in %s: OPML files nested too deep", feed_url, where)
            continue
        try:
            found = expand_url(feed_url, reach, depth + 1).articles
        except SourceError as exc:  # one feed that fails never takes the others with it
            log.warning("skipped a feed listed in %s: %s", where, exc)
            continue
        for link in found:
            if link not in articles:
                articles.append(link)
    for link in web_links(links, base, where):
        if link not in articles:
            articles.append(link)
    return articles


def opml_outlines(data: bytes, where: str) -> tuple[list[str], list[str]]:
    """An OPML file's feeds (xmlUrl) and plain links (url, htmlUrl), as written."""
    from lxml import etree

    try:
        root = etree.fromstring(
            data, parser=etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        )
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"cannot read the OPML file {where}: {exc}") from None
    if root is None:
        raise SourceError(f"cannot read the OPML file {where}: it is empty")
    feeds: list[str] = []
    links: list[str] = []
    for outline in root.iter("outline"):
        feed_url = outline.get("xmlUrl")
        if feed_url:
            feeds.append(feed_url)
            continue
        link = outline.get("url") or outline.get("htmlUrl")
        if link:
            links.append(link)
    return feeds, links


def opml_urls(data: bytes, where: str) -> list[str]:
    """Every web address an OPML file names."""
    feeds, links = opml_outlines(data, where)
    return [url for url in feeds + links if is_url(url.strip())]
