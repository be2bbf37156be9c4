"""`narrate serve`: a feed's public folder over HTTP, with byte ranges, for apps and browsers.

Only the public folder is served (see layout.py): its top-level files (feed.xml, index.html,
site.css, the artwork) and the files directly inside episodes/ and player/. The feed's state
(feed.toml, library.sqlite, locks, staging) lives outside it and answers 404, as does a dot
file, a deeper path, or a path that leaves the folder (by `..` or a symbolic link); folders
are never listed. Every answer allows any origin (CORS), so the player works embedded in a
publisher's pages. With a preview base URL, the base URL of feed.toml in the feed, pages and
JSON files is replaced by it as they are sent, so a feed meant for its real host can be tried
locally.

Held connections cannot starve real ones (slowloris): a request's line and headers must
arrive within HEADER_TIMEOUT_S in all, a kept-alive connection is closed after
IDLE_TIMEOUT_S without a request, a sending connection after SEND_TIMEOUT_S without progress,
and at most MAX_CONNECTIONS are open at once: one more arriving closes the connection that
has waited longest without sending a whole request (one being answered is never closed).
"""

from __future__ import annotations

import contextlib
import email.utils
import io
import mimetypes
import os
import re
import socket
import threading
import time
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import BusyError
from .config import CONFIG_NAME, FeedError

EXTRA_TYPES = {
    ".vtt": "text/vtt; charset=utf-8",
    ".srt": "application/x-subrip; charset=utf-8",
    ".opus": "audio/ogg",
    ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg",
    ".json": "application/json; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/rss+xml; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".jpg": "image/jpeg",
}
SUBFOLDERS = ("episodes", "player")
REBASED = (".xml", ".json", ".html")  # the files that carry absolute URLs
RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
HEADER_TIMEOUT_S = 10.0  # for the request line and headers, however slowly they trickle
IDLE_TIMEOUT_S = 15.0  # a kept-alive connection with no next request
SEND_TIMEOUT_S = 30.0  # a listener that takes nothing of what is sent
MAX_CONNECTIONS = 256
BACKLOG = 1024


def published_file(root: Path, url_path: str) -> Path | None:
    """The file URL_PATH names when it is a published file under ROOT (the public folder)."""
    path = urllib.parse.unquote(url_path.split("?", 1)[0].split("#", 1)[0])
    if "\x00" in path or "\\" in path:
        return None
    parts = [part for part in path.split("/") if part]
    if any(part.startswith(".") for part in parts):  # dot files and `..` alike
        return None
    if not parts:
        parts = ["index.html"]
    if len(parts) > 2 or (len(parts) == 2 and parts[0] not in SUBFOLDERS):
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
    protocol_version = "HTTP/1.1"  # keep-alive: a player's range requests reuse a connection
    root: Path = Path(".")
    rebase: tuple[bytes, bytes] | None = None  # (feed.toml's base URL, the preview's)
    timeout = IDLE_TIMEOUT_S

    def handle_one_request(self) -> None:
        """One request, its line and headers within HEADER_TIMEOUT_S in all: a timer shuts
        the connection when they have not all come by then."""
        server: FeedServer = self.server  # type: ignore[assignment]
        server.waiting(self.connection, True)
        timer = threading.Timer(HEADER_TIMEOUT_S, server.drop, (self.connection,))
        timer.daemon = True
        timer.start()
        try:
            self.connection.settimeout(IDLE_TIMEOUT_S)
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if len(self.raw_requestline) > 65536:
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                return
            if not self.parse_request():
                return
        except (TimeoutError, OSError):
            self.close_connection = True
            return
        finally:
            timer.cancel()
            server.waiting(self.connection, False)
        self.connection.settimeout(SEND_TIMEOUT_S)
        method = getattr(self, f"do_{self.command}", None)
        if method is None:
            self.send_error(HTTPStatus.NOT_IMPLEMENTED, f"Unsupported method ({self.command!r})")
            return
        method()
        self.wfile.flush()

    def do_GET(self) -> None:
        self.answer(body=True)

    def do_HEAD(self) -> None:
        self.answer(body=False)

    def do_OPTIONS(self) -> None:
        """A CORS preflight: any origin may GET and HEAD, with a Range header."""
        self.send_response(HTTPStatus.NO_CONTENT)
        self.send_header("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Range")
        self.send_header("Access-Control-Max-Age", "86400")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def answer(self, body: bool) -> None:
        if self.headers.get("Content-Length", "0") not in ("", "0"):
            self.close_connection = True  # a body on a GET is not read: never reuse the line
        path = published_file(self.root, self.path)
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
            if self.rebase and path.suffix in REBASED:
                old, new = self.rebase
                content = handle.read().replace(old, new)
                handle.close()
                handle = io.BytesIO(content)
                size = len(content)
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
        self.send_header("Access-Control-Expose-Headers", "Content-Length, Content-Range")
        self.send_header("Cross-Origin-Resource-Policy", "cross-origin")
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
    """A thread a connection, MAX_CONNECTIONS at most (see the module's notes)."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = BACKLOG
    quiet = False
    configured_base = ""  # feed.toml's base URL ('' for a bare public folder)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.open: dict[socket.socket, tuple[bool, float]] = {}  # → (waiting, since)
        self.open_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.open_lock:
            self.open[request] = (True, time.monotonic())
            if len(self.open) > MAX_CONNECTIONS:
                waiting = [(since, sock) for sock, (idle, since) in self.open.items() if idle]
                if waiting:
                    self.drop(min(waiting, key=lambda item: item[0])[1], locked=True)
        super().process_request(request, client_address)

    def waiting(self, sock: socket.socket, idle: bool) -> None:
        """SOCK waits for a request (IDLE), or is being answered."""
        with self.open_lock:
            if sock in self.open:
                self.open[sock] = (idle, time.monotonic() if idle else self.open[sock][1])

    def drop(self, sock: socket.socket, locked: bool = False) -> None:
        """Close SOCK for reading and writing: its thread ends at its next read or write."""
        if not locked:
            with self.open_lock:
                self.open.pop(sock, None)
        else:
            self.open.pop(sock, None)
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)

    def shutdown_request(self, request: Any) -> None:
        with self.open_lock:
            self.open.pop(request, None)
        super().shutdown_request(request)

    def handle_error(self, request: object, client_address: object) -> None:
        if not self.quiet:
            super().handle_error(request, client_address)  # type: ignore[arg-type]


def served_folder(folder: Path) -> tuple[Path, str]:
    """The public folder to serve for FOLDER and feed.toml's base URL ('' when FOLDER is a
    public folder itself, copied or uploaded without its state). An old feed folder's files
    are moved into its public folder first, when no other narrate is working in it."""
    from .config import load_config
    from .layout import layout_for, old_layout_items

    if not (folder / CONFIG_NAME).exists():
        if (folder / "feed.xml").is_file():
            return folder, ""
        raise FeedError(f"{folder} is neither a feed folder (no {CONFIG_NAME}) nor a public one")
    config = load_config(folder)
    layout = layout_for(folder, config)
    if old_layout_items(folder, config):
        from ..files import folder_lock
        from .batch import open_layout

        try:
            with folder_lock(folder, "serve"):
                open_layout(folder, config)
        except BusyError:
            pass  # the run working in it moves them
    if not layout.feed_xml.exists():
        raise FeedError(f"{layout.public} holds no feed.xml yet: run narrate feed add first")
    return layout.public, config.base_url


def serving_address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def base_url_differs(base_url: str, host: str, port: int) -> bool:
    """Whether feed.xml's links (under BASE_URL) miss the server on HOST:PORT: apps that
    subscribe here would fetch the episodes from elsewhere."""
    parsed = urllib.parse.urlsplit(base_url)
    base_port = parsed.port or (443 if parsed.scheme == "https" else 80)
    base_host = (parsed.hostname or "").lower()
    if host in ("0.0.0.0", "::", ""):
        same_host = True  # every address of this machine: the host cannot be told
    else:
        same_host = base_host == host.lower() or {base_host, host} <= LOOPBACK
    return not (
        parsed.scheme == "http"
        and same_host
        and base_port == port
        and parsed.path.rstrip("/") == ""
    )


def make_server(
    folder: Path,
    host: str = "127.0.0.1",
    port: int = 8000,
    quiet: bool = False,
    base_url: str | None = None,
) -> FeedServer:
    """A server for FOLDER's public folder (see served_folder); with BASE_URL, feed.toml's
    base URL is replaced by it in what is sent (a local preview of a feed meant for its host).
    """
    root, configured = served_folder(folder)
    handler = type("BoundFeedRequestHandler", (FeedRequestHandler,), {"root": root.resolve()})
    server = FeedServer((host, port), handler)
    server.quiet = quiet
    server.configured_base = configured
    if base_url is not None:
        preview = base_url.rstrip("/") + "/"
        if configured:
            old = configured.rstrip("/") + "/"
            handler.rebase = (old.encode(), preview.encode())
    return server


__all__ = [
    "FeedRequestHandler",
    "base_url_differs",
    "make_server",
    "parse_range",
    "published_file",
    "serving_address",
]
