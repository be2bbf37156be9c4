"""`narrate article` and `narrate script`: one source into one narration, or its script."""

from __future__ import annotations

import hashlib
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from ..cores import core_budget
from .options import (
    engine_option,
    is_quiet,
    make_master_options,
    make_options,
    master_options,
    progress_bar,
    quiet_option,
    speech_options,
    verify_options,
)


@click.command()
@click.argument("source")
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(),
    help="Output file (default: a slug of the title, in the current folder); a folder (or a "
    "name ending in /) puts that default name there.",
)
@engine_option
@click.option(
    "--voice",
    help="Voice: a hibari voice (narrate voices), a Piper .onnx path, an espeak voice, a gTTS "
    "language.",
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
@verify_options
@quiet_option
@click.pass_context
def article(
    ctx: click.Context,
    source: str,
    output: str | None,
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
    from ..audio.encode import FORMATS
    from ..audio.tags import read_key
    from ..files import guard_output
    from ..pipeline import narrate_script, slugify, source_key, written_beside
    from ..read.extract import extract_page
    from ..read.fetch import fetch, is_url
    from ..read.reach import Reach
    from ..speech.script import build_script, script_language
    from ..voice.cache import SegmentCache
    from ..voice.engines import choose_engine, get_engine
    from ..voice.pool import POOLED_ENGINES, VoicePool, VoiceSpec, plan_processes
    from ..voice.synth import load_in_background

    quiet = is_quiet(ctx, quiet)
    verify = listener = None
    if params["verify"]:
        from ..voice.listen import Listener
        from ..voice.verify import VerifyOptions, plan_verify

        Listener.require()  # before anything is read: a missing extra is one line, at once
        verify = VerifyOptions(tries=params["verify_tries"])
    cache = None if params["no_cache"] else SegmentCache()  # not narrate's folder: one line now
    cores = ctx.with_resource(core_budget(params["jobs"]))
    voice_threads = params["jobs"]
    if verify is not None:
        voice_threads, listener_threads = plan_verify(cores)
        listener = Listener(threads=listener_threads)
        listener.load_in_background()
    # With --engine auto, the engine depends on the article's language: guessed from --lang
    # now (English when not given), settled once the page is read.
    guess = choose_engine(engine, params["lang"], voice)
    options = make_options(
        params["lang"],
        params["lexicon_path"],
        params["date_order"],
        guess,
        datelines=not params["no_dateline"],
    )
    suffix = FORMATS[params["audio_format"] or "mp3"].suffix
    folder, named = output_target(output, suffix)
    inputs = input_files(source, params)
    if named is not None:  # before any work: an output that would hurt an input is refused
        beside = written_beside(named, not params["no_sidecars"], verify is not None)
        guard_output(named, inputs, beside)
    mastering = make_master_options(
        named or Path(f"narration{suffix}"), params, encode_while_speaking=cores >= 2
    )
    if is_url(source):  # the page's lead image may come from the host the user typed
        mastering = replace(mastering, reach=Reach.typed(source))
    probe = get_engine(guess, voice=voice, threads=voice_threads)
    voices = None
    wanted = named is None or not named.exists() or force
    if guess in POOLED_ENGINES and cores >= 2 and wanted:
        # A neural voice on two cores or more: worker processes speak, when enough sentences
        # need it.
        processes, threads = plan_processes(cores)
        spec = VoiceSpec(guess, voice, None, threads)
        voices = ctx.with_resource(VoicePool(spec, processes))
    page = fetch(source)
    lexicon = params["lexicon_path"]
    choices = {
        "lang": params["lang"],
        "lexicon": hashlib.sha256(lexicon.read_bytes()).hexdigest() if lexicon else None,
        "date_order": params["date_order"],
        "datelines": not params["no_dateline"],
        "outro": not params["no_outro"],
        "engine": engine,
        "voice": voice,
        "verify": verify.settings() if verify else None,
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
    read = extract_page(page)
    chosen = choose_engine(engine, script_language(read, options.lang), voice)
    if chosen != guess:  # auto, and the page is not in English: espeak-ng speaks it
        options = make_options(
            params["lang"],
            params["lexicon_path"],
            params["date_order"],
            chosen,
            datelines=not params["no_dateline"],
        )
        voices = None
    script = build_script(read, options.lang, options=options, outro=not params["no_outro"])
    out = named or (folder or Path.cwd()) / f"{slugify(script.article.title)}{suffix}"
    speaker = get_engine(chosen, voice=voice, lang=script.lang, threads=voice_threads)
    with progress_bar(quiet, "Synthesising") as (start, advance):
        result = narrate_script(
            script,
            out,
            engine_name=chosen,
            voice=voice,
            force=force,
            master_options=mastering,
            progress=advance,
            on_start=start,
            cache=cache,
            engine=speaker,
            source=source_id,
            voices=voices,
            verify=verify,
            listener=listener,
            inputs=inputs,
        )
    if not quiet:
        if result.skipped:
            click.echo(f"Up to date: {result.path} (same text, engine and settings)", err=True)
        else:
            minutes, seconds = divmod(round(result.duration), 60)
            click.echo(
                f"Wrote {result.path} ({minutes}:{seconds:02d}, {result.sentences} sentences, "
                f"{result.words} words, voice {speaker.name} {speaker.voice})",
                err=True,
            )
        if result.verify is not None:
            click.echo(result.verify.summary(), err=True)
    click.echo(str(result.path))


def output_target(output: str | None, suffix: str) -> tuple[Path | None, Path | None]:
    """(folder, file) for -o OUTPUT: a file (SUFFIX added to a new name that has none), or,
    for an existing folder or a name ending in a slash, that folder (made if need be) with the
    default name in it."""
    from ..errors import OutputError
    from ..files import check_name

    if output is None:
        return None, None
    if output == "-":
        raise OutputError("narrate writes files, not standard output: give -o a file name")
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


def input_files(source: str, params: dict[str, Any]) -> tuple[Path, ...]:
    """The files a narration reads, which nothing it writes may be."""
    from ..read.fetch import is_url

    named = [params.get(name) for name in ("lexicon_path", "cover", "intro_music", "outro_music")]
    article = [Path(source)] if source != "-" and not is_url(source) else []
    return tuple(path for path in [*article, *named] if isinstance(path, Path))


@click.command()
@click.argument("source")
@speech_options
@click.option("--no-intro", is_flag=True, help="Leave out the spoken intro.")
@click.option(
    "--changes", is_flag=True, help="List every rewrite as 'block:offset  written → spoken'."
)
@engine_option
def script(
    source: str,
    lang: str | None,
    lexicon_path: Path | None,
    date_order: str,
    no_dateline: bool,
    no_intro: bool,
    changes: bool,
    engine: str,
) -> None:
    """Print exactly what would be spoken for SOURCE, without synthesising.

    Blocks are separated by blank lines; the intro comes first. With --changes, every
    rewrite is listed with its position: block number (0 is the intro) and character offset
    in that block's text.
    """
    from ..pipeline import load_article
    from ..speech.script import build_script, list_changes, render_script, script_language
    from ..voice.engines import choose_engine

    article = load_article(source)
    # hibari and Piper read phonemes: initialisms, the news names and PLS phonemes are given
    # to them as IPA (hibari's in its own alphabet, shown as [word](/…/)).
    engine = choose_engine(engine, script_language(article, lang))
    options = make_options(lang, lexicon_path, date_order, engine, datelines=not no_dateline)
    if not changes:
        rendered = render_script(build_script(article, intro=not no_intro, options=options))
        if engine == "hibari":  # what hibari is given: phonemes in its own alphabet
            from ..speech.normalize.phonemes import for_hibari

            rendered = "\n".join(for_hibari(line) for line in rendered.split("\n")) + "\n"
        click.echo(rendered, nl=False)
        return
    placed = list_changes(article, intro=not no_intro, options=options)
    for item in placed:
        click.echo(f"{item.block}:{item.offset}\t{item.change.written} → {item.change.spoken}")
    click.echo(f"{len(placed)} rewrites", err=True)
