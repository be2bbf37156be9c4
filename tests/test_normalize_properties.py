"""Property tests: the normaliser never raises, stays fast, and leaves no digits in English."""

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narrate.speech.normalize import normalize, normalize_with_changes

TOKENS = [
    *"0123456789 .,:;-–—/$€£¥₴%°'\"()&+#@~xkmMKBbnstrdhp",
    *["U.S.", "Nov.", " km", " a.m.", " p.m.", "th", "st", "II", "IV", "NATO", "UN", "May", "I"],
    *["1st", "www.", ".com", "Dr.", "St.", "Lt. Col.", "bn", "°C", "½", "²", "٣"],
]
NEWSY = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200) | NEWSY)
def test_never_raises_terminates_fast_and_reads_every_digit(text):
    start = time.perf_counter()
    spoken, changes = normalize_with_changes(text)
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, (text, elapsed)  # generous: typical sentences take ~0.1 ms
    assert isinstance(spoken, str)
    assert not any(ch.isdigit() for ch in spoken), (text, spoken)
    for change in changes:
        assert 0 <= change.start <= change.end <= len(text) + 1


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120), st.sampled_from(["de", "fr", "es", "uk", "xx"]))
def test_other_languages_never_raise(text, lang):
    assert isinstance(normalize(text, lang), str)


# Every language narrate reads numbers in, fed digit runs of any length among separators,
# signs and words: never an exception, always text, and every digit read out.
from narrate.speech.normalize.other import SUPPORTED  # noqa: E402

DIGIT_RUNS = st.integers(1, 6000).map(lambda n: "7" * n) | st.integers(0, 10**40).map(str)
PIECES = st.sampled_from(
    [" ", ".", ",", ":", "-", "/", "%", "€", "$", "₴", " Uhr", "h", "er", "-го", "º", " млн"]
)
DIGIT_TEXT = st.lists(DIGIT_RUNS | PIECES | st.text(max_size=5), max_size=12).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DIGIT_TEXT, st.sampled_from(sorted(SUPPORTED | {"en"})))
def test_every_language_reads_any_run_of_digits(text, lang):
    spoken = normalize(text, lang)
    assert isinstance(spoken, str)
    assert not any("0" <= ch <= "9" for ch in spoken), (lang, text[:80], spoken[:200])


@given(st.sampled_from(sorted(SUPPORTED | {"en"})))
@settings(max_examples=30, deadline=None)
def test_a_long_run_of_digits_is_read_digit_by_digit(lang):
    spoken = normalize("7" * 8000, lang)
    assert len(spoken.split()) >= 8000  # every digit, and linear in the text
