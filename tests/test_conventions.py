"""What a user expects of a command-line tool, each convention tried as a newcomer would
(issue 31): -V, --debug anywhere, `feed serve`, `-o -`, a URL typed without its scheme, every
missing option named at once, shell completion, an empty feed list, artwork that is not
square, one paragraph of text, and a batch's progress line."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrate import __version__
from narrate.cli import cli
from narrate.feed import FeedConfig, init_feed
from narrate.pipeline.settings import Settings
from narrate.read.extract import parse_text

ROOT = Path(__file__).resolve().parent.parent


def narrate_in_terminal(args: list[str], cwd: Path, stdin: bytes | None = None) -> str:
    """Run narrate with its stdout and stderr on a pseudo-terminal; what the terminal got."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "narrate", *args],
        cwd=cwd,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    if stdin is not None:
        assert proc.stdin is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the process is done with it
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=300)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_version_has_a_short_form():
    for flag in ("-V", "--version"):
        result = CliRunner().invoke(cli, [flag])
        assert result.exit_code == 0 and __version__ in result.output


def test_debug_works_after_the_command_too(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Title\n\nA short story about the weather today.\n", encoding="utf-8")
    after = CliRunner().invoke(cli, ["script", str(story), "--debug"])
    before = CliRunner().invoke(cli, ["--debug", "script", str(story)])
    assert after.exit_code == before.exit_code == 0
    assert "weather" in after.output
    literal = CliRunner().invoke(cli, ["script", "--", "--debug"])  # after "--": a file name
    assert literal.exit_code != 0 and "--debug" in literal.output


def test_feed_serve_is_serve():
    result = CliRunner().invoke(cli, ["feed", "serve", "--help"])
    assert result.exit_code == 0 and "--base-url" in result.output


def test_output_dash_writes_the_audio_to_standard_output(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "narrate", "article", "-", "-o", "-", "--engine", "espeak"],
        input=b"One paragraph about the U.S. economy.\n",
        capture_output=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout[:3] == b"ID3" and len(proc.stdout) > 10_000
    assert b"Wrote standard output" in proc.stderr
    assert list(tmp_path.iterdir()) == []  # no "-.mp3", no sidecars, no staging left


def test_output_dash_refuses_a_terminal(tmp_path):
    shown = narrate_in_terminal(["article", "-", "-o", "-"], tmp_path, b"Some text here.\n")
    assert "not a terminal" in shown and "ID3" not in shown


def test_a_web_address_without_its_scheme_gets_a_hint(tmp_path):
    result = CliRunner().invoke(cli, ["article", "example.com/story"])
    assert result.exit_code != 0
    assert "no such file" in result.output and "https://example.com/story" in result.output


def test_feed_init_names_every_missing_option_at_once(tmp_path):
    result = CliRunner().invoke(cli, ["feed", "init", str(tmp_path / "feed")])
    assert result.exit_code == 2
    assert "missing --title, --author, --email, --base-url" in result.output
    assert not (tmp_path / "feed").exists()


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc")
def test_an_output_folder_narrate_cannot_write_in_is_named_not_its_staging(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text("Title\n\nA short story about the weather today.\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["article", str(story), "-o", "/proc/story.mp3", "--engine", "espeak"]
    )
    assert result.exit_code != 0
    assert "/proc" in result.output and "narrate-new" not in result.output


def test_shell_completion_works_as_documented():
    for shell in ("bash", "zsh", "fish"):
        proc = subprocess.run(
            [sys.executable, "-m", "narrate"],
            env={**os.environ, "_NARRATE_COMPLETE": f"{shell}_source"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert "_NARRATE_COMPLETE" in proc.stdout, shell
    docs = (ROOT / "docs" / "troubleshooting.md").read_text(encoding="utf-8")
    assert "_NARRATE_COMPLETE=bash_source" in docs


def small_feed(tmp_path: Path) -> Path:
    folder = tmp_path / "feed"
    config = FeedConfig(
        title="T",
        author="A",
        email="a@example.com",
        base_url="https://example.org/",
        narration=Settings(engine="espeak"),
    )
    init_feed(folder, config)
    return folder


def test_feed_list_says_when_there_is_nothing_and_when_its_library_is_blank(tmp_path):
    folder = small_feed(tmp_path)
    empty = CliRunner().invoke(cli, ["feed", "list", str(folder)])
    assert empty.exit_code == 0 and "no episodes yet" in empty.output
    story = tmp_path / "story.txt"
    story.write_text("Title\n\nA short story about the weather today.\n", encoding="utf-8")
    assert CliRunner().invoke(cli, ["feed", "add", str(folder), str(story)]).exit_code == 0
    listed = CliRunner().invoke(cli, ["feed", "list", str(folder)])
    assert "Title" in listed.output and str(story) in listed.output  # with its source
    (folder / "library.sqlite").write_bytes(b"")  # blanked: feed.xml still lists the episode
    blank = CliRunner().invoke(cli, ["feed", "list", str(folder)])
    assert blank.exit_code == 1
    assert "feed.xml lists 1 episodes" in blank.output and "feed recover" in blank.output


def test_artwork_that_is_not_square_or_too_small_is_said(tmp_path, caplog):
    from PIL import Image

    wide = tmp_path / "wide.png"
    Image.new("RGB", (600, 300), (200, 30, 30)).save(wide)
    folder = tmp_path / "feed"
    result = CliRunner().invoke(
        cli,
        ["feed", "init", str(folder), "--title", "T", "--author", "A", "--email",
         "a@example.com", "--base-url", "https://example.org/", "--image", str(wide)],
    )  # fmt: skip
    assert result.exit_code == 0
    said = caplog.text + result.output
    assert "600×300" in said and "cropped" in said and "enlarged" in said


@pytest.mark.parametrize(
    ("text", "title", "first_body"),
    [
        ("One paragraph about the U.S. economy.", "One paragraph about the U.S. economy", 0),
        ("# The heading\nBody text that follows it.", "The heading", 0),
        ("A title\n\nThe story starts here.", "A title", 0),
        ("Lines that run on\nwithout a blank line\nare one paragraph.", "Lines that run on", 0),
    ],
)
def test_a_text_is_titled_as_documented(text, title, first_body):
    article = parse_text(text)
    assert article.title.startswith(title)
    assert article.blocks and article.blocks[first_body].text
    assert article.title_from_body == (not text.startswith(("#", "A title")))


def test_one_paragraph_from_stdin_narrates_and_its_title_is_not_said_twice(tmp_path):
    script = CliRunner().invoke(cli, ["script", "-"], input="One paragraph about the economy.\n")
    assert script.exit_code == 0
    assert script.output.count("One paragraph about the economy") == 1
    given = CliRunner().invoke(
        cli, ["script", "-", "--title", "Economy"], input="Line one\n\nLine two.\n"
    )
    assert given.output.startswith("Economy.") and "Line one" in given.output
    proc = subprocess.run(
        [sys.executable, "-m", "narrate", "article", "-", "-o", "x.mp3", "--engine", "espeak"],
        input=b"One paragraph about the U.S. economy.\n",
        capture_output=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "x.mp3").stat().st_size > 10_000


def test_a_feed_batch_shows_a_progress_line_on_a_terminal_and_nothing_in_a_pipe(tmp_path):
    folder = small_feed(tmp_path)
    stories = []
    for n in range(2):
        story = tmp_path / f"story{n}.txt"
        story.write_text(
            f"Story {n}\n\nThe council met on Monday. It approved the budget. Then it rose.\n",
            encoding="utf-8",
        )
        stories.append(str(story))
    shown = narrate_in_terminal(["feed", "add", str(folder), *stories, "-j", "1"], tmp_path)
    assert re.search(r"\[2/2 articles\] \d+ sentences spoken · \d+:\d\d · done", shown), shown
    assert "[0/2 articles]" in shown or "[1/2 articles]" in shown
    piped = subprocess.run(
        [sys.executable, "-m", "narrate", "feed", "add", str(folder), *stories],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert piped.returncode == 0 and "articles]" not in piped.stderr
