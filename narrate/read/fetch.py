"""Fetch stage: URL, local file or stdin → Page (raw markup or text, with its origin)."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .. import __version__
from ..errors import SourceError

USER_AGENT = (
    f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    f"Chrome/124.0 Safari/537.36 narrate/{__version__}"
)
TIMEOUT_S = 20.0
MAX_BYTES = 15 * 1024 * 1024
MAX_REDIRECTS = 10

HTML_TYPES = {"text/html", "application/xhtml+xml", "application/xml", "text/xml"}
TEXT_TYPES = {"text/plain", "text/markdown", "text/x-markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text"}


@dataclass(frozen=True)
class Page:
    """What a source holds: `content` is HTML when `kind` is "html", else plain/markdown text."""

    content: str
    kind: str  # "html" | "text"
    url: str | None = None  # the final URL after redirects, for web sources
    origin: str = ""  # what the user gave: URL, path or "-"


def is_url(source: str) -> bool:
    return bool(re.match(r"^https?://", source, re.IGNORECASE))


def fetch(source: str, *, stdin: BinaryIO | None = None) -> Page:
    """Read SOURCE (http(s) URL, local file, or "-" for stdin) into a Page."""
    if source == "-":
        data = (stdin or sys.stdin.buffer).read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise SourceError(f"standard input is larger than {MAX_BYTES // 2**20} MB")
        text = decode(data)
        return Page(text, sniff_kind(text), None, "-")
    if is_url(source):
        return fetch_url(source)
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.IGNORECASE):
        raise SourceError(f"cannot read {source}: only http and https URLs are supported")
    return read_file(Path(source))


def read_file(path: Path) -> Page:
    """Read a local .html/.htm or .txt/.md file."""
    if not path.exists():
        raise SourceError(f"cannot read {path}: no such file")
    if path.is_dir():
        raise SourceError(f"cannot read {path}: it is a folder, not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return Page(decode(data), "html", None, str(path))
    if suffix in TEXT_SUFFIXES:
        return Page(decode(data), "text", None, str(path))
    if looks_binary(data):
        raise SourceError(f"cannot read {path}: not an HTML, text or Markdown file")
    text = decode(data)
    return Page(text, sniff_kind(text), None, str(path))


def fetch_url(url: str) -> Page:
    """GET an article URL with a timeout, redirects, a size cap and content-type checks."""
    data, mime, charset, final_url = get(url)
    if mime and mime not in HTML_TYPES | TEXT_TYPES:
        raise SourceError(f"cannot narrate {url}: it is {mime}, not a web page or text")
    if not mime and looks_binary(data):
        raise SourceError(f"cannot narrate {url}: it is not a web page or text")
    text = decode(data, charset)
    kind = "text" if mime in TEXT_TYPES else ("html" if mime else sniff_kind(text))
    return Page(text, kind, final_url, url)


def get(url: str, accept: str | None = None) -> tuple[bytes, str, str | None, str]:
    """GET URL → (body, mime type, charset, final URL), within the timeout and size limits."""
    import httpx

    headers = {
        "User-Agent": USER_AGENT,
        "Accept": accept or "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5,*/*;q=0.1",
        "Accept-Language": "en;q=0.9,*;q=0.5",
    }
    try:
        with (
            httpx.Client(
                follow_redirects=True,
                max_redirects=MAX_REDIRECTS,
                timeout=httpx.Timeout(TIMEOUT_S, connect=10.0),
                headers=headers,
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                reason = response.reason_phrase or ""
                raise SourceError(
                    f"cannot fetch {url}: HTTP {response.status_code} {reason}".rstrip()
                )
            mime, charset = parse_content_type(response.headers.get("content-type", ""))
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > MAX_BYTES:
                raise SourceError(f"cannot fetch {url}: larger than {MAX_BYTES // 2**20} MB")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_BYTES:
                    raise SourceError(f"cannot fetch {url}: larger than {MAX_BYTES // 2**20} MB")
                chunks.append(chunk)
            final_url = str(response.url)
    except httpx.TooManyRedirects:
        raise SourceError(f"cannot fetch {url}: too many redirects") from None
    except httpx.TimeoutException:
        raise SourceError(f"cannot fetch {url}: timed out after {TIMEOUT_S:.0f} s") from None
    except httpx.InvalidURL as exc:
        raise SourceError(f"cannot fetch {url}: invalid URL ({exc})") from None
    except httpx.HTTPError as exc:
        raise SourceError(f"cannot fetch {url}: {describe_network_error(exc)}") from None
    return b"".join(chunks), mime, charset, final_url


def describe_network_error(exc: Exception) -> str:
    """Turn an httpx/OS error chain into a short human reason."""
    text = str(exc) or exc.__class__.__name__
    lowered = text.lower()
    if (
        "name or service not known" in lowered
        or "nodename nor servname" in lowered
        or ("temporary failure in name resolution" in lowered)
    ):
        return "host not found"
    if "connection refused" in lowered:
        return "connection refused"
    if "network is unreachable" in lowered:
        return "network is unreachable"
    return text.splitlines()[0][:200]


def parse_content_type(value: str) -> tuple[str, str | None]:
    """Split a Content-Type header into (mime, charset)."""
    parts = [p.strip() for p in value.split(";")]
    mime = parts[0].lower() if parts and parts[0] else ""
    charset = None
    for part in parts[1:]:
        key, _, val = part.partition("=")
        if key.strip().lower() == "charset" and val:
            charset = val.strip().strip("\"'")
    return mime, charset


META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def decode(data: bytes, charset: str | None = None) -> str:
    """Decode bytes using the declared charset, a <meta charset>, a BOM, else UTF-8/cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    candidates = []
    if charset:
        candidates.append(charset)
    match = META_CHARSET.search(data[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "ignore"))
    candidates.append("utf-8")
    for name in candidates:
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def looks_binary(data: bytes) -> bool:
    head = data[:2048]
    return b"\x00" in head or head.startswith(
        (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"PK")
    )


def sniff_kind(text: str) -> str:
    """Guess whether stdin/unknown files hold HTML or plain text."""
    head = text.lstrip()[:1000].lower()
    if head.startswith(("<!doctype html", "<html", "<?xml")) or re.search(
        r"<(html|head|body|article|p|div)[\s>]", head
    ):
        return "html"
    return "text"
