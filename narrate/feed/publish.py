"""Publishing a feed folder: feed.xml, index.html and the episode pages, from the library.

Nothing is published that would lose an episode listeners have: before feed.xml is replaced,
every episode it lists now must still be in the library with its audio (but those removed on
purpose), so a library that was lost, emptied or swapped never empties the public feed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..files import write_atomic
from .config import EPISODES, LIBRARY_NAME, FeedConfig, FeedError, load_config
from .library import EpisodeRecord, Library
from .rss import build_feed, episode_stem
from .site import episode_page, index_page


def publish(
    folder: Path,
    config: FeedConfig | None = None,
    library: Library | None = None,
    dropping: frozenset[str] = frozenset(),
) -> None:
    """Rewrite feed.xml, index.html and the episode pages from the library, atomically;
    refused (FeedError) when that would drop an episode feed.xml lists, but those in DROPPING
    (see check_nothing_lost)."""
    config = config or load_config(folder)
    own = library is None
    library = library or Library(folder / LIBRARY_NAME)
    try:
        episodes = check_nothing_lost(folder, library, dropping)
    finally:
        if own:
            library.close()
    episodes_dir = folder / EPISODES
    for record in episodes:
        write_atomic(
            episodes_dir / f"{episode_stem(record)}.html",
            episode_page(config, record, episodes_dir),
        )
    write_atomic(folder / "index.html", index_page(config, episodes, episodes_dir))
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    write_atomic(folder / "feed.xml", build_feed(config, episodes, now))


def published_episodes(folder: Path) -> dict[str, str]:
    """The episodes feed.xml lists now: guid → title (nothing when it is absent or unreadable)."""
    from lxml import etree

    try:
        tree = etree.parse(
            str(folder / "feed.xml"),
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
    folder: Path, library: Library, dropping: frozenset[str] = frozenset()
) -> list[EpisodeRecord]:
    """The episodes to publish, after making sure they include every episode feed.xml lists
    now (but those in DROPPING, removed on purpose): a library that was lost, emptied or
    replaced must never take the public feed's episodes with it."""
    records = library.episodes()
    present = [r for r in records if (folder / EPISODES / r.audio).exists()]
    known = published_episodes(folder)
    held = {r.guid for r in records}
    playable = {r.guid for r in present}
    unknown = [title for guid, title in known.items() if guid not in held | dropping]
    silent = [title for guid, title in known.items() if guid in held - playable - dropping]
    keep = "feed.xml is left as it is"
    if unknown:
        raise FeedError(
            f"{folder / LIBRARY_NAME} lacks {count(unknown, 'episode')} that feed.xml lists "
            f"({shown(unknown)}); {keep}. Restore it from a backup, or rebuild it from feed.xml "
            f"with: narrate feed recover {folder}"
        )
    if silent:
        raise FeedError(
            f"the audio of {count(silent, 'episode')} in feed.xml is gone from "
            f"{folder / EPISODES} ({shown(silent)}); {keep}. Restore the files, or take the "
            "episodes out on purpose with: narrate feed remove"
        )
    return present


def count(items: list[str], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def shown(titles: list[str]) -> str:
    listed = "; ".join(repr(title[:60]) for title in titles[:3])
    return listed + (f" and {len(titles) - 3} more" if len(titles) > 3 else "")
