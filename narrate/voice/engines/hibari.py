"""hibari: an 8 MB English voice distilled from Kokoro-82M (the `hibari-tts` package).

narrate's normaliser decides the words; hibari's G2P only turns words into phonemes. What
narrate gives as phonemes (initialisms, the news names, PLS IPA) reaches it in misaki's
alphabet as inline `[name](/…/)` words (see speech/normalize/phonemes.for_hibari), so its own
normaliser never reads spaced letters ("A I" → "a eye"), and it is given one sentence at a
time, so its sentence splitter never cuts one ("U.N.", "Nov.").

The "heart" voice ships inside the package. The others (British and male) are downloaded
by `narrate voices download NAME` into narrate's data folder, never during a narration:
hibari's own loader would fetch them, so narrate always hands it the model file's path.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from ...errors import EngineError
from .base import Clip, EngineBase, VoiceInfo, file_identity, package_version

DEFAULT_VOICE = "heart"
SAMPLE_RATE = 24000
MAX_PHONEMES = 400  # what the model reads at once: longer sentences go at clause breaks
_LOADING = threading.Lock()
_LOADED: dict[tuple[str, int], Any] = {}  # (model file, threads) → hibari.Hibari
_SPEAKING = threading.Lock()  # one synthesis at a time per process: voices share the G2P
_G2P: dict[bool, Any] = {}  # british → hibari.g2p.G2P (plain Python: loaded before a fork)
DATA_ENV = "NARRATE_DATA_DIR"


def registry() -> dict[str, dict[str, Any]]:
    """hibari's voices: name → {file, bytes, sha256, language, gender, british, bundled…}."""
    try:
        from hibari.voices import VOICES
    except ImportError as exc:
        raise EngineError(f"hibari-tts is not installed ({exc}): pip install hibari-tts") from None
    return dict(VOICES)


def g2p(british: bool = False) -> Any:
    """hibari's G2P (lexicons, tagger, OOV net) for US or British English, loaded once per
    process; a batch loads it before forking its workers, which then share it."""
    with _LOADING:
        if british not in _G2P:
            try:
                from hibari.g2p import G2P
            except ImportError as exc:
                raise EngineError(f"hibari-tts is not installed ({exc})") from None
            _G2P[british] = G2P(british=british)
        return _G2P[british]


def voices_dir() -> Path:
    """Where downloaded voices live: $NARRATE_DATA_DIR/voices, else the user data folder."""
    override = os.environ.get(DATA_ENV)
    if override:
        return Path(override).expanduser() / "voices"
    from platformdirs import user_data_dir

    return Path(user_data_dir("narrate", appauthor=False)) / "voices"


def voice_file(name: str) -> Path:
    """The model file of voice NAME, in the package or downloaded; EngineError naming the
    command that gets it when it is not here (nothing is downloaded here)."""
    voices = registry()
    if name not in voices:
        raise EngineError(f"hibari has no voice {name!r}: choose from {', '.join(voices)}")
    entry = voices[name]
    if entry.get("bundled"):
        import hibari.voices

        return Path(hibari.voices.ASSETS) / entry["file"]
    path = voices_dir() / "hibari" / entry["file"]
    if not path.is_file():
        raise EngineError(
            f"the hibari voice {name!r} is not downloaded: narrate voices download {name}"
        )
    return path


class HibariEngine(EngineBase):
    """Synthesises with a hibari voice ("heart" unless told otherwise)."""

    name = "hibari"
    offline = True
    max_chars = 400
    varies = True  # each synthesis samples new noise: the same text comes out differently
    paced = True

    def __init__(
        self, voice: str | None = None, lang: str | None = None, threads: int | None = None
    ) -> None:
        self.voice = voice or DEFAULT_VOICE
        self.model_path = voice_file(self.voice)
        self.british = bool(registry()[self.voice].get("british"))
        self.threads = 1  # a second thread does not help it; a second process does
        self._tts: Any = None
        self._lock = _SPEAKING
        if lang and not lang.lower().startswith("en"):
            raise EngineError(
                f"hibari speaks English only, not {lang!r}: use --engine espeak or gtts"
            )

    sample_rate = SAMPLE_RATE

    def load(self) -> Any:
        """The voice (model and G2P), loaded once per process and model file."""
        if self._tts is None:
            key = (str(self.model_path), self.threads)
            with _LOADING:
                loaded = _LOADED.get(key)
            if loaded is None:
                try:
                    from hibari import Hibari
                except ImportError as exc:
                    raise EngineError(f"hibari-tts is not installed ({exc})") from None
                # The model file is given, so hibari's loader never fetches one; the
                # lexicons (US or British) load now, not at the first sentence.
                loaded = Hibari(
                    voice=self.voice,
                    model=str(self.model_path),
                    threads=1,
                    g2p=g2p(self.british),
                )
                with _LOADING:
                    loaded = _LOADED.setdefault(key, loaded)
            self._tts = loaded
        return self._tts

    def phonemes(self, text: str) -> list[str]:
        """TEXT (one sentence, Piper-ready or plain) as hibari's phoneme strings, each short
        enough for the model (long sentences split at clause punctuation)."""
        from ...speech.normalize.phonemes import for_hibari

        tts = self.load()
        with self._lock:
            spoken = tts.g2p(for_hibari(text))
        if not spoken:
            return []
        if len(spoken) <= MAX_PHONEMES:
            return [spoken]
        chunks: list[str] = []
        current = ""
        for part in spoken.replace(", ", ",\n").replace("; ", ";\n").split("\n"):
            if current and len(current) + len(part) + 1 > MAX_PHONEMES:
                chunks.append(current)
                current = part
            else:
                current = f"{current} {part}" if current else part
        if current:
            chunks.append(current)
        return chunks

    def synthesize(self, text: str, pace: float = 1.0, seed: int | None = None) -> Clip:
        """Speak TEXT; PACE above 1 speaks it that much slower."""
        import numpy as np

        tts = self.load()
        rng = np.random.default_rng(seed)
        parts = []
        for chunk in self.phonemes(text):
            with self._lock:
                parts.append(tts.from_ids(tts.ids(chunk), 1.0 / pace, rng))
        audio = np.concatenate(parts) if parts else np.zeros(0, np.float32)
        pcm = (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
        return Clip(pcm, SAMPLE_RATE)

    def identity(self) -> dict[str, object]:
        return {
            "engine": "hibari",
            "version": package_version("hibari-tts"),
            "voice": self.voice,
            "model": file_identity(str(self.model_path)),
        }

    def voices(self) -> list[VoiceInfo]:
        found = []
        for name, entry in registry().items():
            where = (
                "in the package"
                if entry.get("bundled")
                else (
                    "downloaded"
                    if (voices_dir() / "hibari" / entry["file"]).is_file()
                    else f"downloadable ({entry['bytes'] / 1e6:.1f} MB): narrate voices download "
                    f"{name}"
                )
            )
            description = f"{entry.get('accent', '')} {entry.get('gender', '')}, {where}"
            found.append(VoiceInfo(name, str(entry.get("language", "en")), description.strip()))
        return found


BASE_URL_ENV = "NARRATE_VOICES_URL"  # where hibari's voices are fetched from (tests: a stand-in)


def download_voice(name: str) -> Path:
    """Fetch the hibari voice NAME into voices_dir() once: checked against the sha256 of
    hibari's registry, written under a temporary name and renamed into place; a voice already
    there is left as it is. One-line errors (no network, a wrong checksum) leave no file."""
    import hashlib
    import tempfile

    from ...errors import NarrateError
    from ...read.fetch import get
    from ...read.reach import Reach

    voices = registry()
    if name not in voices:
        raise EngineError(f"hibari has no voice {name!r}: choose from {', '.join(voices)}")
    entry = voices[name]
    if entry.get("bundled"):
        return voice_file(name)
    target = voices_dir() / "hibari" / entry["file"]
    if target.is_file():
        return target
    import hibari.voices

    base = os.environ.get(BASE_URL_ENV) or hibari.voices.BASE_URL
    url = base.rstrip("/") + "/" + entry["file"]
    try:
        data, _mime, _charset, _final = get(
            url,
            reach=Reach.typed(url),  # narrate's own setting, not content: its host is trusted
            accept="application/octet-stream,*/*",
            max_bytes=int(entry["bytes"]) + 1024,
            deadline=600,
        )
    except NarrateError as exc:
        raise EngineError(f"cannot download the hibari voice {name!r}: {exc}") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry["sha256"]:
        raise EngineError(
            f"the hibari voice {name!r} from {url} is not the one hibari lists (sha256 "
            f"{digest[:12]}…, not {entry['sha256'][:12]}…): not kept"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target
