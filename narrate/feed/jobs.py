"""The API service's state, kept in the feed's library.sqlite beside the episodes: bearer
tokens (only their hashes), CMS webhook secrets, and the queue of narration jobs.

A job is claimed by moving it from "queued" to "running" in one statement, and finished by
moving it to "done" or "failed"; a service killed mid-job finds it "running" when it starts
again and queues it once more (the narration itself is idempotent: an episode already
narrated as the job asks comes back "unchanged"). Identical content posted twice is one job.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import FeedError

SCOPES = ("create", "read", "delete")
STATUSES = ("queued", "running", "done", "failed")
TOKEN_PREFIX = "nrt_"

SCHEMA = """
CREATE TABLE IF NOT EXISTS api_tokens (
    name TEXT PRIMARY KEY, digest TEXT NOT NULL UNIQUE, scopes TEXT NOT NULL,
    created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_hooks (
    kind TEXT NOT NULL, name TEXT NOT NULL, secret TEXT NOT NULL, created TEXT NOT NULL,
    PRIMARY KEY (kind, name));
CREATE TABLE IF NOT EXISTS api_jobs (
    id TEXT PRIMARY KEY, content TEXT NOT NULL, request TEXT NOT NULL, requester TEXT NOT NULL,
    status TEXT NOT NULL, outcome TEXT, error TEXT, guid TEXT, attempts INTEGER NOT NULL,
    created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_callbacks (
    id TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL, owner TEXT NOT NULL,
    created TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_deliveries (
    id TEXT PRIMARY KEY, callback TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL,
    due REAL NOT NULL, status TEXT NOT NULL, error TEXT);
CREATE INDEX IF NOT EXISTS api_deliveries_due ON api_deliveries (status, due);
CREATE INDEX IF NOT EXISTS api_jobs_content ON api_jobs (content);
CREATE INDEX IF NOT EXISTS api_jobs_status ON api_jobs (status, created);
"""


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@dataclass(frozen=True)
class Token:
    name: str
    scopes: frozenset[str]


@dataclass(frozen=True)
class Job:
    """One request to narrate: REQUEST is what was posted (a URL, or HTML and its metadata)."""

    id: str
    content: str
    request: dict[str, Any]
    requester: str
    status: str
    outcome: str | None
    error: str | None
    guid: str | None
    attempts: int
    created: str
    updated: str

    def public(self) -> dict[str, Any]:
        """What the API shows of it (never the posted HTML)."""
        return {
            "id": self.id,
            "status": self.status,
            "outcome": self.outcome,
            "error": self.error,
            "guid": self.guid,
            "url": self.request.get("url"),
            "title": self.request.get("title"),
            "created": self.created,
            "updated": self.updated,
        }


def content_key(request: dict[str, Any]) -> str:
    """What makes two requests the same job: the posted content, canonically."""
    return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()


class JobStore:
    """The API tables of FOLDER's library.sqlite, safe to use from several threads."""

    def __init__(self, path: Path) -> None:
        try:
            self.db = sqlite3.connect(
                str(path), timeout=30, check_same_thread=False, isolation_level=None
            )
            self.db.executescript(SCHEMA)
        except sqlite3.DatabaseError as exc:
            raise FeedError(f"cannot open the API's state in {path}: {exc}") from None
        self.lock = threading.Lock()

    def close(self) -> None:
        self.db.close()

    # Tokens and hook secrets.

    def add_token(self, name: str, scopes: tuple[str, ...]) -> str:
        """A new bearer token NAME for SCOPES: returned once, only its hash is kept."""
        if not name.strip() or len(name) > 100:
            raise FeedError("a token's name must be 1 to 100 characters")
        unknown = set(scopes) - set(SCOPES)
        if unknown:
            raise FeedError(f"unknown scope(s) {', '.join(sorted(unknown))}: {', '.join(SCOPES)}")
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self.lock:
            try:
                self.db.execute(
                    "INSERT INTO api_tokens VALUES (?, ?, ?, ?)",
                    (name, digest(token), ",".join(scopes), now()),
                )
            except sqlite3.IntegrityError:
                raise FeedError(f"there is a token named {name!r} already") from None
        return token

    def remove_token(self, name: str) -> None:
        with self.lock:
            if not self.db.execute("DELETE FROM api_tokens WHERE name = ?", (name,)).rowcount:
                raise FeedError(f"no token named {name!r}")

    def tokens(self) -> list[tuple[str, str, str]]:
        with self.lock:
            return self.db.execute(
                "SELECT name, scopes, created FROM api_tokens ORDER BY name"
            ).fetchall()

    def token(self, presented: str) -> Token | None:
        """The token PRESENTED is, compared in constant time (by its hash), or None."""
        wanted = digest(presented)
        with self.lock:
            rows = self.db.execute("SELECT name, digest, scopes FROM api_tokens").fetchall()
        found = None
        for name, stored, scopes in rows:  # every row compared, found or not
            if hmac.compare_digest(stored, wanted):
                found = Token(name, frozenset(s for s in scopes.split(",") if s))
        return found

    def add_hook(self, kind: str, name: str) -> str:
        """A new webhook secret for a CMS (KIND: ghost) called NAME, returned once; kept, as
        checking a signature needs it (in the state, never in public/)."""
        secret = secrets.token_hex(32)
        with self.lock:
            try:
                self.db.execute(
                    "INSERT INTO api_hooks VALUES (?, ?, ?, ?)", (kind, name, secret, now())
                )
            except sqlite3.IntegrityError:
                raise FeedError(f"there is a {kind} hook named {name!r} already") from None
        return secret

    def hook_secret(self, kind: str, name: str) -> str | None:
        with self.lock:
            row = self.db.execute(
                "SELECT secret FROM api_hooks WHERE kind = ? AND name = ?", (kind, name)
            ).fetchone()
        return row[0] if row else None

    # Callbacks: where the service tells that an episode is ready or failed.

    def add_callback(self, url: str, owner: str) -> tuple[str, str]:
        """A callback to URL: (its id, its signing secret), the secret returned once."""
        callback_id, secret = uuid.uuid4().hex, secrets.token_hex(32)
        with self.lock:
            self.db.execute(
                "INSERT INTO api_callbacks VALUES (?, ?, ?, ?, ?)",
                (callback_id, url, secret, owner, now()),
            )
        return callback_id, secret

    def callbacks(self) -> list[tuple[str, str, str, str]]:
        """(id, url, owner, created) of every callback (never their secrets)."""
        with self.lock:
            return self.db.execute(
                "SELECT id, url, owner, created FROM api_callbacks ORDER BY created"
            ).fetchall()

    def remove_callback(self, callback_id: str) -> bool:
        with self.lock:
            return bool(
                self.db.execute("DELETE FROM api_callbacks WHERE id = ?", (callback_id,)).rowcount
            )

    def announce(self, event: dict[str, Any]) -> int:
        """Queue EVENT for every callback (sent by the delivery thread); how many."""
        body = json.dumps(event, sort_keys=True)
        with self.lock:
            ids = [row[0] for row in self.db.execute("SELECT id FROM api_callbacks")]
            for callback_id in ids:
                self.db.execute(
                    "INSERT INTO api_deliveries VALUES (?, ?, ?, 0, 0, 'pending', NULL)",
                    (uuid.uuid4().hex, callback_id, body),
                )
        return len(ids)

    def due_delivery(self, moment: float) -> tuple[str, str, str, str, int] | None:
        """(delivery id, url, secret, body, attempts) of a delivery due at MOMENT."""
        with self.lock:
            return self.db.execute(
                "SELECT d.id, c.url, c.secret, d.body, d.attempts FROM api_deliveries d "
                "JOIN api_callbacks c ON c.id = d.callback "
                "WHERE d.status = 'pending' AND d.due <= ? ORDER BY d.due LIMIT 1",
                (moment,),
            ).fetchone()

    def delivered(self, delivery_id: str, status: str, attempts: int, due: float,
                  error: str | None) -> None:  # fmt: skip
        with self.lock:
            self.db.execute(
                "UPDATE api_deliveries SET status = ?, attempts = ?, due = ?, error = ? "
                "WHERE id = ?",
                (status, attempts, due, error, delivery_id),
            )

    def deliveries(self) -> list[tuple[str, str, int, str | None]]:
        """(callback id, status, attempts, error) of every delivery, for tests and list."""
        with self.lock:
            return self.db.execute(
                "SELECT callback, status, attempts, error FROM api_deliveries ORDER BY rowid"
            ).fetchall()

    # Jobs.

    def submit(self, request: dict[str, Any], requester: str, bound: int) -> tuple[Job, bool]:
        """The job for REQUEST: (the one already there for the same content, False) unless it
        finished and asked for a URL to be read again, else (a new queued job, True).
        QueueFull when BOUND jobs wait already."""
        key = content_key(request)
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                row = self.db.execute(
                    "SELECT * FROM api_jobs WHERE content = ? ORDER BY created DESC LIMIT 1",
                    (key,),
                ).fetchone()
                existing = self._job(row) if row else None
                reread = "html" not in request and existing is not None
                if existing and not (reread and existing.status in ("done", "failed")):
                    self.db.execute("COMMIT")
                    return existing, False
                waiting = self.db.execute(
                    "SELECT COUNT(*) FROM api_jobs WHERE status IN ('queued', 'running')"
                ).fetchone()[0]
                if waiting >= bound:
                    raise QueueFull(f"the queue is full ({waiting} jobs waiting)")
                stamp = now()
                job_id = uuid.uuid4().hex
                self.db.execute(
                    "INSERT INTO api_jobs VALUES (?, ?, ?, ?, 'queued', NULL, NULL, NULL, 0, ?, ?)",
                    (job_id, key, json.dumps(request), requester, stamp, stamp),
                )
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
        job = self.get(job_id)
        assert job is not None
        return job, True

    def claim(self) -> Job | None:
        """The oldest queued job, now running (None when none waits)."""
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                row = self.db.execute(
                    "SELECT id FROM api_jobs WHERE status = 'queued' ORDER BY created, rowid "
                    "LIMIT 1"
                ).fetchone()
                if row is not None:
                    self.db.execute(
                        "UPDATE api_jobs SET status = 'running', attempts = attempts + 1, "
                        "updated = ? WHERE id = ?",
                        (now(), row[0]),
                    )
                self.db.execute("COMMIT")
            except BaseException:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise
        return self.get(row[0]) if row else None

    def finish(self, job_id: str, status: str, outcome: str | None, error: str | None,
               guid: str | None) -> None:  # fmt: skip
        with self.lock:
            self.db.execute(
                "UPDATE api_jobs SET status = ?, outcome = ?, error = ?, guid = ?, updated = ? "
                "WHERE id = ?",
                (status, outcome, error, guid, now(), job_id),
            )

    def requeue_running(self) -> int:
        """Jobs a stopped service left running, queued again (at its start)."""
        with self.lock:
            return self.db.execute(
                "UPDATE api_jobs SET status = 'queued', updated = ? WHERE status = 'running'",
                (now(),),
            ).rowcount

    def get(self, job_id: str) -> Job | None:
        with self.lock:
            row = self.db.execute("SELECT * FROM api_jobs WHERE id = ?", (job_id,)).fetchone()
        return self._job(row) if row else None

    def jobs(
        self, status: str | None = None, since: str | None = None, limit: int = 100
    ) -> list[Job]:
        query = "SELECT * FROM api_jobs WHERE 1 = 1"
        args: list[Any] = []
        if status:
            query += " AND status = ?"
            args.append(status)
        if since:
            query += " AND updated >= ?"
            args.append(since)
        query += " ORDER BY created DESC, rowid DESC LIMIT ?"
        args.append(limit)
        with self.lock:
            return [self._job(row) for row in self.db.execute(query, args).fetchall()]

    def delete(self, job_id: str) -> None:
        with self.lock:
            self.db.execute("DELETE FROM api_jobs WHERE id = ?", (job_id,))

    def counts(self) -> dict[str, int]:
        with self.lock:
            rows = self.db.execute("SELECT status, COUNT(*) FROM api_jobs GROUP BY status")
            found = dict(rows.fetchall())
        return {status: int(found.get(status, 0)) for status in STATUSES}

    @staticmethod
    def _job(row: tuple[Any, ...]) -> Job:
        request = json.loads(row[2])
        return Job(row[0], row[1], request, *row[3:])


class QueueFull(FeedError):
    """The queue holds as many jobs as it may."""
