import io
import socket

import pytest

from narrate.errors import SourceError
from narrate.read import fetch as fetch_module
from narrate.read.fetch import decode, fetch
from tests.conftest import Route


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_fetches_html_with_user_agent_and_redirects(server, sample_html):
    server.routes["/story"] = Route(body=sample_html.encode())
    server.routes["/old"] = Route(301, b"", None, {"Location": "/story"})
    page = fetch(server.url("/old"))
    assert page.kind == "html"
    assert page.url == server.url("/story")
    assert "Korean peninsula" in page.content


def test_user_agent_is_sent(server):
    seen = {}

    def handler(request):
        seen["ua"] = request.headers.get("User-Agent")
        return Route(body=b"<html><body><p>x</p></body></html>")

    server.routes["/ua"] = handler
    fetch(server.url("/ua"))
    assert "narrate/" in seen["ua"] and seen["ua"].startswith("Mozilla/5.0")


@pytest.mark.parametrize(
    ("path", "route", "message"),
    [
        ("/missing", None, "HTTP 404"),
        ("/broken", Route(500, b"oops"), "HTTP 500"),
        (
            "/file.pdf",
            Route(body=b"%PDF-1.7 ...", content_type="application/pdf"),
            "application/pdf",
        ),
        ("/pic.png", Route(body=b"\x89PNG\r\n", content_type="image/png"), "image/png"),
        ("/untyped", Route(body=b"\x89PNG\r\n\x00\x00", content_type=None), "not a web page"),
    ],
)
def test_http_errors_and_wrong_types(server, path, route, message):
    if route:
        server.routes[path] = route
    with pytest.raises(SourceError, match=message):
        fetch(server.url(path))


def test_size_cap(server, monkeypatch):
    monkeypatch.setattr(fetch_module, "MAX_BYTES", 1000)
    server.routes["/big"] = Route(body=b"<html>" + b"x" * 5000)
    with pytest.raises(SourceError, match="larger than"):
        fetch(server.url("/big"))


def test_connection_refused_is_one_clear_line():
    with pytest.raises(SourceError, match=r"connection refused|cannot fetch"):
        fetch(f"http://127.0.0.1:{free_port()}/story")


def test_text_plain_url_is_text(server):
    server.routes["/a.txt"] = Route(body=b"Title\n\nBody text.", content_type="text/plain")
    assert fetch(server.url("/a.txt")).kind == "text"


def test_local_files(tmp_path, sample_html):
    html = tmp_path / "a.htm"
    html.write_text(sample_html, encoding="utf-8")
    assert fetch(str(html)).kind == "html"
    md = tmp_path / "a.md"
    md.write_text("# Title\n\nBody", encoding="utf-8")
    assert fetch(str(md)).kind == "text"
    with pytest.raises(SourceError, match="no such file"):
        fetch(str(tmp_path / "nope.html"))
    with pytest.raises(SourceError, match="folder"):
        fetch(str(tmp_path))
    pdf = tmp_path / "x.pdf"
    pdf.write_bytes(b"%PDF-1.4\x00\x01")
    with pytest.raises(SourceError, match="not an HTML"):
        fetch(str(pdf))


def test_stdin_sniffs_html_and_text(sample_html):
    assert fetch("-", stdin=io.BytesIO(sample_html.encode())).kind == "html"
    assert fetch("-", stdin=io.BytesIO(b"Title\n\nSome text.")).kind == "text"


def test_unsupported_scheme():
    with pytest.raises(SourceError, match="only http"):
        fetch("ftp://example.com/a.html")


def test_decode_uses_declared_meta_and_fallback_charsets():
    assert decode("café".encode("latin-1"), "latin-1") == "café"
    assert "café" in decode(b'<meta charset="iso-8859-1"><p>caf\xe9</p>')
    assert decode(b"\xef\xbb\xbfhello") == "hello"
    assert decode(b"caf\xe9") == "café"  # not UTF-8: cp1252 fallback
