"""Shared fixtures: sample paths and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SAMPLE_HTML = SAMPLES / "kyiv-independent-austin.html"
SHARED_DATA = ROOT.parent / "shared" / "data"

# The tests play a user pressing Ctrl-C at a terminal. A test run started in the background
# by a shell (`bash .ci/run &`) inherits SIGINT ignored, and so would every narrate it starts:
# Ctrl-C would do nothing. A handler (unlike an ignored signal) is reset by exec, so the
# processes the tests start get the default again.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class LocalServer:
    """A tiny web server the tests program route by route."""

    base_url: str
    routes: dict[str, Route | Callable[[BaseHTTPRequestHandler], Route]]
    requests: list[tuple[str, str, bytes]]

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture
def server() -> Iterator[LocalServer]:
    routes: dict[str, Route | Callable[[BaseHTTPRequestHandler], Route]] = {}
    requests: list[tuple[str, str, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def handle_any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            self.request_body = body  # for routes that answer according to it
            requests.append((self.command, self.path, body))
            route = routes.get(self.path.split("?")[0])
            if route is None:
                route = Route(404, b"<html><body>Not found</body></html>")
            if callable(route):
                route = route(self)
            self.send_response(route.status)
            if route.content_type:
                self.send_header("Content-Type", route.content_type)
            for key, value in route.headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(route.body)

        do_GET = do_POST = do_HEAD = handle_any

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield LocalServer(f"http://127.0.0.1:{httpd.server_address[1]}", routes, requests)
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def sample_html() -> str:
    return SAMPLE_HTML.read_text(encoding="utf-8")


@pytest.fixture(autouse=True, scope="session")
def private_segment_cache(tmp_path_factory):
    """Tests never read or fill the user's own segment cache."""
    import os

    folder = tmp_path_factory.mktemp("segment-cache")
    previous = os.environ.get("NARRATE_CACHE_DIR")
    os.environ["NARRATE_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("NARRATE_CACHE_DIR", None)
    else:
        os.environ["NARRATE_CACHE_DIR"] = previous


@pytest.fixture
def published(tmp_path, server):
    """A feed (made by the real command line) with two episodes, and a third article on the
    server not yet in it."""
    from tests.test_faults import article_html, make_feed, run

    for slug in ("one", "two", "three"):
        server.routes[f"/{slug}"] = Route(body=article_html(f"Story {slug}"))
    folder = make_feed(tmp_path)
    added = run(tmp_path, "feed", "add", str(folder), server.url("/one"), server.url("/two"))
    assert added.returncode == 0, added.stderr
    return folder
