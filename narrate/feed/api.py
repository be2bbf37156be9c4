"""`narrate api FOLDER`: an HTTP service beside a feed folder, so a CMS can have its stories
narrated without anyone running a command (needs `pip install 'narrate-news[server]'`).

A FastAPI application served by uvicorn. Requests are queued as jobs in the feed's state
(feed/jobs.py) and narrated one after another by a worker thread, exactly as `feed add`
narrates (the same settings, cache and guard on what may be fetched); the feed and site are
published after each episode. Endpoints (JSON; the OpenAPI document at /openapi.json):

    GET    /health                       the service and its queue
    POST   /episodes                     narrate a URL, or posted HTML with its metadata
    GET    /episodes                     the jobs (?status=, ?since=)
    GET    /episodes/{id}                one job: status, and its episode once narrated
    DELETE /episodes/{id}                the job and its episode
    POST   /hooks/ghost/{name}           a Ghost webhook (post.published, post.updated),
                                         signed with the hook's secret (X-Ghost-Signature)
    POST   /hooks/wordpress              a WordPress REST `post` object

Every other request needs `Authorization: Bearer TOKEN` (`narrate api token add`): none or an
unknown one is 401, a token without the scope the endpoint needs (create, read, delete) 403.
"""

# No `from __future__ import annotations`: FastAPI reads the endpoints' annotations, which
# name classes made inside make_app.
import hashlib
import hmac
import html as html_lib
import json
import logging
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from ..errors import MissingExtra, NarrateError
from .config import interval_seconds
from .jobs import SCOPES, STATUSES, Job, JobStore, QueueFull, Token

log = logging.getLogger(__name__)
SERVER_EXTRA = "pip install 'narrate-news[server]'"
GHOST_SIGNATURE_AGE_S = 300  # a signed Ghost request older than this is a replay
DELIVERY_TRIES = 8  # a callback is tried this often, waiting 5 s, 10 s, 20 s … between tries
DELIVERY_WAIT_ENV = "NARRATE_CALLBACK_WAIT"  # seconds before the first retry (default 5)


@dataclass(frozen=True)
class ApiOptions:
    """How the service runs: CORES for each narration, the largest request body, requests a
    minute per token, and the most jobs that may wait."""

    cores: int = 1
    max_body: int = 2 * 1024 * 1024
    rate: int = 120
    queue: int = 1000
    poll: float = 0.0  # seconds between re-readings of the feed's sources (0: feed.toml's)
    cluster: str | None = None  # a Dask scheduler for the narrations (None: feed.toml's)


def require_server() -> None:
    """MissingExtra, in one line, when FastAPI or uvicorn is not installed."""
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise MissingExtra(
            f"narrate api needs the server extra ({exc.name or exc} is missing): {SERVER_EXTRA}"
        ) from None


class RateLimit:
    """At most RATE requests a minute for each token (a sliding window)."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.seen: dict[str, deque[float]] = defaultdict(deque)
        self.lock = threading.Lock()

    def allow(self, name: str) -> bool:
        moment = time.monotonic()
        with self.lock:
            window = self.seen[name]
            while window and moment - window[0] > 60:
                window.popleft()
            if len(window) >= self.rate:
                return False
            window.append(moment)
            return True


def article_document(request: dict[str, Any]) -> str:
    """Posted HTML and its metadata as one page narrate reads like any other: the title, the
    author, the dates, the lead image and the canonical address in its head."""
    esc = html_lib.escape
    head = [f"<title>{esc(request['title'])}</title>"]
    if request.get("url"):
        head.append(f'<link rel="canonical" href="{esc(request["url"], quote=True)}">')
    if request.get("author"):
        head.append(f'<meta name="author" content="{esc(request["author"], quote=True)}">')
    if request.get("published"):
        published = esc(request["published"], quote=True)
        head.append(f'<meta property="article:published_time" content="{published}">')
    if request.get("image"):
        head.append(f'<meta property="og:image" content="{esc(request["image"], quote=True)}">')
    lang = esc(request.get("language") or "", quote=True)
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">{"".join(head)}</head>'
        f"<body><article><h1>{esc(request['title'])}</h1>{request['html']}</article></body></html>"
    )


class Service:
    """The state and the worker behind the application."""

    def __init__(self, folder: Path, options: ApiOptions) -> None:
        from .config import LIBRARY_NAME, load_config

        self.folder = folder
        self.options = options
        self.config = load_config(folder).changed({"cluster": options.cluster})
        self.store = JobStore(folder / LIBRARY_NAME)
        self.rate = RateLimit(options.rate)
        self.wake = threading.Event()
        self.stop = threading.Event()
        self.work = threading.Lock()  # one narration, or one deletion, at a time
        self.worker: threading.Thread | None = None
        self.courier: threading.Thread | None = None
        self.poller: threading.Thread | None = None
        self.batch: dict[str, Any] = {"jobs": [], "done": 0, "sentences": 0}  # what runs now
        self.post_wake = threading.Event()

    # The worker.

    def start(self) -> None:
        from .batch import clean_stale_staging, open_layout

        with self.work:
            clean_stale_staging(open_layout(self.folder, self.config))  # what a kill left
        again = self.store.requeue_running()
        if again:
            log.warning("%d job(s) a stopped service left running are queued again", again)
        self.worker = threading.Thread(target=self.run, name="narrate-api-worker", daemon=True)
        self.worker.start()
        self.courier = threading.Thread(target=self.deliver, name="narrate-api-post", daemon=True)
        self.courier.start()
        interval = self.options.poll or (
            interval_seconds(self.config.poll) if self.config.poll else 0.0
        )
        if interval:
            self.poller = threading.Thread(
                target=self.poll, args=(interval,), name="narrate-api-poll", daemon=True
            )
            self.poller.start()

    def poll(self, interval: float) -> None:
        """Re-read the feed's remembered sources (RSS, OPML, URL lists) every INTERVAL
        seconds, as `feed update` does, between the queue's jobs: for sites without hooks."""
        from .batch import add_locked
        from .config import LIBRARY_NAME
        from .library import Library

        while not self.stop.wait(interval):
            library = Library(self.folder / LIBRARY_NAME)
            try:
                sources = [source for source, _kind in library.sources()]
            finally:
                library.close()
            if not sources:
                continue
            try:
                with self.work:
                    outcomes = add_locked(
                        self.folder, self.config, sources, remember=False, jobs=self.options.cores
                    )
            except Exception:  # the next round tries again
                log.exception("polling the feed's sources failed")
                continue
            fresh = [o for o in outcomes if o.status in ("new", "updated")]
            if fresh:
                log.warning("polling: %d new or updated episode(s)", len(fresh))

    def close(self) -> None:
        self.stop.set()
        self.wake.set()
        self.post_wake.set()
        for thread in (self.worker, self.courier, self.poller):
            if thread is not None:
                thread.join(timeout=60)
        self.store.close()

    def deliver(self) -> None:
        """Send the callbacks' events, each signed, retried with a doubling wait when a
        receiver fails or is away (never in the narrating thread's way)."""
        from ..read.fetch import post
        from ..read.reach import Reach

        while not self.stop.is_set():
            due = self.store.due_delivery(time.time())
            if due is None:
                self.post_wake.wait(1.0)
                self.post_wake.clear()
                continue
            delivery_id, url, secret, body, attempts = due
            stamp = str(int(time.time()))
            signature = hmac.new(
                secret.encode(), f"{stamp}.".encode() + body.encode(), hashlib.sha256
            ).hexdigest()
            headers = {
                "Content-Type": "application/json",
                "X-Narrate-Signature": f"sha256={signature}, t={stamp}",
            }
            try:
                reach = Reach(private=self.config.allow_private_addresses)
                status = post(url, body.encode(), headers, reach=reach)
                error = None if 200 <= status < 300 else f"HTTP {status}"
            except NarrateError as exc:
                error = str(exc)
            attempts += 1
            if error is None:
                self.store.delivered(delivery_id, "sent", attempts, 0, None)
            elif attempts >= DELIVERY_TRIES:
                self.store.delivered(delivery_id, "failed", attempts, 0, error)
                log.warning("gave up on a callback to %s: %s", url, error)
            else:
                wait = first_wait() * 2 ** (attempts - 1)
                self.store.delivered(delivery_id, "pending", attempts, time.time() + wait, error)

    def run(self) -> None:
        """Narrate the queue: up to one job a core at once (or the cluster's share), as a
        batch does, the feed published after each batch."""
        while not self.stop.is_set():
            claimed = []
            while len(claimed) < self.batch_size() and (job := self.store.claim()) is not None:
                claimed.append(job)
            if not claimed:
                self.wake.wait(1.0)
                self.wake.clear()
                continue
            try:
                with self.work:
                    results = self.narrate(claimed)
            except Exception as exc:  # a bug, or a lost cluster: these jobs fail, it goes on
                log.exception("narrating %d job(s) failed", len(claimed))
                results = {job.id: ("failed", "failed", f"not narrated: {exc}", None)
                           for job in claimed}  # fmt: skip
            for job in claimed:
                self.store.finish(job.id, *results[job.id])
                self.announce(job.id)

    def batch_size(self) -> int:
        """Jobs narrated together: one a core here; on a cluster, a few at a time."""
        return 8 if self.config.cluster else max(1, self.options.cores)

    def narrate(self, jobs: list[Job]) -> dict[str, tuple[str, str, str | None, str | None]]:
        """Narrate JOBS into the feed as one batch (on this machine's cores, or the feed's
        cluster) and publish it: job id → (status, outcome, error, guid)."""
        from ..read.fetch import Page
        from .batch import add_locked
        from .config import LIBRARY_NAME
        from .library import Library

        sources: dict[str, str] = {}  # job id → the source it goes under
        given: dict[str, Page] = {}
        for job in jobs:
            request = job.request
            source = request.get("url") or f"urn:narrate-api:{job.id}"
            if "html" in request:
                given[source] = Page(article_document(request), "html", request.get("url"), source)
            sources[job.id] = source
        self.batch = {"jobs": [job.id for job in jobs], "done": 0, "sentences": 0}

        def articles_done(done: int, _total: int) -> None:
            self.batch["done"] = done

        def sentence_spoken(count: int) -> None:
            self.batch["sentences"] += count

        outcomes = add_locked(
            self.folder,
            self.config,
            list(dict.fromkeys(sources.values())),
            remember=False,
            jobs=self.options.cores,
            given=given,
            untrusted=True,  # what a CMS sends is content: no host of it is trusted
            article_progress=articles_done,
            sentence_progress=sentence_spoken,
        )
        by_source = {outcome.source: outcome for outcome in outcomes}
        library = Library(self.folder / LIBRARY_NAME)
        try:
            results = {}
            for job_id, source in sources.items():
                outcome = by_source.get(source)
                record = library.get_for_source(source)
                guid = record.guid if record is not None else None
                if outcome is None or outcome.status == "failed":
                    error = outcome.error if outcome is not None else "not narrated"
                    results[job_id] = ("failed", "failed", error, guid)
                else:
                    results[job_id] = ("done", outcome.status, None, guid)
        finally:
            library.close()
        return results

    def announce(self, job_id: str) -> None:
        """Tell the callbacks that a job's episode is ready, or that it failed."""
        job = self.store.get(job_id)
        if job is None:
            return
        ready = job.status == "done"
        event = {
            "event": "episode.ready" if ready else "episode.failed",
            "job": job.public(),
            "episode": self.episode(job) if ready else None,
        }
        if self.store.announce(event):
            self.post_wake.set()

    # What the endpoints need.

    def progress(self, job: Job) -> dict[str, Any]:
        """How far JOB is: jobs ahead of it in the queue; or, running, how much of its batch
        is done (articles finished, sentences spoken)."""
        if job.status == "queued":
            ahead = [j for j in self.store.jobs("queued", limit=1000) if j.created < job.created]
            return {"ahead": len(ahead)}
        batch = self.batch
        if job.status == "running" and job.id in batch["jobs"]:
            return {
                "batch": len(batch["jobs"]),
                "articles_done": batch["done"],
                "sentences_spoken": batch["sentences"],
            }
        return {}

    def episode(self, job: Job) -> dict[str, Any] | None:
        """The published episode of JOB: its audio, page, player manifest and embed snippet."""
        from .config import LIBRARY_NAME
        from .embed import snippet
        from .layout import audio_stem
        from .library import Library

        if job.guid is None:
            return None
        library = Library(self.folder / LIBRARY_NAME)
        try:
            record = library.get(job.guid)
        finally:
            library.close()
        if record is None:
            return None
        stem = audio_stem(record.audio)
        config = self.config
        return {
            "guid": record.guid,
            "title": record.title,
            "duration": record.duration,
            "audio": config.url(f"episodes/{record.audio}"),
            "page": config.url(f"episodes/{stem}.html"),
            "player": config.url(f"player/{stem}.json"),
            "embed": snippet(config, record),
            "updated": record.updated,
        }

    def delete(self, job: Job) -> None:
        """Remove JOB and, when it made one, its episode from the feed (published again)."""
        from .batch import episode_files, open_layout
        from .config import LIBRARY_NAME
        from .library import Library
        from .publish import publish

        with self.work:
            if job.guid is not None:
                layout = open_layout(self.folder, self.config)
                library = Library(self.folder / LIBRARY_NAME)
                try:
                    record = library.get(job.guid)
                    if record is not None:
                        library.delete(record.guid)
                        for path in episode_files(layout, record.audio):
                            path.unlink(missing_ok=True)
                        publish(self.folder, self.config, library, dropping=frozenset({job.guid}))
                finally:
                    library.close()
            self.store.delete(job.id)

    def check_url(self, url: str) -> None:
        """NarrateError, before anything is queued, when URL is not one narrate may fetch."""
        from ..errors import SourceError
        from ..read.reach import Reach, checked_addresses

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SourceError(f"not an http(s) address: {url!r}")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise SourceError(f"not a valid address: {url!r}") from None
        reach = Reach(private=self.config.allow_private_addresses)
        checked_addresses(url, parts.hostname, port, reach)

    def check_article(self, request: dict[str, Any]) -> None:
        """NarrateError, before anything is queued, when posted HTML holds no article."""
        from ..read.extract import extract_page
        from ..read.fetch import Page

        page = Page(article_document(request), "html", request.get("url"), "posted html")
        extract_page(page)

    def submit(self, request: dict[str, Any], requester: str) -> tuple[Job, bool]:
        job, new = self.store.submit(request, requester, self.options.queue)
        if new:
            self.wake.set()
        return job, new


def first_wait() -> float:
    """Seconds before a failed callback is tried again the first time ($NARRATE_CALLBACK_WAIT,
    else 5); each later wait doubles."""
    import os

    try:
        value = float(os.environ.get(DELIVERY_WAIT_ENV, "5"))
    except ValueError:
        return 5.0
    return value if 0 < value < 3600 else 5.0


def verify_ghost(secret: str, body: bytes, header: str, timestamp: str | None) -> bool:
    """Whether BODY carries Ghost's signature: `X-Ghost-Signature: sha256=HEX, t=MILLIS`, an
    HMAC-SHA256 of the body followed by the time, with the hook's secret (compared in
    constant time; a signature over five minutes old is refused). Newer Ghost versions send
    the time apart, in X-Ghost-Request-Timestamp, signing "TIME:BODY" in base64."""
    import base64

    if timestamp:  # the newer form
        expected = hmac.new(
            secret.encode(), timestamp.encode() + b":" + body, hashlib.sha256
        ).digest()
        fresh = timestamp.isdigit() and abs(time.time() * 1000 - int(timestamp)) < (
            GHOST_SIGNATURE_AGE_S * 1000
        )
        return fresh and hmac.compare_digest(base64.b64encode(expected).decode(), header.strip())
    fields = dict(part.strip().split("=", 1) for part in header.split(",") if "=" in part.strip())
    signature, stamp = fields.get("sha256", ""), fields.get("t", "")
    if not signature or not stamp.isdigit():
        return False
    if abs(time.time() * 1000 - int(stamp)) > GHOST_SIGNATURE_AGE_S * 1000:
        return False
    expected_hex = hmac.new(secret.encode(), body + stamp.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected_hex, signature)


def ghost_request(payload: Any) -> dict[str, Any] | None:
    """The episode request a Ghost post webhook stands for (None: not a published post)."""
    post = payload.get("post", {}).get("current") if isinstance(payload, dict) else None
    if not isinstance(post, dict) or post.get("status", "published") != "published":
        return None
    authors = [a.get("name") for a in post.get("authors") or [] if isinstance(a, dict)]
    return cms_request(
        html=post.get("html"),
        title=post.get("title"),
        url=post.get("url"),
        author=", ".join(a for a in authors if isinstance(a, str)) or None,
        image=post.get("feature_image"),
        published=post.get("published_at"),
        updated=post.get("updated_at"),
        language=post.get("locale") or None,
    )


def wordpress_request(post: Any) -> dict[str, Any] | None:
    """The episode request a WordPress REST `post` object stands for (None: not published)."""
    if not isinstance(post, dict) or post.get("status", "publish") != "publish":
        return None

    def rendered(value: Any) -> Any:
        return value.get("rendered") if isinstance(value, dict) else value

    embedded = post.get("_embedded") if isinstance(post.get("_embedded"), dict) else {}
    authors = [a.get("name") for a in embedded.get("author") or [] if isinstance(a, dict)]
    media = [
        m.get("source_url") for m in embedded.get("wp:featuredmedia") or [] if isinstance(m, dict)
    ]
    return cms_request(
        html=rendered(post.get("content")),
        title=html_lib.unescape(str(rendered(post.get("title")) or "")) or None,
        url=post.get("link"),
        author=", ".join(a for a in authors if isinstance(a, str)) or None,
        image=next((m for m in media if isinstance(m, str)), None),
        published=post.get("date_gmt"),
        updated=post.get("modified_gmt"),
        language=None,
    )


def cms_request(**fields: Any) -> dict[str, Any]:
    """A request from what a CMS sent: text fields only, empty ones left out; ValueError
    when it has no HTML or no title."""
    request = {k: v for k, v in fields.items() if isinstance(v, str) and v.strip()}
    if "html" not in request or "title" not in request:
        raise ValueError("the post has no html or no title")
    return request


def make_app(folder: Path, options: ApiOptions | None = None) -> Any:
    """The FastAPI application for the feed in FOLDER."""
    require_server()
    from contextlib import asynccontextmanager

    from fastapi import Depends, FastAPI, HTTPException, Query, Request
    from fastapi.responses import JSONResponse
    from pydantic import BaseModel, Field, model_validator

    from .. import __version__

    service = Service(folder, options or ApiOptions())

    @asynccontextmanager
    async def lifespan(_app: Any) -> Any:
        service.start()
        try:
            yield
        finally:
            service.close()

    app = FastAPI(
        title="narrate",
        version=__version__,
        description="Narrate a newsroom's stories into its podcast feed.",
        lifespan=lifespan,
    )
    app.state.service = service

    class EpisodeRequest(BaseModel):
        """An article to narrate: its URL, or its HTML with a title (and the URL it lives at)."""

        model_config = {"extra": "forbid"}
        url: str | None = Field(None, max_length=2000)
        html: str | None = None
        title: str | None = Field(None, max_length=1000)
        author: str | None = Field(None, max_length=300)
        published: str | None = Field(None, max_length=40)
        updated: str | None = Field(None, max_length=40)
        image: str | None = Field(None, max_length=2000)
        language: str | None = Field(None, max_length=20)

        @model_validator(mode="after")
        def one_source(self) -> "EpisodeRequest":
            if not self.url and not self.html:
                raise ValueError("give the article's url, or its html and title")
            if self.html and not self.title:
                raise ValueError("posted html needs a title")
            return self

    def error(status: int, message: str, **headers: str) -> HTTPException:
        return HTTPException(status_code=status, detail=message, headers=headers or None)

    def authorised(scope: str) -> Any:
        def check(request: Request) -> Token:
            header = request.headers.get("authorization", "")
            kind, _, presented = header.partition(" ")
            if not header:
                raise error(401, "a bearer token is needed", **{"WWW-Authenticate": "Bearer"})
            token = service.store.token(presented.strip()) if kind.lower() == "bearer" else None
            if token is None:
                raise error(
                    401,
                    "the token is not valid",
                    **{"WWW-Authenticate": 'Bearer error="invalid_token"'},
                )
            if scope not in token.scopes:
                raise error(
                    403,
                    f"the token {token.name!r} may not {scope}",
                    **{"WWW-Authenticate": f'Bearer error="insufficient_scope" scope="{scope}"'},
                )
            if not service.rate.allow(token.name):
                raise error(429, "too many requests for this token", **{"Retry-After": "60"})
            return token

        return check

    CanCreate = Annotated[Token, Depends(authorised("create"))]
    CanRead = Annotated[Token, Depends(authorised("read"))]
    CanDelete = Annotated[Token, Depends(authorised("delete"))]

    def queue(request: dict[str, Any], requester: str) -> JSONResponse:
        try:
            if "html" in request:
                service.check_article(request)
            elif "url" in request:
                service.check_url(request["url"])
            job, new = service.submit(request, requester)
        except QueueFull as exc:
            raise error(429, str(exc), **{"Retry-After": "60"}) from None
        except NarrateError as exc:
            raise error(422, str(exc)) from None
        return JSONResponse(job.public(), status_code=202 if new else 200)

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "jobs": service.store.counts()}

    @app.post("/episodes", status_code=202)
    def create(body: EpisodeRequest, token: CanCreate) -> JSONResponse:
        request = body.model_dump(exclude_none=True)
        return queue(request, token.name)

    @app.get("/episodes")
    def listing(
        _token: CanRead,
        status: Annotated[str | None, Query(pattern="^(" + "|".join(STATUSES) + ")$")] = None,
        since: Annotated[str | None, Query(max_length=40)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> dict[str, Any]:
        return {"episodes": [job.public() for job in service.store.jobs(status, since, limit)]}

    @app.get("/episodes/{job_id}")
    def read(job_id: str, _token: CanRead) -> dict[str, Any]:
        job = service.store.get(job_id)
        if job is None:
            raise error(404, f"no episode job {job_id!r}")
        return {**job.public(), "progress": service.progress(job), "episode": service.episode(job)}

    @app.delete("/episodes/{job_id}", status_code=204)
    def delete(job_id: str, _token: CanDelete) -> None:
        job = service.store.get(job_id)
        if job is None:
            raise error(404, f"no episode job {job_id!r}")
        service.delete(job)

    @app.post("/hooks/ghost/{name}")
    async def ghost(name: str, request: Request) -> JSONResponse:
        body = await request.body()
        secret = service.store.hook_secret("ghost", name)
        signature = request.headers.get("x-ghost-signature", "")
        stamp = request.headers.get("x-ghost-request-timestamp")
        if secret is None or not verify_ghost(secret, body, signature, stamp):
            raise error(401, "the Ghost signature does not match this hook's secret")
        payload = parse_json(body)
        try:
            wanted = ghost_request(payload)
        except ValueError as exc:
            raise error(422, str(exc)) from None
        if wanted is None:
            return JSONResponse({"status": "ignored: not a published post"}, status_code=200)
        return queue(wanted, f"ghost:{name}")

    @app.post("/hooks/wordpress")
    async def wordpress(request: Request, token: CanCreate) -> JSONResponse:
        payload = parse_json(await request.body())
        try:
            wanted = wordpress_request(payload)
        except ValueError as exc:
            raise error(422, str(exc)) from None
        if wanted is None:
            return JSONResponse({"status": "ignored: not a published post"}, status_code=200)
        return queue(wanted, token.name)

    class CallbackRequest(BaseModel):
        """Where to tell when an episode is ready or failed (POSTed JSON, signed)."""

        model_config = {"extra": "forbid"}
        url: str = Field(max_length=2000)

    @app.post("/callbacks", status_code=201)
    def add_callback(body: CallbackRequest, token: CanCreate) -> dict[str, Any]:
        try:
            service.check_url(body.url)
        except NarrateError as exc:
            raise error(422, str(exc)) from None
        callback_id, secret = service.store.add_callback(body.url, token.name)
        return {"id": callback_id, "url": body.url, "secret": secret}

    @app.get("/callbacks")
    def list_callbacks(_token: CanRead) -> dict[str, Any]:
        rows = service.store.callbacks()
        return {"callbacks": [{"id": i, "url": u, "owner": o, "created": c} for i, u, o, c in rows]}

    @app.delete("/callbacks/{callback_id}", status_code=204)
    def remove_callback(callback_id: str, _token: CanDelete) -> None:
        if not service.store.remove_callback(callback_id):
            raise error(404, f"no callback {callback_id!r}")

    def parse_json(body: bytes) -> Any:
        try:
            return json.loads(body)
        except ValueError:
            raise error(400, "the body is not JSON") from None

    return BodyLimit(app, service.options.max_body)


class BodyLimit:
    """ASGI middleware: a request body over LIMIT bytes is 413, by its Content-Length or as it
    streams in (so a client that lies or chunks cannot make the service read more)."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.state = app.state

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await too_large(send, self.limit)
            return
        seen = 0

        async def counted() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except BodyTooLarge:
            await too_large(send, self.limit)


class BodyTooLarge(Exception):
    pass


async def too_large(send: Any, limit: int) -> None:
    body = json.dumps({"detail": f"the request body is over {limit} bytes"}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [(b"content-type", b"application/json"), (b"connection", b"close")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def serve(folder: Path, host: str, port: int, options: ApiOptions) -> None:
    """Run the service until Ctrl-C or SIGTERM, holding the feed folder's lock."""
    require_server()
    import uvicorn

    from ..files import folder_lock

    with folder_lock(folder, "narrate api"):
        app = make_app(folder, options)
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level="warning",
            timeout_keep_alive=15,
            limit_concurrency=512,
        )


__all__ = ["SCOPES", "ApiOptions", "make_app", "serve"]
