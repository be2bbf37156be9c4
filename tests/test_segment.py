import pytest

from narrate.speech.segment import split_long, split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Austin said on Nov. 14 that it was bad. U.S. State Secretary Antony Blinken agreed.",
            [
                "Austin said on Nov. 14 that it was bad.",
                "U.S. State Secretary Antony Blinken agreed.",
            ],
        ),
        (
            "General Charles Q. Brown spoke. Then he left.",
            ["General Charles Q. Brown spoke.", "Then he left."],
        ),
        (
            "Lt. Col. Vasyliuk was killed. The brigade said so.",
            ["Lt. Col. Vasyliuk was killed.", "The brigade said so."],
        ),
        (
            "The aid came from the U.S. The EU followed.",
            ["The aid came from the U.S.", "The EU followed."],
        ),
        ("The U.S. Congress voted.", ["The U.S. Congress voted."]),
        (
            'He called it "a regime." Others disagreed!',
            ['He called it "a regime."', "Others disagreed!"],
        ),
        ("Is it over? No. 1 seed lost.", ["Is it over?", "No. 1 seed lost."]),
        ("It rose 2.5 percent. Shares fell.", ["It rose 2.5 percent.", "Shares fell."]),
        ("Meet at 9 a.m. The bus leaves.", ["Meet at 9 a.m.", "The bus leaves."]),
        ("No terminal punctuation", ["No terminal punctuation"]),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


def test_split_long_prefers_clause_boundaries():
    sentence = (
        "Russia has increasingly turned to other sources for military equipment, including North "
        "Korea; the deal was widely condemned, and Russia has denied it."
    )
    pieces = split_long(sentence, 100)
    assert all(len(p) <= 100 for p in pieces)
    assert pieces[0].endswith(";")
    assert " ".join(pieces) == sentence


def test_split_long_falls_back_to_words_and_hard_cuts():
    words = "word " * 60
    assert all(len(p) <= 50 for p in split_long(words.strip(), 50))
    assert split_long("x" * 120, 50) == ["x" * 50, "x" * 50, "x" * 20]
    assert split_long("short", 50) == ["short"]
