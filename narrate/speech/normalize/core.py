"""The rewrite machinery shared by every language: rules over text pieces, with a change log.

Text is held as a list of pieces. A rule scans only pieces no earlier rule has rewritten, so
spoken words are never re-read ("May" in "May fifth" is safe from later rules), and every
rewrite keeps its position in the original text for `narrate script --changes`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .numbers import said_otherwise
from .phonemes import as_phonemes, piper_ready, spelled_as_phonemes

# A handler returns the spoken form, or (spoken form, IPA) where phonemes can say it better
# (engines that read them get the IPA: see render), or None to decline the match.
Handler = Callable[[re.Match[str]], "str | tuple[str, str] | None"]
Rule = tuple[re.Pattern[str], Handler]


@dataclass(frozen=True)
class Change:
    """One rewrite: the written text at [start, end) of the input and what will be said."""

    start: int
    end: int
    written: str
    spoken: str
    rule: str = ""


@dataclass
class Piece:
    text: str
    start: int
    spoken: str | None = None  # None: not yet rewritten
    rule: str = ""
    phonemes: str | None = None  # IPA, for engines that read phonemes


class Text:
    """A sentence being normalised."""

    def __init__(self, text: str) -> None:
        self.original = text
        self.pieces = [Piece(text, 0)]

    def apply(self, pattern: re.Pattern[str], handler: Handler, name: str = "") -> None:
        """Rewrite every match of PATTERN in the unrewritten pieces; None from HANDLER declines."""
        result: list[Piece] = []
        for piece in self.pieces:
            if piece.spoken is not None:
                result.append(piece)
                continue
            text = piece.text
            position = 0
            for match in pattern.finditer(text):
                if match.start() == match.end():
                    continue
                spoken = handler(match)
                if spoken is None:
                    continue
                ipa = None
                if isinstance(spoken, tuple):
                    spoken, ipa = spoken
                if match.start() > position:
                    result.append(Piece(text[position : match.start()], piece.start + position))
                result.append(
                    Piece(
                        match.group(0),
                        piece.start + match.start(),
                        spoken,
                        name or handler.__name__,
                        ipa,
                    )
                )
                position = match.end()
            if position == 0:
                result.append(piece)
            elif position < len(text):
                result.append(Piece(text[position:], piece.start + position))
        self.pieces = result

    def apply_all(self, rules: Iterable[Rule]) -> None:
        for pattern, handler in rules:
            self.apply(pattern, handler)

    def render(self, phonemes: bool = False, other_numbers: bool = False) -> str:
        """Join the pieces, keeping spoken words apart from neighbouring letters and digits.
        With PHONEMES (an engine that reads IPA), rewrites say their IPA as `[[ … ]]` and
        spelled initialisms are given as phonemes too, and the punctuation around each block is
        placed where Piper's front end keeps it (see piper_ready). With OTHER_NUMBERS, years
        and halves are said the other way (numbers.said_otherwise), for a re-take."""
        out: list[str] = []
        previous = ""
        for piece in self.pieces:
            chunk = piece_text(piece, phonemes, other_numbers)
            if not chunk:
                continue
            if previous and (
                (previous[-1].isalnum() and chunk[0].isalnum())
                or (
                    piece.spoken is not None
                    and previous[-1].isalnum()
                    and chunk[0] not in " ,.;:!?)'’\"”"
                )
            ):
                out.append(" ")
            out.append(chunk)
            previous = chunk
        text = tidy("".join(out))
        return piper_ready(text) if phonemes else text

    def changes(self, phonemes: bool = False) -> list[Change]:
        return [
            Change(p.start, p.start + len(p.text), p.text, piece_text(p, phonemes), p.rule)
            for p in self.pieces
            if p.spoken is not None and p.spoken != p.text
        ]


def piece_text(piece: Piece, phonemes: bool = False, other_numbers: bool = False) -> str:
    """What PIECE says: its text, its spoken form, or (PHONEMES) its IPA; with
    OTHER_NUMBERS, a rewritten number said the other way."""
    if piece.spoken is None:
        return piece.text
    if other_numbers and any(ch.isdigit() for ch in piece.text):
        other = said_otherwise(piece.text, piece.spoken)
        if other != piece.spoken:
            return spelled_as_phonemes(other) if phonemes else other
    if not phonemes:
        return piece.spoken
    if piece.phonemes:
        return as_phonemes(piece.phonemes)
    return spelled_as_phonemes(piece.spoken)


def tidy(text: str) -> str:
    """Collapse runs of spaces and the space before punctuation."""
    text = re.sub(r"[ \t\r\n\u00a0]+", " ", text)
    text = re.sub(r" ([,.;:!?])", r"\1", text)
    text = re.sub(r",(?:\s*,)+", ",", text)
    return text.strip()
