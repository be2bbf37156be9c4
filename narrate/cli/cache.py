"""`narrate cache info|clear`: the segment cache of synthesised sentences."""

from __future__ import annotations

import click


@click.group()
def cache() -> None:
    """The cache of synthesised sentences (re-narrating unchanged text costs nothing)."""


@cache.command("info")
def cache_info() -> None:
    """Where the cache is, how many clips it holds and its size limit."""
    from ..voice.cache import SegmentCache

    info = SegmentCache().info()
    click.echo(
        f"{info.path}\n{info.entries} clips, {info.bytes / 2**20:.1f} MB "
        f"(limit {info.max_bytes / 2**20:.0f} MB; set NARRATE_CACHE_MAX_MB to change)"
    )


@cache.command("clear")
def cache_clear() -> None:
    """Delete every cached clip."""
    from ..voice.cache import SegmentCache

    click.echo(f"Removed {SegmentCache().clear()} clips")
