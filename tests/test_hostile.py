"""Hostile input and unlucky users, class by class: outputs that would hurt inputs, metadata
that would hang or crash narrate, options out of range. The real command line, as
subprocesses (see test_faults.py); each case one clear line and a non-zero exit, or a correct
result, and nothing of the user's changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_HTML
from tests.test_faults import one_line_error, run

STORY = (
    "<html lang='en'><head><title>{title}</title>{head}</head><body><article><h1>{title}</h1>"
    "<p>The council met on Tuesday to decide on the new bridge across the river, officials "
    "said.</p><p>Work will start next spring and last two years, the mayor told reporters.</p>"
    "</article></body></html>"
)


def story(tmp_path: Path, title: str = "Bridge vote", head: str = "") -> Path:
    path = tmp_path / "story.html"
    path.write_text(STORY.format(title=title, head=head), encoding="utf-8")
    return path


# --- outputs that cannot hurt inputs ---------------------------------------------------------


def test_the_input_is_never_the_output_however_it_is_named(tmp_path):
    source = story(tmp_path)
    original = source.read_bytes()
    (tmp_path / "link.html").symlink_to(source)
    os.link(source, tmp_path / "hard.html")
    for output in ("story.html", "link.html", "hard.html", str(source)):
        result = run(
            tmp_path, "article", "story.html", "--engine", "espeak", "--force",
            "--format", "mp3", "-o", output,
        )  # fmt: skip
        one_line_error(result, "it is the input")
    lexicon = tmp_path / "words.toml"
    lexicon.write_text("[[rule]]\nword = 'Bridge'\nsay = 'Bridge'\n")
    result = run(
        tmp_path, "article", "story.html", "--engine", "espeak", "--force",
        "--lexicon", "words.toml", "--format", "mp3", "-o", "words.toml",
    )  # fmt: skip
    one_line_error(result, "it is the input")
    cover = tmp_path / "out.jpg"
    cover.write_bytes(picture_bytes())
    kept = cover.read_bytes()
    result = run(
        tmp_path, "article", "story.html", "--engine", "espeak", "--force",
        "--cover", "out.jpg", "-o", "out.mp3",
    )  # fmt: skip
    one_line_error(result, "out.jpg", "it is the input")  # the cover beside out.mp3 would be it
    assert source.read_bytes() == original and cover.read_bytes() == kept
    assert lexicon.read_text().startswith("[[rule]]")
    assert not (tmp_path / "out.mp3").exists()


def picture_bytes() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1400, 1400), (10, 20, 200)).save(out, "JPEG")
    return out.getvalue()


def test_fifos_devices_and_folders_are_refused_before_any_work(tmp_path):
    story(tmp_path)
    fifo = tmp_path / "pipe.mp3"
    os.mkfifo(fifo)
    result = run(tmp_path, "article", "story.html", "--engine", "espeak", "-o", "pipe.mp3")
    one_line_error(result, "it is a FIFO")  # and no hang: nothing opened it
    result = run(tmp_path, "article", "story.html", "--engine", "espeak", "-o", "/dev/null")
    one_line_error(result, "not a regular file")
    assert not Path("/dev/null.jpg").exists() and not Path("/dev/null.vtt").exists()
    os.mkfifo(tmp_path / "side.vtt")  # a sidecar's name taken by a FIFO
    result = run(tmp_path, "article", "story.html", "--engine", "espeak", "-o", "side.mp3")
    one_line_error(result, "side.vtt", "FIFO")
    result = run(tmp_path, "article", "story.html", "--engine", "espeak", "-o", "-", "-q")
    assert result.returncode == 0 and result.stdout.startswith("ID3")  # the audio, piped
    result = run(tmp_path, "article", "story.html", "--engine", "espeak", "-o", "x" * 300)
    one_line_error(result, "longer than 255 bytes")
    assert not (tmp_path / "side.mp3").exists() and not (tmp_path / "-.mp3").exists()


def test_a_folder_as_output_gets_the_default_name_inside(tmp_path):
    story(tmp_path)
    for folder in ("newdir/", "existing"):
        (tmp_path / "existing").mkdir(exist_ok=True)
        result = run(tmp_path, "article", "story.html", "--engine", "espeak", "-q", "-o", folder)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / folder / "bridge-vote.mp3").exists()
    assert not (tmp_path / "newdir.mp3").exists()


# --- metadata that would hang or crash ------------------------------------------------------


def test_json_ld_nested_100000_deep_is_passed_over(tmp_path):
    deep = "[" * 100_000 + "]" * 100_000
    head = f"<script type='application/ld+json'>{deep}</script>"
    story(tmp_path, head=head)
    result = run(tmp_path, "script", "story.html")
    assert result.returncode == 0, result.stderr
    assert "bridge across the river" in result.stdout


def test_a_title_of_200_kb_is_cut_for_the_intro_tags_and_file_name(tmp_path):
    title = "Council votes on the bridge " * 7000
    story(tmp_path, title=title)
    result = run(tmp_path, "script", "story.html", timeout=60)
    assert result.returncode == 0, result.stderr
    intro = result.stdout.split("\n\n")[0]
    assert len(intro) < 400
    result = run(tmp_path, "article", "story.html", "--engine", "espeak", "-q", timeout=120)
    assert result.returncode == 0, result.stderr
    made = [p.name for p in tmp_path.glob("*.mp3")]
    assert len(made) == 1 and len(made[0]) <= 84


# --- options out of range -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--bitrate", "abc", ("--bitrate",)),
        ("--bitrate", "-64k", ("--bitrate",)),
        ("--bitrate", "0k", ("--bitrate",)),
        ("--bitrate", "99999k", ("--bitrate",)),
        ("--loudness", "nan", ("--loudness",)),
    ],
)
def test_bad_mastering_options_name_the_option(tmp_path, option, value, words):
    story(tmp_path)
    result = run(tmp_path, "article", "story.html", "--engine", "espeak", option, value)
    assert result.returncode == 2, result.stderr  # click's usage error, before any work
    assert any(word in result.stderr for word in words), result.stderr
    assert not list(tmp_path.glob("*.mp3"))


def test_latin1_text_on_stdin_is_read(tmp_path):
    text = "Caf\xe9 news\n\nThe caf\xe9 on the corner reopened on Tuesday after the long works.\n"
    result = run(tmp_path, "script", "-", stdin=text.encode("latin-1"))
    assert result.returncode == 0, result.stderr
    assert "café on the corner" in result.stdout


def test_sample_runs_with_every_option_at_its_bound(tmp_path):
    result = run(
        tmp_path, "script", str(SAMPLE_HTML), "--lang", "en", "--date-order", "dmy",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


# --- signals at any moment ------------------------------------------------------------------

SIDECARS = (".mp3", ".vtt", ".srt", ".chapters.json", ".transcript.json", ".jpg")


def stop_at(tmp_path: Path, name: str, sig: int, after_stage_s: float | None, at_s: float):
    """Narrate the sample into TMP_PATH/NAME/, sending SIG AT_S seconds after the start, or
    AFTER_STAGE_S after its staging folder appears; (exit status, stderr, files left)."""
    import signal  # noqa: F401
    import subprocess
    import time

    from tests.test_faults import start

    folder = tmp_path / name
    folder.mkdir()
    out = folder / "story.mp3"
    proc = start(tmp_path, "article", str(SAMPLE_HTML), "--engine", "espeak", "--no-cache",
                 "-o", str(out))  # fmt: skip
    began = time.monotonic()
    if after_stage_s is None:  # from the moment narrate handles SIGTERM (its first step)
        status = Path(f"/proc/{proc.pid}/status")
        while proc.poll() is None and time.monotonic() - began < 60:
            caught = next(
                (line for line in status.read_text().splitlines() if line.startswith("SigCgt")),
                "SigCgt: 0",
            )
            if int(caught.split()[1], 16) & (1 << (15 - 1)):
                break
            time.sleep(0.0005)
        time.sleep(at_s)
    else:
        while not any(p.name.endswith((".narrate", ".narrate-new")) for p in folder.iterdir()):
            if proc.poll() is not None or time.monotonic() - began > 60:
                break
            time.sleep(0.0005)
        time.sleep(after_stage_s)
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"narrate hung after signal {sig} ({name})")
    return proc.returncode, err.decode("utf-8", "replace"), sorted(p.name for p in folder.iterdir())


def test_a_signal_at_any_moment_stops_the_run_cleanly(tmp_path):
    import signal

    moments = [(None, at) for at in (0.0, 0.05, 0.2)] + [
        (after, 0.0) for after in (0.0, 0.001, 0.003, 0.006, 0.01, 0.02, 0.035, 0.05, 0.1, 0.3)
    ]
    outcomes = {"stopped": 0, "finished": 0}
    for index, (after_stage, at) in enumerate(moments):
        for sig in (signal.SIGINT, signal.SIGTERM):
            name = f"{index}-{sig.name}"
            status, err, left = stop_at(tmp_path, name, sig, after_stage, at)
            assert "Traceback" not in err and "Exception ignored" not in err, (name, err)
            if status == 0:  # it had finished before the signal came: all of it is there
                assert left == sorted(f"story{suffix}" for suffix in SIDECARS), (name, left)
                outcomes["finished"] += 1
                continue
            assert status in (128 + sig, -sig), (name, status, err)
            if status > 0:
                assert err.strip().splitlines()[-1] == "narrate: interrupted", (name, err)
            assert left == [], (name, left)  # nothing half made, no staging folder
            outcomes["stopped"] += 1
    assert outcomes["stopped"] >= 20, outcomes


def run_program(tmp_path: Path, program: str, timeout: float = 30):
    import subprocess
    import sys

    from tests.test_faults import narrate_env

    return subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=narrate_env(tmp_path),
        check=False,
    )


def test_a_signal_swallowed_where_nothing_can_catch_it_is_raised_again(tmp_path):
    program = (
        "import ctypes, os, signal, time\n"
        "from narrate import stopping\n"
        "stopping.install()\n"
        "def callback():\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    for _ in range(200000): pass  # raised in here, where ctypes swallows it\n"
        "    return 0\n"
        "call = ctypes.CFUNCTYPE(ctypes.c_int)(callback)\n"
        "try:\n"
        "    call()\n"
        "    time.sleep(10)\n"
        "    print('went on')\n"
        "except stopping.Terminated:\n"
        "    print('stopped')\n"
    )
    result = run_program(tmp_path, program)
    assert result.stdout.strip() == "stopped", result.stdout + result.stderr


def test_a_run_that_cannot_unwind_is_ended_with_its_staging_folder(tmp_path):
    program = (
        "import threading, time\n"
        "from pathlib import Path\n"
        "from narrate import stopping\n"
        "from narrate.files import staging_folder\n"
        "stopping.install()\n"
        "stopping.GRACE_S = 1.0\n"
        f"with staging_folder(Path({str(tmp_path)!r}), 'x') as stage:\n"
        "    (stage / 'half.raw').write_bytes(b'x')\n"
        "    try:\n"
        "        print('staged', flush=True)\n"
        "        time.sleep(30)\n"
        "    except KeyboardInterrupt:\n"
        "        threading.Event().wait()  # a deadlock while unwinding\n"
    )
    import signal
    import subprocess
    import sys

    from tests.test_faults import narrate_env

    proc = subprocess.Popen(
        [sys.executable, "-c", program], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env=narrate_env(tmp_path),
    )  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline() == b"staged\n"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert err.decode().strip().splitlines()[-1] == "narrate: interrupted"
    assert not list(tmp_path.glob(".x.*"))


# --- state read defensively ----------------------------------------------------------------

from tests.test_faults import assert_feed_whole, feed_guids  # noqa: E402


@pytest.mark.parametrize(
    "damage",
    [
        "UPDATE episodes SET size = 'abc'",
        "UPDATE episodes SET duration = 'long', sentences = x'00ff'",
        "UPDATE episodes SET title = x'00ff'",
        "UPDATE episodes SET audio = '../../../outside.mp3'",
        "ALTER TABLE episodes ADD COLUMN extra TEXT DEFAULT 'x'",
    ],
)
def test_a_damaged_library_row_is_passed_over_and_recovered(tmp_path, server, published, damage):
    import sqlite3

    outside = tmp_path / "outside.mp3"
    outside.write_bytes(b"the user's own file")
    db = sqlite3.connect(published / "library.sqlite")
    with db:
        db.execute(damage if "ALTER" in damage else f"{damage} WHERE rowid = 1")
    db.close()
    added = run(tmp_path, "feed", "add", str(published), server.url("/three"))
    if "ALTER" in damage:  # an unknown column is tolerated
        assert added.returncode == 0, added.stderr
    else:  # the row is passed over, said in one line; the feed is never emptied of it
        assert "did not write" in added.stderr or added.returncode != 0, added.stderr
        recovered = run(tmp_path, "feed", "recover", str(published))
        assert recovered.returncode == 0, recovered.stderr
        again = run(tmp_path, "feed", "add", str(published), server.url("/three"))
        assert again.returncode == 0, again.stderr
    assert len(feed_guids(published)) == 3
    assert_feed_whole(published)
    listed = run(tmp_path, "feed", "list", str(published))
    assert listed.returncode == 0 and listed.stdout.count(" ok ") == 3, listed.stdout
    for number in ("1", "2", "3"):
        assert run(tmp_path, "feed", "remove", str(published), "1").returncode == 0, number
    assert outside.read_bytes() == b"the user's own file"


def test_recover_rebuilds_a_library_that_is_a_folder(tmp_path, server, published):
    import shutil

    library = published / "library.sqlite"
    library.unlink()
    for suffix in ("-wal", "-shm"):
        Path(f"{library}{suffix}").unlink(missing_ok=True)
    library.mkdir()
    (library / "keep.txt").write_text("whatever this is, it is kept")
    added = run(tmp_path, "feed", "add", str(published), server.url("/three"))
    one_line_error(added, "narrate feed recover")
    recovered = run(tmp_path, "feed", "recover", str(published))
    assert recovered.returncode == 0, recovered.stderr
    assert "Restored 2" in recovered.stderr
    aside = [p for p in published.iterdir() if p.name.startswith("library.sqlite.damaged-")]
    assert len(aside) == 1 and (aside[0] / "keep.txt").exists()
    shutil.rmtree(aside[0])
    again = run(tmp_path, "feed", "add", str(published), server.url("/three"))
    assert again.returncode == 0, again.stderr
    assert len(feed_guids(published)) == 3


# --- a server that holds under load ---------------------------------------------------------


def test_held_connections_cannot_starve_real_ones(tmp_path, published):
    import socket
    import time
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    from tests.test_player import start_serve, stop

    proc, address, _ = start_serve(published, "-q")
    port = int(address.rstrip("/").rsplit(":", 1)[1])
    held: list[socket.socket] = []
    try:
        for _ in range(1000):  # slowloris: connected, a request begun, never finished
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
            sock.sendall(b"GET /feed.xml HTTP/1.1\r\nHost: x\r\n")
            held.append(sock)

        def fetch(_n: int) -> tuple[int, float]:
            began = time.monotonic()
            with urllib.request.urlopen(address + "feed.xml", timeout=10) as answer:
                answer.read()
                return answer.status, time.monotonic() - began

        with ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(fetch, range(1000)))
        assert all(status == 200 for status, _ in answers)
        assert max(seconds for _, seconds in answers) < 5, max(answers)
        # the held ones still open are closed by the server before long (header deadline)
        last = held[-1]
        last.settimeout(30)
        assert last.recv(100) == b""
    finally:
        for sock in held:
            sock.close()
        stop(proc)


def test_a_truncated_episode_is_narrated_again_when_its_source_is_added(
    tmp_path, server, published
):
    from tests.test_faults import library_rows

    _guid, audio = library_rows(published)[0]
    path = published / "public" / "episodes" / audio
    whole = path.stat().st_size
    with path.open("r+b") as handle:
        handle.truncate(whole // 3)
    added = run(tmp_path, "feed", "add", str(published), server.url("/one"), server.url("/two"))
    assert added.returncode == 0, added.stderr
    assert "1 updated" in added.stderr or "1 new" in added.stderr, added.stderr
    # Whole again: as long as before, give or take a frame or two (espeak-ng's timing varies a
    # little with what its process spoke before; the clips come from the cache or not).
    assert abs(path.stat().st_size - whole) < whole * 0.01, (path.stat().st_size, whole)
    assert_feed_whole(published)


def test_a_feed_never_publishes_over_a_folder_of_the_users(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>my own site</h1>")
    result = run(
        tmp_path, "feed", "init", str(tmp_path / "feed"), "--title", "T", "--author", "A",
        "--email", "a@b.co", "--base-url", "http://x.test/", "--out", str(site),
    )  # fmt: skip
    one_line_error(result, "already holds files (index.html)")
    assert (site / "index.html").read_text() == "<h1>my own site</h1>"
    assert not (tmp_path / "feed").exists()


def test_a_paragraph_of_100000_abbreviations_is_scripted_without_hanging(tmp_path):
    import random

    rng = random.Random(1)
    words = ["alpha", "U.S.", "Dr.", "1,200", "NATO", "Kyiv", "e.g.", "3.14", "Nov.", "2023"]
    body = " ".join(rng.choice(words) for _ in range(100_000))
    story(tmp_path, head="")
    path = tmp_path / "story.html"
    path.write_text(path.read_text().replace("The council met", f"{body} The council met"))
    result = run(tmp_path, "script", "story.html", timeout=120)  # was quadratic: many minutes
    assert result.returncode == 0, result.stderr
    assert "bridge across the river" in result.stdout
