"""The episode library: one SQLite file per feed folder."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..model import with_safe_texts
from .config import FeedError

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS episodes (
    guid TEXT PRIMARY KEY,          -- stable: from the article's canonical URL
    source TEXT NOT NULL,           -- what was added (URL or file)
    url TEXT,                       -- the article's canonical URL
    title TEXT NOT NULL,
    author TEXT,
    site TEXT,
    published TEXT NOT NULL,        -- ISO date: the article's, else the day narrate first saw it
    excerpt TEXT,
    narration_key TEXT NOT NULL,    -- hash of everything that shapes the audio
    audio TEXT NOT NULL,            -- file name inside episodes/
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    duration REAL NOT NULL,
    sentences INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    updated TEXT NOT NULL,
    doubtful TEXT,                  -- with verify: JSON list of sentences still misheard
    corrections TEXT,               -- JSON list of the days the article changed after publishing
    article_key TEXT                -- hash of the article's words: tells its edits from a new voice
);
CREATE TABLE IF NOT EXISTS sources (
    source TEXT PRIMARY KEY,        -- a feed URL, OPML or URL list to re-read on update
    kind TEXT NOT NULL,
    added TEXT NOT NULL
);
"""


class DamagedLibrary(FeedError):
    """library.sqlite is not a SQLite database, or not narrate's."""


@dataclass(frozen=True)
class EpisodeRecord:
    guid: str
    source: str
    url: str | None
    title: str
    author: str | None
    site: str | None
    published: str
    excerpt: str | None
    narration_key: str
    audio: str
    mime: str
    size: int
    duration: float
    sentences: int
    first_seen: str
    updated: str
    doubtful: str | None = None  # JSON: [{"text", "heard", "score"}, …] (None: not verified)
    corrections: str | None = None  # JSON: ["2026-12-07", …], the days it was updated
    article_key: str | None = None  # the article's words, hashed (None: from before it was kept)

    def correction_days(self) -> list[str]:
        """The days (ISO dates) the article changed after its episode was published."""
        import json

        try:
            days = json.loads(self.corrections or "[]")
        except ValueError:
            return []
        return [d for d in days if isinstance(d, str)][:100] if isinstance(days, list) else []

    def doubtful_sentences(self) -> list[dict[str, object]]:
        """The sentences the verifier still heard wrong (none when it was not run)."""
        import json

        try:
            items = json.loads(self.doubtful or "[]")
        except ValueError:
            return []
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


OPTIONAL = {"url", "author", "site", "excerpt", "doubtful", "corrections", "article_key"}
NUMBERS: dict[str, type] = {"size": int, "duration": float, "sentences": int}


def record(row: sqlite3.Row) -> EpisodeRecord | None:
    """A stored episode, checked as it is read: None (and a warning) for a row that is not
    one narrate wrote (a text where a number goes, a number where a text goes, an audio name
    that is a path), columns it does not know passed over; its texts cleaned of what XML
    cannot carry (older versions stored pages' text as it came)."""
    values = dict(row)
    fields: dict[str, object] = {}
    problem = None
    for name in EpisodeRecord.__dataclass_fields__:
        value = values.get(name)
        if name in NUMBERS:
            number = NUMBERS[name]
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if ok and value == value and abs(value) < 1e15 and value >= 0:
                fields[name] = number(value)
                continue
        elif isinstance(value, str) or (value is None and name in OPTIONAL):
            fields[name] = value
            continue
        problem = f"{name} = {str(value)[:40]!r}"
        break
    audio = fields.get("audio")
    if problem is None and not plain_name(audio):
        problem = f"audio = {str(audio)[:40]!r} is not a file name"
    if problem is not None:
        log.warning(
            "the library holds an episode narrate did not write (%s, %s): passed over; "
            "narrate feed recover puts it back from feed.xml",
            str(values.get("guid"))[:80],
            problem,
        )
        return None
    return with_safe_texts(EpisodeRecord(**fields))  # type: ignore[arg-type]


def plain_name(name: object) -> bool:
    """Whether NAME is a file name inside a folder, not a path out of it."""
    return (
        isinstance(name, str)
        and bool(name)
        and "/" not in name
        and "\\" not in name
        and "\x00" not in name
        and not name.startswith(".")
    )


class Library:
    def __init__(self, path: Path) -> None:
        self.path = path
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise DamagedLibrary(
                f"{path} is not a narrate library (not a file): rebuild it from feed.xml "
                f"with: narrate feed recover {path.parent}"
            )
        try:
            self.db = sqlite3.connect(path, timeout=30)
        except sqlite3.Error as exc:
            raise FeedError(f"cannot open {path}: {exc}") from None
        try:
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.executescript(SCHEMA)
            columns = {row[1] for row in self.db.execute("PRAGMA table_info(episodes)")}
            for added in ("doubtful", "corrections", "article_key"):  # kept since a version
                if added not in columns and "guid" in columns:
                    with self.db:
                        self.db.execute(f"ALTER TABLE episodes ADD COLUMN {added} TEXT")
                    columns.add(added)
        except sqlite3.DatabaseError as exc:
            self.db.close()
            if isinstance(exc, sqlite3.OperationalError) and any(
                words in str(exc) for words in ("disk I/O error", "is full", "readonly")
            ):  # the machine's fault, not the file's: recovering it would not help
                raise FeedError(
                    f"cannot use {path}: {exc} (is the disk full or read-only?)"
                ) from None
            raise DamagedLibrary(
                f"{path} is damaged or not a narrate library ({exc}): restore it from a "
                f"backup, or rebuild it from feed.xml with: narrate feed recover {path.parent}"
            ) from None
        if not set(EpisodeRecord.__dataclass_fields__) <= columns:
            self.db.close()
            raise DamagedLibrary(f"{path} is not a narrate library (its episodes table differs)")

    def close(self) -> None:
        self.db.close()

    def episodes(self) -> list[EpisodeRecord]:
        rows = self.db.execute(
            "SELECT * FROM episodes ORDER BY CAST(published AS TEXT) DESC, CAST(guid AS TEXT)"
        ).fetchall()
        return [episode for row in rows if (episode := record(row)) is not None]

    def get(self, guid: str) -> EpisodeRecord | None:
        row = self.db.execute("SELECT * FROM episodes WHERE guid = ?", (guid,)).fetchone()
        return record(row) if row else None

    def get_for_source(self, source: str) -> EpisodeRecord | None:
        """The episode made from SOURCE before (looked up by source; its guid may differ)."""
        return self.find_by_source(source) or self.get(source)

    def find_by_source(self, source: str) -> EpisodeRecord | None:
        row = self.db.execute("SELECT * FROM episodes WHERE source = ?", (source,)).fetchone()
        return record(row) if row else None

    def put(self, episode: EpisodeRecord) -> None:
        episode = with_safe_texts(episode)
        columns = list(EpisodeRecord.__dataclass_fields__)
        placeholders = ", ".join("?" for _ in columns)
        with self.db:
            self.db.execute(
                f"INSERT OR REPLACE INTO episodes ({', '.join(columns)}) VALUES ({placeholders})",
                [getattr(episode, c) for c in columns],
            )

    def delete(self, guid: str) -> None:
        with self.db:
            self.db.execute("DELETE FROM episodes WHERE guid = ?", (guid,))

    def add_source(self, source: str, kind: str, when: str) -> None:
        with self.db:
            self.db.execute(
                "INSERT OR IGNORE INTO sources (source, kind, added) VALUES (?, ?, ?)",
                (source, kind, when),
            )

    def sources(self) -> list[tuple[str, str]]:
        """The remembered sources (rows that are not texts passed over)."""
        rows = self.db.execute(
            "SELECT source, kind FROM sources ORDER BY CAST(added AS TEXT), CAST(source AS TEXT)"
        )
        return [
            (r["source"], r["kind"])
            for r in rows
            if isinstance(r["source"], str) and isinstance(r["kind"], str) and r["source"]
        ]
