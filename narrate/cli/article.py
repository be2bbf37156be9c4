"""`narrate article` and `narrate script`: one source into one narration, or its script."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from ..cores import core_budget
from .options import (
    SPEECH_SETTINGS,
    is_quiet,
    progress_bar,
    quiet_option,
    settings_from,
    settings_options,
)

TITLE_HELP = (
    "The article's title (a text then has no title line: every line is the body). Without "
    "it a text's title is its first # heading, or a first line with a blank line after it."
)


@click.command()
@click.argument("source")
@click.option("--title", help=TITLE_HELP)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(),
    help="Output file (default: a slug of the title, in the current folder); a folder (or a "
    "name ending in /) puts that default name there; - writes the audio to standard output "
    "(no sidecars).",
)
@settings_options()
@click.option(
    "--sidecars/--no-sidecars",
    default=True,
    help="Write the .vtt, .srt, chapters, transcript and cover beside the audio.",
)
@click.option("-f", "--force", is_flag=True, help="Replace an existing output file.")
@click.option("--no-cache", is_flag=True, help="Synthesise every sentence afresh.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 64),
    help="CPU cores to use (default: all): the voice's processes, and with two or more the "
    "encoder runs while the voice speaks.",
)
@quiet_option
@click.pass_context
def article(ctx: click.Context, source: str, output: str | None, **params: Any) -> None:
    """Narrate SOURCE (URL, .html/.htm, .txt/.md file, or - for stdin) into a podcast file.

    Beside the audio go OUT.vtt and OUT.srt (transcripts), OUT.chapters.json and
    OUT.transcript.json (Podcasting 2.0) and OUT.jpg (cover), unless --no-sidecars.
    """
    from ..files import guard_output
    from ..pipeline import Job, slugify
    from ..read.extract import extract_page

    quiet = is_quiet(ctx, params.pop("quiet"))
    settings = settings_from(params)
    if settings.verify:  # before anything is read: a missing extra is one line, at once
        from ..voice.listen import Listener

        Listener.require()
    to_stdout, output = output == "-", stdout_staging(ctx, output, settings, params)
    folder, named = output_target(output, suffix_of(settings))
    narrator = ctx.with_resource(article_narrator(ctx, settings, source, named, params))
    inputs = input_files(source, settings)
    if named is not None:  # before any work: an output that would hurt an input is refused
        guard_output(named, inputs, written_beside_output(narrator, named))
    page, source_id = read_page(narrator, source, named or Path("narration.mp3"))
    if named is not None and named.exists() and not params["force"]:
        if up_to_date(named, source_id, quiet):  # known before reading the page
            return
    elif named is not None:  # a new file: the voice loads while the page is read
        narrator.load_in_background(settings.lang)
    script = narrator.script(extract_page(page, params.pop("title")))
    default_name = f"{slugify(script.article.title)}{suffix_of(settings)}"
    out = named or (folder or Path.cwd()) / default_name
    with progress_bar(quiet, "Synthesising") as (start, advance):
        job = Job(params["force"], source_id, inputs, progress=advance, on_start=start)
        result = narrator.narrate(script, out, job)
    if not quiet:
        engine = narrator.engine(script.lang)
        report_article(result, f"{engine.name} {engine.voice}", "standard output" * to_stdout)
    hand_over(result.path, to_stdout)


def hand_over(path: Path, to_stdout: bool) -> None:
    """Say where the narration is, or with `-o -` stream it to standard output."""
    if not to_stdout:
        click.echo(str(path))
        return
    import shutil

    with open(path, "rb") as audio:
        shutil.copyfileobj(audio, click.get_binary_stream("stdout"))


def stdout_staging(
    ctx: click.Context, output: str | None, settings: Any, params: dict[str, Any]
) -> str | None:
    """OUTPUT, or for `-o -` where the file is built before it is streamed: a private folder,
    removed after (no sidecars: standard output is one stream)."""
    import sys
    import tempfile

    from ..errors import OutputError

    if output != "-":
        return output
    params.update(sidecars=False, force=True)
    suffix = suffix_of(settings)

    if sys.stdout.isatty():
        raise OutputError(
            "-o - writes the audio to standard output, not a terminal: redirect it "
            "(narrate article URL -o - > story.mp3) or give -o a file name"
        )
    folder = ctx.with_resource(tempfile.TemporaryDirectory(prefix="narrate-stdout-"))
    return str(Path(folder) / f"narration{suffix}")


def up_to_date(out: Path, source_id: str, quiet: bool) -> bool:
    """Whether OUT already holds the narration of this page by these settings (said so)."""
    from ..audio.tags import read_key

    if read_key(out, "source") != source_id:
        return False
    if not quiet:
        click.echo(f"Up to date: {out} (same page, engine and settings)", err=True)
    click.echo(str(out))
    return True


def article_narrator(
    ctx: click.Context, settings: Any, source: str, named: Path | None, params: dict[str, Any]
) -> Any:
    """The Narrator of `narrate article`: the cores it may use, the cache, and voice
    processes only when a file is to be written."""
    from ..pipeline import Narrator
    from ..read.fetch import is_url
    from ..read.reach import Reach
    from ..voice.cache import SegmentCache

    cache = None if params["no_cache"] else SegmentCache()  # not narrate's folder: one line now
    cores = ctx.with_resource(core_budget(params["jobs"]))
    wanted = named is None or not named.exists() or params["force"]
    return Narrator(
        settings,
        cores=cores,
        cache=cache,
        sidecars=params["sidecars"],
        pool=wanted,
        # The page's lead image may come from the host the user typed.
        reach=Reach.typed(source) if is_url(source) else None,
    )


def read_page(narrator: Any, source: str, out: Path) -> tuple[Any, str]:
    """The page SOURCE, and the hash of it and of every setting (see Narrator.source_key)."""
    from ..read.fetch import fetch

    page = fetch(source)
    return page, narrator.source_key(page, out)


def written_beside_output(narrator: Any, out: Path) -> list[Path]:
    from ..pipeline import written_beside

    return written_beside(out, narrator.sidecars, narrator.verify is not None)


def suffix_of(settings: Any) -> str:
    from ..audio.encode import FORMATS

    return FORMATS[settings.format or "mp3"].suffix


def report_article(result: Any, voice: str, where: str = "") -> None:
    """What `narrate article` says on stderr when it is done (WHERE: what to call the output,
    its path unless given)."""
    if result.skipped:
        click.echo(f"Up to date: {result.path} (same text, engine and settings)", err=True)
    else:
        minutes, seconds = divmod(round(result.duration), 60)
        click.echo(
            f"Wrote {where or result.path} ({minutes}:{seconds:02d}, {result.sentences} sentences, "
            f"{result.words} words, voice {voice})",
            err=True,
        )
    if result.verify is not None:
        click.echo(result.verify.summary(), err=True)


def output_target(output: str | None, suffix: str) -> tuple[Path | None, Path | None]:
    """(folder, file) for -o OUTPUT: a file (SUFFIX added to a new name that has none), or,
    for an existing folder or a name ending in a slash, that folder (made if need be) with the
    default name in it."""
    from ..errors import OutputError
    from ..files import check_name

    if output is None:
        return None, None
    path = Path(output)
    check_name(path)
    if path.is_dir() or output.endswith(("/", os.sep)):
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot make the folder {output}: {exc.strerror}") from None
        return path, None
    if path.suffix or path.exists() or path.is_symlink():  # an existing name is taken as is
        return None, path
    return None, path.with_suffix(suffix)


def input_files(source: str, settings: Any) -> tuple[Path, ...]:
    """The files a narration reads, which nothing it writes may be."""
    from ..pipeline.settings import FILE_SETTINGS
    from ..read.fetch import is_url

    named = [getattr(settings, name) for name in FILE_SETTINGS]
    article = [Path(source)] if source != "-" and not is_url(source) else []
    return tuple(path for path in [*article, *named] if isinstance(path, Path))


@click.command()
@click.argument("source")
@click.option("--title", help=TITLE_HELP)
@settings_options(*SPEECH_SETTINGS)
@click.option("--no-intro", is_flag=True, help="Leave out the spoken intro.")
@click.option(
    "--changes", is_flag=True, help="List every rewrite as 'block:offset  written → spoken'."
)
def script(source: str, title: str | None, no_intro: bool, changes: bool, **params: Any) -> None:
    """Print exactly what would be spoken for SOURCE, without synthesising.

    Blocks are separated by blank lines; the intro comes first. With --changes, every
    rewrite is listed with its position: block number (0 is the intro) and character offset
    in that block's text. hibari and Piper are given initialisms, the news names and PLS
    phonemes as phonemes (hibari's shown as `[word](/…/)`, Piper's as `[[ IPA ]]`).
    """
    from ..pipeline import Narrator, load_article
    from ..speech.script import list_changes, render_script, script_language

    settings = settings_from(params)
    article = load_article(source, title=title)
    engine = settings.engine_name(script_language(article, settings.lang))
    if not changes:
        rendered = render_script(Narrator(settings).script(article, intro=not no_intro))
        if engine == "hibari":  # what hibari is given: phonemes in its own alphabet
            from ..speech.normalize.phonemes import for_hibari

            rendered = "\n".join(for_hibari(line) for line in rendered.split("\n")) + "\n"
        click.echo(rendered, nl=False)
        return
    options = settings.speech_options(engine)
    why = "given with --lang" if settings.lang else article.lang_reason
    click.echo(f"language {script_language(article, settings.lang)}: {why}", err=True)
    placed = list_changes(article, intro=not no_intro, options=options)
    for item in placed:
        click.echo(f"{item.block}:{item.offset}\t{item.change.written} → {item.change.spoken}")
    click.echo(f"{len(placed)} rewrites", err=True)
