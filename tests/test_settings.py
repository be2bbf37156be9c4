"""One narration recipe: every setting of `narrate article` is accepted, under the same name
and range, by feed.toml's [narration] table and by `feed add`/`update`; a bad value is one
line naming the option or key, before any work."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrate.cli import cli
from narrate.cli.article import article
from narrate.cli.feed import feed_add, feed_update
from narrate.feed.config import CONFIG_NAME, FeedError, load_config
from narrate.pipeline.settings import FILE_SETTINGS, Settings, SettingsError, flag_of

PLS = """<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
      alphabet="ipa" xml:lang="en-US">
  <lexeme><grapheme>Zorblat</grapheme><alias>Zorro Blat</alias></lexeme>
</lexicon>
"""


def files(tmp_path: Path) -> dict[str, Path]:
    import wave

    made = {"lexicon": tmp_path / "names.pls", "music": tmp_path / "bed.wav"}
    made["lexicon"].write_text(PLS, encoding="utf-8")
    with wave.open(str(made["music"]), "wb") as music:
        music.setnchannels(1)
        music.setsampwidth(2)
        music.setframerate(22050)
        music.writeframes(b"\0\0" * 22050)
    cover = tmp_path / "cover.png"
    from PIL import Image

    Image.new("RGB", (1400, 1400), (20, 60, 120)).save(cover)
    made["cover"] = cover
    return made


def values(tmp_path: Path) -> dict[str, tuple[object, object]]:
    """For every setting: a good value that is not its default, and a bad one (None: a
    switch, which takes no value on the command line)."""
    made = files(tmp_path)
    missing = str(tmp_path / "missing.wav")
    return {
        "lang": ("de", "english!"),
        "date_order": ("dmy", "yyyy"),
        "lexicon": (made["lexicon"], missing),
        "datelines": (False, None),
        "outro": (False, None),
        "update_note": (False, None),
        "engine": ("espeak", "festival"),
        "voice": ("en-gb", None),
        "verify": (True, None),
        "verify_tries": (5, 11),
        "pauses": ("sentence=0.5,paragraph=1", "breath=2"),
        "intro_music": (made["music"], missing),
        "outro_music": (made["music"], missing),
        "loudness": (-20.0, -3.0),
        "format": ("m4a", "flac"),
        "bitrate": ("96k", "5"),
        "cover": (made["cover"], missing),
        "remote_cover": (False, None),
    }


def command_line(field: str, value: object) -> list[str]:
    flag = flag_of(field)
    if isinstance(value, bool):
        return [flag if value else f"--no-{flag[2:]}"]
    return [flag, str(value)]


def parsed(command, args: list[str]) -> dict[str, object]:
    context = command.make_context(command.name, args)
    return context.params


def set_narration(folder: Path, key: str, value: object) -> None:
    """Write KEY = VALUE into FOLDER's feed.toml [narration] table, as a user would."""
    import tomli_w
    import tomllib

    path = folder / CONFIG_NAME
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    document["narration"][key] = value
    path.write_text(tomli_w.dumps(document), encoding="utf-8")


def test_the_table_covers_every_setting(tmp_path):
    assert set(values(tmp_path)) == set(Settings.model_fields)


@pytest.mark.parametrize("field", list(Settings.model_fields))
def test_every_setting_is_taken_alike_by_article_feed_add_update_and_feed_toml(tmp_path, field):
    from narrate.cli.options import settings_from
    from tests.test_faults import make_feed

    good, _bad = values(tmp_path)[field]
    args = command_line(field, good)
    from_article = settings_from(parsed(article, ["story.html", *args]))
    assert getattr(from_article, field) == good
    for command in (feed_add, feed_update):
        extra = ["story.html"] if command is feed_add else []
        given = parsed(command, [str(tmp_path), *extra, *args])
        changed = Settings().changed({k: v for k, v in given.items() if k in Settings.model_fields})
        assert getattr(changed, field) == good, command.name
    folder = make_feed(tmp_path)
    set_narration(folder, field, str(good) if isinstance(good, Path) else good)
    setting = getattr(load_config(folder).narration, field)
    assert (str(setting) if isinstance(good, Path) else setting) == (
        str(good) if isinstance(good, Path) else good
    )


@pytest.mark.parametrize("field", list(Settings.model_fields))
def test_a_bad_value_is_one_line_naming_the_option_or_the_key(tmp_path, field):
    from tests.test_faults import make_feed

    _good, bad = values(tmp_path)[field]
    runner = CliRunner()
    if bad is not None:
        for args in (["article", "story.html"], ["feed", "add", str(tmp_path), "story.html"]):
            result = runner.invoke(cli, [*args, flag_of(field), str(bad)])
            assert result.exit_code == 2, (args, result.output)
            assert flag_of(field) in result.output
    folder = make_feed(tmp_path)
    set_narration(folder, field, 12 if field == "voice" else "yes" if bad is None else bad)
    if field in FILE_SETTINGS:  # checked when a batch starts: feed list needs no lexicon
        from tests.test_faults import run

        added = run(tmp_path, "feed", "add", str(folder), "story.html")
        assert added.returncode == 1 and f"{field}: no such file" in added.stderr
        assert len(added.stderr.strip().splitlines()) == 1, added.stderr
        return
    with pytest.raises(FeedError) as caught:
        load_config(folder)
    message = str(caught.value)
    assert field in message and "\n" not in message


def test_a_feed_refuses_wav_and_checks_its_files_before_any_work(tmp_path):
    from tests.test_faults import make_feed, run

    folder = make_feed(tmp_path)
    wav = run(tmp_path, "feed", "add", str(folder), "x.html", "--format", "wav")
    assert wav.returncode != 0 and "format must be mp3, m4a, opus" in wav.stderr
    set_narration(folder, "lexicon", "gone.pls")
    story = tmp_path / "story.md"
    story.write_text("# A story\n\nA sentence to speak.\n", encoding="utf-8")
    added = run(tmp_path, "feed", "add", str(folder), str(story))
    assert added.returncode != 0 and "lexicon: no such file" in added.stderr
    assert len(added.stderr.strip().splitlines()) <= 3


def test_settings_checked_names_the_setting():
    with pytest.raises(SettingsError, match="verify_tries must be 1 to 10, not 0"):
        Settings.checked({"verify_tries": 0})
    with pytest.raises(SettingsError, match="unknown setting speed"):
        Settings.checked({"speed": 2})
    assert Settings.checked({"lang": "pt_BR"}).lang == "pt-BR"


def zorblat_articles(folder: Path, count: int = 2) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(1, count + 1):
        path = folder / f"zorblat-{n}.md"
        path.write_text(
            f"# Zorblat story {n}\n\nThe mayor met Zorblat on Tuesday. Zorblat said little.\n",
            encoding="utf-8",
        )
        paths.append(str(path))
    return paths


def library_keys(folder: Path) -> dict[str, str]:
    with sqlite3.connect(folder / "library.sqlite") as db:
        return dict(db.execute("SELECT source, narration_key FROM episodes").fetchall())


def test_a_feed_lexicon_is_said_in_every_episode_and_its_change_renarrates(tmp_path):
    from narrate.feed.episodes import prepare_job
    from tests.test_faults import make_feed, run

    folder = make_feed(tmp_path)
    (folder / "names.pls").write_text(PLS, encoding="utf-8")
    set_narration(folder, "lexicon", "names.pls")
    sources = zorblat_articles(tmp_path / "pages")
    added = run(tmp_path, "feed", "add", str(folder), *sources, "--jobs", "2")
    assert added.returncode == 0, added.stderr
    config = load_config(folder)
    keys = library_keys(folder)
    for source in sources:
        job = prepare_job(folder, config, source, None)
        spoken = " ".join(s.spoken for s in job.script.sentences)
        assert "Zorro Blat" in spoken and "Zorblat" not in spoken
        assert keys[source] == job.key  # what was narrated is that script
    again = run(tmp_path, "feed", "add", str(folder), *sources)
    assert "0 new, 0 updated, 2 unchanged" in again.stderr
    (folder / "names.pls").write_text(PLS.replace("Zorro Blat", "Zor Blatt"), encoding="utf-8")
    changed = run(tmp_path, "feed", "add", str(folder), *sources)
    assert "0 new, 2 updated" in changed.stderr, changed.stderr


def test_feed_add_fetches_each_article_once(tmp_path, server):
    """What told the source apart (a feed, OPML or an article) is what gets narrated."""
    from tests.conftest import Route
    from tests.test_faults import article_html, make_feed, run

    slugs = ["one", "two", "three"]
    for slug in slugs:
        server.routes[f"/{slug}"] = Route(body=article_html(f"Story {slug}"))
    folder = make_feed(tmp_path, allow_private_addresses=True)
    urls = [server.url(f"/{slug}") for slug in slugs]
    added = run(tmp_path, "feed", "add", str(folder), *urls, "--jobs", "1")
    assert added.returncode == 0, added.stderr
    assert "3 new" in added.stderr
    fetched = [path for _method, path, _body in server.requests if path.lstrip("/") in slugs]
    assert sorted(fetched) == sorted(f"/{slug}" for slug in slugs), fetched
    parallel = run(tmp_path, "feed", "add", str(make_feed(tmp_path, "again", True)), *urls)
    assert parallel.returncode == 0, parallel.stderr
    again = [path for _method, path, _body in server.requests if path.lstrip("/") in slugs]
    assert len(again) == 2 * len(slugs)


def test_the_reference_table_is_the_schemas():
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    printed = subprocess.run(
        [sys.executable, str(root / "tools/settings_table.py")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    doc = (root / "docs/settings.md").read_text(encoding="utf-8")
    assert printed in doc, "run python tools/settings_table.py --write"
    for name in Settings.model_fields:
        assert f"| `{name}` |" in doc


def test_the_library_call_narrates_by_its_settings(tmp_path):
    import narrate

    story = tmp_path / "story.md"
    story.write_text("# Zorblat wins\n\nZorblat won the vote on Tuesday.\n", encoding="utf-8")
    (tmp_path / "names.pls").write_text(PLS, encoding="utf-8")
    settings = narrate.Settings(engine="espeak", lexicon=tmp_path / "names.pls", outro=False)
    result = narrate.narrate(str(story), tmp_path / "story.mp3", settings)
    assert result.path.is_file() and result.sentences == 2 and result.duration > 1
    with pytest.raises(narrate.SettingsError):
        narrate.Settings.checked({"verify_tries": 11})


def test_the_update_note_is_said_for_an_edited_article_not_for_a_new_sound(tmp_path):
    import time

    from tests.test_faults import make_feed, run

    folder = make_feed(tmp_path)
    story = tmp_path / "story.md"
    story.write_text("# Budget passes\n\nThe council passed the budget.\n", encoding="utf-8")
    assert run(tmp_path, "feed", "add", str(folder), str(story)).returncode == 0

    def transcript() -> str:
        [path] = (folder / "public" / "episodes").glob("*.transcript.json")
        return path.read_text(encoding="utf-8")

    louder = run(tmp_path, "feed", "add", str(folder), str(story), "--loudness", "-14")
    assert "1 updated" in louder.stderr and "was updated" not in transcript()
    story.write_text(
        "# Budget passes\n\nThe council passed the budget. The mayor signed it.\n",
        encoding="utf-8",
    )
    edited = run(tmp_path, "feed", "add", str(folder), str(story), "--loudness", "-14")
    assert "1 updated" in edited.stderr
    assert f"This article was updated on {time.strftime('%B %-d', time.gmtime())}." in (
        transcript()
    )
    quiet = run(
        tmp_path, "feed", "add", str(folder), str(story), "--no-update-note", "--loudness", "-14"
    )
    assert "0 updated" in quiet.stderr  # the note is not part of the article's key
