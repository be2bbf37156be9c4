"""User pronunciation rules: TOML, TSV and W3C PLS lexicons."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from narrate.cli import cli
from narrate.speech.normalize import load_lexicon, normalize, normalize_with_changes
from narrate.speech.normalize.lexicon import LexiconError, parse_pls, parse_toml, parse_tsv
from tests.conftest import SAMPLE_HTML, SAMPLES


def test_substitute_letters_word_and_regex_rules():
    lexicon = parse_toml(
        """
        [[rule]]
        word = "Kyiv"
        say = "Keev"
        [[rule]]
        word = "NATO"
        as = "letters"
        [[rule]]
        word = "SBU"
        as = "word"
        [[rule]]
        regex = 'Kh-(\\d+)'
        say = 'Kay Ha \\1'
        case_sensitive = true
        [[rule]]
        word = "Mr Smith"
        say = "Mister Smyth"
        """
    )
    spoken = normalize(
        "In kyiv, NATO and the SBU saw Kh-101 missiles; Mr Smith agreed.", lexicon=lexicon
    )
    assert spoken == (
        "In Keev, N A T O and the Sbu saw Kay Ha one hundred one missiles; Mister Smyth agreed."
    )
    assert "Kyivska" in normalize("Kyivska oblast", lexicon=lexicon)  # whole words only


def test_case_sensitive_rules_only_match_that_case():
    lexicon = parse_toml('[[rule]]\nword = "US"\nsay = "United States"\ncase_sensitive = true\n')
    assert normalize("the US told us", lexicon=lexicon) == "the United States told us"
    loose = parse_toml('[[rule]]\nword = "us"\nsay = "ASS"\n')
    assert normalize("tell US", lexicon=loose) == "tell ASS"


def test_lexicon_rules_show_in_changes():
    lexicon = parse_tsv("Kyiv\tKeev\nSBU\t@word\n")
    _, changes = normalize_with_changes("Kyiv and the SBU", lexicon=lexicon)
    assert [(c.written, c.spoken, c.rule) for c in changes] == [
        ("Kyiv", "Keev", "lexicon"),
        ("SBU", "Sbu", "lexicon"),
    ]


def test_pls_aliases_and_phonemes():
    pls = (SAMPLES / "pronunciations.pls").read_text()
    for_piper = parse_pls(pls, phonemes=True)
    assert normalize("Nate Ostiller said the UNC met Lavrov.", lexicon=for_piper) == (
        "Nate [[ ˈɑːstɪlɚ ]] said the United Nations Command met Lav-rov."
    )
    other_engines = parse_pls(pls, phonemes=False)
    assert normalize("Nate Ostiller said", lexicon=other_engines) == "Nate Ostiller said"


def test_pls_without_namespace_and_bad_files(tmp_path):
    plain = (
        "<lexicon version='1.0'><lexeme><grapheme>SBU</grapheme>"
        "<alias>Security Service</alias></lexeme></lexicon>"
    )
    assert normalize("the SBU", lexicon=parse_pls(plain)) == "the Security Service"
    with pytest.raises(LexiconError):
        parse_pls("<html></html>")
    with pytest.raises(LexiconError):
        parse_pls("not xml at all <")
    with pytest.raises(LexiconError, match="needs"):
        parse_toml("[[rule]]\nsay = 'x'\n")
    with pytest.raises(LexiconError, match="bad regex"):
        parse_toml("[[rule]]\nregex = '('\nsay = 'x'\n")
    with pytest.raises(LexiconError, match="TAB"):
        parse_tsv("no tab here\n")
    with pytest.raises(LexiconError, match="not found"):
        load_lexicon(tmp_path / "missing.toml")


def test_load_by_extension():
    assert len(load_lexicon(SAMPLES / "pronunciations.toml")) == 5
    assert len(load_lexicon(SAMPLES / "pronunciations.pls")) == 3  # UNC, Lavrov x2; phoneme skipped
    assert len(load_lexicon(SAMPLES / "pronunciations.pls", phonemes=True)) == 4


def test_cli_lexicon_and_changes():
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "script", str(SAMPLE_HTML), "--engine", "espeak",
            "--lexicon", str(SAMPLES / "pronunciations.toml"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "the U N Command (Unc)" in result.output

    changes = runner.invoke(cli, ["script", str(SAMPLE_HTML), "--changes", "--engine", "espeak"])
    assert changes.exit_code == 0
    lines = changes.output.strip().splitlines()
    assert "1:221\tU.S. → U S" in lines
    assert "0:108\tKyiv → Keev" in lines  # the news-names list, listed like any rewrite
    assert "2:20\t1950 → nineteen fifty" in lines
    assert lines[-1].endswith("rewrites")


def test_cli_bad_lexicon_is_one_line(tmp_path):
    bad = Path(tmp_path / "bad.toml")
    bad.write_text("[[rule]]\nword = 'x'\n")
    result = CliRunner().invoke(cli, ["script", str(SAMPLE_HTML), "--lexicon", str(bad)])
    assert result.exit_code == 1
    assert result.output.startswith("narrate: ") and result.output.count("\n") == 1


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("word = 5\nsay = 'five'", "word must be text, not 5"),
        ("word = 'NATO'\nsay = ['x']", "say must be text"),
        ("word = 'NATO'\nas = 'letters'\ncase_sensitive = 'yes'", "case_sensitive must be true"),
        ("regex = 'a(b)?'\nsay = '\\9'", "invalid group reference"),
        ("regex = '(?<name>x)'\nsay = '\\g<other>'", "bad regex rule"),
        ("regex = '(unclosed'\nsay = 'x'", "bad regex rule"),
        ("regex = ''\nsay = 'x'", "empty regex"),
        ("wrod = 'NATO'\nsay = 'x'", "unknown key"),
    ],
)
def test_bad_toml_rules_are_refused_with_one_line(rule, message):
    with pytest.raises(LexiconError, match=message):
        parse_toml(f"[[rule]]\n{rule}\n", "mine.toml")


def test_a_regex_that_backtracks_without_end_stops_with_one_line(tmp_path):
    lexicon = tmp_path / "slow.toml"
    lexicon.write_text("[[rule]]\nregex = '(a|aa)+$'\nsay = 'x'\n")
    story = tmp_path / "story.txt"
    story.write_text("A title\n\nThe shout was " + "a" * 60 + "! and the crowd went on.\n")
    result = CliRunner().invoke(cli, ["script", str(story), "--lexicon", str(lexicon)])
    assert result.exit_code == 1
    assert "took over 1 s on one sentence" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_regex_rules_keep_pythons_syntax_lookarounds_and_templates():
    lexicon = parse_toml(
        "[[rule]]\nregex = '(?<!\\w)Kh-(\\d+)(?!\\w)'\nsay = 'K H \\1'\n", "mine.toml"
    )
    assert normalize("The Kh-101 hit.", lexicon=lexicon) == "The K H one hundred one hit."
