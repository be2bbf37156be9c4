"""The narrate command line: parse options, call the library, print, set exit codes."""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from . import __version__
from .cores import core_budget
from .errors import NarrateError

ENGINE_NAMES = ["piper", "espeak", "gtts"]


class NarrateGroup(click.Group):
    """Turns library errors into one line on stderr and a non-zero exit status."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NarrateError as exc:
            click.echo(f"narrate: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("narrate: interrupted", err=True)
            ctx.exit(130)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            first = (str(exc).splitlines() or [""])[0][:200]
            click.echo(
                f"narrate: unexpected error: {exc.__class__.__name__}: {first} "
                "(rerun with --debug for details)",
                err=True,
            )
            ctx.exit(3)


def speech_options(func: Any) -> Any:
    """--lang, --lexicon and --date-order: how the text is rewritten for speech."""
    func = click.option(
        "--date-order",
        type=click.Choice(["mdy", "dmy", "ymd"]),
        default="mdy",
        show_default=True,
        help="How to read numeric dates like 11/10/2023.",
    )(func)
    func = click.option(
        "--lexicon",
        "lexicon_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Pronunciation rules: .toml, .tsv or a W3C PLS (.pls) lexicon.",
    )(func)
    return click.option("--lang", help="Language code of the text (default: the page's own).")(func)


def make_options(
    lang: str | None, lexicon_path: Path | None, date_order: str, engine: str = "piper"
):
    from .normalize import load_lexicon
    from .script import SpeechOptions

    lexicon = load_lexicon(lexicon_path, phonemes=engine == "piper") if lexicon_path else None
    return SpeechOptions(lang=lang, lexicon=lexicon, date_order=date_order)


def quiet_option(func: Any) -> Any:
    return click.option(
        "-q", "--quiet", is_flag=True, default=None, help="Print nothing but errors."
    )(func)


def is_quiet(ctx: click.Context, quiet: bool | None) -> bool:
    return bool(quiet) or bool(ctx.obj and ctx.obj.get("quiet"))


@click.group(cls=NarrateGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="narrate")
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


def master_options(func: Any) -> Any:
    """Options of the mastering stage, shared by `article` (and the feed commands)."""
    decorators = [
        click.option(
            "--format",
            "audio_format",
            type=click.Choice(["mp3", "m4a", "opus", "wav"]),
            help="Audio format (default: from the output name, else mp3).",
        ),
        click.option(
            "--bitrate",
            default="64k",
            show_default=True,
            help="Bitrate for MP3, M4A and Opus (CBR for MP3).",
        ),
        click.option(
            "--loudness",
            type=click.FloatRange(-40, -5),
            default=-16.0,
            show_default=True,
            help="Integrated loudness target, LUFS.",
        ),
        click.option(
            "--pause",
            "pauses",
            help="Pauses in seconds, e.g. sentence=0.35,paragraph=0.8,heading=1.2.",
        ),
        click.option(
            "--intro-music",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Music under and before the spoken intro.",
        ),
        click.option(
            "--outro-music",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Music under and after the spoken outro.",
        ),
        click.option(
            "--no-outro", is_flag=True, help="Leave out the spoken AI disclosure at the end."
        ),
        click.option(
            "--cover",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Cover image (default: the article's lead image, else a generated one).",
        ),
        click.option(
            "--no-remote-cover",
            is_flag=True,
            help="Do not download the article's lead image for the cover.",
        ),
        click.option(
            "--no-sidecars",
            is_flag=True,
            help="Write only the audio: no .vtt, .srt, chapters, transcript or cover.",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


def make_master_options(
    out: Path, params: dict[str, Any], encode_while_speaking: bool = True
) -> Any:
    from .encode import FORMATS, format_for
    from .master import MasterOptions
    from .timeline import parse_pauses

    try:
        pauses = parse_pauses(params.get("pauses"))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--pause") from None
    name = params.get("audio_format")
    return MasterOptions(
        audio_format=FORMATS[name] if name else format_for(out),
        bitrate=params.get("bitrate") or "64k",
        loudness=params.get("loudness", -16.0),
        pauses=pauses,
        intro_music=params.get("intro_music"),
        outro_music=params.get("outro_music"),
        sidecars=not params.get("no_sidecars"),
        cover=params.get("cover"),
        fetch_cover=not params.get("no_remote_cover"),
        encode_while_speaking=encode_while_speaking,
    )


@cli.command()
@click.argument("source")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file (default: a slug of the title, in the current folder).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINE_NAMES),
    default="piper",
    show_default=True,
    help="Speech engine.",
)
@click.option(
    "--voice", help="Voice: a Piper voice name or .onnx path, an espeak voice, a gTTS language."
)
@speech_options
@master_options
@click.option("-f", "--force", is_flag=True, help="Replace an existing output file.")
@click.option("--no-cache", is_flag=True, help="Synthesise every sentence afresh.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    help="CPU cores to use (default: all): Piper's threads, and with two or more the encoder "
    "runs while the voice speaks.",
)
@quiet_option
@click.pass_context
def article(
    ctx: click.Context,
    source: str,
    output: Path | None,
    engine: str,
    voice: str | None,
    force: bool,
    quiet: bool | None,
    **params: Any,
) -> None:
    """Narrate SOURCE (URL, .html/.htm, .txt/.md file, or - for stdin) into a podcast file.

    Beside the audio go OUT.vtt and OUT.srt (transcripts), OUT.chapters.json and
    OUT.transcript.json (Podcasting 2.0) and OUT.jpg (cover), unless --no-sidecars.
    """
    from .cache import SegmentCache
    from .encode import FORMATS
    from .engines import get_engine
    from .extract import extract_page
    from .fetch import fetch
    from .pipeline import narrate_script, slugify, source_key
    from .script import build_script
    from .synth import load_in_background
    from .tags import read_key
    from .voicepool import POOLED_ENGINES, VoicePool, VoiceSpec, plan_processes

    quiet = is_quiet(ctx, quiet)
    cores = ctx.with_resource(core_budget(params["jobs"]))
    options = make_options(params["lang"], params["lexicon_path"], params["date_order"], engine)
    suffix = FORMATS[params["audio_format"] or "mp3"].suffix
    named = output.with_suffix(suffix) if output is not None and not output.suffix else output
    mastering = make_master_options(
        named or Path(f"narration{suffix}"), params, encode_while_speaking=cores >= 2
    )
    probe = get_engine(engine, voice=voice, threads=params["jobs"])
    voices = None
    if engine in POOLED_ENGINES and cores >= 2 and (named is None or not named.exists() or force):
        # Piper on two cores or more: worker processes speak, when enough sentences need it.
        processes, threads = plan_processes(cores)
        spec = VoiceSpec(engine, voice, None, threads)
        voices = ctx.with_resource(VoicePool(spec, processes))
    page = fetch(source)
    lexicon = params["lexicon_path"]
    choices = {
        "lang": params["lang"],
        "lexicon": hashlib.sha256(lexicon.read_bytes()).hexdigest() if lexicon else None,
        "date_order": params["date_order"],
        "outro": not params["no_outro"],
        "engine": engine,
        "voice": voice,
    }
    source_id = source_key(page, choices, probe, mastering.settings())
    if named is not None and named.exists() and not force:
        if read_key(named, "source") == source_id:  # known before reading the page
            if not quiet:
                click.echo(f"Up to date: {named} (same page, engine and settings)", err=True)
            click.echo(str(named))
            return
    elif voices is None and named is not None:  # a new file: the voice loads meanwhile
        load_in_background(probe)
    script = build_script(
        extract_page(page), options.lang, options=options, outro=not params["no_outro"]
    )
    out = named or Path.cwd() / f"{slugify(script.article.title)}{suffix}"
    with progress_bar(quiet, "Synthesising") as (start, advance):
        result = narrate_script(
            script,
            out,
            engine_name=engine,
            voice=voice,
            force=force,
            master_options=mastering,
            progress=advance,
            on_start=start,
            cache=None if params["no_cache"] else SegmentCache(),
            engine=get_engine(engine, voice=voice, lang=script.lang, threads=params["jobs"]),
            source=source_id,
            voices=voices,
        )
    if not quiet:
        if result.skipped:
            click.echo(f"Up to date: {result.path} (same text, engine and settings)", err=True)
        else:
            minutes, seconds = divmod(round(result.duration), 60)
            click.echo(
                f"Wrote {result.path} ({minutes}:{seconds:02d}, {result.sentences} sentences, "
                f"{result.words} words)",
                err=True,
            )
    click.echo(str(result.path))


@contextmanager
def progress_bar(quiet: bool, label: str) -> Iterator[tuple[Any, Any]]:
    """A progress bar on an interactive stderr; silent under -q and in pipes."""
    state: dict[str, Any] = {}
    show = not quiet and sys.stderr.isatty()

    def start(total: int) -> None:
        if show:
            bar = click.progressbar(length=total, label=label, file=sys.stderr, show_eta=True)
            state["bar"] = bar.__enter__()

    def advance(n: int) -> None:
        if "bar" in state:
            state["bar"].update(n)

    try:
        yield start, advance
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)


@cli.command()
@click.argument("source")
@speech_options
@click.option("--no-intro", is_flag=True, help="Leave out the spoken intro.")
@click.option(
    "--changes", is_flag=True, help="List every rewrite as 'block:offset  written → spoken'."
)
@click.option(
    "--engine",
    type=click.Choice(ENGINE_NAMES),
    default="piper",
    show_default=True,
    help="The engine the script is for (only Piper reads PLS phonemes).",
)
def script(
    source: str,
    lang: str | None,
    lexicon_path: Path | None,
    date_order: str,
    no_intro: bool,
    changes: bool,
    engine: str,
) -> None:
    """Print exactly what would be spoken for SOURCE, without synthesising.

    Blocks are separated by blank lines; the intro comes first. With --changes, every
    rewrite is listed with its position: block number (0 is the intro) and character offset
    in that block's text.
    """
    from .pipeline import load_article
    from .script import build_script, list_changes, render_script

    options = make_options(lang, lexicon_path, date_order, engine)
    article = load_article(source)
    if not changes:
        rendered = render_script(build_script(article, intro=not no_intro, options=options))
        click.echo(rendered, nl=False)
        return
    placed = list_changes(article, intro=not no_intro, options=options)
    for item in placed:
        click.echo(f"{item.block}:{item.offset}\t{item.change.written} → {item.change.spoken}")
    click.echo(f"{len(placed)} rewrites", err=True)


@cli.command()
@click.option("--engine", type=click.Choice(ENGINE_NAMES), help="List all voices of one engine.")
def voices(engine: str | None) -> None:
    """List engines and voices, and which work offline."""
    from .engines import ENGINES, get_engine

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


@cli.group()
def cache() -> None:
    """The cache of synthesised sentences (re-narrating unchanged text costs nothing)."""


@cache.command("info")
def cache_info() -> None:
    """Where the cache is, how many clips it holds and its size limit."""
    from .cache import SegmentCache

    info = SegmentCache().info()
    click.echo(
        f"{info.path}\n{info.entries} clips, {info.bytes / 2**20:.1f} MB "
        f"(limit {info.max_bytes / 2**20:.0f} MB; set NARRATE_CACHE_MAX_MB to change)"
    )


@cache.command("clear")
def cache_clear() -> None:
    """Delete every cached clip."""
    from .cache import SegmentCache

    click.echo(f"Removed {SegmentCache().clear()} clips")


# The feed and serve commands live in cli_feed.py; importing it registers them on `cli`.
from . import cli_feed  # noqa: E402, F401


def main() -> None:
    cli(prog_name="narrate")


if __name__ == "__main__":
    main()
