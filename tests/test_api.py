"""`narrate api`: the real service under uvicorn on 127.0.0.1, driven over HTTP as a CMS
would — auth, limits, hostile requests, Ghost's signature, concurrency and SIGKILL."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

from tests.test_faults import make_feed, narrate_env, run  # noqa: E402
from tests.test_fetch import free_port  # noqa: E402


def story(title: str, paragraphs: int = 3, extra: str = "") -> str:
    return "".join(
        f"<p>{title}, part {n}: the council met on Tuesday and agreed the plan for the "
        f"district, officials said. Work starts in spring and ends by autumn.{extra}</p>"
        for n in range(paragraphs)
    )


class Service:
    """A running `narrate api FOLDER` and what it needs: tokens, a Ghost secret."""

    def __init__(self, tmp_path: Path, folder: Path, *args: str, **env: str) -> None:
        self.tmp_path, self.folder, self.args, self.env = tmp_path, folder, args, env
        self.tokens = {
            name: run(tmp_path, "api", "token", "add", str(folder), name, *scopes).stdout.strip()
            for name, scopes in [
                ("desk", ()),
                ("reader", ("--scope", "read")),
                ("nothing", ("--scope", "none")),
            ]
        }
        self.ghost = run(tmp_path, "api", "hook", "add", str(folder), "ghost", "blog").stdout
        self.ghost = self.ghost.strip()
        self.process: subprocess.Popen[str] | None = None
        self.start()

    def start(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "narrate",
                "api",
                str(self.folder),
                "--port",
                str(self.port),
                "--jobs",
                "1",
                "--max-body",
                "1048576",
                *self.args,
            ],
            env=narrate_env(self.tmp_path, **self.env),
            stdout=subprocess.DEVNULL,
            stderr=(self.tmp_path / "service.log").open("a"),  # a pipe nobody reads would fill
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert self.process.poll() is None, (self.tmp_path / "service.log").read_text()
            time.sleep(0.05)
        raise AssertionError("the service did not start")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=60)

    def post(self, path: str, body: object, token: str | None = "desk", **headers: str):
        if token is not None:
            headers["authorization"] = f"Bearer {self.tokens.get(token, token)}"
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        headers.setdefault("content-type", "application/json")
        return httpx.post(f"{self.url}{path}", content=data, headers=headers, timeout=30)

    def hook(self, path: str, body: bytes, signature: str):
        return self.post(path, body, token=None, **{"x-ghost-signature": signature})

    def delete(self, path: str, token: str = "desk"):
        auth = {"authorization": f"Bearer {self.tokens[token]}"}
        return httpx.delete(f"{self.url}{path}", headers=auth, timeout=30)

    def get(self, path: str, token: str = "desk"):
        auth = {"authorization": f"Bearer {self.tokens[token]}"}
        return httpx.get(f"{self.url}{path}", headers=auth, timeout=30)

    def wait_for(self, job_id: str, status: str = "done", timeout: float = 120) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.get(f"/episodes/{job_id}").json()
            if job["status"] == status or job["status"] == "failed":
                return job
            time.sleep(0.1)
        raise AssertionError(f"job {job_id} is still {job['status']}")


@pytest.fixture
def service(tmp_path) -> Iterator[Service]:
    running = Service(tmp_path, make_feed(tmp_path))
    yield running
    running.stop(signal.SIGKILL)


def article(title: str = "Council approves the budget", **extra: object) -> dict:
    return {"html": story(title), "title": title, "url": "https://example.org/budget", **extra}


def test_auth_as_the_http_standard_says(service):
    for path, body in [("/episodes", article()), ("/hooks/wordpress", {"status": "publish"})]:
        none = service.post(path, body, token=None)
        assert none.status_code == 401 and none.headers["www-authenticate"].startswith("Bearer")
        wrong = service.post(path, body, token="nrt_not-a-token")
        assert (
            wrong.status_code == 401
            and 'error="invalid_token"' in wrong.headers["www-authenticate"]
        )
        nothing = service.post(path, body, token="nothing")
        assert (
            nothing.status_code == 403
            and "insufficient_scope" in nothing.headers["www-authenticate"]
        )
    assert service.post("/episodes", article(), token="reader").status_code == 403
    assert service.get("/episodes", token="reader").status_code == 200
    assert service.delete("/episodes/x", token="reader").status_code == 403
    assert httpx.get(f"{service.url}/episodes").status_code == 401
    openapi = httpx.get(f"{service.url}/openapi.json").json()
    assert {"/episodes", "/episodes/{job_id}", "/hooks/ghost/{name}", "/health"} <= set(
        openapi["paths"]
    )
    # Only a hash of each token is kept, and nothing of them is published.
    with sqlite3.connect(service.folder / "library.sqlite") as db:
        stored = " ".join(row[0] for row in db.execute("SELECT digest FROM api_tokens"))
    for token in service.tokens.values():
        assert token not in stored and hashlib.sha256(token.encode()).hexdigest() in stored
    for path in (service.folder / "public").rglob("*"):
        if path.is_file():
            assert not any(t.encode() in path.read_bytes() for t in service.tokens.values())


def test_bad_requests_get_a_clear_4xx(service):
    big = service.post("/episodes", {**article(), "html": "<p>x</p>" * 200_000})
    assert big.status_code == 413 and "over 1048576 bytes" in big.json()["detail"]
    broken = service.post("/episodes", b'{"url": ')
    assert broken.status_code == 422 and broken.json()["detail"]
    empty = service.post("/episodes", {})
    assert empty.status_code == 422 and "url" in json.dumps(empty.json())
    unknown = service.post("/episodes", {**article(), "voice_of_god": True})
    assert unknown.status_code == 422
    no_story = service.post("/episodes", {"html": "<nav>Home</nav>", "title": "Menu"})
    assert no_story.status_code == 422 and "no article text" in no_story.json()["detail"]
    not_json = service.post("/hooks/wordpress", b"<xml/>")
    assert not_json.status_code == 400 and "not JSON" in not_json.json()["detail"]
    assert service.get("/episodes/nope").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/story",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/story",
        "http://127.0.0.1:9/story",
        "http://2130706433/story",
        "http://localhost/story",
    ],
)
def test_an_internal_address_is_refused_before_anything_is_fetched(service, url):
    """The refusal comes from the address check, before any connection (checked_addresses
    raises before a socket is made); literal addresses need no lookup at all."""
    refused = service.post("/episodes", {"url": url})
    assert refused.status_code == 422, refused.text
    assert "internal address" in refused.json()["detail"]
    assert service.get("/episodes").json()["episodes"] == []  # nothing queued


def ghost_payload(title: str, html: str, status: str = "published") -> bytes:
    post = {
        "id": "65f1c2",
        "uuid": "8b2c9d3e-0000-4000-8000-000000000001",
        "title": title,
        "slug": "council-approves-budget",
        "html": html,
        "status": status,
        "url": "https://blog.example.org/council-approves-budget/",
        "feature_image": None,
        "published_at": "2026-12-07T09:00:00.000Z",
        "updated_at": "2026-12-07T09:30:00.000Z",
        "authors": [{"id": "1", "name": "Jane Doe", "slug": "jane"}],
        "primary_author": {"id": "1", "name": "Jane Doe"},
    }
    return json.dumps({"post": {"current": post, "previous": {}}}).encode()


def ghost_signature(secret: str, body: bytes, at_ms: int | None = None) -> str:
    stamp = str(at_ms if at_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), body + stamp.encode(), hashlib.sha256).hexdigest()
    return f"sha256={digest}, t={stamp}"


def test_a_ghost_webhook_with_the_right_signature_is_narrated(service):
    body = ghost_payload("Council approves the budget", story("Council approves the budget"))
    forged = service.hook("/hooks/ghost/blog", body, ghost_signature("not-the-secret", body))
    assert forged.status_code == 401
    old = ghost_signature(service.ghost, body, int(time.time() * 1000) - 3_600_000)
    assert service.hook("/hooks/ghost/blog", body, old).status_code == 401
    unknown = service.hook("/hooks/ghost/other", body, ghost_signature(service.ghost, body))
    assert unknown.status_code == 401
    signed = service.hook("/hooks/ghost/blog", body, ghost_signature(service.ghost, body))
    assert signed.status_code == 202, signed.text
    job = service.wait_for(signed.json()["id"])
    assert (
        job["status"] == "done"
        and job["guid"] == "https://blog.example.org/council-approves-budget/"
    )
    assert (
        job["episode"]["audio"].endswith(".mp3")
        and "data-narrate-player" in job["episode"]["embed"]
    )
    feed = (service.folder / "public" / "feed.xml").read_text(encoding="utf-8")
    assert "Council approves the budget" in feed and "Jane Doe" in feed
    draft = ghost_payload("A draft", story("A draft"), status="draft")
    ignored = service.hook("/hooks/ghost/blog", draft, ghost_signature(service.ghost, draft))
    assert ignored.status_code == 200 and "ignored" in ignored.json()["status"]


def test_a_wordpress_post_object_is_narrated(service):
    post = {
        "id": 42,
        "status": "publish",
        "link": "https://news.example.org/2026/12/07/council/",
        "date_gmt": "2026-12-07T09:00:00",
        "modified_gmt": "2026-12-07T09:10:00",
        "title": {"rendered": "Council &#8220;approves&#8221; the budget"},
        "content": {"rendered": story("Council approves the budget"), "protected": False},
        "_embedded": {"author": [{"name": "John Roe"}]},
    }
    queued = service.post("/hooks/wordpress", post)
    assert queued.status_code == 202, queued.text
    job = service.wait_for(queued.json()["id"])
    assert job["status"] == "done" and job["guid"] == post["link"]
    assert "“approves”" in job["episode"]["title"]


def test_200_concurrent_requests_lose_nothing_and_double_nothing(service):
    body = article("One story posted by many")

    def call(n: int) -> int:
        if n % 2:
            return httpx.get(f"{service.url}/health", timeout=30).status_code
        return service.post("/episodes", body).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        codes = list(pool.map(call, range(200)))
    assert codes.count(200) + codes.count(202) == 200, codes
    assert codes.count(202) == 1  # one job made, the other 99 posts found it
    jobs = service.get("/episodes").json()["episodes"]
    assert len(jobs) == 1
    done = service.wait_for(jobs[0]["id"])
    assert done["status"] == "done"
    with sqlite3.connect(service.folder / "library.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM episodes").fetchone()[0] == 1


def test_a_killed_service_finishes_the_job_once_on_restart(service):
    long_story = {**article("A long council story"), "html": story("A long council story", 40)}
    job_id = service.post("/episodes", long_story).json()["id"]
    running = service.wait_for(job_id, status="running")
    assert running["progress"]["batch"] == 1
    staging = service.folder / ".staging"
    deadline = time.monotonic() + 60
    while not (staging.is_dir() and any(staging.iterdir())) and time.monotonic() < deadline:
        time.sleep(0.02)  # killed while the episode is being made
    service.stop(signal.SIGKILL)
    service.start()
    job = service.wait_for(job_id)
    assert job["status"] == "done" and job["outcome"] == "new"
    feed = (service.folder / "public" / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<guid") == 1
    assert len(list((service.folder / "public" / "episodes").glob("*.mp3"))) == 1
    assert not [p for p in staging.iterdir() if not p.name.startswith(".narrate")]
    with sqlite3.connect(service.folder / "library.sqlite") as db:
        (attempts,) = db.execute("SELECT attempts FROM api_jobs WHERE id = ?", (job_id,)).fetchone()
    assert attempts == 2  # narrated again after the kill, once


def test_an_edited_story_keeps_its_guid_and_respeaks_only_what_changed(service, tmp_path):
    first = service.post("/episodes", article("Council approves the budget"))
    done = service.wait_for(first.json()["id"])
    cache = tmp_path / "segment-cache"
    before = {p.name for p in cache.rglob("*.wav")}
    edited = article("Council approves the budget")
    edited["html"] += "<p>The mayor said on Wednesday that the vote was a relief.</p>"
    second = service.post("/episodes", edited)
    assert second.status_code == 202
    again = service.wait_for(second.json()["id"])
    assert again["guid"] == done["guid"] and again["outcome"] == "updated"
    spoken = {p.name for p in cache.rglob("*.wav")} - before
    assert len(spoken) == 2  # the new sentence and the update note; the rest from the cache
    episodes = service.folder / "public" / "episodes"
    [transcript] = episodes.glob("*.transcript.json")
    today = time.strftime("%B %-d", time.gmtime())
    assert f"This article was updated on {today}." in transcript.read_text(encoding="utf-8")
    feed = (service.folder / "public" / "feed.xml").read_text(encoding="utf-8")
    assert "Updated: " + time.strftime("%Y-%m-%d", time.gmtime()) in feed
    assert feed.count("<item>") == 1
    [page] = [p for p in episodes.glob("*.html")]
    assert "Updated, and narrated again" in page.read_text(encoding="utf-8")
    same = service.post("/episodes", edited)
    assert same.status_code == 200 and same.json()["id"] == second.json()["id"]
    assert service.delete(f"/episodes/{again['id']}").status_code == 204
    assert "<item>" not in (service.folder / "public" / "feed.xml").read_text(encoding="utf-8")


def test_without_the_extra_api_says_what_to_install(tmp_path):
    folder = make_feed(tmp_path)
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "fastapi.py").write_text("raise ImportError('no fastapi here')\n")
    env = {"PYTHONPATH": os.pathsep.join([str(blocker), str(Path(__file__).parent.parent)])}
    result = run(tmp_path, "api", str(folder), "--port", str(free_port()), **env)
    assert result.returncode == 1 and "pip install 'narrate-news[server]'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_callbacks_are_signed_retried_and_never_internal(tmp_path, server):
    from tests.conftest import Route

    calls: list[tuple[dict[str, str], bytes]] = []

    def receiver(handler) -> Route:
        calls.append((dict(handler.headers), handler.request_body))
        return Route(503 if len(calls) == 1 else 200, b"ok", "text/plain")

    server.routes["/narrated"] = receiver
    intranet = Service(tmp_path, make_feed(tmp_path, allow_private_addresses=True),
                       NARRATE_CALLBACK_WAIT="0.2")  # fmt: skip
    try:
        made = intranet.post("/callbacks", {"url": server.url("/narrated")})
        assert made.status_code == 201, made.text
        secret = made.json()["secret"]
        listed = intranet.get("/callbacks").json()["callbacks"]
        assert [c["url"] for c in listed] == [server.url("/narrated")] and "secret" not in listed[0]
        job = intranet.post("/episodes", article()).json()
        intranet.wait_for(job["id"])
        deadline = time.monotonic() + 30
        while len(calls) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(calls) == 2  # refused once (503), then delivered; never again
        headers, body = calls[1]
        fields = dict(
            part.strip().split("=", 1) for part in headers["X-Narrate-Signature"].split(",")
        )
        expected = hmac.new(secret.encode(), f"{fields['t']}.".encode() + body, hashlib.sha256)
        assert hmac.compare_digest(fields["sha256"], expected.hexdigest())
        event = json.loads(body)
        assert event["event"] == "episode.ready" and event["job"]["id"] == job["id"]
        assert event["episode"]["audio"].endswith(".mp3")
    finally:
        intranet.stop(signal.SIGKILL)
    (tmp_path / "public-feed").mkdir()
    public = Service(tmp_path / "public-feed", make_feed(tmp_path / "public-feed"))
    try:
        refused = public.post("/callbacks", {"url": "http://10.0.0.5/hook"})
        assert refused.status_code == 422 and "internal address" in refused.json()["detail"]
    finally:
        public.stop(signal.SIGKILL)


def test_polling_brings_in_what_a_site_without_hooks_publishes(tmp_path, server):
    from tests.conftest import Route
    from tests.test_faults import article_html, rss

    server.routes["/one"] = Route(body=article_html("First story"))
    server.routes["/two"] = Route(body=article_html("Second story"))
    server.routes["/rss"] = Route(
        body=rss([("First story", server.url("/one"))]), content_type="application/rss+xml"
    )
    folder = make_feed(tmp_path, allow_private_addresses=True)
    assert run(tmp_path, "feed", "add", str(folder), server.url("/rss")).returncode == 0
    server.routes["/rss"] = Route(
        body=rss([("First story", server.url("/one")), ("Second story", server.url("/two"))]),
        content_type="application/rss+xml",
    )
    bad = run(tmp_path, "api", str(folder), "--poll", "soon", "--port", str(free_port()))
    assert bad.returncode == 2 and "--poll" in bad.stderr
    poller = Service(tmp_path, folder, "--poll", "1s")
    try:
        feed = folder / "public" / "feed.xml"
        deadline = time.monotonic() + 60
        while "Second story" not in feed.read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, "the poll never brought the second story in"
            time.sleep(0.1)
        assert feed.read_text(encoding="utf-8").count("<item>") == 2
    finally:
        poller.stop(signal.SIGKILL)
