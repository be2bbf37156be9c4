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
    """Fetch a downloadable voice (hibari's emma, fenrir, fable, kore) once: from then on it
    works offline. Checked against its sha256; nothing is kept if it does not match."""
    from ..voice.engines.hibari import download_voice

    path = download_voice(name)
    click.echo(f"{name}: {path}")
