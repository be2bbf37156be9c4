"""The `narrate feed …` and `narrate serve` commands: podcast feeds from many articles."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..cores import core_budget
from ..errors import NarrateError
from .options import is_quiet, quiet_option, settings_options


@click.group()
def feed() -> None:
    """Publish many articles as a podcast feed with a small site (see `feed init`)."""


def narration_overrides(func: Any) -> Any:
    """Every narration setting (stored in feed.toml's [narration] table), overridable per run:
    the options of narrate article, with no defaults (what is not given stays as it is)."""
    return settings_options(overrides=True)(func)


def batch_options(func: Any) -> Any:
    """How a batch runs: parallel workers and the segment cache."""
    func = click.option("--no-cache", is_flag=True, help="Synthesise every sentence afresh.")(func)
    func = click.option(
        "--cluster",
        metavar="ADDRESS",
        help="Run the batch on the Dask scheduler at ADDRESS (tcp://host:8786); needs "
        "pip install 'narrate-news[cluster]'. Default: feed.toml's cluster, else this machine.",
    )(func)
    func = wait_option(func)
    return click.option(
        "-j",
        "--jobs",
        type=click.IntRange(1, 64),
        help="CPU cores to use (default: all): one article per core at once, each worker "
        "kept to its own core.",
    )(func)


def wait_option(func: Any) -> Any:
    return click.option(
        "--wait",
        is_flag=True,
        help="If another narrate is working on the feed, wait for it instead of stopping.",
    )(func)


def overrides_from(params: dict[str, Any]) -> dict[str, Any]:
    """The narration settings (and the cluster) given on the command line."""
    from ..pipeline.settings import Settings

    names = {*Settings.model_fields, "cluster"}
    return {k: v for k, v in params.items() if k in names and v is not None}


@feed.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", help="Podcast title (required).")
@click.option("--author", help="Author shown in podcast apps (required).")
@click.option("--email", help="Owner e-mail: itunes:owner, podcast:locked (required).")
@click.option("--base-url", help="Where the folder will be served, https://…/ (required).")
@click.option("--description", default="", help="Podcast description.")
@click.option(
    "--image",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Podcast artwork (squared to 1400–3000 px).",
)
@click.option("--language", default="en", show_default=True, help="Feed language.")
@click.option("--category", default="News", show_default=True, help="Apple Podcasts category.")
@click.option(
    "--subcategory", default="", help="Apple Podcasts subcategory of it (e.g. Daily News)."
)
@click.option("--explicit/--clean", default=False, help="Explicit content flag.")
@click.option(
    "--out",
    default="public",
    show_default=True,
    help="The folder listeners get (feed, episodes, pages, player): the one to upload or "
    "serve. Relative to FOLDER, or absolute.",
)
@click.option(
    "--allow-private-addresses",
    is_flag=True,
    help="Let feeds, OPML files and pages lead to internal addresses (an intranet's feed). "
    "Without it, only the hosts you name may be internal.",
)
@narration_overrides
def feed_init(folder: Path, image: Path | None, **params: Any) -> None:
    """Create FOLDER as a feed: feed.toml settings, the episode library, and its public folder
    (an empty feed and site) apart from them."""
    from ..feed import FeedConfig, init_feed
    from ..feed.layout import layout_for
    from ..pipeline.settings import Settings

    required = ("title", "author", "email", "base_url")
    missing = [f"--{name.replace('_', '-')}" for name in required if not params.get(name)]
    if missing:  # all of them at once, not one per try
        raise click.UsageError(f"missing {', '.join(missing)}")
    channel = {k: v for k, v in params.items() if k in FeedConfig.model_fields}
    narration = Settings().changed(overrides_from(params))
    config = FeedConfig.checked({**channel, "narration": narration})
    init_feed(folder, config, image)
    click.echo(
        f"Created feed in {folder} (publish {layout_for(folder, config).public}): add articles "
        f"with narrate feed add {folder} URL…",
        err=True,
    )


def report(outcomes: list[Any], quiet: bool) -> None:
    """A summary table; exit status 1 when anything failed."""
    failed = [o for o in outcomes if o.status == "failed"]
    if not quiet:
        counts = {s: sum(o.status == s for o in outcomes) for s in ("new", "updated", "unchanged")}
        for outcome in outcomes:
            label = outcome.title or outcome.source
            detail = f": {outcome.error}" if outcome.error else ""
            detail += f" ({outcome.note})" if getattr(outcome, "note", None) else ""
            click.echo(f"{outcome.status:<9} {label}{detail}", err=True)
        click.echo(
            f"{counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged, "
            f"{len(failed)} failed",
            err=True,
        )
    if failed:
        raise click.exceptions.Exit(1)


def batch_progress(quiet: bool) -> dict[str, Any]:
    """A status line for a batch on an interactive stderr: articles done of the total, the
    sentences spoken so far, the time taken and an estimate of the time left (from the
    articles done); nothing under -q or in a pipe."""
    if quiet or not sys.stderr.isatty():
        return {}
    line = BatchLine()
    return {"article_progress": line.articles, "sentence_progress": line.sentences}


class BatchLine:
    """One line, redrawn in place (at most ten times a second for sentences)."""

    def __init__(self) -> None:
        import time

        self.clock = time.monotonic
        self.started = self.clock()
        self.drawn = 0.0
        self.done = self.total = self.spoken = 0

    def articles(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        self.draw(force=True)
        if total and done >= total:
            click.echo(err=True)

    def sentences(self, count: int) -> None:
        self.spoken += count
        self.draw()

    def draw(self, force: bool = False) -> None:
        now = self.clock()
        if not force and now - self.drawn < 0.1:
            return
        self.drawn = now
        elapsed = now - self.started
        left = "estimating the time left"
        if 0 < self.done < self.total:
            left = f"about {minutes(elapsed / self.done * (self.total - self.done))} left"
        elif self.total and self.done >= self.total:
            left = "done"
        text = (
            f"[{self.done}/{self.total} articles] {self.spoken} sentences spoken · "
            f"{minutes(elapsed)} · {left}"
        )
        click.echo(f"\r{text}\033[K", nl=False, err=True)


def minutes(seconds: float) -> str:
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


@feed.command("add")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("sources", nargs=-1, required=True)
@narration_overrides
@batch_options
@quiet_option
@click.pass_context
def feed_add(
    ctx: click.Context, folder: Path, sources: tuple[str, ...], quiet: bool | None, **params: Any
) -> None:
    """Narrate SOURCES into the feed: article URLs or files, text files of URLs, OPML files,
    or RSS/Atom feeds. What is unchanged is skipped; what changed is narrated again."""
    from ..feed import add_sources

    quiet = is_quiet(ctx, quiet)
    outcomes = add_sources(
        folder,
        list(sources),
        overrides_from(params),
        jobs=ctx.with_resource(core_budget(params["jobs"])),
        use_cache=not params["no_cache"],
        wait=params["wait"],
        **batch_progress(quiet),
    )
    report(outcomes, quiet)


@feed.command("update")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@narration_overrides
@batch_options
@quiet_option
@click.pass_context
def feed_update(ctx: click.Context, folder: Path, quiet: bool | None, **params: Any) -> None:
    """Re-read the feed's RSS, OPML and URL-list sources and narrate new articles."""
    from ..feed import update_feed

    quiet = is_quiet(ctx, quiet)
    outcomes = update_feed(
        folder,
        overrides_from(params),
        jobs=ctx.with_resource(core_budget(params["jobs"])),
        use_cache=not params["no_cache"],
        wait=params["wait"],
        **batch_progress(quiet),
    )
    if not outcomes and not quiet:
        click.echo("No feed, OPML or URL-list sources to update.", err=True)
    report(outcomes, quiet)


@feed.command("list")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--doubtful",
    is_flag=True,
    help="Only episodes with sentences the verifier still heard wrong, and those sentences.",
)
def feed_list(folder: Path, doubtful: bool) -> None:
    """List the episodes, newest first, each with its source (with verify: how many sentences
    are doubtful)."""
    from ..feed import list_episodes
    from ..feed.rss import duration_text

    episodes = list_episodes(folder)
    if not episodes:
        published = published_episode_count(folder)
        if published:
            click.echo(
                f"the library is empty, but feed.xml lists {published} episodes: "
                f"narrate feed recover {folder} rebuilds it from the episodes' files",
                err=True,
            )
            raise click.exceptions.Exit(1)
        click.echo(f"no episodes yet: add some with narrate feed add {folder} URL…", err=True)
        return
    for number, (record, present) in enumerate(episodes, start=1):
        status = "ok" if present else "missing"
        doubts = record.doubtful_sentences()
        if doubtful and not doubts:
            continue
        note = f"  [{len(doubts)} doubtful]" if doubts else ""
        click.echo(
            f"{number:>3}  {record.published[:10]}  {duration_text(record.duration)}  "
            f"{status:<7}  {record.title}{note}\n{'':>5}{record.url or record.source}"
        )
        if doubtful:
            for item in doubts:
                click.echo(
                    f"       {float(str(item.get('score', 0))):.2f}  {item.get('text', '')}\n"
                    f"             heard: {item.get('heard', '')}"
                )


def published_episode_count(folder: Path) -> int:
    """How many episodes the public feed.xml lists (0 when it cannot be read)."""
    from lxml import etree

    from ..feed.config import load_config
    from ..feed.layout import layout_for

    try:
        feed_xml = layout_for(folder, load_config(folder)).public / "feed.xml"
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        return len(etree.parse(str(feed_xml), parser).findall("channel/item"))
    except (OSError, etree.XMLSyntaxError, NarrateError):
        return 0


@feed.command("remove")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("episode")
@wait_option
def feed_remove(folder: Path, episode: str, wait: bool) -> None:
    """Remove EPISODE (its number in `feed list`, its URL or its file name)."""
    from ..feed import remove_episode

    record = remove_episode(folder, episode, wait=wait)
    click.echo(f"Removed {record.title}", err=True)


@feed.command("recover")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--drop-missing",
    is_flag=True,
    help="Publish the feed without the episodes whose audio file is gone.",
)
@wait_option
def feed_recover(folder: Path, drop_missing: bool, wait: bool) -> None:
    """Rebuild a lost or emptied library.sqlite from feed.xml and the episode files."""
    from ..feed.recover import recover_library

    result = recover_library(folder, wait=wait, drop_missing=drop_missing)
    click.echo(f"Restored {len(result.restored)} episode(s) to the library", err=True)
    if result.missing:
        listed = "; ".join(repr(title[:60]) for title in result.missing[:5])
        if result.dropped:
            click.echo(f"Dropped from the feed, their audio being gone: {listed}", err=True)
            return
        raise click.ClickException(
            f"{len(result.missing)} episode(s) in feed.xml have no audio file any more "
            f"({listed}): restore the files, or publish without them with --drop-missing"
        )


@feed.command("embed")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("episode")
@click.option(
    "--base-url",
    help="Where the public folder is served, if not feed.toml's base URL (a local preview).",
)
@click.option(
    "--oembed", is_flag=True, help="Print the episode's oEmbed URL instead of the snippet."
)
def feed_embed(folder: Path, episode: str, base_url: str | None, oembed: bool) -> None:
    """Print the HTML that puts EPISODE's "Listen to this article" player on a page: one
    element and one script tag. EPISODE: its number in `feed list`, its URL or file name."""
    from ..feed.batch import embed_snippet

    click.echo(embed_snippet(folder, episode, base_url, oembed))


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 for the whole network).",
)
@click.option(
    "--base-url",
    help="Links in the feed, pages and player point here instead of at feed.toml's base URL "
    "(a local preview: http://127.0.0.1:8000/).",
)
@quiet_option
@click.pass_context
def serve(
    ctx: click.Context,
    folder: Path,
    port: int,
    host: str,
    base_url: str | None,
    quiet: bool | None,
) -> None:
    """Serve a feed's public folder over HTTP (byte ranges, CORS) so podcast apps can
    subscribe and other sites can embed its player. FOLDER: a feed folder or a public one."""
    from ..feed.serve import base_url_differs, make_server, serving_address

    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise click.ClickException(f"--base-url must start with http:// or https://: {base_url}")
    try:
        server = make_server(folder, host, port, quiet=is_quiet(ctx, quiet), base_url=base_url)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    address = serving_address(host, server.server_address[1])
    links = base_url or server.configured_base
    root = server.RequestHandlerClass.root  # type: ignore[attr-defined]
    click.echo(f"Serving {root} at {address} (feed.xml, index.html); Ctrl-C stops", err=True)
    if links and base_url_differs(links, host, server.server_address[1]):
        click.echo(
            f"warning: the feed's links point at {links}, not at {address}: podcast apps and "
            f"players fetch the episodes from there. For a local preview: narrate serve "
            f"{folder} --port {server.server_address[1]} --base-url {address}",
            err=True,
        )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
