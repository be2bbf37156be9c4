"""Nothing narrate fetches through content reaches inside the network (server-side request
forgery): item links, redirects, OPML files, xml:base, og:image, in every address form.

No packet leaves this machine: internal addresses outside 127.0.0.0/8 are refused before any
connection (and a guard fails the test if one is attempted), and the only server contacted is
the one each test starts on 127.0.0.1. A stand-in resolver names that server `news.test`: the
host the user types, so what is found through it may use it.
"""

from __future__ import annotations

import io
import ipaddress
import socket

import pytest
from click.testing import CliRunner
from PIL import Image

from narrate.cli import cli
from narrate.errors import SourceError
from narrate.feed import add_sources, init_feed, list_episodes
from narrate.feed.config import FeedConfig, load_config, save_config
from narrate.pipeline.settings import Settings
from narrate.read import reach as reach_module
from narrate.read.fetch import fetch, get
from narrate.read.reach import InternalAddress, Reach, internal
from tests.conftest import Route

STAND_IN = {
    "news.test": ["127.0.0.1"],
    "intranet.test": ["10.0.0.7"],
    "rebind.test": ["93.184.216.34", "127.0.0.1"],
}


@pytest.fixture(autouse=True)
def no_packet_leaves(monkeypatch):
    """A connect to anything but loopback fails the test; names resolve by the stand-in."""
    real_connect = socket.socket.connect
    attempts: list[object] = []

    def guarded(self, address):  # type: ignore[no-untyped-def]
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not ipaddress.ip_address(host.split("%")[0]).is_loopback:
            attempts.append(address)
            raise AssertionError(f"a connection to {address} was attempted")
        return real_connect(self, address)

    real_resolve = reach_module.resolve

    def stand_in(host: str, port: int) -> list[str]:
        return STAND_IN.get(host.lower()) or real_resolve(host, port)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    monkeypatch.setattr(reach_module, "resolve", stand_in)
    yield
    assert not attempts


def story(title: str, image: str = "") -> bytes:
    meta = f"<meta property='og:image' content='{image}'>" if image else ""
    body = "".join(
        f"<p>{title} is the story of the day, officials said on Tuesday in the capital. "
        f"Paragraph {n} tells how 1,200 people worked across 17 districts.</p>"
        for n in range(1, 4)
    )
    return (
        f"<html lang='en'><head><title>{title}</title>{meta}</head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


SECRET = (
    b"<html><head><title>Internal secret</title></head><body><article><h1>Secret</h1>"
    + "".join(
        f"<p>Line {n}: the internal admin password is swordfish, said the intranet page.</p>"
        for n in range(1, 4)
    ).encode()
    + b"</article></body></html>"
)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1400, 1400), (200, 10, 10)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def intranet(server):
    """The test server: a public story, and a secret no content may lead to."""
    server.routes["/story"] = Route(body=story("Public story"))
    server.routes["/secret"] = Route(body=SECRET)
    server.routes["/secret.xml"] = Route(
        body=b"<rss version='2.0'><channel><title>x</title><item><link>http://news.test/"
        b"secret</link></item></channel></rss>",
        content_type="application/rss+xml",
    )
    server.routes["/pic.jpg"] = Route(body=jpeg(), content_type="image/jpeg")
    return server


def secret_requests(server) -> list[str]:
    return [
        path for _method, path, _body in server.requests if path.startswith(("/secret", "/pic.jpg"))
    ]


def internal_forms(port: int) -> list[str]:
    """Every way tried of writing an internal address into a link."""
    return [
        f"http://127.0.0.1:{port}/secret",
        f"http://localhost:{port}/secret",
        f"http://127.1:{port}/secret",
        f"http://2130706433:{port}/secret",
        f"http://0x7f000001:{port}/secret",
        f"http://127.0.0.2:{port}/secret",
        f"http://news@127.0.0.1:{port}/secret",
        f"http://[::ffff:127.0.0.1]:{port}/secret",
        f"http://[::1]:{port}/secret",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.7/secret",
        "http://[fd00::7]/secret",
        "http://100.64.0.1/secret",
        "http://intranet.test/secret",
        "http://rebind.test/secret",
    ]


@pytest.fixture
def feed_dir(tmp_path):
    folder = tmp_path / "feed"
    init_feed(
        folder,
        FeedConfig(
            title="Reach",
            author="Desk",
            email="desk@example.com",
            base_url="http://127.0.0.1:9/podcast/",
            narration=Settings(engine="espeak"),
        ),
    )
    return folder


def feed_of(links: list[str], base: str = "") -> bytes:
    items = "".join(f"<item><title>i</title><link>{link}</link></item>" for link in links)
    return f"<rss version='2.0'><channel><title>F</title>{items}</channel></rss>".encode()


def test_addresses_inside_the_network_are_internal():
    for text in [
        "127.0.0.1", "127.0.0.2", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::",
        "fe80::1", "fd00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1",
        "2002:7f00:1::1", "64:ff9b::a00:1", "2001:0:4136:e378:8000:63bf:f5ff:fffe",
    ]:  # fmt: skip
        assert internal(ipaddress.ip_address(text)), text
    for text in ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "64:ff9b::808:808"]:
        assert not internal(ipaddress.ip_address(text)), text


def test_every_form_is_refused_before_connecting(intranet):
    port = int(intranet.base_url.rsplit(":", 1)[1])
    found_in_content = Reach.typed(intranet.url("/feed.xml").replace("127.0.0.1", "news.test"))
    for url in internal_forms(port):
        with pytest.raises(InternalAddress, match=r"internal address"):
            get(url, reach=found_in_content)
    assert secret_requests(intranet) == []


def test_the_message_names_the_address(intranet):
    with pytest.raises(SourceError) as caught:
        get("http://intranet.test/x", reach=Reach())
    assert "intranet.test resolves to 10.0.0.7, an internal address" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_typed_url_is_the_users_own_and_may_be_internal(intranet):
    page = fetch(intranet.url("/story"))  # an intranet draft, typed on the command line
    assert "Public story" in page.content
    with pytest.raises(InternalAddress):  # it redirects to another internal host: refused
        intranet.routes["/moved"] = Route(
            302, b"", None, {"Location": intranet.url("/secret").replace("127.0.0.1", "127.0.0.2")}
        )
        fetch(intranet.url("/moved"))
    assert secret_requests(intranet) == []


def test_feed_items_redirects_and_xml_base_never_reach_inside(intranet, feed_dir):
    port = int(intranet.base_url.rsplit(":", 1)[1])
    public = f"http://news.test:{port}"
    intranet.routes["/moved"] = Route(
        302, b"", None, {"Location": f"http://localhost:{port}/secret"}
    )
    links = [*internal_forms(port), f"{public}/moved", f"{public}/story"]
    intranet.routes["/feed.xml"] = Route(body=feed_of(links), content_type="application/rss+xml")
    intranet.routes["/atom.xml"] = Route(
        body=(
            f"<feed xmlns='http://www.w3.org/2005/Atom' xml:base='http://localhost:{port}/'>"
            "<title>A</title><entry><title>e</title><link href='secret?atom'/><id>1</id></entry>"
            "</feed>"
        ).encode(),
        content_type="application/atom+xml",
    )
    outcomes = add_sources(feed_dir, [f"{public}/feed.xml", f"{public}/atom.xml"])
    by_source = {o.source: o for o in outcomes}
    assert by_source[f"{public}/story"].status == "new"  # the feed's own host may be used
    failed = [o for o in outcomes if o.status == "failed"]
    assert len(failed) == len(links)  # every internal one and the redirect, and the xml:base one
    assert all("internal address" in (o.error or "") for o in failed), failed
    assert secret_requests(intranet) == []
    published = (feed_dir / "public" / "feed.xml").read_text()
    assert "swordfish" not in published and "Secret" not in published
    assert [r.title for r, _present in list_episodes(feed_dir)] == ["Public story"]


def test_a_feed_url_that_redirects_inside_and_an_opml_listing_internal_feeds(intranet, feed_dir):
    port = int(intranet.base_url.rsplit(":", 1)[1])
    public = f"http://news.test:{port}"
    intranet.routes["/feed-moved"] = Route(
        302, b"", None, {"Location": f"http://localhost:{port}/secret.xml"}
    )
    intranet.routes["/subs.opml"] = Route(
        body=(
            f"<opml version='2.0'><body><outline xmlUrl='http://localhost:{port}/secret.xml'/>"
            f"<outline xmlUrl='http://10.0.0.7/feed.xml'/>"
            f"<outline url='http://169.254.169.254/latest/'/></body></opml>"
        ).encode(),
        content_type="text/x-opml",
    )
    outcomes = add_sources(feed_dir, [f"{public}/feed-moved", f"{public}/subs.opml"])
    assert [o.status for o in outcomes] == ["failed", "failed"]
    assert "internal address" in (outcomes[0].error or "")
    assert secret_requests(intranet) == []
    assert list_episodes(feed_dir) == []


def test_og_image_inside_the_network_is_never_the_cover(intranet, tmp_path):
    port = int(intranet.base_url.rsplit(":", 1)[1])
    intranet.routes["/pic-moved"] = Route(
        302, b"", None, {"Location": f"http://localhost:{port}/pic.jpg"}
    )
    runner = CliRunner()
    for index, image in enumerate(
        [f"http://localhost:{port}/pic.jpg", f"http://news.test:{port}/pic-moved"]
    ):
        intranet.routes[f"/s{index}"] = Route(body=story(f"Story {index}", image))
        out = tmp_path / f"s{index}.mp3"
        result = runner.invoke(
            cli, ["article", f"http://news.test:{port}/s{index}", "-q", "--engine", "espeak",
                  "-o", str(out)],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert out.with_suffix(".jpg").exists()  # a generated cover instead
    assert secret_requests(intranet) == []
    # the page's own host (typed) may give the picture
    intranet.routes["/s9"] = Route(body=story("Story nine", f"http://news.test:{port}/pic.jpg"))
    out = tmp_path / "s9.mp3"
    result = runner.invoke(
        cli, ["article", f"http://news.test:{port}/s9", "-q", "--engine", "espeak", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert secret_requests(intranet) == ["/pic.jpg"]
    with Image.open(out.with_suffix(".jpg")) as cover:
        assert cover.getpixel((700, 700))[0] > 150  # the red picture, not a generated cover


def test_a_feed_may_allow_internal_addresses(intranet, feed_dir):
    config = load_config(feed_dir)
    config.allow_private_addresses = True
    save_config(feed_dir, config)
    port = int(intranet.base_url.rsplit(":", 1)[1])
    intranet.routes["/feed.xml"] = Route(
        body=feed_of([f"http://localhost:{port}/secret"]), content_type="application/rss+xml"
    )
    outcomes = add_sources(feed_dir, [f"http://news.test:{port}/feed.xml"])
    assert [o.status for o in outcomes] == ["new"], outcomes
    assert "allow_private_addresses = true" in (feed_dir / "feed.toml").read_text()


def test_a_local_feed_file_vouches_for_no_host(intranet, feed_dir, tmp_path):
    local = tmp_path / "saved.xml"
    local.write_bytes(feed_of([intranet.url("/secret")]))
    outcomes = add_sources(feed_dir, [str(local)])
    assert [o.status for o in outcomes] == ["failed"]
    assert secret_requests(intranet) == []
