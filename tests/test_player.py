"""The public folder, the site and the embeddable "Listen to this article" player.

The browser tests drive Debian's Chromium with Playwright: the snippet `feed embed` prints is
pasted into a publisher's article page served from a second 127.0.0.1 port, and the player
must load, play, seek and change speed there, hostile page styles included; axe-core (from
npm: `npm ci --prefix tests/browser`) checks the player and the site pages. Screenshots go to
a temp folder, or to $NARRATE_SCREENSHOTS (`tools/screenshots` regenerates docs/screenshots).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from narrate.cli import cli
from narrate.feed import FeedConfig, add_sources, init_feed, list_episodes
from narrate.feed.embed import clock, manifest_name, minutes_label
from narrate.feed.layout import layout_for
from narrate.feed.site import STATIC, transcript_parts
from narrate.pipeline.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
]
HOSTILE_CSS = """
* { all: unset; }
button { display: none !important; }
div { font-size: 40px; color: red; line-height: 0; }
[data-narrate-player] { opacity: 0.5; }
"""
PUBLISHER_CSS = """
body { font: 18px/1.6 Georgia, serif; margin: 0; color: #111; background: #fff; }
.site-header, .article { max-width: 44rem; margin: 0 auto; padding: 0 1rem; }
.site-header { border-bottom: 3px solid #111; padding: 1rem; font: 700 1.4rem system-ui; }
.article__title { font-size: 2.1rem; line-height: 1.15; }
.article__meta { font: 0.9rem system-ui; color: #444; }
figure, .support-banner, .newsletter, .related, footer, nav, aside { display: none; }
.article__audio { margin: 1.5rem 0; }
"""


def have_browser() -> bool:
    try:
        import playwright  # noqa: F401
    except ImportError:
        return False
    return CHROMIUM.exists()


needs_browser = pytest.mark.skipif(not have_browser(), reason="playwright or Chromium missing")
needs_axe = pytest.mark.skipif(
    not AXE.exists(), reason="axe-core missing: npm ci --prefix tests/browser"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def cover_image(path: Path) -> Path:
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (1400, 1400), (18, 52, 110))
    draw = ImageDraw.Draw(picture)
    for step in range(0, 1400, 70):
        draw.ellipse((700 - step, 700 - step, 700 + step, 700 + step), outline=(250, 200, 60))
    picture.save(path)
    return path


@pytest.fixture(scope="module")
def feed_folder(tmp_path_factory) -> Path:
    """A feed of the two sample articles, narrated with espeak (seconds)."""
    base = tmp_path_factory.mktemp("player")
    folder = base / "feed"
    config = FeedConfig(
        title="Kyiv Desk, read aloud",
        author="Narrate Desk",
        email="desk@example.com",
        base_url="https://example.org/podcast/",
        description="Reporting from and about Ukraine, narrated as it is published.",
        narration=Settings(engine="espeak"),
    )
    init_feed(folder, config, cover_image(base / "cover.png"))
    outcomes = add_sources(
        folder,
        [
            str(SAMPLES / "kyiv-independent-austin.html"),
            str(SAMPLES / "nytimes-winter-underground.html"),
        ],
    )
    assert [o.status for o in outcomes] == ["new", "new"], outcomes
    return folder


@pytest.fixture(scope="module")
def records(feed_folder):
    return {r.title: r for r, _ in list_episodes(feed_folder)}


def kyiv(records):
    return next(r for t, r in records.items() if t.startswith("Austin"))


# --- the public folder ---------------------------------------------------------------------


def test_public_folder_holds_everything_published_and_nothing_else(feed_folder, records):
    public = feed_folder / "public"
    top = sorted(p.name for p in public.iterdir())
    assert top == ["cover.jpg", "episodes", "feed.xml", "index.html", "player", "site.css"]
    state = sorted(p.name for p in feed_folder.iterdir())
    assert "feed.xml" not in state and "episodes" not in state
    assert {"feed.toml", "library.sqlite", "public"} <= set(state)
    for record in records.values():
        stem = record.audio.rsplit(".", 1)[0]
        for name in (record.audio, f"{stem}.html", f"{stem}.vtt", f"{stem}.oembed.json"):
            assert (public / "episodes" / name).is_file(), name
        assert (public / "player" / f"{stem}.json").is_file()
    assert (public / "player" / "player.js").read_bytes() == (STATIC / "player.js").read_bytes()
    assert not list((feed_folder / ".staging").iterdir())


def test_player_script_is_small_and_self_contained():
    script = (STATIC / "player.js").read_text(encoding="utf-8")
    assert len(script.encode()) < 20_000  # its English words included (about 6 kB gzipped)
    assert "http://" not in script and "https://HOST" in script  # no CDN, only the example
    assert "import " not in script and "require(" not in script


def test_out_must_keep_state_unpublished(tmp_path):
    config = FeedConfig(title="T", author="A", email="a@b.co", base_url="https://x.org/")
    for out in (".", "..", str(tmp_path)):
        with pytest.raises(Exception, match="would publish the feed's own settings"):
            layout_for(tmp_path / "feed", config.__class__(**{**config.__dict__, "out": out}))
    elsewhere = tmp_path / "www" / "podcast"
    init_feed(tmp_path / "feed", FeedConfig(**{**config.__dict__, "out": str(elsewhere)}))
    assert (elsewhere / "feed.xml").is_file() and (elsewhere / "player" / "player.js").is_file()
    assert not (tmp_path / "feed" / "public").exists()


def old_layout_copy(feed_folder: Path, target: Path) -> Path:
    """FEED_FOLDER as a folder made before public/ existed: published files beside state."""
    shutil.copytree(feed_folder, target)
    public = target / "public"
    for name in ("feed.xml", "index.html", "episodes", "cover.jpg"):
        (public / name).rename(target / name)
    shutil.rmtree(public)
    return target


def test_an_old_feed_folder_is_moved_into_public_on_the_next_run(feed_folder, tmp_path):
    old = old_layout_copy(feed_folder, tmp_path / "old")
    before = (old / "feed.xml").read_bytes()
    audio = sorted(p.name for p in (old / "episodes").glob("*.mp3"))
    listed = CliRunner().invoke(cli, ["feed", "list", str(old)])
    assert listed.exit_code == 0 and "missing" not in listed.output.lower()
    result = CliRunner().invoke(cli, ["feed", "update", str(old)])
    assert result.exit_code == 0, result.output
    assert "moved" in result.output and "public" in result.output
    assert not (old / "feed.xml").exists() and not (old / "episodes").exists()
    assert sorted(p.name for p in (old / "public" / "episodes").glob("*.mp3")) == audio
    assert (old / "public" / "cover.jpg").is_file()
    titles = re.findall(rb"<item>\s*<title>([^<]*)", (old / "public" / "feed.xml").read_bytes())
    assert titles == re.findall(rb"<item>\s*<title>([^<]*)", before)


def test_a_half_moved_folder_is_finished_and_loses_nothing(feed_folder, tmp_path):
    old = old_layout_copy(feed_folder, tmp_path / "half")
    (old / "public" / "episodes").mkdir(parents=True)
    first = sorted((old / "episodes").iterdir())[0]
    first.rename(old / "public" / "episodes" / first.name)  # stopped after one file
    result = CliRunner().invoke(cli, ["feed", "update", str(old)])
    assert result.exit_code == 0, result.output
    assert not (old / "episodes").exists()
    assert len(list((old / "public" / "episodes").glob("*.mp3"))) == 2
    assert len(re.findall(rb"<item>", (old / "public" / "feed.xml").read_bytes())) == 2


# --- embed, manifest, oEmbed ---------------------------------------------------------------


def test_embed_prints_one_element_and_one_script(feed_folder, records):
    result = CliRunner().invoke(cli, ["feed", "embed", str(feed_folder), "1"])
    assert result.exit_code == 0, result.output
    fragment = lxml_html.fragment_fromstring(result.output, create_parent="div")
    children = list(fragment)
    assert [c.tag for c in children] == ["div", "script"]
    manifest_url = children[0].get("data-narrate-player")
    assert manifest_url.startswith("https://example.org/podcast/player/")
    assert children[1].get("src") == "https://example.org/podcast/player/player.js"
    assert children[1].get("async") is not None
    assert "Listen to this article" in children[0].text_content()  # the no-script fallback
    preview = CliRunner().invoke(
        cli, ["feed", "embed", str(feed_folder), "1", "--base-url", "http://127.0.0.1:8123/"]
    )
    assert 'src="http://127.0.0.1:8123/player/player.js"' in preview.output
    oembed = CliRunner().invoke(cli, ["feed", "embed", str(feed_folder), "1", "--oembed"])
    assert re.fullmatch(r"https://example.org/podcast/episodes/.+\.oembed\.json\n", oembed.output)
    for bad in (["nope"], ["99"], ["1", "--base-url", "ftp://x/"]):
        failed = CliRunner().invoke(cli, ["feed", "embed", str(feed_folder), *bad])
        assert failed.exit_code == 1 and "Traceback" not in failed.output, failed.output


def test_manifest_describes_the_episode_with_urls_that_resolve(feed_folder, records):
    record = kyiv(records)
    player = feed_folder / "public" / "player"
    document = json.loads((player / manifest_name(record)).read_text())
    assert document["title"] == record.title
    assert document["duration"] == pytest.approx(record.duration, abs=0.01)
    assert document["disclosure"] == "This audio is created with AI assistance"
    assert document["label"] == "Listen to this article"
    chapters = json.loads(
        (
            feed_folder
            / "public"
            / "episodes"
            / (record.audio.rsplit(".", 1)[0] + ".chapters.json")
        ).read_text()
    )["chapters"]
    assert [c["start"] for c in document["chapters"]] == [c["startTime"] for c in chapters]
    for key in ("transcript", "captions", "image", "page"):
        assert (player / document[key]).resolve().is_file(), key
    assert (player / document["audio"]["url"]).resolve().stat().st_size == document["audio"]["size"]


def test_oembed_is_a_rich_response_with_the_snippet(feed_folder, records):
    record = kyiv(records)
    stem = record.audio.rsplit(".", 1)[0]
    document = json.loads((feed_folder / "public" / "episodes" / f"{stem}.oembed.json").read_text())
    assert document["version"] == "1.0" and document["type"] == "rich"
    assert document["provider_name"] == "Kyiv Desk, read aloud"
    assert 'data-narrate-player="https://example.org/podcast/player/' in document["html"]
    assert document["width"] > 0 and document["height"] > 0
    assert document["thumbnail_url"].endswith(f"/episodes/{stem}.jpg")
    assert document["thumbnail_width"] == document["thumbnail_height"] > 0
    page = (feed_folder / "public" / "episodes" / f"{stem}.html").read_text()
    assert f'type="application/json+oembed" href="{stem}.oembed.json"' in page


# --- the site ------------------------------------------------------------------------------


def test_episode_page_lays_the_transcript_out_in_paragraphs(feed_folder, records):
    record = kyiv(records)
    stem = record.audio.rsplit(".", 1)[0]
    page = lxml_html.fromstring((feed_folder / "public" / "episodes" / f"{stem}.html").read_bytes())
    assert len(page.cssselect(".transcript p")) >= 10  # one-sentence paragraphs here
    text = page.cssselect(".transcript")[0].text_content()
    assert "Lloyd Austin" in text
    assert "This audio is created with AI assistance" not in text  # the label is not read
    assert page.get("lang") == "en"
    assert page.cssselect(".length")[0].text_content().startswith(clock(record.duration))
    assert minutes_label(record.duration) in page.cssselect(".length")[0].text_content()
    dates = page.cssselect(".dates")[0].text_content()
    assert "Published 14 November 2023" in dates and "Narrated" in dates
    assert page.cssselect("[data-narrate-player]")[0].get("data-narrate-player") == (
        f"../player/{stem}.json"
    )


def test_paragraphs_of_several_sentences_stay_together(feed_folder, records):
    record = next(r for t, r in records.items() if not t.startswith("Austin"))
    stem = record.audio.rsplit(".", 1)[0]
    page = lxml_html.fromstring((feed_folder / "public" / "episodes" / f"{stem}.html").read_bytes())
    from narrate.pipeline import load_article
    from narrate.speech.script import SpeechOptions, build_script

    script = build_script(
        load_article(str(SAMPLES / "nytimes-winter-underground.html")),
        options=SpeechOptions(phonemes=False),
    )
    blocks = [b for b in script.blocks if b.kind not in ("intro", "outro")]
    parts = page.cssselect(".transcript > p, .transcript > h3")
    assert [len(p.cssselect("span")) for p in parts] == [len(b.sentences) for b in blocks]
    assert any(len(b.sentences) > 1 for b in blocks)
    headings = [b for b in blocks if b.kind == "heading"]
    assert len(page.cssselect(".transcript > h3")) == len(headings)


def test_index_has_artwork_description_and_a_subscribe_block(feed_folder, records):
    page = lxml_html.fromstring((feed_folder / "public" / "index.html").read_bytes())
    assert page.cssselect("img.artwork")[0].get("src") == "cover.jpg"
    assert "Reporting from and about Ukraine" in page.cssselect(".description")[0].text_content()
    field = page.cssselect(".subscribe input")[0]
    assert field.get("value") == "https://example.org/podcast/feed.xml"
    assert page.cssselect('.subscribe a[href="feed.xml"]')
    assert len(page.cssselect(".episode")) == 2


def test_page_language_follows_the_feed(feed_folder, tmp_path):
    copy = tmp_path / "de"
    shutil.copytree(feed_folder, copy)
    text = (copy / "feed.toml").read_text().replace('language = "en"', 'language = "de"')
    (copy / "feed.toml").write_text(text)
    from narrate.feed import publish

    publish(copy)
    for page in [copy / "public" / "index.html", *(copy / "public" / "episodes").glob("*.html")]:
        assert lxml_html.fromstring(page.read_bytes()).get("lang") == "de"


def test_damaged_transcripts_and_chapters_leave_a_page_without_them(tmp_path):
    path = tmp_path / "x.transcript.json"
    for garbage in ("", "{", "[]", '{"segments": 5}', '{"segments": [1, "a", null]}'):
        path.write_text(garbage)
        assert transcript_parts(path) == []
    path.write_text('{"segments": [{"startTime": "x", "endTime": 1}, {"startTime": 0}]}')
    assert transcript_parts(path) == []
    path.write_text('{"segments": [{"startTime": 0, "endTime": 1, "body": "Old style."}]}')
    assert transcript_parts(path) == [
        {"kind": "paragraph", "sentences": [{"start": 0, "end": 1, "text": "Old style."}]}
    ]
    from narrate.feed.embed import read_chapters

    chapters = tmp_path / "x.chapters.json"
    for garbage in (
        "",
        "[]",
        '{"chapters": 3}',
        '{"chapters": [{"startTime": "a", "title": "t"}]}',
    ):
        chapters.write_text(garbage)
        assert read_chapters(chapters) == []


# --- serve ---------------------------------------------------------------------------------


def start_serve(
    folder: Path, *extra: str, preview: bool = False
) -> tuple[subprocess.Popen, str, str]:
    """`narrate serve FOLDER` on a free port (with PREVIEW, `--base-url` its own address)."""
    port = free_port()
    address = f"http://127.0.0.1:{port}/"
    if preview:
        extra = ("--base-url", address, *extra)
    proc = subprocess.Popen(
        [sys.executable, "-m", "narrate", "serve", str(folder), "--port", str(port), *extra],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    first = proc.stderr.readline()
    assert "Serving" in first, first + proc.stderr.read()
    return proc, address, first


def stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        return proc.communicate(timeout=10)[1]
    except subprocess.TimeoutExpired:
        proc.kill()
        return ""


def fetch(url: str, method: str = "GET", headers: dict | None = None):
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), b""


def test_serve_returns_404_for_state_and_anything_outside_public(feed_folder, tmp_path):
    (feed_folder / "notes.txt").write_text("private")
    proc, address, _ = start_serve(feed_folder)
    try:
        assert fetch(address + "feed.xml")[0] == 200
        assert fetch(address + "player/player.js")[0] == 200
        for path in (
            "feed.toml",
            "library.sqlite",
            ".narrate.lock",
            ".staging/",
            "notes.txt",
            "../feed.toml",
            "%2e%2e/feed.toml",
            "%2e%2e/library.sqlite",
            "player/%2e%2e/%2e%2e/feed.toml",
            "public/feed.xml",
            "episodes/",
            "player/",
        ):
            status, _, body = fetch(address + path)
            assert status == 404, path
            assert b"private" not in body
    finally:
        stop(proc)
        (feed_folder / "notes.txt").unlink()


def test_serve_allows_other_origins(feed_folder, records):
    record = kyiv(records)
    proc, address, _ = start_serve(feed_folder)
    try:
        status, headers, body = fetch(
            address + "player/" + manifest_name(record), headers={"Origin": "http://other.test"}
        )
        assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
        assert json.loads(body)["title"] == record.title
        status, headers, _ = fetch(
            address + "episodes/" + record.audio,
            method="OPTIONS",
            headers={"Origin": "http://other.test", "Access-Control-Request-Headers": "range"},
        )
        assert status == 204 and "Range" in headers["Access-Control-Allow-Headers"]
        assert "GET" in headers["Access-Control-Allow-Methods"]
    finally:
        stop(proc)


def test_serve_warns_about_a_foreign_base_url_and_previews_with_its_own(feed_folder, records):
    proc, address, _ = start_serve(feed_folder)
    try:
        second = proc.stderr.readline()
        assert "https://example.org/podcast/" in second and "--base-url" in second
        assert b"https://example.org/podcast/episodes/" in fetch(address + "feed.xml")[2]
    finally:
        stop(proc)
    proc, preview, _ = start_serve(feed_folder, preview=True)
    try:
        status, headers, feed = fetch(preview + "feed.xml")
        assert status == 200 and b"example.org" not in feed
        assert f'url="{preview}episodes/'.encode() in feed
        assert int(headers["Content-Length"]) == len(feed)
        oembed = fetch(
            preview + "episodes/" + kyiv(records).audio.rsplit(".", 1)[0] + ".oembed.json"
        )
        assert preview + "player/player.js" in json.loads(oembed[2])["html"]
        ranged = fetch(preview + "feed.xml", headers={"Range": "bytes=0-9"})
        assert ranged[0] == 206 and ranged[2] == feed[:10]
    finally:
        warnings = stop(proc)
    assert "warning" not in warnings


# --- in a real browser ---------------------------------------------------------------------


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def servers(feed_folder, tmp_path_factory):
    """The feed served on one port (previewed at its own address) and a publisher's article
    page, with the snippet `feed embed` prints pasted in, on another."""
    proc, feed_base, _ = start_serve(feed_folder, "-q", preview=True)
    number = next(
        str(n)
        for n, (r, _) in enumerate(list_episodes(feed_folder), 1)
        if r.title.startswith("Austin")
    )
    snippet = (
        CliRunner()
        .invoke(cli, ["feed", "embed", str(feed_folder), number, "--base-url", feed_base])
        .output
    )
    assert "data-narrate-player" in snippet
    site = tmp_path_factory.mktemp("publisher")
    page = (SAMPLES / "kyiv-independent-austin.html").read_text(encoding="utf-8")
    page = re.sub(r'src="https?://[^"]*"', 'src="data:,"', page)  # no network here
    page = re.sub(r'<link rel="stylesheet"[^>]*>', "", page)
    start = page.index('<div class="article__audio">')
    end = page.index("</div>", page.index("</div>", start) + 6) + 6
    article = page[:start] + f'<div class="article__audio">{snippet}</div>' + page[end:]
    (site / "article.html").write_text(
        article.replace("</head>", f"<style>{PUBLISHER_CSS}</style></head>"), encoding="utf-8"
    )
    hostile = article.replace("</head>", f"<style>{HOSTILE_CSS}</style></head>").replace(
        "<body", '<body><button id="own">the page\'s own button</button><span hidden'
    )
    (site / "hostile.html").write_text(hostile, encoding="utf-8")
    handler = functools.partial(Quiet, directory=str(site))
    publisher = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=publisher.serve_forever, daemon=True).start()
    yield {"feed": feed_base, "publisher": f"http://127.0.0.1:{publisher.server_address[1]}/"}
    publisher.shutdown()
    publisher.server_close()
    stop(proc)


@pytest.fixture(scope="module")
def browser():
    if not have_browser():
        pytest.skip("playwright or Chromium missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def shadow(page, expression: str):
    """Evaluate EXPRESSION with `root` the first player's shadow root."""
    return page.evaluate(
        "(code) => { const root = document.querySelector('[data-narrate-player]').shadowRoot;"
        " return Function('root', 'return ' + code)(root); }",
        expression,
    )


def wait_ready(page) -> None:
    page.wait_for_function(
        "() => { const h = document.querySelector('[data-narrate-player]');"
        " return h && h.shadowRoot && h.shadowRoot.querySelector('.play'); }",
        timeout=20000,
    )


def current_time(page) -> float:
    return shadow(page, "root.querySelector('audio').currentTime")


def wait_time_past(page, seconds: float) -> None:
    page.wait_for_function(
        "(t) => document.querySelector('[data-narrate-player]').shadowRoot"
        ".querySelector('audio').currentTime > t",
        arg=seconds,
        timeout=20000,
    )


@needs_browser
def test_embedded_player_works_on_a_hostile_page_of_another_origin(servers, browser, records):
    record = kyiv(records)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(servers["publisher"] + "hostile.html")
    assert servers["publisher"] != servers["feed"]
    wait_ready(page)
    # the page's styles are in force on the page ...
    assert page.evaluate("getComputedStyle(document.getElementById('own')).display") == "none"
    # ... and do not reach the player
    play = page.locator("[data-narrate-player] .play")
    assert play.is_visible()
    box = page.locator("[data-narrate-player] .np").bounding_box()
    assert box["width"] > 250 and box["height"] > 100
    assert page.locator("[data-narrate-player] .disclosure").is_visible()
    assert page.locator("[data-narrate-player] .disclosure").inner_text() == (
        "This audio is created with AI assistance"
    )
    assert page.locator("[data-narrate-player] .label").inner_text() == "Listen to this article"
    assert page.locator("[data-narrate-player] .total").inner_text() == clock(record.duration)
    assert page.locator("[data-narrate-player] .duration").inner_text() == minutes_label(
        record.duration
    )
    assert shadow(page, "getComputedStyle(root.querySelector('.np')).fontSize") == "15px"

    play.click()  # the mouse
    wait_time_past(page, 0.4)
    assert play.get_attribute("aria-label").startswith("Pause")
    play.click()
    paused_at = current_time(page)
    assert shadow(page, "root.querySelector('audio').paused")
    play.focus()  # the keyboard
    page.keyboard.press("Enter")
    wait_time_past(page, paused_at + 0.3)
    page.keyboard.press("Space")
    page.wait_for_function(
        "() => document.querySelector('[data-narrate-player]').shadowRoot"
        ".querySelector('audio').paused"
    )

    page.locator("[data-narrate-player] select").select_option("1.5")
    assert shadow(page, "root.querySelector('audio').playbackRate") == 1.5
    page.locator("[data-narrate-player] select").select_option("0.75")
    assert shadow(page, "root.querySelector('audio').playbackRate") == 0.75

    chapters = json.loads(
        urllib.request.urlopen(servers["feed"] + "player/" + manifest_name(record)).read()
    )["chapters"]
    assert len(chapters) >= 2
    target = chapters[-1]
    page.locator("[data-narrate-player] .chapters button").nth(len(chapters) - 1).click()
    assert current_time(page) == pytest.approx(target["start"], abs=0.3)
    assert (
        page.locator("[data-narrate-player] .chapters button")
        .nth(len(chapters) - 1)
        .get_attribute("aria-current")
        == "true"
    )

    before = current_time(page)
    page.locator("[data-narrate-player] .back").click()
    assert current_time(page) == pytest.approx(max(0, before - 15), abs=0.3)
    page.locator("[data-narrate-player] .ahead").click()
    assert current_time(page) == pytest.approx(max(0, before - 15) + 15, abs=0.3)

    shadow(page, "root.querySelector('audio').currentTime = 30")
    page.locator("[data-narrate-player] .seek").focus()  # the shortcuts, from the seek bar
    before = current_time(page)
    page.keyboard.press("l")
    assert current_time(page) == pytest.approx(before + 15, abs=0.3)
    page.keyboard.press("j")
    assert current_time(page) == pytest.approx(before, abs=0.3)

    toggle = page.locator("[data-narrate-player] .show-transcript")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    transcript = page.locator("[data-narrate-player] .transcript")
    transcript.locator("span").first.wait_for(timeout=10000)
    assert "Lloyd Austin" in transcript.inner_text()
    assert transcript.locator("p").count() >= 3
    # the page is not restyled by the player: its only styles are its own
    assert page.evaluate("document.styleSheets.length") == 1
    assert errors == []
    page.close()


@needs_browser
def test_player_on_the_sample_article_page_and_in_dark_mode(servers, browser):
    page = browser.new_page(color_scheme="dark", reduced_motion="reduce")
    page.goto(servers["publisher"] + "article.html")
    wait_ready(page)
    background = shadow(page, "getComputedStyle(root.querySelector('.np')).backgroundColor")
    assert background == "rgb(30, 31, 34)"
    assert (
        shadow(page, "getComputedStyle(root.querySelector('.transcript')).scrollBehavior") == "auto"
    )
    title_size = page.evaluate(
        "getComputedStyle(document.querySelector('.article__title')).fontSize"
    )
    assert title_size == "33.6px"  # the publisher's 2.1rem: untouched by the player
    page.close()


def axe_violations(page, context: str | None = None) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async (context) => { const r = await axe.run(context ? {include: [[context]]} : document,"
        " {resultTypes: ['violations']}); return r.violations.map("
        "v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ')),"
        " help: v.help})); }",
        context,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][:3]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


@needs_browser
@needs_axe
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_player_and_site_pages_pass_axe(servers, browser, feed_folder, records, scheme):
    page = browser.new_page(color_scheme=scheme)
    problems = {}
    for name, context in (
        ("article.html", "[data-narrate-player]"),
        ("hostile.html", "[data-narrate-player]"),
    ):
        page.goto(servers["publisher"] + name)
        wait_ready(page)
        page.locator("[data-narrate-player] .show-transcript").click()
        page.locator("[data-narrate-player] .transcript span").first.wait_for(timeout=10000)
        problems[name] = axe_violations(page, context)
    stem = kyiv(records).audio.rsplit(".", 1)[0]
    for path in ("index.html", f"episodes/{stem}.html"):
        page.goto(servers["feed"] + path)
        wait_ready(page)
        problems[path] = axe_violations(page)
    page.close()
    assert problems == {name: [] for name in problems}


@needs_browser
def test_site_pages_show_the_player_and_agree_on_durations(servers, browser, records):
    record = kyiv(records)
    stem = record.audio.rsplit(".", 1)[0]
    page = browser.new_page()
    page.goto(servers["feed"] + f"episodes/{stem}.html")
    wait_ready(page)
    shown = page.locator(".length").inner_text()
    assert shown.startswith(page.locator("[data-narrate-player] .total").inner_text())
    page.wait_for_function(
        "() => { const a = document.querySelector('[data-narrate-player]').shadowRoot"
        ".querySelector('audio'); return isFinite(a.duration) && a.duration > 0; }",
        timeout=20000,
    )
    assert shadow(page, "root.querySelector('audio').duration") == pytest.approx(
        record.duration, abs=0.5
    )
    page.goto(servers["feed"] + "index.html")
    page.locator(".subscribe button").click()
    page.wait_for_function("() => document.querySelector('.copied').textContent !== ''")
    assert page.locator(".copied").inner_text() in ("Copied", "Press Ctrl+C to copy")
    page.close()


SHOTS = {
    "site-index": "index.html",
    "episode-page": "episodes/{stem}.html",
    "embedded-player": "article.html",
}


@needs_browser
def test_screenshots(servers, browser, records, tmp_path):
    """Screenshots of the site and the embedded player at phone and desktop widths; with
    NARRATE_SCREENSHOTS=DIR they are written there (docs/screenshots: tools/screenshots)."""
    folder = Path(os.environ.get("NARRATE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    stem = kyiv(records).audio.rsplit(".", 1)[0]
    written = []
    for width in (390, 1280):
        page = browser.new_page(viewport={"width": width, "height": 900}, color_scheme="light")
        for name, path in SHOTS.items():
            base = servers["publisher"] if name == "embedded-player" else servers["feed"]
            page.goto(base + path.format(stem=stem))
            wait_ready(page)
            page.wait_for_timeout(300)
            target = folder / f"{name}-{width}.png"
            if name == "embedded-player":
                page.locator(".article__audio").scroll_into_view_if_needed()
                page.screenshot(path=str(target), full_page=False)
            else:
                page.screenshot(path=str(target), full_page=True)
            written.append(target)
        page.close()
    for target in written:
        assert target.stat().st_size > 5000
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --- a feed in another language -------------------------------------------------------------

GERMAN_STORY = """Stadtrat beschließt den Haushalt

Der Stadtrat hat am 14. November 2023 den Haushalt mit 2,5 Millionen Euro beschlossen.

Die Opposition kritisierte den Plan scharf. Die Sitzung endete um 23:15 Uhr.
"""


@pytest.fixture(scope="module")
def german_feed(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("deutsch")
    story = base / "haushalt.txt"
    story.write_text(GERMAN_STORY, encoding="utf-8")
    folder = base / "feed"
    config = FeedConfig(
        title="Rathaus aktuell",
        author="Lokalredaktion",
        email="redaktion@example.com",
        base_url="https://example.org/rathaus/",
        language="de",
    )
    init_feed(folder, config, cover_image(base / "cover.png"))
    assert [o.status for o in add_sources(folder, [str(story)])] == ["new"]
    return folder


def test_a_german_feed_says_and_shows_its_own_words_in_german(german_feed):
    public = german_feed / "public"
    transcript = json.loads(next(public.glob("episodes/*.transcript.json")).read_text("utf-8"))
    outro = " ".join(s["body"] for s in transcript["segments"] if s.get("part") == "outro")
    assert "Diese Audiofassung wurde mit künstlicher Intelligenz" in outro
    chapters = json.loads(next(public.glob("episodes/*.chapters.json")).read_text("utf-8"))
    titles = [c["title"] for c in chapters["chapters"]]
    assert titles[0] == "Einleitung" and titles[-1] == "Über diese Aufnahme"
    manifest = json.loads(next(public.glob("player/*.json")).read_text("utf-8"))
    assert manifest["label"] == "Artikel anhören" and manifest["labels"]["play"] == "Abspielen"
    index = lxml_html.fromstring((public / "index.html").read_bytes())
    assert index.get("lang") == "de"
    assert index.xpath("string(//h2[@id='subscribe-title'])") == "Abonnieren"
    assert "1 Folge" in index.xpath("string(//p[@class='note'])")
    page = next(public.glob("episodes/*.html")).read_text("utf-8")
    assert "Originalartikel lesen" not in page  # a file has no original to link to
    assert "Audio herunterladen" in page and "Untertitel (WebVTT)" in page
    assert re.search(r"Vertont <time[^>]*>\d+\. \w+ \d{4}</time>", page)


@needs_browser
def test_the_player_of_a_german_feed_speaks_german(german_feed, browser):
    proc, feed_base, _ = start_serve(german_feed, "-q", preview=True)
    try:
        page = browser.new_page()
        page.goto(feed_base + "index.html")
        wait_ready(page)
        assert shadow(page, "root.querySelector('.play').getAttribute('aria-label')") == (
            "Abspielen: Artikel anhören"
        )
        assert shadow(page, "root.querySelector('.back .vh').textContent") == "15 Sekunden zurück"
        assert shadow(page, "root.querySelector('label.speed').textContent").startswith("Tempo")
        assert shadow(page, "root.querySelector('.duration').textContent").endswith("Min.")
        assert shadow(page, "root.querySelector('.show-transcript').textContent") == "Transkript"
        position = shadow(page, "root.querySelector('.seek').getAttribute('aria-valuetext')")
        assert "Minute" in position and " von " in position
        if AXE.exists():
            assert axe_violations(page) == []
        page.close()
    finally:
        stop(proc)
