"""The article's language from evidence, and sentences split the way each language writes them
(issue 30, part: detection and splitting)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from narrate.cli import cli
from narrate.read.extract import extract, parse_text
from narrate.speech.segment import split_sentences

TWO_SENTENCES = {
    "de": "Der Stadtrat hat am Montag den Haushalt beschlossen. Die Opposition kritisierte "
    "den Plan scharf.",
    "fr": "Le conseil municipal a adopté lundi le budget. L'opposition a vivement critiqué "
    "le projet.",
    "es": "El ayuntamiento aprobó el lunes el presupuesto. La oposición criticó duramente el plan.",
    "uk": "Міська рада в понеділок ухвалила бюджет. Опозиція різко розкритикувала цей план.",
}


@pytest.mark.parametrize("lang", sorted(TWO_SENTENCES))
def test_a_text_without_a_declared_language_is_detected(lang, tmp_path):
    article = parse_text(f"Headline\n\n{TWO_SENTENCES[lang]}\n")
    assert article.lang == lang and "reads as" in article.lang_reason
    page = extract(
        f"<html><head><title>Headline</title></head><body><article><h1>Headline</h1>"
        f"<p>{TWO_SENTENCES[lang]} {TWO_SENTENCES[lang]}</p></article></body></html>"
    )
    assert page.lang == lang
    story = tmp_path / "story.txt"
    story.write_text(f"Headline\n\n{TWO_SENTENCES[lang]}\n", encoding="utf-8")
    stdin = CliRunner().invoke(cli, ["script", "-", "--changes"], input=story.read_bytes())
    assert f"language {lang}: no language declared" in stdin.output


def test_a_page_declared_in_the_wrong_language_is_read_as_what_it_is():
    english = (
        "The city council approved the budget on Monday after a long debate. The mayor said "
        "the plan would fund new schools and repair roads across the district."
    )
    page = extract(
        f'<html lang="uk"><head><title>Budget</title></head><body><article><h1>Budget</h1>'
        f"<p>{english}</p></article></body></html>"
    )
    assert page.lang == "en" and "declares uk but its text reads as en" in page.lang_reason
    agreed = extract(
        f'<html lang="de"><head><title>Haushalt</title></head><body><article><h1>Haushalt</h1>'
        f"<p>{TWO_SENTENCES['de']} {TWO_SENTENCES['de']}</p></article></body></html>"
    )
    assert agreed.lang == "de" and "the text agrees" in agreed.lang_reason


def test_lang_still_wins(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(f"Headline\n\n{TWO_SENTENCES['de']}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["script", str(story), "--lang", "de", "--changes"])
    assert "language de: given with --lang" in result.output


@pytest.mark.parametrize(
    ("lang", "text", "sentences"),
    [
        ("de", "Am 1. März 2024 kam er nach Berlin. Die Stadt war voll.", 2),
        ("de", "Am 14. November tagte die 3. Sitzung. Er kam z. B. mit dem Zug.", 2),
        ("de", "Die Zahl der Opfer stieg auf 12. Die Polizei ermittelt.", 2),
        ("de", "Laut Art. 5 GG gilt das. Dr. Weber bzw. Prof. Lang widersprachen.", 2),
        ("fr", "Le 14 nov. à Paris, M. Dupont a parlé. Le pont mesure 10 m. Le maire rit.", 3),
        ("es", "El Sr. García llegó el 3 de dic. a Madrid, p. ej. en tren. La oposición habló.", 2),
        ("uk", "Згідно зі ст. 5 закону, у м. Київ ухвалили бюджет. Це важливо.", 2),
        ("uk", "Уряд виділив 5 млн. Президент заявив про санкції.", 2),
        ("en", "U.S. Defense Secretary Lloyd Austin said on Nov. 14 that Dr. Smith left. Yes.", 2),
    ],
)
def test_sentences_split_as_each_language_writes_them(lang, text, sentences):
    assert len(split_sentences(text, lang)) == sentences, split_sentences(text, lang)


def test_a_german_date_reaches_the_normaliser_whole(tmp_path):
    story = tmp_path / "story.txt"
    story.write_text(
        "Nachrichten\n\nAm 1. März 2024 kam er nach Berlin. Am 14. November tagte die 3. "
        "Sitzung des Rates.\n",
        encoding="utf-8",
    )
    for args in ([], ["--lang", "de"]):
        result = CliRunner().invoke(cli, ["script", str(story), *args])
        assert "Am ersten März zweitausendvierundzwanzig kam er" in result.output
        assert "Am vierzehnten November tagte die dritte Sitzung" in result.output
        assert "eins." not in result.output


def _languages_bench():
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "languages_bench.py"
    spec = importlib.util.spec_from_file_location("languages_bench", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["languages_bench"] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("given", [True, False], ids=["with --lang", "detected"])
@pytest.mark.parametrize("lang", ["de", "fr", "es", "uk"])
def test_news_sentences_read_as_a_newsreader_of_that_language_reads_them(lang, given):
    """At least 40 news sentences per language (dates, ordinals, cardinals, decimals, money,
    measures, times; de/fr/es built from NeMo's test cases), through `narrate script`."""
    bench = _languages_bench()
    score = bench.score(lang, given)
    assert score.total >= 40
    assert score.share >= 0.9, "\n".join(f"{w} → {s}" for w, s, _ in score.misses)


# --- neural voices from Piper's catalogue, against a stand-in catalogue on 127.0.0.1 ---------

UKRAINIAN_STORY = (
    "Міська рада ухвалила бюджет\n\nМіська рада в понеділок ухвалила бюджет на 2024 рік. "
    "Опозиція різко розкритикувала цей план.\n"
)
TEST_VOICE = "uk_UA-test-medium"


def _catalogue_entry(root, name, files, md5s=None):
    import hashlib

    language = {"code": "uk_UA", "family": "uk", "region": "UA"}
    entry = {"key": name, "quality": "medium", "language": language, "files": {}}
    for path, data in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        digest = (md5s or {}).get(path) or hashlib.md5(data).hexdigest()
        entry["files"][path] = {"size_bytes": len(data), "md5_digest": digest}
    return entry


@pytest.fixture
def stand_in_catalogue(tmp_path, monkeypatch):
    """A catalogue serving the bundled English Piper model under a Ukrainian test name."""
    import functools
    import http.server
    import json
    import threading

    from narrate.voice.engines.piper import bundled_voice_path

    root = tmp_path / "catalogue"
    model = bundled_voice_path()
    folder = f"uk/uk_UA/test/medium/{TEST_VOICE}"
    good = {
        f"{folder}.onnx": model.read_bytes(),
        f"{folder}.onnx.json": model.with_name(model.name + ".json").read_bytes(),
    }
    index = {TEST_VOICE: _catalogue_entry(root, TEST_VOICE, good)}
    bad_name = "uk_UA-broken-medium"
    bad = {k.replace(TEST_VOICE, bad_name): v for k, v in good.items()}
    index[bad_name] = _catalogue_entry(
        root,
        bad_name,
        bad,
        {next(iter(bad)): "0" * 32},  # the model's digest is wrong
    )
    index["uk_UA-escape-medium"] = {  # a hostile entry: its files would land elsewhere
        **index[TEST_VOICE],
        "files": {"../../uk_UA-escape-medium.onnx": {"size_bytes": 1, "md5_digest": "0" * 32}},
    }
    (root / "voices.json").write_text(json.dumps(index), encoding="utf-8")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    data = tmp_path / "data"
    monkeypatch.setenv("NARRATE_PIPER_VOICES_URL", f"http://127.0.0.1:{server.server_address[1]}/")
    monkeypatch.setenv("NARRATE_DATA_DIR", str(data))
    yield data / "voices" / "piper"
    server.shutdown()
    server.server_close()


def test_a_catalogue_voice_is_downloaded_then_speaks_ukrainian_offline(
    stand_in_catalogue, tmp_path, monkeypatch
):
    import socket

    listing = CliRunner().invoke(cli, ["voices", "catalogue", "uk"])
    assert TEST_VOICE in listing.output and "uk_UA-escape-medium" not in listing.output
    result = CliRunner().invoke(cli, ["voices", "download", TEST_VOICE])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (stand_in_catalogue / TEST_VOICE).iterdir()) == [
        f"{TEST_VOICE}.onnx",
        f"{TEST_VOICE}.onnx.json",
    ]
    assert [p.name for p in stand_in_catalogue.iterdir()] == [TEST_VOICE]  # nothing half-done
    again = CliRunner().invoke(cli, ["voices", "download", TEST_VOICE])
    assert again.exit_code == 0  # already here: nothing fetched, nothing changed

    def no_network(*args, **kwargs):
        raise AssertionError("narrate reached for the network while narrating")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    story = tmp_path / "story.txt"
    story.write_text(UKRAINIAN_STORY, encoding="utf-8")
    out = tmp_path / "story.mp3"
    spoken = CliRunner().invoke(cli, ["article", str(story), "-o", str(out), "--jobs", "1"])
    assert spoken.exit_code == 0, spoken.output
    assert out.stat().st_size > 10_000
    assert f"voice piper {TEST_VOICE}" in spoken.output


def test_a_catalogue_voice_with_a_wrong_digest_leaves_nothing_behind(stand_in_catalogue):
    result = CliRunner().invoke(cli, ["voices", "download", "uk_UA-broken-medium"])
    assert result.exit_code != 0
    assert "not the one the catalogue lists" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not stand_in_catalogue.exists() or list(stand_in_catalogue.iterdir()) == []
    escape = CliRunner().invoke(cli, ["voices", "download", "uk_UA-escape-medium"])
    assert escape.exit_code != 0 and "has no voice" in escape.output
    assert not (stand_in_catalogue.parent.parent / "uk_UA-escape-medium.onnx").exists()
    garbage = CliRunner().invoke(cli, ["voices", "download", "../etc-passwd-medium"])
    assert garbage.exit_code != 0 and "Traceback" not in garbage.output


def test_without_a_neural_voice_espeak_speaks_and_the_note_names_the_command(
    tmp_path, monkeypatch, caplog
):
    from narrate.voice import catalogue
    from narrate.voice.engines import choose_engine_and_voice

    monkeypatch.setenv("NARRATE_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(catalogue, "_NOTED", set())
    with caplog.at_level("WARNING"):
        assert choose_engine_and_voice("auto", "uk", None) == ("espeak", None)
    assert "narrate voices download uk_UA-ukrainian_tts-medium" in caplog.text
    assert choose_engine_and_voice("auto", "en", None)[0] == "hibari"
    assert choose_engine_and_voice("espeak", "uk", None) == ("espeak", None)


def test_narrate_languages_says_what_each_language_has(tmp_path, monkeypatch):
    monkeypatch.setenv("NARRATE_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(cli, ["languages"])
    assert result.exit_code == 0
    rows = {line.split()[0]: line.split()[1:] for line in result.output.splitlines()[1:19]}
    assert rows["en"][:3] == ["full", "own", "yes"] and "hibari" in rows["en"]
    assert rows["uk"][:3] == ["full", "own", "yes"] and rows["uk"][-1] == "espeak-ng"
    assert rows["it"][:3] == ["numbers", "English", "English"]
