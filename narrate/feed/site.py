"""The feed's small static site, from Jinja2 templates: index.html and one page per episode,
each with the embeddable player (see embed.py and static/player.js)."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path
from typing import Any

from ..languages import words_for
from .config import FeedConfig
from .embed import clock, minutes_count, oembed_name
from .library import EpisodeRecord
from .rss import episode_stem

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
SKIPPED_PARTS = ("intro", "outro")  # spoken around the article, not part of it


@functools.lru_cache(maxsize=1)
def environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def static_file(name: str) -> bytes:
    """A file the site ships as it is (site.css, player.js)."""
    return (STATIC / name).read_bytes()


def shown_date(value: str | None, lang: str | None = "en") -> dict[str, str] | None:
    """'2023-11-14T12:42:00+02:00' → {'iso': …, 'text': '14 November 2023'} ('14. November
    2023' in German: the site's language, LANG); None if unreadable."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        try:
            moment = dt.datetime.fromisoformat(value[:10])
        except ValueError:
            return None
    return {"iso": value, "text": words_for(lang).date(moment.date(), "site")}


def size_text(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    return f"{max(1, round(size / 1000))} kB"


def episode_view(record: EpisodeRecord, lang: str | None = "en") -> dict[str, Any]:
    """What the templates show of one episode, dates written as LANG (the site's) writes them."""
    return {
        "stem": episode_stem(record),
        "title": record.title,
        "author": record.author or "",
        "site": record.site or "",
        "url": record.url or "",
        "excerpt": record.excerpt or "",
        "audio": record.audio,
        "size_text": size_text(record.size),
        "published": shown_date(record.published, lang),
        "narrated": shown_date(record.updated, lang),
        "updates": [d for d in (shown_date(v, lang) for v in record.correction_days()) if d],
        "clock": clock(record.duration),
        "minutes": words_for(lang).say("player", "minutes_short", n=minutes_count(record.duration)),
        "oembed_url": oembed_name(record),
        "lang": "",
    }


def transcript_parts(path: Path) -> list[dict[str, Any]]:
    """The episode's timed sentences grouped as the article's paragraphs and headings (one
    part per sentence for transcripts made before they named their paragraphs)."""
    try:
        segments = json.loads(path.read_text(encoding="utf-8"))["segments"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    parts: list[dict[str, Any]] = []
    last: object = object()
    for segment in segments if isinstance(segments, list) else []:
        if not isinstance(segment, dict) or segment.get("part") in SKIPPED_PARTS:
            continue
        try:
            start, end = float(segment["startTime"]), float(segment["endTime"])
        except (KeyError, TypeError, ValueError):
            continue
        paragraph = segment.get("paragraph")
        sentence = {"start": start, "end": end, "text": str(segment.get("body", ""))}
        if parts and paragraph is not None and paragraph == last:
            parts[-1]["sentences"].append(sentence)
        else:
            parts.append({"kind": segment.get("part") or "paragraph", "sentences": [sentence]})
        last = paragraph
    return parts


def common(config: FeedConfig, root: str) -> dict[str, Any]:
    """What every page shows, with the site's words in the feed's language (t: the [site]
    phrases of narrate/languages/CODE.toml; phrases with {braces} are filled in by the
    templates with `format`, the values escaped there)."""
    words = words_for(config.language)
    return {
        "feed": config,
        "lang": config.language,
        "root": root,
        "label": words.say("player", "listen"),
        "disclosure": words.say("player", "disclosure"),
        "feed_url": config.feed_url,
        "t": words.section("site"),
        "count": lambda key, n: words.count("site", key, n),
    }


def index_page(config: FeedConfig, episodes: list[EpisodeRecord], episodes_dir: Path) -> str:
    template = environment().get_template("index.html.j2")
    return template.render(
        **common(config, ""),
        episodes=[episode_view(record, config.language) for record in episodes],
    )


def episode_page(config: FeedConfig, record: EpisodeRecord, episodes_dir: Path) -> str:
    template = environment().get_template("episode.html.j2")
    stem = episode_stem(record)
    parts = transcript_parts(episodes_dir / f"{stem}.transcript.json")
    # Open Graph and Twitter card: what a shared link shows (addresses must be absolute).
    card = {
        "url": config.url(f"episodes/{stem}.html"),
        "image": config.url(f"episodes/{stem}.jpg"),
        "audio": config.url(f"episodes/{record.audio}"),
        "audio_type": record.mime,
        "locale": config.language.replace("-", "_"),
    }
    return template.render(
        **common(config, "../"),
        episode=episode_view(record, config.language),
        transcript=parts,
        card=card,
    )


__all__ = ["episode_page", "index_page", "static_file", "transcript_parts"]
