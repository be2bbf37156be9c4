"""Word lists for the normaliser, loaded once from the TSV files in data/."""

from __future__ import annotations

from functools import cache
from importlib.resources import files


def read_tsv(name: str) -> list[list[str]]:
    text = files("narrate.speech.normalize").joinpath("data", name).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        rows.append([cell.strip() for cell in line.split("\t")])
    return rows


@cache
def abbreviations() -> dict[str, tuple[str, str]]:
    """'Lt. Col.' → ('Lieutenant Colonel', 'title')."""
    return {
        row[0]: (row[1], row[2] if len(row) > 2 else "any") for row in read_tsv("abbreviations.tsv")
    }


@cache
def acronyms_as_words() -> dict[str, str]:
    return {row[0]: row[1] for row in read_tsv("acronyms_as_words.tsv")}


@cache
def acronyms_as_letters() -> frozenset[str]:
    return frozenset(row[0] for row in read_tsv("acronyms_as_letters.tsv"))


@cache
def units() -> dict[str, tuple[str, str]]:
    return {row[0]: (row[1], row[2]) for row in read_tsv("units.tsv")}


@cache
def currencies() -> dict[str, tuple[str, str, str, str]]:
    return {row[0]: (row[1], row[2], row[3], row[4]) for row in read_tsv("currencies.tsv")}
