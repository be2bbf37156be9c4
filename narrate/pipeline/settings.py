"""A narration's settings: what to say and how, in one object with one schema.

The schema (a pydantic model) holds every setting's type, range, default and help. The
command line's options (`narrate article`, `script`, `feed init/add/update`) are made from
it (cli/options.py) and feed.toml's `[narration]` table is checked by it, so a setting has
one name, one range and one message wherever it is given, and a bad value is one line naming
the option or key before any work starts.

Why pydantic rather than attrs with cattrs: its field constraints (choices, ranges, strict
kinds), validators that reuse narrate's own checks, and error records that carry the field,
the value and what was wrong are exactly what both the options and feed.toml need; it is a
single well-kept dependency (pydantic-core is a compiled wheel for every platform narrate
runs on) where attrs would need cattrs and hand-written range checks beside it.
"""

from __future__ import annotations

import hashlib
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from ..audio.encode import FORMATS
from ..audio.limits import check_bitrate, check_loudness
from ..errors import NarrateError
from ..model import language_tag
from ..voice.engines import ENGINE_CHOICES

if TYPE_CHECKING:
    from ..audio.master import MasterOptions
    from ..read.reach import Reach
    from ..speech.script import SpeechOptions
    from ..voice.verify import VerifyOptions

# The choices, from where they live: the engines narrate has, the formats it encodes.
FORMAT_NAMES = tuple(FORMATS)
FEED_FORMATS = tuple(name for name in FORMAT_NAMES if name != "wav")  # what podcast apps play


class SettingsError(NarrateError):
    """A narration setting out of its range or of the wrong kind (one line naming it)."""


def _pauses(value: str | None) -> str | None:
    from ..audio.timeline import parse_pauses

    if value is not None:
        parse_pauses(value)  # ValueError: the message names the pause
    return value


def _language(value: str | None) -> str | None:
    return None if value in (None, "") else language_tag(value)


def _bitrate(value: str) -> str:
    return check_bitrate(value)


def _loudness(value: float) -> float:
    return check_loudness(value)


def setting(default: Any, help: str, *, flag: str | None = None, **constraints: Any) -> Any:
    """A field of the schema: its default, its help, and the command-line flag when it is not
    the field's own name (for a switch, the name of its "on" side: "dateline" for datelines)."""
    extra = {"flag": flag} if flag else None
    return Field(default, description=help, json_schema_extra=extra, **constraints)


class Settings(BaseModel):
    """Everything that shapes one narration. Files are paths as given (a feed resolves them
    against its folder). Change one with `settings.model_copy(update={...})` after checking
    it, or make a checked one with `Settings.checked(values)`."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    # What is said.
    lang: Annotated[str | None, AfterValidator(_language)] = setting(
        None, "Language code of the text (default: the page's own)."
    )
    date_order: Literal["mdy", "dmy", "ymd"] = setting(
        "mdy", "How to read numeric dates like 11/10/2023."
    )
    lexicon: Path | None = setting(
        None, "Pronunciation rules: a .toml, .tsv or W3C PLS (.pls) lexicon."
    )
    datelines: bool = setting(
        True,
        'Read a story\'s opening dateline ("WASHINGTON (CNN) —"), or leave it out.',
        flag="dateline",
        strict=True,
    )
    outro: bool = setting(True, "Say the AI disclosure at the end.", strict=True)
    update_note: bool = setting(
        True,
        "When a published article changed, open its re-voiced episode with a short note "
        '("This article was updated on December 7.") and list the updates in its notes.',
        strict=True,
    )
    # Who says it.
    engine: Literal[ENGINE_CHOICES] = setting(  # type: ignore[valid-type]
        "auto",
        "Speech engine: auto is hibari for English and espeak-ng for other languages; piper "
        "(its joe voice or any .onnx voice), espeak, gtts (online).",
    )
    voice: Annotated[str | None, AfterValidator(lambda v: v or None)] = setting(
        None,
        "Voice: a hibari voice (narrate voices), a Piper .onnx path, an espeak voice, a gTTS "
        "language.",
    )
    verify: bool = setting(
        False,
        "Listen back to every sentence with an offline recogniser and re-speak what came out "
        "wrong (pip install 'narrate-news[verify]').",
        strict=True,
    )
    verify_tries: int = setting(
        3, "With verify: re-takes at most for a sentence heard wrong.", ge=1, le=10, strict=True
    )
    # How it sounds.
    pauses: Annotated[str | None, AfterValidator(_pauses)] = setting(
        None, "Pauses in seconds, e.g. sentence=0.35,paragraph=0.8,heading=1.2.", flag="pause"
    )
    intro_music: Path | None = setting(None, "Music under and before the spoken intro.")
    outro_music: Path | None = setting(None, "Music under and after the spoken outro.")
    loudness: Annotated[float, AfterValidator(_loudness)] = setting(
        -16.0, "Integrated loudness target, LUFS (-40 to -5).", strict=True
    )
    format: Literal[FORMAT_NAMES] | None = setting(  # type: ignore[valid-type]
        None, "Audio format (default: from the output name, else mp3; a feed: mp3)."
    )
    bitrate: Annotated[str, AfterValidator(_bitrate)] = setting(
        "64k", "Bitrate for MP3, M4A and Opus (CBR for MP3), 8k to 320k."
    )
    cover: Path | None = setting(
        None, "Cover image (default: the article's lead image, else a generated one)."
    )
    remote_cover: bool = setting(
        True, "Use the article's lead image, fetched from the web, for the cover.", strict=True
    )

    @classmethod
    def checked(cls, values: dict[str, Any], name: Any = None) -> Settings:
        """Settings from VALUES, or SettingsError naming the first bad one: NAME(field) is what
        a user calls it (an option, or feed.toml's key; default: the field)."""
        try:
            return cls(**values)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = str(error["loc"][0]) if error["loc"] else "settings"
            raise SettingsError(describe(error, name(field) if name else field)) from None

    def changed(self, values: dict[str, Any], name: Any = None) -> Settings:
        """These settings with VALUES (those not None) put in, checked as a whole."""
        given = {k: v for k, v in values.items() if v is not None}
        if not given:
            return self
        return Settings.checked({**self.model_dump(exclude_unset=True), **given}, name)

    def resolved(self, folder: Path) -> Settings:
        """The file settings taken relative to FOLDER (feed.toml's are relative to the feed)."""
        update = {
            name: folder / path
            for name in FILE_SETTINGS
            if (path := getattr(self, name)) is not None and not path.is_absolute()
        }
        return self.model_copy(update=update) if update else self

    def check_files(self, name: Any = None) -> None:
        """SettingsError naming a file setting whose file is not there."""
        for field in FILE_SETTINGS:
            path = getattr(self, field)
            if path is not None and not path.is_file():
                label = name(field) if name else field
                raise SettingsError(f"{label}: no such file {str(path)!r}")

    # What the stages are given.

    def engine_name(self, lang: str | None) -> str:
        """The engine that speaks text in LANG (auto: by the language and the voice)."""
        return self.engine_and_voice(lang)[0]

    def engine_and_voice(self, lang: str | None) -> tuple[str, str | None]:
        """The engine and voice that speak text in LANG (auto: by the language, the voice, and
        the neural voices downloaded for it)."""
        from ..voice.engines import choose_engine_and_voice

        return choose_engine_and_voice(self.engine, lang, self.voice)

    def speech_options(self, engine: str) -> SpeechOptions:
        """What the speech stage needs, for ENGINE (hibari and Piper read phonemes)."""
        from ..speech.normalize import load_lexicon
        from ..speech.script import SpeechOptions
        from ..voice.engines import PHONEME_ENGINES

        phonemes = engine in PHONEME_ENGINES
        lexicon = load_lexicon(self.lexicon, phonemes=phonemes) if self.lexicon else None
        return SpeechOptions(
            lang=self.lang,
            lexicon=lexicon,
            date_order=self.date_order,
            datelines=self.datelines,
            phonemes=phonemes,
        )

    def master_options(
        self,
        out: Path,
        *,
        sidecars: bool = True,
        encode_while_speaking: bool = True,
        reach: Reach | None = None,
    ) -> MasterOptions:
        """What the audio stage needs to master into OUT (its format, unless set, from OUT's
        name); the lead image is fetched where REACH allows."""
        from ..audio.encode import FORMATS, format_for
        from ..audio.master import MasterOptions
        from ..audio.timeline import parse_pauses
        from ..read.reach import Reach

        return MasterOptions(
            audio_format=FORMATS[self.format] if self.format else format_for(out),
            bitrate=self.bitrate,
            loudness=self.loudness,
            pauses=parse_pauses(self.pauses) if self.pauses else None,
            intro_music=self.intro_music,
            outro_music=self.outro_music,
            sidecars=sidecars,
            cover=self.cover,
            fetch_cover=self.remote_cover,
            encode_while_speaking=encode_while_speaking,
            reach=reach or Reach(),
        )

    def verify_options(self) -> VerifyOptions | None:
        from ..voice.verify import VerifyOptions

        return VerifyOptions(tries=self.verify_tries) if self.verify else None

    def choices(self) -> dict[str, object]:
        """What of these settings shapes the script and the voice, for a narration's key (the
        lexicon by its content; the mastering settings are the MasterOptions' own)."""
        verify = self.verify_options()
        return {
            "lang": self.lang,
            "lexicon": file_digest(self.lexicon),
            "date_order": self.date_order,
            "datelines": self.datelines,
            "outro": self.outro,
            "engine": self.engine,
            "voice": self.voice,
            "verify": verify.settings() if verify else None,
        }


FILE_SETTINGS = ("lexicon", "intro_music", "outro_music", "cover")


def flag_of(field: str) -> str:
    """The command-line option of setting FIELD ("--verify-tries"; "--dateline" for the
    switch --dateline/--no-dateline)."""
    info = Settings.model_fields[field]
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    return "--" + str(extra.get("flag") or field).replace("_", "-")


def file_digest(path: Path | None) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path else None


KINDS = {
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a number",
    "string_type": "text",
    "path_type": "a file path",
}


def describe(error: Any, name: str) -> str:
    """One pydantic error as one line naming the setting NAME (an option or a key)."""
    value = error.get("input")
    kind = error["type"]
    field = Settings.model_fields.get(str(error["loc"][0])) if error["loc"] else None
    if kind == "extra_forbidden":
        return f"unknown setting {name}"
    if kind == "literal_error" and field is not None:
        return f"{name} must be one of {', '.join(choices_of(field.annotation))}, not {value!r}"
    if kind in ("greater_than_equal", "less_than_equal") and field is not None:
        low, high = bounds(field)
        return f"{name} must be {low} to {high}, not {value!r}"
    if kind == "value_error":
        message = str(error["ctx"]["error"])
        setting_name = str(error["loc"][0]) if error["loc"] else ""
        if setting_name and message.startswith(setting_name + " "):
            message = message[len(setting_name) + 1 :]
        return f"{name} {message}" if message.startswith("must") else f"{name}: {message}"
    if kind in KINDS:
        return f"{name} must be {KINDS[kind]}, not {value!r}"
    return f"{name}: {error['msg']}"


def choices_of(annotation: Any) -> list[str]:
    """The values a Literal (or an optional one) allows."""
    for part in (annotation, *typing.get_args(annotation)):
        if typing.get_origin(part) is Literal:
            return [str(choice) for choice in typing.get_args(part)]
    return []


def bounds(field: Any) -> tuple[Any, Any]:
    low = next((m.ge for m in field.metadata if getattr(m, "ge", None) is not None), None)
    high = next((m.le for m in field.metadata if getattr(m, "le", None) is not None), None)
    return low, high
