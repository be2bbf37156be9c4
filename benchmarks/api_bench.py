"""The API service as a CMS meets it: time from POST to a playable episode, and throughput.

    python benchmarks/api_bench.py [--articles 20] [--engine auto] [--jobs N]

Starts `narrate api` on 127.0.0.1 for a new feed (allowed to fetch from 127.0.0.1, where this
script serves the pages), posts the bundled sample article by URL and times the wait until
its episode is published and its audio answers; then posts ARTICLES short real news articles
(first paragraphs of ../shared/data's pages when present, else variations of the samples) at
once and times the queue until every one is done. Prints seconds and articles a minute.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def narrate(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "narrate", *args], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return done.stdout.strip()


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def wait_done(client: httpx.Client, url: str, ids: list[str], timeout: float = 1800) -> dict:
    deadline = time.monotonic() + timeout
    pending = set(ids)
    last: dict = {}
    while pending and time.monotonic() < deadline:
        for job_id in list(pending):
            last = client.get(f"{url}/episodes/{job_id}").json()
            if last["status"] in ("done", "failed"):
                pending.discard(job_id)
                if last["status"] == "failed":
                    print(f"  failed: {last['error']}")
        time.sleep(0.05)
    return last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--engine", default="auto")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    from speed import batch_articles

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = {**os.environ, "NARRATE_CACHE_DIR": str(work / "cache")}
        pages = work / "pages"
        pages.mkdir()
        (pages / "sample.html").write_bytes(
            (ROOT / "samples" / "kyiv-independent-austin.html").read_bytes()
        )
        for n, (title, body) in enumerate(batch_articles(args.articles)):
            paragraphs = "".join(f"<p>{p}</p>" for p in body)
            (pages / f"a{n}.html").write_text(
                f"<html lang='en'><head><title>{title}</title></head><body><article>"
                f"<h1>{title}</h1>{paragraphs}</article></body></html>",
                encoding="utf-8",
            )
        httpd, site = serve(pages)
        feed = work / "feed"
        narrate("feed", "init", str(feed), "--title", "Bench", "--author", "Desk", "--email",
                "d@example.org", "--base-url", "https://example.org/p/", "--engine", args.engine,
                "--allow-private-addresses", env=env)  # fmt: skip
        token = narrate("api", "token", "add", str(feed), "bench", env=env)
        port = httpd.server_address[1] + 1
        service = subprocess.Popen(
            [sys.executable, "-m", "narrate", "api", str(feed), "--port", str(port), "--jobs",
             str(args.jobs), "--rate", "100000"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        headers = {"authorization": f"Bearer {token}"}
        try:
            with httpx.Client(headers=headers, timeout=60) as client:
                while True:
                    try:
                        client.get(f"{url}/health")
                        break
                    except httpx.HTTPError:
                        time.sleep(0.05)
                started = time.perf_counter()
                job = client.post(f"{url}/episodes", json={"url": f"{site}/sample.html"}).json()
                done = wait_done(client, url, [job["id"]])
                audio = feed / "public" / "episodes" / Path(done["episode"]["audio"]).name
                assert audio.stat().st_size > 0
                playable = time.perf_counter() - started
                print(
                    f"sample article: POST to a published, playable episode in {playable:.2f} s "
                    f"(engine {args.engine}, {args.jobs} cores)"
                )
                started = time.perf_counter()
                ids = [
                    client.post(f"{url}/episodes", json={"url": f"{site}/a{n}.html"}).json()["id"]
                    for n in range(args.articles)
                ]
                wait_done(client, url, ids)
                took = time.perf_counter() - started
                counts = client.get(f"{url}/health").json()["jobs"]
                print(
                    f"{args.articles} articles posted at once: all done in {took:.1f} s = "
                    f"{args.articles / took * 60:.1f} articles a minute ({json.dumps(counts)})"
                )
        finally:
            service.terminate()
            service.wait(timeout=60)
            httpd.shutdown()


if __name__ == "__main__":
    main()
