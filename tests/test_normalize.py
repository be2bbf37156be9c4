import pytest

from narrate.normalize import normalize


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("U.S. Defense Secretary", "U S Defense Secretary"),
        ("aid to the U.S.", "aid to the U S."),
        ("on Nov. 14 at a meeting", "on November fourteenth at a meeting"),
        ("on Nov. 14, 2023.", "on November fourteenth, twenty twenty three."),
        ("Sept. 3", "September third"),
        ("Tuesday, Nov. 19", "Tuesday, November nineteenth"),
        ("14 November 2023", "the fourteenth of November twenty twenty three"),
        ("2023-11-14", "November fourteenth, twenty twenty three"),
        ("Lt. Col. Vasyliuk", "Lieutenant Colonel Vasyliuk"),
        ("Maj. Gen. Kyrylo Budanov", "Major General Kyrylo Budanov"),
        ("Gen. Brown", "General Brown"),
        ("founded in 1950 at the start", "founded in nineteen fifty at the start"),
        ("in 2007", "in two thousand seven"),
        ("in 1905", "in nineteen oh five"),
        ("1950 people came", "one thousand nine hundred fifty people came"),
        ("17 countries", "seventeen countries"),
        ("more than 1,000 containers", "more than one thousand containers"),
        ("over 1 million artillery shells", "over one million artillery shells"),
        ("as little as $1, and", "as little as one dollar, and"),
        ("$7,667.47", "seven thousand six hundred sixty seven dollars and forty seven cents"),
        ("$2.50", "two dollars and fifty cents"),
        ("€50 billion", "fifty billion euros"),
        ("£3.2bn", "three point two billion pounds"),
        ("$61 billion aid package", "sixty one billion dollar aid package"),
        ("up 5.5%", "up five point five percent"),
        ("11:10 PM", "eleven ten P M"),
        ("7:12 p.m.", "seven twelve P M"),
        ("9 a.m. Kyiv time", "nine A M Kyiv time"),
        ("14:30", "fourteen thirty"),
        ("the 93rd Brigade", "the ninety third Brigade"),
        ("155mm shells", "one hundred fifty five millimeter shells"),
        ("30 km away", "thirty kilometers away"),
        ("the UN Command (UNC)", "the U N Command (U N C)"),
        ("NATO and HIMARS", "Nato and Himars"),
        ("F-16 jets", "F sixteen jets"),
        ("Dr. Smith of 5 Main Dr.", "Doctor Smith of five Main Drive."),
        ("St. Petersburg", "Saint Petersburg"),
        ("No. 1 seed", "number one seed"),
        ("the 1950s and '90s", "the nineteen fifties and nineties"),
        ("2022-2023", "twenty twenty two to twenty twenty three"),
        ("Russia & China", "Russia and China"),
    ],
)
def test_english_first_pass(written, spoken):
    assert normalize(written) == spoken


def test_pronoun_i_and_may_are_untouched():
    assert normalize("I think Russia may have sent them in May.") == (
        "I think Russia may have sent them in May."
    )


def test_no_digits_left_in_the_sample_sentences(sample_html):
    from narrate.extract import extract

    for block in extract(sample_html).blocks:
        assert not any(ch.isdigit() for ch in normalize(block.text)), block.text


@pytest.mark.parametrize(
    ("lang", "written", "expected"),
    [
        ("de", "5 %", "fünf Prozent"),
        ("de", "1.000 €", "eintausend Euro"),
        ("fr", "3,5 %", "trois virgule cinq pour cent"),
        ("es", "50 €", "cincuenta euros"),
        ("uk", "15 %", "п'ятнадцять відсотків"),
    ],
)
def test_other_languages_read_numbers(lang, written, expected):
    assert normalize(written, lang) == expected


def test_unknown_language_passes_through_with_one_warning(caplog):
    caplog.set_level("WARNING")
    assert normalize("Tere 5", "et") == "Tere 5"
    assert normalize("Tere 6", "et") == "Tere 6"
    assert sum("et" in r.message for r in caplog.records) == 1
