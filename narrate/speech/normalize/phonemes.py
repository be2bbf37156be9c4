"""Spoken forms as phonemes, for engines that read IPA (Piper: `[[ phonemes ]]`).

Piper's front end (espeak-ng) ends a sentence after "U.S." before a capitalised word, and
reads spaced letters ("U S") as separate stressed words; given an initialism as phonemes it
says it as one word, stress on the last letter (as espeak says "FBI"), inside the sentence.
The letter names are espeak-ng's (en-us), the phoneme set the Piper voices are trained on.
"""

from __future__ import annotations

import re

LETTERS_IPA = {
    "A": "eɪ", "B": "biː", "C": "siː", "D": "diː", "E": "iː", "F": "ɛf", "G": "dʒiː",
    "H": "eɪtʃ", "I": "aɪ", "J": "dʒeɪ", "K": "keɪ", "L": "ɛl", "M": "ɛm", "N": "ɛn",
    "O": "oʊ", "P": "piː", "Q": "kjuː", "R": "ɑːɹ", "S": "ɛs", "T": "tiː", "U": "juː",
    "V": "viː", "W": "dʌbəljuː", "X": "ɛks", "Y": "waɪ", "Z": "ziː",
}  # fmt: skip
VOWELS = "aeiouɑɐɒæɔəɛɜɪʊʌ"
# Spaced capitals as the normaliser spells an initialism ("U S", "C E O's").
LETTER_RUN = re.compile(r"(?<![\w'’])(?:[A-Z] )+[A-Z](?:['’]s)?(?![\w'’])")


def stressed(ipa: str, mark: str) -> str:
    """IPA with MARK (ˈ or ˌ) before its first vowel, as espeak-ng places stress."""
    for i, ch in enumerate(ipa):
        if ch in VOWELS:
            return ipa[:i] + mark + ipa[i:]
    return mark + ipa


def possessive(ipa: str) -> str:
    """The 's ending after IPA: ɪz after a sibilant, s after a voiceless sound, else z."""
    if re.search(r"(?:s|z|ʃ|ʒ|tʃ|dʒ)$", ipa):
        return ipa + "ɪz"
    if re.search(r"[ptkfθ]$", ipa):
        return ipa + "s"
    return ipa + "z"


def letters_ipa(letters: str) -> str:
    """'U S' → 'jˌuːˈɛs': one word, secondary stress on each letter and primary on the last,
    a glide (ʲ) after "iː" before a vowel, as espeak-ng says an initialism."""
    names = letters.replace("’", "'")
    plural = names.endswith("'s")
    spelled = names[:-2] if plural else names
    parts = [LETTERS_IPA[ch] for ch in spelled.split()]
    out = ""
    for i, part in enumerate(parts):
        piece = stressed(part, "ˈ" if i == len(parts) - 1 else "ˌ")
        if out.endswith("iː") and piece.lstrip("ˈˌ")[:1] in VOWELS:
            out += "ʲ"
        out += piece
    return possessive(out) if plural else out


def as_phonemes(ipa: str) -> str:
    return f"[[ {ipa} ]]"


def spelled_as_phonemes(spoken: str) -> str:
    """SPOKEN with every spelled initialism in it given as Piper phonemes."""
    return LETTER_RUN.sub(lambda m: as_phonemes(letters_ipa(m.group(0))), spoken)


# Piper's front end phonemises the text between `[[ … ]]` blocks piece by piece, so what
# touches a block goes wrong: punctuation just after it is read aloud (`]]:` → "colon") or
# dropped with the space after it (`]], and` → "Keevand": no pause, a glued word), a final
# `]].` or `]]?` loses its stop and its question, and a block written against a quote or a
# hyphen is glued to the word before or after. Piper's phoneme map has the pauses
# (, . ; : ! ?), so they go inside the block; other marks there are silent and become a space.
PAUSES = ",.;:!?"
BLOCK = re.compile(r"(\[\[ .*? \]\])")
AFTER_BLOCK = re.compile(r"\s*\]\](?P<marks>[^\w\s\[\]]*)(?P<possessive>(?<=['’])s\b)?")


def piper_ready(text: str) -> str:
    """TEXT with its `[[ … ]]` blocks made safe for Piper's front end: the pauses written
    after a block moved inside it (a dash a comma), a possessive 's said with the block, a
    space on both sides of every block, and square brackets outside blocks (silent, but
    "[[[" would put one inside) left out."""

    def close(m: re.Match[str]) -> str:
        marks = m.group("marks")
        if m.group("possessive"):
            marks = marks[:-1]  # the apostrophe; the ending is put on the IPA below
        kept = "".join(ch for ch in marks if ch in PAUSES)
        if not kept and any(ch in "—–" for ch in marks):
            kept = ","
        if "…" in marks and not kept:
            kept = "."
        return kept + (" ]]s" if m.group("possessive") else " ]]")

    parts = BLOCK.split(text)  # odd parts are blocks; a bracket outside one is silent
    parts[::2] = [re.sub(r"[\[\]]", " ", part) for part in parts[::2]]
    text = re.sub(r"  +", " ", "".join(parts)).strip()
    text = AFTER_BLOCK.sub(close, text)
    text = re.sub(
        r"\[\[ (?P<ipa>[^\]]*?)(?P<kept>[,.;:!?]*) \]\]s",
        lambda m: f"[[ {possessive(m.group('ipa'))}{m.group('kept')} ]]",
        text,
    )
    text = re.sub(r"(?<=\S)\[\[", " [[", text)
    return re.sub(r"\]\](?=\S)", "]] ", text)


# hibari (a Kokoro voice) reads phonemes in misaki's alphabet, inline as `[word](/…/)`: one
# letter for each diphthong and affricate (A = eɪ, I = aɪ, W = aʊ, Y = ɔɪ, O = oʊ, ʤ, ʧ),
# r-coloured vowels spelt out, no length marks (US English). MISAKI maps the IPA narrate keeps
# (espeak-ng's, as Piper reads it) onto that alphabet, longest sequences first; a sound
# English has not got becomes its nearest English one.
MISAKI = [
    ("eɪ", "A"), ("aɪ", "I"), ("aʊ", "W"), ("ɔɪ", "Y"), ("oʊ", "O"), ("əʊ", "O"),
    ("dʒ", "ʤ"), ("tʃ", "ʧ"), ("ɝ", "ɜɹ"), ("ɚ", "əɹ"), ("ʲ", "j"),
    ("iː", "i"), ("uː", "u"), ("ɑː", "ɑ"), ("ɔː", "ɔ"), ("ɜː", "ɜ"), ("oː", "O"), ("eː", "A"),
    ("ː", ""), ("e", "ɛ"), ("o", "O"), ("a", "ɑ"), ("ɒ", "ɑ"), ("ɐ", "ə"), ("ɨ", "ɪ"),
    ("y", "u"), ("ɵ", "ə"), ("r", "ɹ"), ("g", "ɡ"), ("x", "k"), ("χ", "h"), ("ɦ", "h"),
    ("ç", "h"), ("ɫ", "l"), ("ɬ", "l"), ("ɭ", "l"), ("ʎ", "lj"), ("ɲ", "nj"), ("ɣ", "ɡ"),
    ("β", "v"), ("ʁ", "ɹ"), ("ɕ", "ʃ"), ("ʑ", "ʒ"), ("ʂ", "ʃ"), ("ʐ", "ʒ"), ("c", "k"),
    ("ɟ", "ɡ"), ("q", "k"), ("ʏ", "ʊ"), ("ø", "ə"), ("œ", "ɛ"), ("̃", ""), ("ʰ", ""),
]  # fmt: skip
MISAKI_VOWELS = "AIOWYiuæɑɔəɛɜɪʊʌᵻᵊ"
MISAKI_SOUNDS = frozenset(MISAKI_VOWELS + "bdfhjklmnpstvwzðŋɡɹɾʃʒʤʧθʔ" + "ˈˌ ")
MISAKI_PATTERN = re.compile("|".join(re.escape(ipa) for ipa, _ in MISAKI))
MISAKI_TABLE = dict(MISAKI)


def misaki(ipa: str) -> str:
    """IPA (espeak-ng's symbols) in misaki's US alphabet; a symbol it has no sound for is
    left out (`every news name converts` is a test)."""
    converted = MISAKI_PATTERN.sub(lambda m: MISAKI_TABLE[m.group(0)], ipa)
    return "".join(ch for ch in converted if ch in MISAKI_SOUNDS).strip()


HIBARI_BLOCK = re.compile(r"\[\[ (?P<ipa>[^\]]*?)(?P<marks>[,.;:!?]*) \]\]")


def for_hibari(text: str) -> str:
    """Piper-ready TEXT (see piper_ready) as hibari reads it: each `[[ ipa ]]` block becomes
    an inline `[name](/misaki/)` word, the pauses that were moved inside it put back after it."""
    return HIBARI_BLOCK.sub(
        lambda m: f"[name](/{misaki(m.group('ipa'))}/){m.group('marks')}", text
    ).strip()
