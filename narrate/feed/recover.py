"""`narrate feed recover`: rebuild a lost or emptied library from feed.xml and the episodes.

Everything an episode record holds is published: feed.xml has its guid, title, author, date,
excerpt and enclosure; the audio file's tags hold its narration key; its WebVTT transcript
counts its sentences. Episodes feed.xml lists but the library lacks are put back; those whose
audio file is gone too cannot be, and are reported.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path

from ..files import folder_lock
from .batch import open_layout, waiting_note
from .config import LIBRARY_NAME, FeedConfig, FeedError, load_config
from .layout import audio_stem
from .library import DamagedLibrary, EpisodeRecord, Library
from .publish import publish
from .rss import ITUNES

log = logging.getLogger(__name__)


@dataclass
class Recovery:
    restored: list[str] = field(default_factory=list)  # titles put back in the library
    missing: list[str] = field(default_factory=list)  # titles whose audio is gone as well
    dropped: bool = False  # whether the feed was published without them


def recover_library(folder: Path, wait: bool = False, drop_missing: bool = False) -> Recovery:
    """Put back in FOLDER's library every episode feed.xml lists and the library lacks; with
    DROP_MISSING, publish the feed without those whose audio is gone (else it is left as is)."""
    from lxml import etree

    config = load_config(folder)
    with folder_lock(folder, "feed recover", wait, on_wait=waiting_note(folder)):
        layout = open_layout(folder, config)
        try:
            tree = etree.parse(
                str(layout.feed_xml),
                parser=etree.XMLParser(resolve_entities=False, no_network=True),
            )
        except (OSError, etree.XMLSyntaxError) as exc:
            raise FeedError(f"cannot read {layout.feed_xml}: {exc}") from None
        library = open_or_set_aside(folder / LIBRARY_NAME)
        result = Recovery()
        gone: set[str] = set()
        try:
            held = {record.guid for record in library.episodes()}
            for item in tree.iter("item"):
                guid = (item.findtext("guid") or "").strip()
                if not guid or guid in held:
                    continue
                record = record_from_item(item, layout.episodes, config)
                title = (item.findtext("title") or guid).strip()
                if record is None:
                    result.missing.append(title)
                    gone.add(guid)
                    continue
                library.put(record)
                held.add(guid)
                result.restored.append(title)
            if result.missing and drop_missing:
                publish(folder, config, library, dropping=frozenset(gone))
                result.dropped = True
            elif result.restored and not result.missing:
                publish(folder, config, library)
        finally:
            library.close()
    return result


def open_or_set_aside(path: Path) -> Library:
    """The library at PATH; a damaged one is renamed (kept, for whoever wants to look into
    it) and a new one started in its place."""
    try:
        return Library(path)
    except DamagedLibrary:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        for suffix in ("", "-wal", "-shm"):
            damaged = Path(f"{path}{suffix}")
            if damaged.exists() or damaged.is_symlink():  # a file, a folder or a link: kept
                damaged.rename(damaged.with_name(f"{damaged.name}.damaged-{stamp}"))
        log.warning("set the damaged %s aside as %s.damaged-%s", path.name, path.name, stamp)
        return Library(path)


def record_from_item(item: object, episodes: Path, config: FeedConfig) -> EpisodeRecord | None:
    """An episode record rebuilt from a feed item, or None when its audio file is gone."""
    from ..audio.tags import read_key

    enclosure = item.find("enclosure")  # type: ignore[attr-defined]
    if enclosure is None:
        return None
    audio_name = (enclosure.get("url") or "").rsplit("/", 1)[-1]
    audio = episodes / audio_name
    if not audio_name or audio_name.startswith(".") or not audio.is_file():
        return None
    text = item.findtext  # type: ignore[attr-defined]
    guid = text("guid").strip()
    stem = audio_stem(audio_name)
    link = (text("link") or "").strip()
    url = None if not link or link == config.url(f"episodes/{stem}.html") else link
    published = iso_date(text("pubDate")) or dt.date.today().isoformat()
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    return EpisodeRecord(
        guid=guid,
        source=url or guid,
        url=url,
        title=(text("title") or guid).strip(),
        author=(text(f"{{{ITUNES}}}author") or "").strip() or None,
        site=None,
        published=published,
        excerpt=(text(f"{{{ITUNES}}}summary") or "").strip() or None,
        narration_key=read_key(audio) or "",
        audio=audio_name,
        mime=enclosure.get("type") or "audio/mpeg",
        size=audio.stat().st_size,
        duration=seconds(text(f"{{{ITUNES}}}duration")),
        sentences=cue_count(episodes / f"{stem}.vtt"),
        first_seen=published[:10],
        updated=now,
    )


def iso_date(rfc822: str | None) -> str | None:
    try:
        return parsedate_to_datetime(rfc822 or "").isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def seconds(duration: str | None) -> float:
    try:
        total = 0.0
        for part in (duration or "0").strip().split(":"):
            total = total * 60 + float(part)
        return total
    except ValueError:
        return 0.0


def cue_count(vtt: Path) -> int:
    try:
        return vtt.read_text(encoding="utf-8", errors="replace").count(" --> ")
    except OSError:
        return 0
