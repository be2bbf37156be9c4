"""Whether a word in capitals can be said as a word ("NATO", "UNESCO", "WASHINGTON") or has
to be spelled ("USPTO", "GPIO", "NYPL"): English syllable shapes, not a list.

A word reads as a word when it is made of syllables English allows: it starts with a
consonant cluster English starts words with, ends with one English ends words with, and
each cluster between two vowels splits into an ending and a beginning, with at most one
consonant sound left to the syllable before a cluster of three ("AMPLE", "ASTRO",
"WASHINGTON" but not "USPTO").
Vowel groups are one or two letters, and never a doubled A, I or U ("UFAA", "IDII"). Y is a
consonant before a vowel and a vowel elsewhere; Q goes with U.
"""

from __future__ import annotations

import re


def spaced(words: str) -> frozenset[str]:
    return frozenset(words.split())


ONSETS = spaced(
    "B C D F G H J K L M N P R S T V W X Y Z QU "
    "BL BR CL CR DR FL FR GL GR PL PR TR SC SK SL SM SN SP ST SW TW DW KN WR WH "
    "CH SH TH PH GN KH ZH TS SV SQU SPR SPL STR SCR SHR THR CHR PHR SCH "
    "BY DY FY GY HY KY LY MY NY PY SY TY VY"  # a Y glide: Kyiv, Myanmar, Pyongyang
)
CODAS = spaced(
    "B C D F G H K L M N P R S T W X Y Z WS WN WL WD "
    "CK CT FT LB LD LF LK LL LM LN LP LS LT MB MP MS ND NG NK NS NT NC PS PT RB RC RD RF "
    "RG RK RL RM RN RP RS RT SH SK SP SS ST TH CH TS DS GS KS BS FF GH "
    "NCH TCH RST NTS NDS RTH GHT NGS NKS RLD RNS RDS RTS LTS LDS MPS CKS NTH"
)
BAD_VOWELS = frozenset({"AA", "II", "UU", "YY"})
DIGRAPHS = re.compile(r"NG|CH|SH|TH|PH|CK|GH")  # one sound each
PARTS = re.compile(r"[AEIOU]+|[^AEIOU]+")


def pronounceable(word: str) -> bool:
    """Whether WORD (capitals, letters only, four or more) can be said as a word."""
    if len(word) < 4 or not word.isalpha() or not word.isupper():
        return False
    parts = split_parts(word)
    vowels = [part for kind, part in parts if kind == "V"]
    if not vowels or any(len(v) > 2 or v in BAD_VOWELS for v in vowels):
        return False
    for position, (kind, part) in enumerate(parts):
        if kind == "V":
            continue
        first, last = position == 0, position == len(parts) - 1
        if first and not last:
            if part not in ONSETS:
                return False
        elif last and not first:
            if part not in CODAS:
                return False
        elif not splits(part):
            return False
    return True


def split_parts(word: str) -> list[tuple[str, str]]:
    """WORD as (kind, letters) runs: "C" consonants, "V" vowels; Y is a vowel unless a vowel
    follows it, and QU a consonant."""
    marked = "".join(
        "I" if ch == "Y" and (i + 1 == len(word) or word[i + 1] not in "AEIOU") else ch
        for i, ch in enumerate(word)
    ).replace("QU", "QW")  # a vowel Y stands as I; the U of QU is no vowel
    parts = []
    for match in PARTS.finditer(marked):
        kind = "V" if match.group(0)[0] in "AEIOU" else "C"
        parts.append((kind, word[match.start() : match.end()]))
    return parts


def splits(cluster: str) -> bool:
    """Whether CLUSTER, between two vowels, is an ending and a beginning ("MPL" → M + PL;
    "SPT": no beginning after at most one consonant)."""
    for cut in range(len(cluster) + 1):
        coda, onset = cluster[:cut], cluster[cut:]
        if len(cluster) >= 3 and sounds(coda) > 1 and len(onset) < 3:
            continue
        if (not coda or coda in CODAS) and (not onset or onset in ONSETS):
            return True
    return False


def sounds(cluster: str) -> int:
    return len(DIGRAPHS.sub("-", cluster))
