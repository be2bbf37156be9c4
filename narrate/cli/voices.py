"""`narrate voices`: the engines and voices this machine can use."""

from __future__ import annotations

import click

from ..errors import NarrateError
from .options import ENGINE_NAMES


@click.command()
@click.option("--engine", type=click.Choice(ENGINE_NAMES), help="List all voices of one engine.")
def voices(engine: str | None) -> None:
    """List engines and voices, and which work offline."""
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
