"""Publishing a feed: its public folder's feed.xml, pages and player files, from the library.

Nothing is published that would lose an episode listeners have: before feed.xml is replaced,
every episode it lists now must still be in the library with its audio (but those removed on
purpose), so a library that was lost, emptied or swapped never empties the public feed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..files import write_atomic
from .config import LIBRARY_NAME, FeedConfig, FeedError, load_config
from .embed import as_json, manifest, manifest_name, oembed, oembed_name
from .layout import FeedLayout, audio_stem, layout_for
from .library import EpisodeRecord, Library
from .rss import build_feed, episode_stem
from .site import episode_page, index_page, static_file

SHIPPED = {"site.css": "site.css", "player/player.js": "player.js"}  # public path: static file


def publish(
    folder: Path,
    config: FeedConfig | None = None,
    library: Library | None = None,
    dropping: frozenset[str] = frozenset(),
) -> None:
    """Rewrite the public folder's feed.xml, pages, player manifests and oEmbed files from the
    library, atomically each; refused (FeedError) when that would drop an episode feed.xml
    lists, but those in DROPPING (see check_nothing_lost)."""
    config = config or load_config(folder)
    layout = layout_for(folder, config)
    own = library is None
    library = library or Library(folder / LIBRARY_NAME)
    try:
        episodes = check_nothing_lost(layout, library, dropping)
    finally:
        if own:
            library.close()
    for public_path, name in SHIPPED.items():
        target = layout.public / public_path
        content = static_file(name)
        if not target.exists() or target.read_bytes() != content:
            write_atomic(target, content)
    for record in episodes:
        write_atomic(
            layout.episodes / f"{episode_stem(record)}.html",
            episode_page(config, record, layout.episodes),
        )
        write_atomic(
            layout.player / manifest_name(record),
            as_json(manifest(config, record, layout.episodes)),
        )
        write_atomic(
            layout.episodes / oembed_name(record), as_json(oembed(config, record, layout.episodes))
        )
    write_atomic(layout.public / "index.html", index_page(config, episodes, layout.episodes))
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    write_atomic(layout.feed_xml, build_feed(config, episodes, now))


def episode_published_files(layout: FeedLayout, audio: str) -> list[Path]:
    """The files publish makes for one episode: its page, oEmbed and player manifest."""
    stem = audio_stem(audio)
    return [
        layout.episodes / f"{stem}.html",
        layout.episodes / f"{stem}.oembed.json",
        layout.player / f"{stem}.json",
    ]


def published_episodes(layout: FeedLayout) -> dict[str, str]:
    """The episodes feed.xml lists now: guid → title (nothing when it is absent or unreadable)."""
    from lxml import etree

    try:
        tree = etree.parse(
            str(layout.feed_xml),
            parser=etree.XMLParser(resolve_entities=False, no_network=True),
        )
    except (OSError, etree.XMLSyntaxError):
        return {}
    found = {}
    for item in tree.iter("item"):
        guid = (item.findtext("guid") or "").strip()
        if guid:
            found[guid] = (item.findtext("title") or guid).strip()
    return found


def check_nothing_lost(
    layout: FeedLayout, library: Library, dropping: frozenset[str] = frozenset()
) -> list[EpisodeRecord]:
    """The episodes to publish, after making sure they include every episode feed.xml lists
    now (but those in DROPPING, removed on purpose): a library that was lost, emptied or
    replaced must never take the public feed's episodes with it."""
    records = library.episodes()
    present = [r for r in records if (layout.episodes / r.audio).exists()]
    known = published_episodes(layout)
    held = {r.guid for r in records}
    playable = {r.guid for r in present}
    unknown = [title for guid, title in known.items() if guid not in held | dropping]
    silent = [title for guid, title in known.items() if guid in held - playable - dropping]
    keep = "feed.xml is left as it is"
    if unknown:
        raise FeedError(
            f"{layout.folder / LIBRARY_NAME} lacks {count(unknown, 'episode')} that feed.xml lists "
            f"({shown(unknown)}); {keep}. Restore it from a backup, or rebuild it from feed.xml "
            f"with: narrate feed recover {layout.folder}"
        )
    if silent:
        raise FeedError(
            f"the audio of {count(silent, 'episode')} in feed.xml is gone from "
            f"{layout.episodes} ({shown(silent)}); {keep}. Restore the files, or take the "
            "episodes out on purpose with: narrate feed remove"
        )
    return present


def count(items: list[str], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def shown(titles: list[str]) -> str:
    listed = "; ".join(repr(title[:60]) for title in titles[:3])
    return listed + (f" and {len(titles) - 3} more" if len(titles) > 3 else "")
