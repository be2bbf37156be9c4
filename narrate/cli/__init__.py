"""The narrate command line: parse options, call the library, print, set exit codes.

The click group lives here; each command group has a module of its own (`article`, `voices`,
`cache`, `feed`), and what they share is in `options`. Nothing heavy is imported until a
command runs, so `narrate --help` starts fast.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from typing import Any

import click

from .. import __version__, stopping
from ..errors import NarrateError
from ..stopping import Terminated
from .api import api
from .article import article, script
from .cache import cache
from .feed import feed, serve
from .languages import languages
from .voices import voices


class NarrateGroup(click.Group):
    """Turns library errors into one line on stderr and a non-zero exit status."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """--debug anywhere before a lone "--" (after the command too) is narrate's own."""
        end = args.index("--") if "--" in args else len(args)
        if "--debug" in args[:end]:
            args = ["--debug", *(a for a in args[:end] if a != "--debug"), *args[end:]]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NarrateError as exc:
            click.echo(f"narrate: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt as exc:
            click.echo("narrate: interrupted", err=True)
            signum = signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT
            ctx.exit(stopping.exit_status(stopping.received() or signum))
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except BrokenPipeError:  # the reader of our output went away (`| head`): stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(141)
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            environment = environment_fault(exc)
            if environment:  # a full disk, a read-only folder, a damaged database: not a bug
                click.echo(f"narrate: {environment}", err=True)
                ctx.exit(1)
            first = (str(exc).splitlines() or [""])[0][:200]
            click.echo(
                f"narrate: unexpected error: {exc.__class__.__name__}: {first} "
                "(rerun with --debug for details)",
                err=True,
            )
            ctx.exit(3)


@click.group(cls=NarrateGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="narrate")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool, debug: bool) -> None:
    """Turn news articles into listenable, podcast-ready audio, offline.

    \b
    Examples:
      narrate article https://example.com/story.html
      narrate article samples/kyiv-independent-austin.html -o austin.mp3
      narrate script story.html      # preview what will be spoken
    """
    ctx.ensure_object(dict)
    ctx.obj.update(quiet=quiet, debug=debug)
    stopping.show_unraisable(debug)
    configure_logging(quiet, debug)


def configure_logging(quiet: bool, debug: bool) -> None:
    """Our warnings as "narrate: …" lines; libraries' chatter only under --debug."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("narrate: %(message)s"))
    if not debug:
        handler.addFilter(lambda record: record.name.startswith("narrate"))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(logging.DEBUG if debug else (logging.ERROR if quiet else logging.WARNING))


def environment_fault(exc: Exception) -> str | None:
    """A one-line reason when EXC is the machine's doing rather than narrate's: an OSError
    (permissions, no space, a read-only or missing folder) or a damaged SQLite file."""
    if isinstance(exc, OSError):
        reason = exc.strerror or str(exc) or exc.__class__.__name__
        where = exc.filename
        return f"{where}: {reason}" if where else f"{reason}"
    if type(exc).__module__ == "sqlite3":
        return f"the feed library cannot be used: {exc}"
    return None


for command in (article, script, voices, languages, cache, feed, serve, api):
    cli.add_command(command)
feed.add_command(serve, "serve")  # `narrate feed serve FOLDER` is `narrate serve FOLDER`


def main() -> None:
    stopping.install()  # before anything is made: see stopping.py
    try:
        cli(prog_name="narrate")
    except SystemExit as exc:
        if stopping.received() is not None and exc.code != stopping.exit_status():
            # a signal something below let go, or click's own handling of it ("Aborted!"):
            # the run still says it was stopped, with the signal's status
            stopping.exit_stopped()
        raise


if __name__ == "__main__":
    main()
