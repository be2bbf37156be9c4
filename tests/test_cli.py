import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from narrate import __version__
from narrate.cli import cli
from narrate.read.extract import extract
from tests.conftest import SAMPLE_HTML, Route
from tests.test_extract import FURNITURE
from tests.test_fetch import free_port

SLUG = "austin-south-koreas-allies-concerned-that-russia-china-aid-north-koreas-military"


def run(*args: str, cwd: Path | None = None, stdin: bytes | None = None, env=None):
    """Run the installed CLI as a user would, in a fresh process."""
    return subprocess.run(
        [sys.executable, "-m", "narrate", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        env=env,
        timeout=300,
    )


@pytest.fixture
def runner():
    return CliRunner()


def test_help_everywhere_and_version(runner):
    for command in ([], ["article"], ["script"], ["voices"]):
        result = runner.invoke(cli, [*command, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage:" in result.output
    result = runner.invoke(cli, ["--version"])
    assert __version__ in result.output


def test_script_previews_the_spoken_text(runner):
    result = runner.invoke(cli, ["script", str(SAMPLE_HTML), "--engine", "espeak"])
    assert result.exit_code == 0, result.output
    blocks = result.output.strip().split("\n\n")
    assert len(blocks) == 13  # intro + eleven paragraphs + the AI disclosure
    assert blocks[-1] == (
        "This audio was generated with A I from an article by Nate Ostiller, published by "
        "The Keev Independent."
    )
    assert blocks[0].startswith("Austin: South Korea's allies concerned")
    assert "By Nate Ostiller, The Keev Independent." in blocks[0]  # the desk is no person
    assert "November fourteenth, twenty twenty three" in blocks[0]
    assert blocks[1].startswith("Countries comprising the U N Command (U N C)")
    assert "U S Defense Secretary Lloyd Austin said on November fourteenth" in blocks[1]
    assert "founded in nineteen fifty" in blocks[2]
    for phrase in [*FURNITURE, "Dursun Aydemir", "Edit post", "Skip to content"]:
        assert phrase not in result.output
    assert not any(ch.isdigit() for ch in result.output)


def test_piper_is_given_initialisms_and_news_names_as_phonemes(runner):
    result = runner.invoke(cli, ["script", str(SAMPLE_HTML), "--engine", "piper"])
    assert result.exit_code == 0, result.output
    body = result.output.strip().split("\n\n")[1]
    # one word, inside the sentence: no "U.S." for espeak to end a sentence on
    assert "[[ jˌuːˈɛs ]] Defense Secretary Lloyd Austin" in body
    assert "U S Defense" not in body
    assert "The [[ kˈiːv ]] Independent." in result.output


def test_script_from_stdin_matches_file(runner):
    from_file = runner.invoke(cli, ["script", str(SAMPLE_HTML)]).output
    from_stdin = run("script", "-", stdin=SAMPLE_HTML.read_bytes())
    assert from_stdin.returncode == 0
    assert from_stdin.stdout.decode() == from_file


def test_voices_lists_engines_and_offline_status(runner):
    result = runner.invoke(cli, ["voices"])
    assert result.exit_code == 0
    assert "piper (offline)" in result.output
    assert "espeak (offline)" in result.output
    assert "gtts (online" in result.output
    assert "en_US-joe-medium" in result.output


@pytest.mark.slow
def test_article_with_piper_writes_a_tagged_mp3(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["article", str(SAMPLE_HTML), "--engine", "piper"])
    assert result.exit_code == 0, result.output
    out = tmp_path / f"{SLUG}.mp3"
    assert out.exists()
    names = sorted(p.name for p in tmp_path.iterdir())  # audio and sidecars, no temp files
    assert names == sorted(
        f"{SLUG}{suffix}"
        for suffix in (".mp3", ".vtt", ".srt", ".chapters.json", ".transcript.json", ".jpg")
    )

    audio = MP3(out)
    assert audio.info.channels == 1
    assert audio.info.sample_rate == 44100
    words = extract(SAMPLE_HTML.read_text()).word_count
    minutes = audio.info.length / 60
    assert 130 <= words / minutes <= 200, (words, audio.info.length)

    tags = ID3(out)
    assert (
        str(tags["TIT2"])
        == "Austin: South Korea's allies concerned that Russia, China aid North Korea's military"
    )
    assert str(tags["TPE1"]) == "Nate Ostiller"
    assert str(tags["TALB"]) == "The Kyiv Independent"
    assert str(tags["TDRC"]) == "2023-11-14"
    comment = str(tags.getall("COMM")[0])
    assert "generated with AI" in comment

    from tests.test_master import ebur128

    integrated, peak = ebur128(out)
    assert abs(integrated + 16) <= 1.0 and peak <= -1.0
    chapters = [str(c.sub_frames["TIT2"]) for c in tags.getall("CHAP")]
    assert chapters == ["Introduction", str(tags["TIT2"]), "About this audio"]

    if shutil.which("ffprobe"):
        probe = subprocess.run(
            [
                "ffprobe",
                "-v",
                "error",
                "-show_entries",
                "stream=codec_name,sample_rate,channels",
                "-show_entries",
                "format=duration",
                "-of",
                "default=nw=1",
                str(out),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "codec_name=mp3" in probe and "sample_rate=44100" in probe and "channels=1" in probe
        duration = float(probe.split("duration=")[1].split()[0])
        assert abs(duration - audio.info.length) < 0.5


def test_url_narrates_the_same_as_the_file(tmp_path, server, runner):
    server.routes["/austin/"] = Route(body=SAMPLE_HTML.read_bytes())
    url = server.url("/austin/")
    assert (
        runner.invoke(cli, ["script", url]).output
        == runner.invoke(cli, ["script", str(SAMPLE_HTML)]).output
    )
    from_url, from_file = tmp_path / "url.mp3", tmp_path / "file.mp3"
    assert (
        runner.invoke(cli, ["article", url, "--engine", "espeak", "-o", str(from_url)]).exit_code
        == 0
    )
    assert (
        runner.invoke(
            cli, ["article", str(SAMPLE_HTML), "--engine", "espeak", "-o", str(from_file)]
        ).exit_code
        == 0
    )
    # The page's canonical link names kyivindependent.com: believed from the file, but not
    # from 127.0.0.1, where a page cannot claim to be another site's article.
    assert ID3(from_file)["WOAS"].url.startswith("https://kyivindependent.com/austin-")
    assert ID3(from_url)["WOAS"].url == url
    # Engines add tiny random variation, so the audio matches in length, not byte for byte.
    assert MP3(from_url).info.length == pytest.approx(MP3(from_file).info.length, rel=0.02)


def test_existing_output_is_never_overwritten_without_force(tmp_path, runner):
    out = tmp_path / "story.mp3"
    out.write_bytes(b"my own recording")
    args = ["article", str(SAMPLE_HTML), "--engine", "espeak", "-o", str(out)]
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert out.read_bytes() == b"my own recording"

    assert runner.invoke(cli, [*args, "--force"]).exit_code == 0
    first = out.read_bytes()
    assert first.startswith(b"ID3")

    again = runner.invoke(cli, args)  # same narration: nothing to do, nothing lost
    assert again.exit_code == 0
    assert "Up to date" in again.output
    assert out.read_bytes() == first

    other = runner.invoke(cli, [*args, "--lang", "en", "--bitrate", "96k"])
    assert other.exit_code == 1  # a different narration would replace the file


def test_an_unchanged_page_is_recognised_before_it_is_read(tmp_path, runner, monkeypatch):
    import narrate.read.extract

    page = tmp_path / "story.html"
    page.write_bytes(SAMPLE_HTML.read_bytes())
    out = tmp_path / "story.mp3"
    args = ["article", str(page), "--engine", "espeak", "-o", str(out)]
    assert runner.invoke(cli, args).exit_code == 0
    first = out.read_bytes()

    def no_extraction(*_args, **_kwargs):
        raise AssertionError("the page was extracted again")

    monkeypatch.setattr(narrate.read.extract, "extract_page", no_extraction)
    again = runner.invoke(cli, args)
    assert again.exit_code == 0 and "Up to date" in again.output
    assert out.read_bytes() == first
    monkeypatch.undo()

    lexicon = tmp_path / "words.tsv"
    lexicon.write_text("Austin\tOstin\n")
    changes = [
        ["--pause", "sentence=0.5"],  # a setting
        ["--lexicon", str(lexicon)],  # a lexicon
        ["--engine", "piper"],  # an engine (the last --engine wins)
    ]
    for extra in changes:
        result = runner.invoke(cli, [*args, *extra])
        assert "Up to date" not in result.output, extra
    lexicon.write_text("Austin\tAwstin\n")  # the same lexicon file, other words
    assert runner.invoke(cli, [*args, "--lexicon", str(lexicon), "--force"]).exit_code == 0
    lexicon.write_text("Austin\tOstin\n")
    result = runner.invoke(cli, [*args, "--lexicon", str(lexicon)])
    assert "Up to date" not in result.output
    assert runner.invoke(cli, [*args, "--force"]).exit_code == 0

    # A changed page is read again; if what it says is the same, nothing is narrated.
    page.write_bytes(SAMPLE_HTML.read_bytes().replace(b"</body>", b"<!-- ad slot --></body>"))
    read = []
    real = narrate.read.extract.extract_page
    monkeypatch.setattr(
        narrate.read.extract, "extract_page", lambda p, *rest: read.append(p) or real(p, *rest)
    )
    result = runner.invoke(cli, args)
    assert read and result.exit_code == 0 and "Up to date" in result.output


@pytest.mark.parametrize(
    ("source_kind", "message"),
    [
        ("missing-file", "no such file"),
        ("closed-port", "cannot fetch"),
        ("404", "HTTP 404"),
        ("pdf", "application/pdf"),
        ("image", "image/jpeg"),
        ("empty", "empty"),
        ("no-article", "no article"),
    ],
)
def test_bad_input_is_one_clear_line_and_no_output(tmp_path, server, source_kind, message):
    server.routes["/doc.pdf"] = Route(body=b"%PDF-1.7\n", content_type="application/pdf")
    server.routes["/photo.jpg"] = Route(body=b"\xff\xd8\xff\xe0", content_type="image/jpeg")
    server.routes["/empty"] = Route(body=b"")
    server.routes["/nav-only"] = Route(
        body=b"<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>"
    )
    sources = {
        "missing-file": str(tmp_path / "nope.html"),
        "closed-port": f"http://127.0.0.1:{free_port()}/story",
        "404": server.url("/gone"),
        "pdf": server.url("/doc.pdf"),
        "image": server.url("/photo.jpg"),
        "empty": server.url("/empty"),
        "no-article": server.url("/nav-only"),
    }
    work = tmp_path / "work"
    work.mkdir()
    result = run("article", sources[source_kind], "--engine", "espeak", cwd=work)
    stderr = result.stderr.decode()
    assert result.returncode != 0
    assert stderr.count("\n") == 1 and stderr.startswith("narrate: "), stderr
    assert message in stderr
    assert "Traceback" not in stderr
    assert list(work.iterdir()) == []


def test_gtts_without_network_fails_cleanly(tmp_path):
    import os

    env = {**os.environ, "NARRATE_GTTS_ENDPOINT": f"http://127.0.0.1:{free_port()}"}
    result = run("article", str(SAMPLE_HTML), "--engine", "gtts", cwd=tmp_path, env=env)
    stderr = result.stderr.decode()
    assert result.returncode != 0
    assert stderr.count("\n") == 1 and "--engine piper" in stderr
    assert list(tmp_path.iterdir()) == []


def test_text_file_source(tmp_path, runner):
    story = tmp_path / "story.md"
    story.write_text("# Quiet night in Kyiv\n\nBy Jane Doe\n\nThe city had 0 alerts on Nov. 14.\n")
    result = runner.invoke(cli, ["script", str(story), "--engine", "espeak"])
    assert result.exit_code == 0
    assert result.output == (
        "Quiet night in Keev. By Jane Doe.\n\nThe city had zero alerts on November fourteenth."
        "\n\nThis audio was generated with A I from an article by Jane Doe.\n"
    )


def test_help_starts_light():
    """`narrate --help` must not pay for ONNX Runtime, trafilatura or pydub."""
    probe = (
        "import sys\nfrom narrate.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'onnxruntime', 'trafilatura', 'pydub', 'numpy', 'piper'}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_no_dateline_leaves_the_dateline_out(tmp_path, runner):
    story = tmp_path / "story.md"
    story.write_text(
        "# Senate agrees\n\nBy Jane Doe\n\nWASHINGTON (CNN) — The Senate agreed on Tuesday.\n"
    )
    read = runner.invoke(cli, ["script", str(story), "--engine", "espeak"])
    assert "Washington, C N N: The Senate agreed" in read.output
    left_out = runner.invoke(cli, ["script", str(story), "--engine", "espeak", "--no-dateline"])
    assert left_out.exit_code == 0
    assert (
        "Washington" not in left_out.output and "The Senate agreed on Tuesday." in left_out.output
    )


def test_the_bundled_script_is_what_narrate_script_prints(runner):
    """samples/…script.txt shows what the default voice is given: kept in step with the code."""
    result = runner.invoke(cli, ["script", str(SAMPLE_HTML)])
    assert result.exit_code == 0, result.output
    bundled = SAMPLE_HTML.with_name("kyiv-independent-austin.script.txt")
    assert result.output == bundled.read_text(encoding="utf-8")
