"""The feed's small static site: index.html and one page per episode, each with a player."""

from __future__ import annotations

import html
import json
from pathlib import Path

from .config import FeedConfig
from .library import EpisodeRecord
from .rss import AI_DISCLOSURE, duration_text, episode_stem

STYLE = """
body{font:17px/1.55 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1b1b1b;
background:#fafafa}main{max-width:46rem;margin:0 auto;padding:1.5rem}header{margin-bottom:2rem}
h1{font-size:1.8rem;margin:.2rem 0}h2{font-size:1.25rem;margin:.2rem 0}
a{color:#0b57d0}audio{width:100%;margin:.6rem 0}.meta{color:#555;font-size:.9rem}
article{background:#fff;border:1px solid #e3e3e3;border-radius:10px;padding:1rem 1.2rem;
margin-bottom:1.2rem}.transcript p{margin:.35rem 0}.transcript .active{background:#fff3c4}
.note{color:#666;font-size:.85rem}footer{color:#666;font-size:.85rem;margin-top:2rem}
"""
SCRIPT = """
for (const audio of document.querySelectorAll('audio[data-transcript]')) {
  const lines = [...document.querySelectorAll('#' + audio.dataset.transcript + ' p')];
  audio.addEventListener('timeupdate', () => {
    const t = audio.currentTime;
    for (const p of lines) {
      p.classList.toggle('active', t >= +p.dataset.start && t < +p.dataset.end);
    }
  });
  for (const p of lines) {
    p.addEventListener('click', () => { audio.currentTime = +p.dataset.start; audio.play(); });
  }
}
"""


def transcript_html(episodes_dir: Path, record: EpisodeRecord, element_id: str) -> str:
    """The episode's sentences, timed from its JSON transcript."""
    path = episodes_dir / f"{episode_stem(record)}.transcript.json"
    try:
        segments = json.loads(path.read_text(encoding="utf-8"))["segments"]
    except (OSError, ValueError, KeyError):
        return ""
    lines = "".join(
        f'<p data-start="{s["startTime"]}" data-end="{s["endTime"]}">{html.escape(s["body"])}</p>'
        for s in segments
    )
    return f'<section class="transcript" id="{element_id}"><h3>Transcript</h3>{lines}</section>'


def player(record: EpisodeRecord, prefix: str, transcript_id: str) -> str:
    stem = episode_stem(record)
    src = html.escape(f"{prefix}{record.audio}", quote=True)
    vtt = html.escape(f"{prefix}{stem}.vtt", quote=True)
    return (
        f'<audio controls preload="metadata" src="{src}" data-transcript="{transcript_id}" '
        f'data-duration="{record.duration:.3f}">'
        f'<track kind="captions" src="{vtt}" srclang="en" label="Transcript" default></audio>'
    )


def meta_line(record: EpisodeRecord) -> str:
    parts = [html.escape(record.published[:10]), duration_text(record.duration)]
    if record.author:
        parts.insert(0, html.escape(record.author))
    if record.site:
        parts.append(html.escape(record.site))
    return " · ".join(parts)


def source_link(record: EpisodeRecord) -> str:
    if not record.url:
        return ""
    url = html.escape(record.url, quote=True)
    return f'<p><a href="{url}">Read the original article</a></p>'


def page(title: str, body: str, feed_href: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        f'<link rel="alternate" type="application/rss+xml" title="{html.escape(title)}" '
        f'href="{feed_href}">'
        f"<style>{STYLE}</style></head><body><main>{body}"
        f'<footer><p>{AI_DISCLOSURE} Subscribe: <a href="{feed_href}">RSS feed</a>.</p></footer>'
        f"</main><script>{SCRIPT}</script></body></html>\n"
    )


def index_page(config: FeedConfig, episodes: list[EpisodeRecord], episodes_dir: Path) -> str:
    items = []
    for number, record in enumerate(episodes):
        stem = episode_stem(record)
        transcript = ""
        if number == 0:  # the newest episode is shown in full
            transcript = transcript_html(episodes_dir, record, "t0")
        items.append(
            f'<article><h2><a href="episodes/{html.escape(stem)}.html">'
            f'{html.escape(record.title)}</a></h2><p class="meta">{meta_line(record)}</p>'
            f"{player(record, 'episodes/', f't{number}')}{source_link(record)}{transcript}"
            "</article>"
        )
    header = (
        f"<header><h1>{html.escape(config.title)}</h1>"
        f"<p>{html.escape(config.description or '')}</p>"
        f'<p class="note">{len(episodes)} episodes · by {html.escape(config.author)}</p></header>'
    )
    body = header + ("".join(items) or "<p>No episodes yet.</p>")
    return page(config.title, body, "feed.xml")


def episode_page(config: FeedConfig, record: EpisodeRecord, episodes_dir: Path) -> str:
    body = (
        f'<p><a href="../index.html">← {html.escape(config.title)}</a></p>'
        f'<article><h1>{html.escape(record.title)}</h1><p class="meta">{meta_line(record)}</p>'
        f"{player(record, '', 't0')}{source_link(record)}"
        f"{transcript_html(episodes_dir, record, 't0')}</article>"
    )
    return page(record.title, body, "../feed.xml")
