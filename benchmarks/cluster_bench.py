"""What a Dask cluster costs against the local batch, on this machine.

    python benchmarks/cluster_bench.py [--articles 10] [--repeats 2]

Needs `pip install 'narrate-news[cluster]'`. With espeak and --no-cache (every sentence spoken):
1. `feed add --jobs 2` (narrate's own process pool) against `feed add --cluster` on a real
   `dask scheduler` with two single-thread `dask worker` processes on 127.0.0.1: wall time and
   the throughput ratio (cluster / local; the issue's aim is at least 0.9);
2. the per-article overhead of the cluster path: the same with one-sentence articles, where
   nearly all the time is overhead: (cluster − local) / articles, in ms;
3. what starting a LocalCluster (2 processes, 1 thread each) costs before any work, which the
   local batch would pay on every run if it went through Dask.
The cluster is started before the clock starts, as a publisher's would be.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT = (
    "officials said on Tuesday that the repair crews worked through the night across the "
    "districts of the region while the council met to agree on the budget for the winter"
)
WORDS = TEXT.split(" ")


def write_articles(folder: Path, count: int, paragraphs: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        body = "".join(
            f"<p>Story {n + 1}, part {k + 1}: "
            + " ".join(WORDS[(n + k + i) % len(WORDS)] for i in range(28))
            + ".</p>"
            for k in range(paragraphs + (n % 5) * paragraphs // 4)
        )
        path = folder / f"story-{n + 1}.html"
        path.write_text(
            f"<html><head><title>Story {n + 1}</title></head><body><article>"
            f"<h1>Story number {n + 1}</h1>{body}</article></body></html>",
            encoding="utf-8",
        )
        paths.append(str(path))
    return paths


def narrate(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "narrate", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    return time.perf_counter() - start


def new_feed(base: Path, name: str) -> Path:
    folder = base / name
    narrate(
        "feed",
        "init",
        str(folder),
        "--title",
        "Bench",
        "--author",
        "Bench",
        "--email",
        "bench@example.com",
        "--base-url",
        "http://127.0.0.1:9/",
        "--engine",
        "espeak",
    )
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_cluster(workers: int) -> tuple[str, list[subprocess.Popen]]:
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-dashboard",
            ],
            **quiet,
        )
    ]
    for _ in range(workers):
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "distributed.cli.dask_worker",
                    address,
                    "--nthreads",
                    "1",
                    "--no-dashboard",
                    "--memory-limit",
                    "0",
                    "--no-nanny",
                ],
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                **quiet,
            )
        )
    with Client(address, timeout=30, set_as_default=False) as client:
        client.wait_for_workers(workers, timeout=60)
    return address, processes


def local_cluster_start() -> float:
    import warnings

    from distributed import Client, LocalCluster

    warnings.simplefilter("ignore")  # the dashboard's port
    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        client.wait_for_workers(2)
        return time.perf_counter() - start


def compare(base: Path, address: str, sources: list[str], repeats: int, label: str) -> dict:
    local, remote = [], []
    for repeat in range(repeats):
        local.append(
            narrate(
                "feed",
                "add",
                str(new_feed(base, f"{label}-local-{repeat}")),
                *sources,
                "--jobs",
                "2",
                "--no-cache",
                "-q",
            )
        )
        remote.append(
            narrate(
                "feed",
                "add",
                str(new_feed(base, f"{label}-cluster-{repeat}")),
                *sources,
                "--cluster",
                address,
                "--no-cache",
                "-q",
            )
        )
    return {
        "local": statistics.median(local),
        "cluster": statistics.median(remote),
        "all_local": local,
        "all_cluster": remote,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="narrate-cluster-bench-"))
    address, processes = start_cluster(2)
    try:
        full = compare(
            base, address, write_articles(base / "full", args.articles, 12), args.repeats, "full"
        )
        tiny_count = 20
        tiny = compare(
            base, address, write_articles(base / "tiny", tiny_count, 1), args.repeats, "tiny"
        )
    finally:
        for process in processes:
            process.kill()
    startup = local_cluster_start()
    print(f"machine: {os.cpu_count()} cores; espeak, --no-cache, median of {args.repeats}")
    print(
        f"{args.articles} articles: local --jobs 2 {full['local']:.1f} s "
        f"({args.articles / full['local'] * 60:.1f}/min), 2 workers x 1 thread "
        f"{full['cluster']:.1f} s ({args.articles / full['cluster'] * 60:.1f}/min); "
        f"throughput ratio {full['local'] / full['cluster']:.2f}"
    )
    print(f"  runs: local {full['all_local']}, cluster {full['all_cluster']}")
    overhead = (tiny["cluster"] - tiny["local"]) / tiny_count * 1000
    print(
        f"{tiny_count} one-sentence articles: local {tiny['local']:.2f} s, cluster "
        f"{tiny['cluster']:.2f} s; cluster overhead {overhead:.0f} ms an article"
    )
    print(f"LocalCluster start (2 processes, 1 thread each): {startup:.2f} s")


if __name__ == "__main__":
    main()
