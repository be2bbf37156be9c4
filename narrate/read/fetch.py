"""Fetch stage: URL, local file or stdin → Page (raw markup or text, with its origin)."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from .. import __version__
from ..errors import SourceError
from .reach import Reach, checked_addresses

USER_AGENT = (
    f"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    f"Chrome/124.0 Safari/537.36 narrate/{__version__}"
)
TIMEOUT_S = 20.0  # for any one step: connecting, or a read that brings nothing
DEADLINE_S = 90.0  # for the whole request, however the server trickles its bytes
DEADLINE_ENV = "NARRATE_FETCH_TIMEOUT"
MAX_BYTES = 15 * 1024 * 1024  # pages, feeds and files alike
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


def fetch(source: str, *, stdin: BinaryIO | None = None, reach: Reach | None = None) -> Page:
    """Read SOURCE (http(s) URL, local file, or "-" for stdin) into a Page. A URL goes where
    REACH allows (default: the user typed it, so its own host may be internal)."""
    if source == "-":
        data = (stdin or sys.stdin.buffer).read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise SourceError(f"standard input is larger than {MAX_BYTES // 2**20} MB")
        if looks_binary(data):
            raise SourceError("cannot narrate standard input: it is binary data, not text")
        text = ensure_text(decode(data), "standard input")
        return Page(text, sniff_kind(text), None, "-")
    if is_url(source):
        return fetch_url(source, reach)
    if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.IGNORECASE):
        raise SourceError(f"cannot read {source}: only http and https URLs are supported")
    return read_file(Path(source))


def read_file(path: Path) -> Page:
    """Read a local .html/.htm or .txt/.md file."""
    if not path.exists():
        hint = ""
        if re.match(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:[/?#]|$)", str(path), re.I):
            hint = f" (a web page? give its address: https://{path})"
        raise SourceError(f"cannot read {path}: no such file{hint}")
    if path.is_dir():
        raise SourceError(f"cannot read {path}: it is a folder, not a file")
    data = read_capped(path)
    if looks_binary(data):
        raise SourceError(f"cannot read {path}: not an HTML, text or Markdown file")
    text = ensure_text(decode(data), str(path))
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return Page(text, "html", None, str(path))
    if suffix in TEXT_SUFFIXES:
        return Page(text, "text", None, str(path))
    return Page(text, sniff_kind(text), None, str(path))


def read_capped(path: Path, limit: int | None = None) -> bytes:
    """A local file's bytes, refused (not read) when larger than LIMIT (MAX_BYTES)."""
    limit = MAX_BYTES if limit is None else limit
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise SourceError(f"cannot read {path}: larger than {limit // 2**20} MB")
    return data


def ensure_text(text: str, where: str) -> str:
    """TEXT, unless it is mostly control characters and undecodable bytes: binary data
    (random bytes, a compressed file) decoded as text, which no one should hear read out."""
    sample = text[:65536]
    bad = sum(
        1
        for ch in sample
        if (ch < " " and ch not in "\t\n\r\f") or ch == "\ufffd" or "\x7f" <= ch <= "\x9f"
    )
    if bad > max(8, len(sample) // 50):
        raise SourceError(f"cannot narrate {where}: it is binary data, not text")
    return text


def fetch_url(url: str, reach: Reach | None = None) -> Page:
    """GET an article URL with a timeout, redirects, a size cap and content-type checks.
    REACH: where it and its redirects may go (default: URL was typed by the user)."""
    data, mime, charset, final_url = get(url, reach=Reach.typed(url) if reach is None else reach)
    return page_from(url, data, mime, charset, final_url)


def page_from(url: str, data: bytes, mime: str, charset: str | None, final_url: str) -> Page:
    """The Page a GET of URL returned (see get), or SourceError when it is no web page."""
    if mime and mime not in HTML_TYPES | TEXT_TYPES:
        raise SourceError(f"cannot narrate {url}: it is {mime}, not a web page or text")
    if not mime and looks_binary(data):
        raise SourceError(f"cannot narrate {url}: it is not a web page or text")
    text = ensure_text(decode(data, charset), url)
    kind = "text" if mime in TEXT_TYPES else ("html" if mime else sniff_kind(text))
    return Page(text, kind, final_url, url)


def fetch_deadline() -> float:
    """Seconds a whole request may take: $NARRATE_FETCH_TIMEOUT, else DEADLINE_S."""
    try:
        value = float(os.environ.get(DEADLINE_ENV, DEADLINE_S))
    except ValueError:
        raise SourceError(f"{DEADLINE_ENV} must be a number of seconds") from None
    if not value > 0 or value != value or value == float("inf"):
        raise SourceError(f"{DEADLINE_ENV} must be a positive number of seconds")
    return value


def get(
    url: str,
    *,
    reach: Reach,
    accept: str | None = None,
    max_bytes: int | None = None,
    deadline: float | None = None,
) -> tuple[bytes, str, str | None, str]:
    """GET URL → (body, mime type, charset, final URL), within MAX_BYTES and a DEADLINE for the
    whole request (a server that drips its bytes, or its headers, is cut off at it). Every
    hop (URL and each redirect) goes only where REACH allows (see reach.py): the one way
    narrate fetches."""
    import asyncio

    seconds = deadline or fetch_deadline()
    try:
        work = _get(url, reach, accept, MAX_BYTES if max_bytes is None else max_bytes)
        return asyncio.run(asyncio.wait_for(work, seconds))
    except asyncio.TimeoutError:
        raise SourceError(f"cannot fetch {url}: no complete answer within {seconds:g} s") from None


async def _get(
    url: str, reach: Reach, accept: str | None, max_bytes: int
) -> tuple[bytes, str, str | None, str]:
    import httpx

    headers = {
        "User-Agent": USER_AGENT,
        "Accept": accept or "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.5,*/*;q=0.1",
        "Accept-Language": "en;q=0.9,*;q=0.5",
    }
    too_large = f"cannot fetch {url}: larger than {max_bytes / 2**20:g} MB"
    current = url
    try:
        async with httpx.AsyncClient(
            verify=tls_context(),
            follow_redirects=False,
            timeout=httpx.Timeout(TIMEOUT_S, connect=10.0),
            headers=headers,
            trust_env=False,  # a proxy would resolve the name again, unchecked
        ) as client:
            for _hop in range(MAX_REDIRECTS + 1):
                async with _open(client, current, reach) as response:
                    if response.is_redirect and response.headers.get("location"):
                        current = redirect_target(current, response.headers["location"])
                        continue
                    if response.status_code >= 400:
                        reason = response.reason_phrase or ""
                        raise SourceError(
                            f"cannot fetch {url}: HTTP {response.status_code} {reason}".rstrip()
                        )
                    mime, charset = parse_content_type(response.headers.get("content-type", ""))
                    declared = response.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise SourceError(too_large)
                    chunks: list[bytes] = []
                    size = 0
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise SourceError(too_large)
                        chunks.append(chunk)
                    return b"".join(chunks), mime, charset, current
            raise SourceError(f"cannot fetch {url}: too many redirects")
    except httpx.TimeoutException:
        raise SourceError(f"cannot fetch {url}: timed out after {TIMEOUT_S:.0f} s") from None
    except httpx.InvalidURL as exc:
        raise SourceError(f"cannot fetch {url}: invalid URL ({exc})") from None
    except httpx.HTTPError as exc:
        raise SourceError(f"cannot fetch {url}: {describe_network_error(exc)}") from None
    except UnicodeError as exc:  # an address that cannot be encoded (IDNA)
        raise SourceError(f"cannot fetch {url}: invalid URL ({exc})") from None


def post(
    url: str, body: bytes, headers: dict[str, str], *, reach: Reach, deadline: float = 15
) -> int:
    """POST BODY to URL (no redirects followed) where REACH allows, as narrate fetches
    (see get): the HTTP status, or SourceError when no answer came."""
    import asyncio

    import httpx

    async def send() -> int:
        async with (
            httpx.AsyncClient(
                verify=tls_context(),
                follow_redirects=False,
                timeout=httpx.Timeout(deadline, connect=10.0),
                headers={"User-Agent": USER_AGENT},
                trust_env=False,
            ) as client,
            _open(client, url, reach, "POST", body, headers) as response,
        ):
            return int(response.status_code)

    try:
        return asyncio.run(asyncio.wait_for(send(), deadline + 5))
    except asyncio.TimeoutError:
        raise SourceError(f"cannot post to {url}: no answer within {deadline:g} s") from None
    except httpx.HTTPError as exc:
        raise SourceError(f"cannot post to {url}: {describe_network_error(exc)}") from None


_TLS: list[Any] = []


def tls_context() -> Any:
    """The TLS settings for every fetch, made once (making them costs more than a refused
    connection: a batch of many dead links would spend its time here)."""
    if not _TLS:
        import httpx

        _TLS.append(httpx.create_ssl_context())
    return _TLS[0]


def redirect_target(current: str, location: str) -> str:
    """Where a redirect from CURRENT to LOCATION leads: an absolute http(s) URL, else an error."""
    from urllib.parse import urljoin

    target = urljoin(current, location.strip())
    if not is_url(target):
        raise SourceError(f"cannot fetch {current}: it redirects to {location[:100]!r}")
    return target


@asynccontextmanager
async def _open(
    client: Any, url: str, reach: Reach, method: str = "GET", body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> AsyncIterator[Any]:  # fmt: skip
    """A streamed request (GET, or METHOD with BODY) to URL through a connection to an
    address REACH allows, resolved once and checked (the Host header and TLS name stay the
    URL's own); each address in turn."""
    import asyncio

    import httpx

    parsed = httpx.URL(url)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise SourceError(f"cannot fetch {url}: only http and https URLs are supported")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    loop = asyncio.get_running_loop()
    addresses = await loop.run_in_executor(None, checked_addresses, url, parsed.host, port, reach)
    host_header = parsed.netloc.decode("ascii").rpartition("@")[2]
    for index, address in enumerate(addresses):
        target = parsed.copy_with(host=address, username=None, password=None)
        request = client.build_request(
            method,
            target,
            headers={**(headers or {}), "Host": host_header},
            content=body,
            extensions={"sni_hostname": parsed.host},
        )
        try:
            response = await client.send(request, stream=True)
        except httpx.ConnectError:
            if index == len(addresses) - 1:
                raise
            continue
        try:
            yield response
        finally:
            await response.aclose()
        return


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
    if "connection refused" in lowered or "all connection attempts failed" in lowered:
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
