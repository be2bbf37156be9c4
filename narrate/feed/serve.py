"""`narrate serve`: a feed's published files over HTTP, with byte ranges, for apps and browsers.

Only what listeners get is served: feed.xml, index.html, the artwork, and the episodes'
audio, pages, transcripts, chapters and covers. The feed's state (feed.toml, library.sqlite,
locks, staging folders) and anything else in the folder answers 404, as does a path that
leaves the folder (by `..` or a symbolic link); folders are never listed.
"""

from __future__ import annotations

import email.utils
import mimetypes
import os
import re
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO

EXTRA_TYPES = {
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".opus": "audio/ogg",
    ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg",
    ".json": "application/json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/rss+xml; charset=utf-8",
    ".jpg": "image/jpeg",
}
TOP_FILES = {"feed.xml", "index.html"}
EPISODE_SUFFIXES = (
    ".mp3",
    ".m4a",
    ".opus",
    ".html",
    ".vtt",
    ".srt",
    ".chapters.json",
    ".transcript.json",
    ".jpg",
)
RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def published_file(root: Path, url_path: str, artwork: str = "") -> Path | None:
    """The file URL_PATH names when it is one of the published files under ROOT, else None."""
    path = urllib.parse.unquote(url_path.split("?", 1)[0].split("#", 1)[0])
    if "\x00" in path or "\\" in path:
        return None
    parts = [part for part in path.split("/") if part]
    if any(part.startswith(".") for part in parts):  # dot files and `..` alike
        return None
    if not parts:
        parts = ["index.html"]
    if len(parts) == 1:
        if parts[0] not in TOP_FILES and not (artwork and parts[0] == artwork):
            return None
    elif len(parts) != 2 or parts[0] != "episodes" or not parts[1].endswith(EPISODE_SUFFIXES):
        return None
    candidate = root.joinpath(*parts)
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not real.is_relative_to(root.resolve()) or not real.is_file():
        return None
    return real


def parse_range(header: str | None, size: int) -> tuple[int, int] | str | None:
    """(start, end) for a single satisfiable byte range; None to send the whole file (no
    header, or one this server does not take: several ranges, a malformed or reversed one);
    "unsatisfiable" when the range starts past the end."""
    if not header:
        return None
    match = RANGE.match(header.strip())
    if not match or not (match.group(1) or match.group(2)):
        return None
    if match.group(1):
        start = int(match.group(1))
        end = int(match.group(2)) if match.group(2) else size - 1
        if match.group(2) and end < start:
            return None  # reversed: not a range at all
    else:  # a suffix range: the last N bytes
        length = int(match.group(2))
        if length == 0:
            return "unsatisfiable"
        start, end = max(0, size - length), size - 1
    if start >= size:
        return "unsatisfiable"
    return start, min(end, size - 1)


class FeedRequestHandler(BaseHTTPRequestHandler):
    """GET and HEAD of the published files, with single byte ranges (206) as podcast apps
    and <audio> elements expect."""

    server_version = "narrate"
    root: Path = Path(".")
    artwork: str = ""

    def do_GET(self) -> None:
        self.answer(body=True)

    def do_HEAD(self) -> None:
        self.answer(body=False)

    def answer(self, body: bool) -> None:
        path = published_file(self.root, self.path, self.artwork)
        if path is None:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        try:
            handle: BinaryIO = path.open("rb")
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        with handle:
            stat = os.fstat(handle.fileno())
            size = stat.st_size
            wanted = parse_range(self.headers.get("Range"), size)
            if wanted == "unsatisfiable":
                self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                self.send_header("Content-Range", f"bytes */{size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if isinstance(wanted, tuple):
                start, end = wanted
                self.send_response(HTTPStatus.PARTIAL_CONTENT)
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
            else:
                start, end = 0, size - 1
                self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", self.guess_type(path))
            self.send_header("Content-Length", str(end - start + 1))
            self.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
            self.end_headers()
            if body:
                handle.seek(start)
                copy_bytes(handle, self.wfile, end - start + 1)

    def guess_type(self, path: Path) -> str:
        suffix = path.suffix.lower()
        return (
            EXTRA_TYPES.get(suffix)
            or mimetypes.guess_type(str(path))[0]
            or "application/octet-stream"
        )

    def end_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        if not getattr(self.server, "quiet", False):
            super().log_message(format, *args)


def copy_bytes(source: BinaryIO, target: object, remaining: int) -> None:
    write = target.write  # type: ignore[attr-defined]
    try:
        while remaining > 0:
            chunk = source.read(min(CHUNK, remaining))
            if not chunk:
                break
            write(chunk)
            remaining -= len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the listener skipped ahead or went away


class FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    quiet = False

    def handle_error(self, request: object, client_address: object) -> None:
        if not self.quiet:
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def make_server(
    folder: Path, host: str = "127.0.0.1", port: int = 8000, quiet: bool = False
) -> ThreadingHTTPServer:
    artwork = ""
    try:
        from .config import load_config

        artwork = load_config(folder).image
    except Exception:  # a folder without a readable feed.toml still serves its feed
        artwork = ""
    handler = type(
        "BoundFeedRequestHandler",
        (FeedRequestHandler,),
        {"root": folder.resolve(), "artwork": artwork},
    )
    server = FeedServer((host, port), handler)
    server.quiet = quiet
    return server


__all__ = ["FeedRequestHandler", "make_server", "parse_range", "published_file"]
