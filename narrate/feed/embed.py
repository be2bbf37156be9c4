"""What a publisher embeds: the player's manifest per episode, its snippet, and oEmbed.

The snippet is one element and one script tag:

    <div data-narrate-player="https://example.org/podcast/player/NAME.json">…</div>
    <script src="https://example.org/podcast/player/player.js" async></script>

The manifest (public/player/NAME.json) gives the player everything it shows; its URLs are
relative to the manifest itself, so a public folder works wherever it is uploaded or served.
The oEmbed document (public/episodes/NAME.oembed.json) carries the snippet with absolute URLs
for CMSs that embed by URL.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path
from typing import Any

from ..languages import words_for
from .config import FeedConfig
from .library import EpisodeRecord
from .rss import episode_stem

# In English; the feed's language has its own in narrate/languages/CODE.toml ([player]).
PLAYER_LABEL = "Listen to this article"
PLAYER_DISCLOSURE = "This audio is created with AI assistance"
MANIFEST_VERSION = 1
OEMBED_WIDTH, OEMBED_HEIGHT = 640, 200


def clock(seconds: float) -> str:
    """151.4 → '2:31', 3723 → '1:02:03': the player's own format (player.js `clock`)."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def minutes_count(seconds: float) -> int:
    """151.4 → 3: whole minutes, rounded up, at least 1 (player.js `minutes`)."""
    return max(1, math.ceil(round(seconds) / 60))


def minutes_label(seconds: float) -> str:
    """151.4 → '3 min': the player's own English label."""
    return f"{minutes_count(seconds)} min"


def manifest_name(record: EpisodeRecord) -> str:
    return f"{episode_stem(record)}.json"


def oembed_name(record: EpisodeRecord) -> str:
    return f"{episode_stem(record)}.oembed.json"


def read_chapters(path: Path) -> list[dict[str, Any]]:
    """The chapters of a Podcasting 2.0 chapters file as [{start, title}], [] when unreadable."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        chapters = document["chapters"]
        return [
            {"start": float(c["startTime"]), "title": str(c["title"])}
            for c in chapters
            if isinstance(c, dict) and "startTime" in c and c.get("title")
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def manifest(config: FeedConfig, record: EpisodeRecord, episodes: Path) -> dict[str, Any]:
    """The player's manifest of one episode (URLs relative to public/player/)."""
    stem = episode_stem(record)
    base = "../episodes/"
    words = words_for(config.language)
    document: dict[str, Any] = {
        "version": MANIFEST_VERSION,
        "title": record.title,
        "author": record.author or "",
        "site": record.site or "",
        "lang": config.language,
        "published": record.published,
        "narrated": record.updated,
        "duration": round(record.duration, 3),
        "audio": {"url": base + record.audio, "type": record.mime, "size": record.size},
        "chapters": read_chapters(episodes / f"{stem}.chapters.json"),
        "transcript": base + f"{stem}.transcript.json",
        "captions": base + f"{stem}.vtt",
        "image": base + f"{stem}.jpg",
        "page": base + f"{stem}.html",
        "article": record.url or "",
        "podcast": {"title": config.title, "feed": "../feed.xml"},
        "label": words.say("player", "listen"),
        "disclosure": words.say("player", "disclosure"),
        "labels": words.section("player"),
    }
    return document


def snippet(config: FeedConfig, record: EpisodeRecord, base_url: str | None = None) -> str:
    """The HTML a publisher pastes into an article page: one element and one script tag. The
    element holds a plain link to the episode's page, shown if the script cannot run."""
    base = (base_url or config.base_url).rstrip("/") + "/"
    manifest_url = html.escape(f"{base}player/{manifest_name(record)}", quote=True)
    page_url = html.escape(f"{base}episodes/{episode_stem(record)}.html", quote=True)
    script_url = html.escape(f"{base}player/player.js", quote=True)
    label = f"{words_for(config.language).say('player', 'listen')} ({clock(record.duration)})"
    return (
        f'<div data-narrate-player="{manifest_url}"><a href="{page_url}">{html.escape(label)}</a>'
        f'</div>\n<script src="{script_url}" async></script>'
    )


def image_size(path: Path) -> tuple[int, int] | None:
    try:
        from PIL import Image

        with Image.open(path) as picture:
            return picture.size
    except Exception:  # no cover, or not an image: oEmbed then has no thumbnail
        return None


def oembed(config: FeedConfig, record: EpisodeRecord, episodes: Path) -> dict[str, Any]:
    """An oEmbed 1.0 "rich" response for the episode, as a static file."""
    stem = episode_stem(record)
    document: dict[str, Any] = {
        "version": "1.0",
        "type": "rich",
        "title": record.title,
        "provider_name": config.title,
        "provider_url": config.url("index.html"),
        "cache_age": 86400,
        "html": snippet(config, record),
        "width": OEMBED_WIDTH,
        "height": OEMBED_HEIGHT,
    }
    if record.author:
        document["author_name"] = record.author
    size = image_size(episodes / f"{stem}.jpg")
    if size:
        document["thumbnail_url"] = config.url(f"episodes/{stem}.jpg")
        document["thumbnail_width"], document["thumbnail_height"] = size
    return document


def as_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


__all__ = [
    "PLAYER_DISCLOSURE",
    "PLAYER_LABEL",
    "clock",
    "manifest",
    "minutes_count",
    "minutes_label",
    "oembed",
    "snippet",
]
