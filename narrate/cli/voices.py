"""`narrate voices`: the engines and voices this machine can use."""

from __future__ import annotations

import click

from ..errors import NarrateError
from .options import ENGINE_NAMES


@click.group(invoke_without_command=True)
@click.option("--engine", type=click.Choice(ENGINE_NAMES), help="List all voices of one engine.")
@click.pass_context
def voices(ctx: click.Context, engine: str | None) -> None:
    """List engines and voices, and which work offline (and where each voice lives)."""
    if ctx.invoked_subcommand is not None:
        return
    from ..voice.engines import ENGINES, get_engine

    for name in [engine] if engine else ENGINE_NAMES:
        _module, _cls, offline, blurb = ENGINES[name]
        where = "offline" if offline else "online, needs the network"
        click.echo(f"{name} ({where}): {blurb}")
        try:
            found = get_engine(name).voices()
        except NarrateError as exc:
            click.echo(f"  unavailable: {exc}")
            continue
        shown = found if engine else found[:5]
        for voice in shown:
            click.echo(f"  {voice.name:<22} {voice.language:<10} {voice.description}")
        if len(found) > len(shown):
            click.echo(f"  … and {len(found) - len(shown)} more (narrate voices --engine {name})")


@voices.command("download")
@click.argument("name")
def voices_download(name: str) -> None:
    """Fetch a voice once; from then on it works offline. NAME is one of hibari's English
    voices (emma, fenrir, fable, kore) or a voice of Piper's catalogue for another language
    (uk_UA-ukrainian_tts-medium, de_DE-thorsten-medium…: see `narrate voices catalogue`),
    which `--engine auto` then uses for that language. Checked against the sha256 or the
    catalogue's digest; nothing is kept if it does not match."""
    from ..voice.catalogue import download, is_catalogue_name
    from ..voice.engines.hibari import download_voice

    path = download(name) if is_catalogue_name(name) else download_voice(name)
    click.echo(f"{name}: {path}")


@voices.command("catalogue")
@click.argument("lang", required=False)
def voices_catalogue(lang: str | None) -> None:
    """List the neural voices of Piper's catalogue (for LANG, e.g. uk), with their size and
    whether they are here ($NARRATE_PIPER_VOICES_URL: a mirror of the catalogue)."""
    from ..voice.catalogue import catalogue_listing

    rows = catalogue_listing(lang)
    if not rows:
        click.echo(f"the catalogue has no voice for {lang}" if lang else "the catalogue is empty")
        return
    for name, region, quality, megabytes, here in rows:
        mark = "downloaded" if here else f"{megabytes} MB"
        click.echo(f"  {name:<40} {region:<8} {quality:<8} {mark}")
