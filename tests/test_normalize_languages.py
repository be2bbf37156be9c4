"""Other languages: numbers, ordinals, dates, times, percentages and currency."""

import pytest

from narrate.speech.normalize import normalize


@pytest.mark.parametrize(
    ("lang", "written", "spoken"),
    [
        ("de", "5 %", "fünf Prozent"),
        ("de", "5,5 %", "fünf Komma fünf Prozent"),
        ("de", "1.000 €", "eintausend Euro"),
        ("de", "2,50 $", "zwei Dollar fünfzig"),
        ("de", "Am 14. November 2023", "Am vierzehnten November zweitausenddreiundzwanzig"),
        ("de", "14.11.2023", "vierzehnter November zweitausenddreiundzwanzig"),
        ("de", "um 14:30 Uhr", "um vierzehn Uhr dreißig"),
        ("de", "der 3. Versuch", "der dritte Versuch"),
        ("fr", "3,5 %", "trois virgule cinq pour cent"),
        ("fr", "50 €", "cinquante euros"),
        ("fr", "le 14 novembre 2023", "le quatorze novembre deux mille vingt-trois"),
        ("fr", "le 1er mai", "le premier mai"),
        ("fr", "à 14h30", "à quatorze heures trente"),
        ("fr", "le 3e essai", "le troisième essai"),
        ("es", "50 €", "cincuenta euros"),
        ("es", "5,5 %", "cinco coma cinco por ciento"),
        ("es", "el 14 de noviembre de 2023", "el catorce de noviembre de dos mil veintitrés"),
        ("es", "a las 14:30", "a las catorce y media"),
        ("es", "el 1 de enero", "el primero de enero"),
        ("uk", "15 %", "п'ятнадцять відсотків"),
        ("uk", "21 %", "двадцять один відсоток"),
        ("uk", "5,5 %", "п'ять цілих п'ять десятих відсотка"),
        ("uk", "2 грн", "дві гривні"),
        ("uk", "1 грн", "одна гривня"),
        ("uk", "100 $", "сто доларів"),
        ("uk", "14 листопада 2023", "чотирнадцятого листопада дві тисячі двадцять третього"),
        ("uk", "3-й раз", "третій раз"),
    ],
)
def test_other_languages(lang, written, spoken):
    assert normalize(written, lang) == spoken


def test_language_codes_with_regions():
    assert normalize("5 %", "de-DE") == "fünf Prozent"
    assert normalize("5 %", "uk_UA") == "п'ять відсотків"


def test_no_digits_left_in_other_languages():
    text = {
        "de": "Am 3. Mai 2024 um 7:05 Uhr: 12,5 % und 1.250 €.",
        "fr": "Le 3 mai 2024 à 7h05 : 12,5 % et 1 250 €.",
        "es": "El 3 de mayo de 2024 a las 7:05: 12,5 % y 1.250 €.",
        "uk": "3 травня 2024 о 7:05: 12,5 % і 1250 грн.",
    }
    for lang, sentence in text.items():
        spoken = normalize(sentence, lang)
        assert not any(ch.isdigit() for ch in spoken), (lang, spoken)


def test_unknown_language_passes_through_with_one_warning(caplog):
    caplog.set_level("WARNING")
    assert normalize("Tere 5", "et") == "Tere 5"
    assert normalize("Tere 6", "et") == "Tere 6"
    assert sum("'et'" in r.message for r in caplog.records) == 1
