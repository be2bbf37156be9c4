"""espeak-ng: offline, fast, about a hundred languages.

Uses the libespeak-ng shipped in the espeakng-loader wheel through ctypes; falls back to a
system `espeak-ng` binary.
"""

from __future__ import annotations

import ctypes
import io
import shutil
import subprocess
import threading
import wave
from pathlib import Path
from typing import Any

from ...errors import EngineError
from ...model import base_language
from .base import Clip, EngineBase, VoiceInfo, package_version

AUDIO_OUTPUT_SYNCHRONOUS = 2
ESPEAK_CHARS_UTF8 = 1
ESPEAK_RATE = 1
INITIALIZE_DONT_EXIT = 0x8000
CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _VoiceStruct(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_void_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


class _Library:
    """The process-wide libespeak-ng (it keeps global state, so one voice at a time)."""

    lock = threading.Lock()
    instance: _Library | None = None

    def __init__(self) -> None:
        import espeakng_loader

        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data = Path(espeakng_loader.get_data_path())
        self.lib.espeak_Initialize.restype = ctypes.c_int
        rate = self.lib.espeak_Initialize(
            AUDIO_OUTPUT_SYNCHRONOUS, 0, str(data.parent).encode(), INITIALIZE_DONT_EXIT
        )
        if rate <= 0:
            raise EngineError("espeak-ng failed to initialise")
        self.rate = rate
        self.buffer: list[bytes] = []

        def collect(wav: Any, count: int, _events: Any) -> int:
            if wav and count > 0:
                self.buffer.append(ctypes.string_at(wav, count * 2))
            return 0

        self.callback = CALLBACK(collect)  # keep a reference: ctypes must not free it
        self.lib.espeak_SetSynthCallback(self.callback)
        self.lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_VoiceStruct))
        self.current_voice: str | None = None

    @classmethod
    def get(cls) -> _Library:
        with cls.lock:
            if cls.instance is None:
                cls.instance = cls()
            return cls.instance

    def speak(self, text: str, voice: str, rate_wpm: int) -> bytes:
        with self.lock:
            if voice != self.current_voice:
                if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                    raise EngineError(f"espeak-ng has no voice {voice!r} (see `narrate voices`)")
                self.current_voice = voice
            self.lib.espeak_SetParameter(ESPEAK_RATE, rate_wpm, 0)
            self.buffer = []
            data = text.encode("utf-8")
            status = self.lib.espeak_Synth(
                data, len(data) + 1, 0, 0, 0, ESPEAK_CHARS_UTF8, None, None
            )
            self.lib.espeak_Synchronize()
            if status != 0:
                raise EngineError(f"espeak-ng failed to synthesise (error {status})")
            return b"".join(self.buffer)

    def accepts(self, voice: str) -> bool:
        """Whether espeak-ng takes VOICE as a voice's name."""
        with self.lock:
            self.current_voice = None
            return bool(voice) and self.lib.espeak_SetVoiceByName(voice.encode()) == 0

    def voices(self) -> list[VoiceInfo]:
        result = []
        array = self.lib.espeak_ListVoices(None)
        i = 0
        while array[i]:
            voice = array[i].contents
            languages = ctypes.string_at(voice.languages + 1).decode("utf-8", "replace")
            result.append(
                VoiceInfo(
                    (voice.identifier or b"").decode(),
                    languages,
                    (voice.name or b"").decode("utf-8", "replace"),
                )
            )
            i += 1
        return result


def library_available() -> bool:
    try:
        import espeakng_loader

        return Path(espeakng_loader.get_library_path()).exists()
    except ImportError:
        return False


# Language codes pages use, and the name espeak-ng gives that language's voice.
LANGUAGE_ALIASES = {
    "zh": "cmn",
    "zh-cn": "cmn",
    "zh-sg": "cmn",
    "zh-tw": "cmn",
    "zh-hans": "cmn",
    "zh-hant": "cmn",
    "zh-hk": "yue",
    "zh-mo": "yue",
    "no": "nb",
    "nn": "nb",
    "iw": "he",
    "in": "id",
    "ji": "yi",
    "pt-pt": "pt",
    "en": "en-us",
    "en-gb": "gmw/en",  # espeak-ng's "en" is British English
    "en-ie": "gmw/en",
    "fil": "tl",
}


def load_library() -> object:
    """Load the bundled espeak-ng library in this process (once)."""
    return _Library.get()


class EspeakEngine(EngineBase):
    """espeak-ng voices by language code (en, en-us, de, fr, uk, ...)."""

    name = "espeak"
    offline = True
    max_chars = 600
    paced = True  # a words-per-minute rate

    def __init__(
        self, voice: str | None = None, lang: str | None = None, rate_wpm: int = 165
    ) -> None:
        self.rate_wpm = rate_wpm
        self.binary = None if library_available() else shutil.which("espeak-ng")
        if not library_available() and not self.binary:
            raise EngineError("espeak-ng is not available: pip install espeakng-loader")
        self.voice = voice or self.voice_for(lang or "en-us")
        if self.voice == "en":
            self.voice = "en-us"

    def voice_for(self, lang: str) -> str:
        """espeak-ng's voice for the language code LANG (as pages declare it: zh, zh-TW,
        pt_BR, iw, no…): the voice of that language and region, else of an older or other
        name for it (espeak-ng calls Mandarin cmn and Cantonese yue), else of the language
        alone, else LANG as it is (espeak-ng then says whether it has it)."""
        code = lang.strip().lower().replace("_", "-")
        base = base_language(code)
        candidates = [code, LANGUAGE_ALIASES.get(code, ""), LANGUAGE_ALIASES.get(base, ""), base]
        if self.binary is None:
            library = _Library.get()
            return next((c for c in candidates if library.accepts(c)), code)
        try:
            known = {info.language.lower() for info in self.voices()}
        except (EngineError, OSError):
            return code
        return next((c for c in candidates if c and c in known), code)

    def load(self) -> object:
        """The espeak-ng library, loaded once per process (a C library with no threads: a
        batch loads it before forking its workers)."""
        return load_library() if self.binary is None else None

    @property
    def sample_rate(self) -> int:
        return _Library.get().rate if self.binary is None else 22050

    def synthesize(self, text: str, pace: float = 1.0) -> Clip:
        """Speak TEXT; PACE above 1 speaks it that much slower."""
        rate_wpm = max(80, round(self.rate_wpm / pace))
        if self.binary is None:
            library = _Library.get()
            return Clip(library.speak(text, self.voice, rate_wpm), library.rate)
        result = subprocess.run(
            [self.binary, "-v", self.voice, "-s", str(rate_wpm), "--stdout", text],
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            raise EngineError(f"espeak-ng failed: {result.stderr.decode(errors='replace').strip()}")
        with wave.open(io.BytesIO(result.stdout)) as wav:
            return Clip(wav.readframes(wav.getnframes()), wav.getframerate())

    def identity(self) -> dict[str, object]:
        library = self.binary or "espeakng-loader " + package_version("espeakng-loader")
        return {
            "engine": "espeak",
            "library": library,
            "voice": self.voice,
            "rate_wpm": self.rate_wpm,
        }

    def voices(self) -> list[VoiceInfo]:
        if self.binary is None:
            return _Library.get().voices()
        output = subprocess.run([self.binary, "--voices"], capture_output=True, text=True).stdout
        rows = [line.split() for line in output.splitlines()[1:] if line.strip()]
        return [VoiceInfo(row[1], row[1], row[3] if len(row) > 3 else "") for row in rows]
