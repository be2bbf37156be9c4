"""Options and helpers the commands share: speech and mastering options, -q, progress."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import click

from ..voice.engines import ENGINES

ENGINE_NAMES = list(ENGINES)  # the engines themselves (narrate voices)


class SettingType(click.ParamType):
    """A click type that checks a value by the schema's own rule for setting FIELD."""

    def __init__(self, field: str) -> None:
        self.field = self.name = field
        self._adapter: Any = None  # built at the first value: `narrate --help` needs none

    def adapter(self) -> Any:
        if self._adapter is None:
            from pydantic import TypeAdapter
            from pydantic.types import Strict

            from ..pipeline.settings import Settings

            info = Settings.model_fields[self.field]
            rules = [rule for rule in info.metadata if not isinstance(rule, Strict)]  # "64k"
            kind = Annotated[(info.annotation, *rules)] if rules else info.annotation  # type: ignore[valid-type]
            self._adapter = TypeAdapter(kind)
        return self._adapter

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        from pydantic import ValidationError

        from ..pipeline.settings import describe

        try:
            return self.adapter().validate_python(value)
        except ValidationError as exc:
            error = {**exc.errors()[0], "loc": (self.field,)}
            self.fail(describe(error, self.field).split(" ", 1)[-1], param, ctx)


def setting_option(field: str, overrides: bool) -> Any:
    """The click option of one setting, with its flag, type, default and help from the
    schema. With OVERRIDES (feed init/add/update) it has no default: only what is given
    changes feed.toml's value."""
    import typing

    from ..pipeline.settings import Settings, bounds, choices_of, flag_of

    info = Settings.model_fields[field]
    flag = flag_of(field)
    shown = not overrides and info.default not in (None, False)
    kwargs: dict[str, Any] = {
        "help": info.description,
        "default": None if overrides else info.default,
        "show_default": shown,
    }
    if info.annotation is bool:
        return click.option(f"{flag}/--no-{flag[2:]}", field, **kwargs)
    choices = choices_of(info.annotation)
    if choices:
        kwargs["type"] = click.Choice(choices)
    elif Path in (info.annotation, *typing.get_args(info.annotation)):
        # A feed keeps the file's whole path: feed.toml's own are relative to its folder.
        kwargs["type"] = click.Path(
            exists=True, dir_okay=False, path_type=Path, resolve_path=overrides
        )
    elif info.annotation is int:
        kwargs["type"] = click.IntRange(*bounds(info))
    else:
        kwargs["type"] = SettingType(field)
    return click.option(flag, field, **kwargs)


def settings_options(*fields: str, overrides: bool = False) -> Any:
    """Decorate a command with the options of the settings FIELDS (default: every one)."""
    from ..pipeline.settings import Settings

    def decorate(func: Any) -> Any:
        for field in reversed(fields or tuple(Settings.model_fields)):
            func = setting_option(field, overrides)(func)
        return func

    return decorate


SPEECH_SETTINGS = ("lang", "lexicon", "date_order", "datelines", "outro", "engine")


def settings_from(params: dict[str, Any], base: Any = None) -> Any:
    """The Settings the command's options give (BASE's, with those given put in)."""
    from ..pipeline.settings import Settings, flag_of

    given = {k: v for k, v in params.items() if k in Settings.model_fields}
    if base is not None:
        return base.changed(given, flag_of)
    return Settings.checked({k: v for k, v in given.items() if v is not None}, flag_of)


def quiet_option(func: Any) -> Any:
    return click.option(
        "-q", "--quiet", is_flag=True, default=None, help="Print nothing but errors."
    )(func)


def is_quiet(ctx: click.Context, quiet: bool | None) -> bool:
    return bool(quiet) or bool(ctx.obj and ctx.obj.get("quiet"))


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
