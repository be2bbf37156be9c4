"""`narrate api FOLDER` (the HTTP service a CMS reaches) and `narrate api token|hook …`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..cores import core_budget


class ServeByDefault(click.Group):
    """`narrate api FOLDER …` is `narrate api serve FOLDER …`; `token` and `hook` manage the
    service's credentials."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["serve", *args]
        return super().parse_args(ctx, args)


@click.group(cls=ServeByDefault)
def api() -> None:
    """An HTTP service beside a feed folder: a CMS posts stories (or Ghost and WordPress
    webhooks do), their audio follows (needs pip install 'narrate-news[server]').

    narrate api FOLDER runs it; narrate api token add FOLDER NAME makes a bearer token."""


FOLDER = click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))


@api.command("serve")
@FOLDER
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True)
@click.option(
    "-j", "--jobs", type=click.IntRange(1, 64), help="CPU cores for each narration (default: all)."
)
@click.option(
    "--max-body", type=click.IntRange(1024, 64 * 2**20), default=2 * 2**20, show_default=True,
    help="Largest request body, bytes (413 past it).",
)  # fmt: skip
@click.option(
    "--rate", type=click.IntRange(1, 100000), default=120, show_default=True,
    help="Requests a minute for each token (429 past it).",
)  # fmt: skip
@click.option(
    "--queue", type=click.IntRange(1, 10**6), default=1000, show_default=True,
    help="Jobs that may wait (429 past it).",
)  # fmt: skip
@click.option(
    "--cluster",
    metavar="ADDRESS",
    help="Narrate on the Dask scheduler at ADDRESS (needs narrate-news[cluster]); default: "
    "feed.toml's cluster, else this machine.",
)
@click.option(
    "--poll",
    metavar="EVERY",
    help='Re-read the feed\'s sources (RSS, OPML, URL lists) this often, like "10m", for sites '
    "without webhooks (default: feed.toml's poll, else never).",
)
@click.pass_context
def api_serve(ctx: click.Context, folder: Path, host: str, port: int, **params: Any) -> None:
    """Run the service for the feed in FOLDER until Ctrl-C or SIGTERM."""
    from ..feed.api import ApiOptions, require_server, serve
    from ..feed.config import interval_seconds

    require_server()
    try:
        poll = interval_seconds(params["poll"]) if params["poll"] else 0.0
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--poll") from None
    cores = ctx.with_resource(core_budget(params["jobs"]))
    options = ApiOptions(
        cores, params["max_body"], params["rate"], params["queue"], poll, params["cluster"]
    )
    click.echo(f"narrate api: serving {folder} on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    serve(folder, host, port, options)


@api.group("token")
def token() -> None:
    """Bearer tokens for the service (only their hashes are kept, in the feed's state)."""


@token.command("add")
@FOLDER
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(["create", "read", "delete", "none"]),
    help="What the token may do (default: create, read and delete); none: nothing yet.",
)
def token_add(folder: Path, name: str, scopes: tuple[str, ...]) -> None:
    """Make a token NAME and print it, once."""
    from ..feed.jobs import SCOPES

    chosen = tuple(s for s in (scopes or SCOPES) if s != "none")
    with store_of(folder) as store:
        secret = store.add_token(name, chosen)
    click.echo(secret)
    click.echo(f"Token {name!r} may {', '.join(chosen) or 'do nothing'}; keep it: it is "
               "not shown again.", err=True)  # fmt: skip


@token.command("list")
@FOLDER
def token_list(folder: Path) -> None:
    """The tokens: name, scopes, when made (never the tokens themselves)."""
    with store_of(folder) as store:
        for name, scopes, created in store.tokens():
            click.echo(f"{name}\t{scopes or '-'}\t{created}")


@token.command("remove")
@FOLDER
@click.argument("name")
def token_remove(folder: Path, name: str) -> None:
    """Revoke the token NAME."""
    with store_of(folder) as store:
        store.remove_token(name)
    click.echo(f"Removed the token {name!r}", err=True)


@api.group("hook")
def hook() -> None:
    """Secrets for CMS webhooks that sign what they send (Ghost)."""


@hook.command("add")
@FOLDER
@click.argument("kind", type=click.Choice(["ghost"]))
@click.argument("name")
def hook_add(folder: Path, kind: str, name: str) -> None:
    """Make a webhook secret and print it, once, with the path to give the CMS."""
    with store_of(folder) as store:
        secret = store.add_hook(kind, name)
    click.echo(secret)
    click.echo(f"In Ghost: a custom integration's webhook (Post published, Post updated) to "
               f"https://YOUR-HOST/hooks/{kind}/{name} with this secret.", err=True)  # fmt: skip


def store_of(folder: Path) -> Any:
    from contextlib import closing

    from ..feed.config import LIBRARY_NAME, load_config
    from ..feed.jobs import JobStore

    load_config(folder)  # a feed folder, or one line saying it is not
    return closing(JobStore(folder / LIBRARY_NAME))
