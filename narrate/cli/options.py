"""Options and helpers the commands share: speech and mastering options, -q, progress."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from ..voice.engines import ENGINE_CHOICES, ENGINES

ENGINE_NAMES = list(ENGINES)  # the engines themselves (narrate voices)
ENGINE_HELP = (
    "Speech engine: auto is hibari for English and espeak-ng for other languages; piper "
    "(its joe voice or any .onnx voice), espeak, gtts (online)."
)


def engine_option(func: Any) -> Any:
    """--engine, default auto (see voice.engines.choose_engine)."""
    return click.option(
        "--engine",
        type=click.Choice(ENGINE_CHOICES),
        default="auto",
        show_default=True,
        help=ENGINE_HELP,
    )(func)


def speech_options(func: Any) -> Any:
    """--lang, --lexicon, --date-order and --no-dateline: how the text is rewritten for speech."""
    func = click.option(
        "--no-dateline",
        is_flag=True,
        help='Leave out a story\'s opening dateline ("WASHINGTON (CNN) —") instead of reading it.',
    )(func)
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
    lang: str | None,
    lexicon_path: Path | None,
    date_order: str,
    engine: str,
    datelines: bool = True,
):
    """The SpeechOptions for these choices (ENGINE: the engine chosen, not "auto"); Piper and
    hibari are given phonemes where they read better."""
    from ..speech.normalize import load_lexicon
    from ..speech.script import SpeechOptions
    from ..voice.engines import PHONEME_ENGINES

    phonemes = engine in PHONEME_ENGINES
    lexicon = load_lexicon(lexicon_path, phonemes=phonemes) if lexicon_path else None
    return SpeechOptions(
        lang=lang, lexicon=lexicon, date_order=date_order, datelines=datelines, phonemes=phonemes
    )


def verify_options(func: Any) -> Any:
    """--verify and --verify-tries: listen back to each sentence and re-speak what came out
    wrong (needs the verify extra)."""
    func = click.option(
        "--verify-tries",
        type=click.IntRange(1, 10),
        default=3,
        show_default=True,
        help="With --verify: re-takes at most for a sentence heard wrong.",
    )(func)
    return click.option(
        "--verify",
        is_flag=True,
        help="Listen back to every sentence with an offline recogniser and re-speak what came "
        "out wrong; report in OUT.verify.json (pip install 'narrate[verify]').",
    )(func)


def quiet_option(func: Any) -> Any:
    return click.option(
        "-q", "--quiet", is_flag=True, default=None, help="Print nothing but errors."
    )(func)


def is_quiet(ctx: click.Context, quiet: bool | None) -> bool:
    return bool(quiet) or bool(ctx.obj and ctx.obj.get("quiet"))


class Checked(click.ParamType):
    """A click type from a checking function (ValueError: a usage error naming the option)."""

    def __init__(self, name: str, convert: Any, check: Any) -> None:
        self.name = name
        self._convert = convert
        self._check = check

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        try:
            return self._check(self._convert(value))
        except ValueError as exc:
            message = str(exc) if "must" in str(exc) else f"{value!r} is not a {self.name}"
            self.fail(message, param, ctx)


def bitrate_type() -> Checked:
    from ..audio.limits import check_bitrate

    return Checked("bitrate", str, check_bitrate)


def loudness_type() -> Checked:
    from ..audio.limits import check_loudness

    return Checked("loudness", float, check_loudness)


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
            type=bitrate_type(),
            default="64k",
            show_default=True,
            help="Bitrate for MP3, M4A and Opus (CBR for MP3), 8k to 320k.",
        ),
        click.option(
            "--loudness",
            type=loudness_type(),
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
    from ..audio.encode import FORMATS, format_for
    from ..audio.master import MasterOptions
    from ..audio.timeline import parse_pauses

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
