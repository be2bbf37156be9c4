"""`narrate languages`: what narrate does in each language."""

from __future__ import annotations

import click


@click.command("languages")
def languages() -> None:
    """List the languages narrate reads: how it rewrites their text, whether it has its own
    words (intro, AI disclosure, player and site labels) in them, and which voice `--engine
    auto` picks here."""
    from ..languages import available
    from ..speech.normalize.other import LANGUAGES, NUMBERS_ONLY
    from ..speech.segment import DATA as SENTENCE_DATA
    from ..voice.catalogue import voice_for_language

    words = available()
    codes = sorted({"en", *LANGUAGES, *NUMBERS_ONLY, *words})
    click.echo(f"{'language':<10}{'text':<10}{'sentences':<11}{'words':<9}voice (--engine auto)")
    for code in codes:
        text = "full" if code == "en" or code in LANGUAGES else "numbers"
        split = "own" if code == "en" or (SENTENCE_DATA / f"{code}.toml").is_file() else "English"
        own = "yes" if code in words else "English"
        if code == "en":
            voice = "hibari heart (bundled)"
        else:
            found = voice_for_language(code)
            voice = f"piper {found.stem}" if found else "espeak-ng"
        click.echo(f"{code:<10}{text:<10}{split:<11}{own:<9}{voice}")
    click.echo("other languages: spoken as written by espeak-ng (about a hundred)")
    click.echo("neural voices for more languages: narrate voices catalogue LANG")
