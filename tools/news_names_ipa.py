"""Fill in the IPA of the news-names list from each entry's respelling.

    python tools/news_names_ipa.py [--all]

`narrate/speech/normalize/data/news_names.tsv` has one name per line: the name as written,
a respelling in the BBC Pronunciation Unit's style (syllables joined by hyphens, the stressed
one in capitals: "oh-DESS-uh", "KEEV"), the IPA Piper is given, and a region tag. A
contributor adds a name and its respelling and leaves the IPA empty; this fills it in from
the respelling, by the fixed sound table below (US English, the phoneme set of the Piper
voices). Edit the IPA by hand where it comes out wrong: the tests check that every entry
parses and that Piper's voice knows every phoneme. --all redoes every entry.

Respelling sounds: ah ay ai/igh/ie/eye ee oo oh ow oy aw air eer oor ar or er/ur uh eh,
a e i o u (short; a final unstressed o or i is a schwa or short i); ch sh zh th dh ng j g y r
and the other consonants as in English; a doubled consonant is one sound.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "narrate/speech/normalize/data/news_names.tsv"

# Longest first within each position: vowels (stressed form, unstressed form), consonants.
VOWELS = [
    ("eye", "aɪ", "aɪ"), ("igh", "aɪ", "aɪ"), ("air", "ɛɹ", "ɛɹ"), ("eer", "ɪɹ", "ɪɹ"),
    ("oor", "ʊɹ", "ʊɹ"), ("ite", "aɪt", "aɪt"), ("ah", "ɑː", "ɑː"), ("ay", "eɪ", "eɪ"),
    ("ai", "aɪ", "aɪ"), ("ie", "aɪ", "aɪ"), ("ee", "iː", "i"), ("oo", "uː", "u"),
    ("oh", "oʊ", "oʊ"), ("ow", "aʊ", "aʊ"), ("oy", "ɔɪ", "ɔɪ"), ("aw", "ɔː", "ɔː"),
    ("ar", "ɑːɹ", "ɑːɹ"), ("or", "ɔːɹ", "ɔːɹ"), ("er", "ɜː", "ɚ"), ("ur", "ɜː", "ɚ"),
    ("uh", "ʌ", "ə"), ("eh", "ɛ", "ɛ"), ("a", "æ", "æ"), ("e", "ɛ", "ɛ"), ("i", "ɪ", "ɪ"),
    ("o", "ɑː", "ɑː"), ("u", "ʌ", "ə"),
]  # fmt: skip
CONSONANTS = [
    ("ch", "tʃ"), ("sh", "ʃ"), ("zh", "ʒ"), ("th", "θ"), ("dh", "ð"), ("ng", "ŋ"),
    ("kh", "h"), ("ck", "k"), ("j", "dʒ"), ("g", "ɡ"), ("y", "j"), ("r", "ɹ"), ("x", "ks"),
    ("c", "k"), ("q", "k"), ("b", "b"), ("d", "d"), ("f", "f"), ("h", "h"), ("k", "k"),
    ("l", "l"), ("m", "m"), ("n", "n"), ("p", "p"), ("s", "s"), ("t", "t"), ("v", "v"),
    ("w", "w"), ("z", "z"),
]  # fmt: skip


def syllable_ipa(syllable: str, stressed: bool) -> str:
    """One respelled syllable as IPA, with ˈ before its vowel when STRESSED."""
    text = syllable.lower()
    out: list[str] = []
    marked = False
    i = 0
    while i < len(text):
        for spelling, strong, weak in VOWELS:
            if text.startswith(spelling, i):
                sound = strong if stressed else weak
                rest = text[i + len(spelling) :]
                if spelling == "o" and not rest:  # an open o: "po-", "ko-"
                    sound = "oʊ" if stressed else "ə"
                if spelling == "i" and not rest and not stressed:
                    sound = "ɪ"
                if stressed and not marked:
                    out.append("ˈ")
                    marked = True
                out.append(sound)
                i += len(spelling)
                break
        else:
            for spelling, sound in CONSONANTS:
                if text.startswith(spelling, i):
                    if not (out and out[-1] == sound):  # "ss", "ll": one sound
                        out.append(sound)
                    i += len(spelling)
                    break
            else:
                raise ValueError(f"cannot read {text[i]!r} in respelling {syllable!r}")
    return "".join(out)


def respelling_ipa(respelling: str) -> str:
    """'oh-DESS-uh' → 'oʊdˈɛsə'; words stay apart, each with its stressed syllable."""
    words = []
    for word in respelling.split():
        syllables = [s for s in word.split("-") if s]
        joined = ""
        for syllable in syllables:
            sound = syllable_ipa(syllable, syllable.isupper())
            bare = sound.lstrip("ˈ")
            if joined and bare and joined[-1] == bare[0] and bare[0] not in "aeiouæɑɛɪɔʊʌəɚɜ":
                sound = sound.replace(bare[0], "", 1)  # "pil-lyuh", "reezh-zhuh": one sound
            joined += sound
        words.append(joined)
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="redo every entry's IPA")
    args = parser.parse_args()
    lines = TABLE.read_text(encoding="utf-8").splitlines()
    out, filled = [], 0
    for line in lines:
        if not line.strip() or line.startswith("#"):
            out.append(line)
            continue
        cells = [*line.split("\t"), "", "", "", ""][:4]
        if args.all or not cells[2].strip():
            cells[2] = respelling_ipa(cells[1])
            filled += 1
        out.append("\t".join(cells))
    TABLE.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{filled} entries filled in {TABLE}", file=sys.stderr)


if __name__ == "__main__":
    main()
