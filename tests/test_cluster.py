"""Feed batches on a real Dask cluster: `dask scheduler` and `dask worker` processes on
127.0.0.1 that the tests start (one thread each), driven by the real command line."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from narrate.cli import cli
from tests.conftest import ROOT

pytest.importorskip("distributed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def env_for(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        NARRATE_CACHE_DIR=str(tmp_path / "segment-cache"),
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class Cluster:
    """A scheduler and N single-thread workers, each in its own process group."""

    def __init__(self, tmp_path: Path, workers: int = 2) -> None:
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.env = env_for(tmp_path / "workers")
        self.logs = tmp_path / "dask-logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.scheduler = self.spawn(
            "scheduler",
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--no-dashboard",
            ],
        )
        self.workers = [self.add_worker(n) for n in range(workers)]
        self.wait_for_workers(workers)

    def spawn(self, name: str, command: list[str]) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("ab")
        return subprocess.Popen(
            command, stdout=log, stderr=log, env=self.env, start_new_session=True
        )

    def add_worker(self, number: int) -> subprocess.Popen:
        return self.spawn(
            f"worker{number}",
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_worker",
                self.address,
                "--nthreads",
                "1",
                "--nworkers",
                "1",
                "--no-dashboard",
                "--memory-limit",
                "0",
                "--no-nanny",
                "--death-timeout",
                "30",
            ],
        )

    def client(self):
        from distributed import Client

        return Client(self.address, timeout=20, set_as_default=False)

    def wait_for_workers(self, count: int, timeout: float = 60) -> None:
        with self.client() as client:
            client.wait_for_workers(count, timeout=timeout)

    def tasks_on_scheduler(self) -> int:
        with self.client() as client:
            return client.run_on_scheduler(lambda dask_scheduler: len(dask_scheduler.tasks))

    def worker_narrating(self, timeout: float = 60) -> subprocess.Popen | None:
        """The worker process that is speaking an article now (waits for one)."""
        deadline = time.time() + timeout
        with self.client() as client:
            pids = client.run(os.getpid)
            while time.time() < deadline:
                for address, keys in client.processing().items():
                    if any(str(key).startswith("narrate_task") for key in keys):
                        pid = pids.get(address)
                        for process in self.workers:
                            if process.pid == pid:
                                return process
                time.sleep(0.05)
        return None

    def kill(self, process: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def close(self) -> None:
        for process in [*self.workers, self.scheduler]:
            self.kill(process)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    running = Cluster(tmp_path_factory.mktemp("cluster"))
    yield running
    running.close()


def articles(folder: Path, count: int = 6, paragraphs: int = 3) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(1, count + 1):
        body = "".join(
            f"<p>Story {n}, part {k}: officials said on Tuesday that the work of 1,200 people "
            f"across 17 districts went on through the night, and would go on.</p>"
            for k in range(paragraphs + n)
        )
        path = folder / f"story-{n}.html"
        path.write_text(
            f"<html><head><title>Story number {n}</title></head><body><article>"
            f"<h1>Story number {n}</h1>{body}</article></body></html>",
            encoding="utf-8",
        )
        paths.append(str(path))
    return paths


def init(folder: Path, *extra: str) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "feed",
            "init",
            str(folder),
            "--title",
            "Cluster news",
            "--author",
            "Desk",
            "--email",
            "desk@example.com",
            "--base-url",
            "http://127.0.0.1:9/podcast/",
            "--engine",
            "espeak",
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output


def narrate(tmp_path: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "narrate", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env_for(tmp_path),
        check=False,
    )


def start_batch(
    tmp_path: Path, folder: Path, sources: list[str], address: str, **env: str
) -> subprocess.Popen:
    """`narrate feed add FOLDER SOURCES --cluster ADDRESS --no-cache`, running (ENV added)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "narrate",
            "feed",
            "add",
            str(folder),
            *sources,
            "--cluster",
            address,
            "--no-cache",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env_for(tmp_path, **env),
    )


def batch_of_six(tmp_path: Path, running: Cluster, **env: str) -> tuple[Path, subprocess.Popen]:
    """A new feed, and a batch of six long articles on RUNNING, started (ENV added)."""
    folder = tmp_path / "feed"
    init(folder)
    sources = articles(tmp_path / "pages", paragraphs=12)
    return folder, start_batch(tmp_path, folder, sources, running.address, **env)


def library_rows(folder: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(folder / "library.sqlite") as db:
        return db.execute("SELECT guid, audio FROM episodes ORDER BY guid").fetchall()


def feed_items(folder: Path) -> list[tuple[str, str, int]]:
    """(title, enclosure file, enclosure length) of every item; the feed parsed strictly."""
    tree = etree.parse(str(folder / "public" / "feed.xml"))
    items = []
    for item in tree.iter("item"):
        enclosure = item.find("enclosure")
        items.append(
            (
                item.findtext("title"),
                enclosure.get("url").rsplit("/", 1)[1],
                int(enclosure.get("length")),
            )
        )
    return sorted(items)


def assert_complete(folder: Path) -> None:
    episodes = folder / "public" / "episodes"
    for _, audio, length in feed_items(folder):
        assert (episodes / audio).stat().st_size == length
        stem = audio.rsplit(".", 1)[0]
        for suffix in (".vtt", ".srt", ".chapters.json", ".transcript.json", ".jpg", ".html"):
            assert (episodes / f"{stem}{suffix}").is_file(), stem + suffix
    assert not list((folder / ".staging").iterdir())


def test_a_cluster_batch_gives_the_same_feed_as_the_local_one(cluster, tmp_path):
    sources = articles(tmp_path / "pages")
    local, remote = tmp_path / "local", tmp_path / "remote"
    init(local)
    init(remote)
    here = narrate(tmp_path, "feed", "add", str(local), *sources, "--jobs", "2")
    assert here.returncode == 0, here.stderr
    there = narrate(tmp_path, "feed", "add", str(remote), *sources, "--cluster", cluster.address)
    assert there.returncode == 0, there.stderr
    assert "6 new, 0 updated, 0 unchanged, 0 failed" in there.stderr
    assert [(t, a) for t, a, _ in feed_items(remote)] == [(t, a) for t, a, _ in feed_items(local)]
    assert len(feed_items(remote)) == 6
    assert_complete(remote)
    assert [a for _, a in library_rows(remote)] == [a for _, a in library_rows(local)]
    again = narrate(tmp_path, "feed", "add", str(remote), *sources, "--cluster", cluster.address)
    assert "0 new, 0 updated, 6 unchanged" in again.stderr, again.stderr


def test_feed_toml_cluster_and_sentence_progress(cluster, tmp_path):
    from narrate.feed import add_sources, load_config

    folder = tmp_path / "feed"
    init(folder)
    text = (folder / "feed.toml").read_text()
    (folder / "feed.toml").write_text(
        text.replace('cluster = ""', f'cluster = "{cluster.address}"')
    )
    assert load_config(folder).cluster == cluster.address
    spoken, finished = [], []
    os.environ["NARRATE_CACHE_DIR"] = str(tmp_path / "cache")
    try:
        outcomes = add_sources(
            folder,
            articles(tmp_path / "pages", count=3),
            sentence_progress=spoken.append,
            article_progress=lambda done, total: finished.append((done, total)),
        )
    finally:
        del os.environ["NARRATE_CACHE_DIR"]
    assert [o.status for o in outcomes] == ["new"] * 3
    assert finished[-1] == (3, 3)
    deadline = time.time() + 10  # the scheduler relays the workers' events
    while len(spoken) < 3 and time.time() < deadline:
        time.sleep(0.1)
    assert len(spoken) >= 3  # sentences were reported from the workers


def test_a_worker_killed_mid_article_loses_nothing_and_duplicates_nothing(tmp_path):
    running = Cluster(tmp_path, workers=2)
    try:
        folder, batch = batch_of_six(tmp_path, running)
        deadline = time.time() + 120
        while not library_rows(folder) and time.time() < deadline and batch.poll() is None:
            time.sleep(0.05)
        assert library_rows(folder), "no episode came back"
        busy = running.worker_narrating()  # mid-article: a worker speaking one
        assert busy is not None, "no worker was narrating"
        running.kill(busy)
        assert len(library_rows(folder)) < 6
        _, err = batch.communicate(timeout=300)
        assert batch.returncode == 0, err
        assert "6 new" in err and "0 failed" in err
        rows = library_rows(folder)
        assert len(rows) == 6 and len({guid for guid, _ in rows}) == 6
        assert len(feed_items(folder)) == 6
        assert_complete(folder)
    finally:
        running.close()


def test_ctrl_c_cancels_the_cluster_tasks(tmp_path):
    running = Cluster(tmp_path, workers=1)
    try:
        folder = tmp_path / "feed"
        init(folder)
        batch = start_batch(
            tmp_path, folder, articles(tmp_path / "pages", paragraphs=12), running.address
        )
        deadline = time.time() + 120
        while running.tasks_on_scheduler() == 0 and time.time() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        batch.send_signal(signal.SIGINT)
        _, err = batch.communicate(timeout=60)
        assert batch.returncode == 130, err
        assert "Traceback" not in err
        deadline = time.time() + 20
        while running.tasks_on_scheduler() and time.time() < deadline:
            time.sleep(0.2)
        assert running.tasks_on_scheduler() == 0
        assert not list((folder / ".staging").iterdir())
        etree.parse(str(folder / "public" / "feed.xml"))  # still a valid feed
    finally:
        running.close()


def test_a_lost_scheduler_is_one_line_and_keeps_what_came_back(tmp_path):
    running = Cluster(tmp_path, workers=2)
    try:
        folder = tmp_path / "feed"
        init(folder)
        batch = start_batch(
            tmp_path, folder, articles(tmp_path / "pages", paragraphs=12), running.address
        )
        deadline = time.time() + 120
        while not library_rows(folder) and time.time() < deadline and batch.poll() is None:
            time.sleep(0.05)
        running.kill(running.scheduler)
        _, err = batch.communicate(timeout=120)
        assert batch.returncode == 1
        lines = [line for line in err.splitlines() if line.strip()]
        assert "lost the Dask scheduler" in lines[-1] and "Traceback" not in err, err
        kept = len(library_rows(folder))
        assert f"{kept} episode(s) that came back were kept" in lines[-1]
        assert len(feed_items(folder)) == kept >= 1  # and published
        assert_complete(folder)
    finally:
        running.close()


def test_an_unreachable_scheduler_is_one_line(tmp_path):
    folder = tmp_path / "feed"
    init(folder)
    result = narrate(
        tmp_path,
        "feed",
        "add",
        str(folder),
        *articles(tmp_path / "pages", count=1),
        "--cluster",
        f"tcp://127.0.0.1:{free_port()}",
    )
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot reach the Dask scheduler" in lines[0], result.stderr


def test_without_the_extra_cluster_says_what_to_install(tmp_path, monkeypatch):
    folder = tmp_path / "feed"
    init(folder)
    monkeypatch.setitem(sys.modules, "distributed", None)
    added = CliRunner().invoke(
        cli,
        [
            "feed",
            "add",
            str(folder),
            *articles(tmp_path / "pages", count=1),
            "--cluster",
            "tcp://127.0.0.1:8786",
        ],
    )
    assert added.exit_code == 1
    lines = added.output.strip().splitlines()
    assert len(lines) == 1 and "pip install 'narrate-news[cluster]'" in lines[0], added.output
    assert library_rows(folder) == []


@pytest.mark.parametrize(
    "value", ['"localhost"', '"http://x:1"', "8786", '"tcp://a b:1"', '"tcp://host:port"']
)
def test_a_bad_cluster_setting_is_one_line(tmp_path, value):
    folder = tmp_path / "feed"
    init(folder)
    text = (folder / "feed.toml").read_text().replace('cluster = ""', f"cluster = {value}")
    (folder / "feed.toml").write_text(text)
    result = CliRunner().invoke(cli, ["feed", "list", str(folder)])
    assert result.exit_code == 1 and "cluster" in result.output, result.output
    assert len(result.output.strip().splitlines()) == 1


def test_nothing_but_the_cluster_module_imports_dask(tmp_path):
    package = ROOT / "narrate"
    importers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if any(
            line.strip().startswith(
                ("import distributed", "from distributed", "import dask", "from dask")
            )
            for line in path.read_text(encoding="utf-8").splitlines()
        )
    )
    assert importers == ["feed/cluster.py"]
    code = (
        "import sys, narrate.cli, narrate.feed, narrate.pipeline;"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')]"
    )
    assert subprocess.run([sys.executable, "-c", code], env=env_for(tmp_path)).returncode == 0


def test_a_port_that_is_no_scheduler_and_tls_without_settings_are_one_line(tmp_path, server):
    folder = tmp_path / "feed"
    init(folder)
    web = server.base_url.replace("http://", "tcp://")  # a web server: it never answers Dask
    for address, words in ((web, "no Dask scheduler answered"), (web.replace("tcp", "tls"), "tls")):
        result = narrate(
            tmp_path, "feed", "add", str(folder), *articles(tmp_path / "pages", count=1),
            "--cluster", address, timeout=60,
        )  # fmt: skip
        assert result.returncode == 1, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and words in lines[0], result.stderr
    assert library_rows(folder) == []


def test_a_batch_whose_last_worker_dies_says_so_and_keeps_what_came_back(tmp_path):
    running = Cluster(tmp_path, workers=1)
    try:
        folder, batch = batch_of_six(tmp_path, running, NARRATE_CLUSTER_PATIENCE="3")
        busy = running.worker_narrating()
        assert busy is not None, "no worker was narrating"
        running.kill(busy)
        _, err = batch.communicate(timeout=120)  # not a silent wait for ever
        assert batch.returncode == 1, err
        lines = [line for line in err.splitlines() if line.strip()]
        assert "no worker" in lines[-1] and "3 s" in lines[-1] and "Traceback" not in err, err
        assert len(feed_items(folder)) == len(library_rows(folder)) < 6
    finally:
        running.close()


def test_a_dead_workers_scratch_folder_is_removed_by_the_next_task(tmp_path):
    from narrate.feed.cluster import TASK_PREFIX, remove_dead_workers_folders

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = tmp_path / f"{TASK_PREFIX}{dead.pid}-abc123"
    (left / ".staging").mkdir(parents=True)
    alive = tmp_path / f"{TASK_PREFIX}{os.getpid()}-def456"
    alive.mkdir()
    mine = tmp_path / f"{TASK_PREFIX}notes"
    mine.mkdir()
    remove_dead_workers_folders(tmp_path)
    assert not left.exists() and alive.exists() and mine.exists()


def test_the_default_voice_speaks_on_the_cluster(cluster, tmp_path):
    """hibari (auto, English) on the workers: the model from its package, nothing fetched."""
    folder = tmp_path / "feed"
    init(folder, "--engine", "auto")  # the last --engine wins
    sources = articles(tmp_path / "pages", count=2, paragraphs=2)
    done = narrate(tmp_path, "feed", "add", str(folder), *sources, "--cluster", cluster.address)
    assert done.returncode == 0, done.stderr
    assert "2 new, 0 updated, 0 unchanged, 0 failed" in done.stderr
    assert_complete(folder)
    from narrate.feed.config import load_config

    assert load_config(folder).narration.engine == "auto"


def test_a_feed_lexicon_reaches_every_episode_on_the_cluster(cluster, tmp_path):
    """feed.toml's lexicon (relative to the feed) is said by the workers in every episode."""
    from narrate.feed.config import load_config
    from narrate.feed.episodes import prepare_job
    from tests.test_settings import PLS, library_keys, set_narration, zorblat_articles

    folder = tmp_path / "feed"
    init(folder)
    (folder / "names.pls").write_text(PLS, encoding="utf-8")
    set_narration(folder, "lexicon", "names.pls")
    sources = zorblat_articles(tmp_path / "pages", count=3)
    done = narrate(tmp_path, "feed", "add", str(folder), *sources, "--cluster", cluster.address)
    assert done.returncode == 0, done.stderr
    config = load_config(folder)
    keys = library_keys(folder)
    assert len(keys) == 3
    for source in sources:
        job = prepare_job(folder, config, source, None)
        assert "Zorro Blat" in " ".join(s.spoken for s in job.script.sentences)
        assert keys[source] == job.key  # the workers narrated the script with the alias


def test_the_api_narrates_its_queue_on_the_cluster(cluster, tmp_path):
    pytest.importorskip("fastapi")
    from tests.test_api import Service, article
    from tests.test_faults import make_feed

    service = Service(tmp_path, make_feed(tmp_path), "--cluster", cluster.address)
    try:
        first = service.post("/episodes", article("First council story")).json()
        second = service.post(
            "/episodes", {**article("Second council story"), "url": "https://example.org/two"}
        ).json()
        for job in (first, second):
            assert service.wait_for(job["id"])["status"] == "done"
        feed = (service.folder / "public" / "feed.xml").read_text(encoding="utf-8")
        assert feed.count("<item>") == 2
    finally:
        service.stop()


def test_a_saved_copy_of_an_article_stays_one_episode_on_the_cluster(cluster, tmp_path):
    import shutil

    folder = tmp_path / "feed"
    init(folder)
    [source] = articles(tmp_path / "pages", count=1, paragraphs=2)
    first = narrate(tmp_path, "feed", "add", str(folder), source, "--cluster", cluster.address)
    assert "1 new" in first.stderr, first.stderr
    copy = tmp_path / "saved-copy.html"
    shutil.copyfile(source, copy)
    again = narrate(tmp_path, "feed", "add", str(folder), str(copy), "--cluster", cluster.address)
    assert again.returncode == 0, again.stderr
    assert "0 new" in again.stderr and "the same article as" in again.stderr, again.stderr
    assert len(feed_items(folder)) == 1
