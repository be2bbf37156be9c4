"""What hostile input costs: the figures behind docs/safety.md.

    python benchmarks/hostile_bench.py [--dead N] [--held N] [--requests N] [--words N]

- a feed of N dead links (connection refused, on 127.0.0.1, allow_private_addresses):
  seconds for `narrate feed add`, and milliseconds per link;
- `narrate serve` with N connections held open mid-request (slowloris): latency of normal
  requests, 50 at a time (median, 99th percentile, worst) and how many failed;
- `narrate script` on a paragraph of N words full of abbreviations (the sentence splitter
  was quadratic in it).

Everything runs on this machine only: servers on 127.0.0.1 that this script starts.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def narrate(*args: str, cwd: Path, timeout: float = 3600) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), NARRATE_CACHE_DIR=str(cwd / "cache"))
    return subprocess.run(
        [sys.executable, "-m", "narrate", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
        check=False,
    )


def init(folder: Path, work: Path, *extra: str) -> None:
    made = narrate(
        "feed", "init", str(folder), "--title", "Bench", "--author", "Desk",
        "--email", "desk@example.com", "--base-url", "http://127.0.0.1:9/", "--engine",
        "espeak", *extra, cwd=work,
    )  # fmt: skip
    if made.returncode:
        raise SystemExit(made.stderr)


def dead_links(count: int, work: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    items = "".join(
        f"<item><title>t</title><link>http://127.0.0.1:{port}/story{n}</link></item>"
        for n in range(count)
    )
    feed = work / "dead.xml"
    feed.write_text(f"<rss version='2.0'><channel><title>x</title>{items}</channel></rss>")
    folder = work / "dead-feed"
    init(folder, work, "--allow-private-addresses")
    began = time.perf_counter()
    result = narrate("feed", "add", str(folder), str(feed), "--jobs", "1", cwd=work)
    seconds = time.perf_counter() - began
    failed = result.stderr.count("connection refused")
    print(
        f"feed of {count} dead links: {seconds:.1f} s ({1000 * seconds / count:.1f} ms a link), "
        f"{failed} refused"
    )


def held_connections(held: int, requests: int, work: Path) -> None:
    folder = work / "serve-feed"
    init(folder, work)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    server = subprocess.Popen(
        [sys.executable, "-m", "narrate", "serve", str(folder), "--port", str(port), "-q"],
        stderr=subprocess.PIPE,
        env=env,
    )
    assert server.stderr is not None
    server.stderr.readline()  # "Serving …": it listens
    sockets = []
    try:
        for _ in range(held):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(b"GET /feed.xml HTTP/1.1\r\nHost: x\r\n")
            sockets.append(sock)

        def one(_n: int) -> float | None:
            began = time.perf_counter()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/feed.xml", timeout=30) as r:
                    r.read()
            except OSError:
                return None
            return time.perf_counter() - began

        with ThreadPoolExecutor(max_workers=50) as pool:
            times = list(pool.map(one, range(requests)))
        done = sorted(t for t in times if t is not None)
        p99 = done[int(0.99 * (len(done) - 1))] if done else float("nan")
        print(
            f"serve with {held} connections held: {requests} requests, "
            f"{requests - len(done)} failed; median {1000 * statistics.median(done):.0f} ms, "
            f"p99 {1000 * p99:.0f} ms, worst {1000 * done[-1]:.0f} ms"
        )
    finally:
        for sock in sockets:
            sock.close()
        server.terminate()
        server.wait(timeout=30)


def long_paragraph(words: int, work: Path) -> None:
    import random

    rng = random.Random(1)
    vocabulary = ["alpha", "U.S.", "Dr.", "1,200", "NATO", "Kyiv", "e.g.", "3.14", "Nov."]
    body = " ".join(rng.choice(vocabulary) for _ in range(words))
    page = work / "long.html"
    page.write_text(
        f"<html><head><title>Long</title></head><body><article><h1>Long</h1><p>{body}</p>"
        "<p>The end of the story, officials said on Tuesday.</p></article></body></html>"
    )
    began = time.perf_counter()
    result = narrate("script", str(page), cwd=work)
    print(
        f"script of a {words}-word paragraph of abbreviations: "
        f"{time.perf_counter() - began:.1f} s (exit {result.returncode})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dead", type=int, default=2000)
    parser.add_argument("--held", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--words", type=int, default=150_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        dead_links(args.dead, work)
        held_connections(args.held, args.requests, work)
        long_paragraph(args.words, work)


if __name__ == "__main__":
    main()
