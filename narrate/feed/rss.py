"""feed.xml: RSS 2.0 with the iTunes and Podcasting 2.0 namespaces, built with lxml."""

from __future__ import annotations

import datetime as dt
import html
from email.utils import format_datetime

from lxml import etree

from .. import __version__
from .config import FeedConfig
from .layout import audio_stem
from .library import EpisodeRecord

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
NSMAP = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM, "content": CONTENT}
SIDECAR_TYPES = {
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".transcript.json": "application/json",
}
AI_DISCLOSURE = "This episode was narrated with an AI voice from the written article."


def rfc822(iso_date: str) -> str:
    """'2023-11-14' or '2023-11-14T12:42:00+02:00' → 'Tue, 14 Nov 2023 12:42:00 +0200'."""
    try:
        moment = dt.datetime.fromisoformat(iso_date)
    except ValueError:
        moment = dt.datetime.fromisoformat(iso_date[:10])
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return format_datetime(moment)


def duration_text(seconds: float) -> str:
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


def sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def episode_stem(record: EpisodeRecord) -> str:
    return audio_stem(record.audio)


def description_html(record: EpisodeRecord) -> str:
    parts = []
    if record.excerpt:
        parts.append(f"<p>{html.escape(record.excerpt)}</p>")
    if record.url:
        byline = f" by {html.escape(record.author)}" if record.author else ""
        site = f" in {html.escape(record.site)}" if record.site else ""
        parts.append(
            f"<p>Read the original article{byline}{site}: "
            f'<a href="{html.escape(record.url, quote=True)}">'
            f"{html.escape(record.url)}</a></p>"
        )
    days = record.correction_days()
    if days:  # the item's guid stays; what changed is said (Apple: same guid, new enclosure)
        parts.append(f"<p>Updated: {html.escape(', '.join(days))} (the audio was narrated "
                     "again from the updated article).</p>")  # fmt: skip
    parts.append(f"<p>{AI_DISCLOSURE}</p>")
    return "".join(parts)


def build_feed(config: FeedConfig, episodes: list[EpisodeRecord], now: dt.datetime) -> bytes:
    """The whole feed document; identical input gives identical bytes, bar lastBuildDate."""
    rss = etree.Element("rss", nsmap=NSMAP, version="2.0")
    channel = sub(rss, "channel")
    sub(channel, "title", config.title)
    sub(channel, "link", config.url("index.html"))
    sub(channel, "description", config.description or config.title)
    sub(channel, "language", config.language)
    sub(channel, "generator", f"narrate {__version__}")
    sub(channel, "lastBuildDate", format_datetime(now))
    sub(channel, f"{{{ATOM}}}link", href=config.feed_url, rel="self", type="application/rss+xml")
    if config.image:
        image = sub(channel, "image")
        sub(image, "url", config.url(config.image))
        sub(image, "title", config.title)
        sub(image, "link", config.url("index.html"))
        sub(channel, f"{{{ITUNES}}}image", href=config.url(config.image))
    sub(channel, f"{{{ITUNES}}}author", config.author)
    owner = sub(channel, f"{{{ITUNES}}}owner")
    sub(owner, f"{{{ITUNES}}}name", config.author)
    sub(owner, f"{{{ITUNES}}}email", config.email)
    # Apple reads the category's name from its text attribute, never from element text.
    category = etree.SubElement(channel, f"{{{ITUNES}}}category", {"text": config.category})
    if config.subcategory:
        etree.SubElement(category, f"{{{ITUNES}}}category", {"text": config.subcategory})
    sub(channel, f"{{{ITUNES}}}explicit", "true" if config.explicit else "false")
    sub(channel, f"{{{ITUNES}}}type", "episodic")
    sub(channel, f"{{{PODCAST}}}guid", config.podcast_guid)
    sub(channel, f"{{{PODCAST}}}locked", "yes" if config.locked else "no", owner=config.email)

    for record in episodes:
        stem = episode_stem(record)
        item = sub(channel, "item")
        sub(item, "title", record.title)
        sub(item, "description", description_html(record))
        sub(item, f"{{{ITUNES}}}summary", record.excerpt or record.title)
        sub(item, "link", record.url or config.url(f"episodes/{stem}.html"))
        sub(item, "guid", record.guid, isPermaLink="false")
        sub(item, "pubDate", rfc822(record.published))
        if record.author:
            sub(item, f"{{{ITUNES}}}author", record.author)
        sub(
            item,
            "enclosure",
            url=config.url(f"episodes/{record.audio}"),
            length=str(record.size),
            type=record.mime,
        )
        sub(item, f"{{{ITUNES}}}duration", duration_text(record.duration))
        sub(item, f"{{{ITUNES}}}episodeType", "full")
        sub(item, f"{{{ITUNES}}}explicit", "true" if config.explicit else "false")
        sub(item, f"{{{ITUNES}}}image", href=config.url(f"episodes/{stem}.jpg"))
        for suffix, mime in SIDECAR_TYPES.items():
            sub(
                item,
                f"{{{PODCAST}}}transcript",
                url=config.url(f"episodes/{stem}{suffix}"),
                type=mime,
                language=config.language if suffix != ".transcript.json" else None,
                rel="captions" if suffix == ".vtt" else None,
            )
        sub(
            item,
            f"{{{PODCAST}}}chapters",
            url=config.url(f"episodes/{stem}.chapters.json"),
            type="application/json+chapters",
        )
    return etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)
