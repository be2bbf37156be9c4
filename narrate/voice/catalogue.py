"""Piper's catalogue of neural voices (some 40 languages): downloaded once, then offline.

The catalogue is an index, voices.json, beside the voices' files (by default Piper's own on
Hugging Face; $NARRATE_PIPER_VOICES_URL names a mirror or a stand-in). An entry is keyed by the
voice's name ("uk_UA-ukrainian_tts-medium") and lists its language and its files with their
sizes and MD5 digests:

    {"uk_UA-ukrainian_tts-medium": {"language": {"family": "uk", "code": "uk_UA", …},
     "files": {"uk/uk_UA/ukrainian_tts/medium/uk_UA-ukrainian_tts-medium.onnx":
               {"size_bytes": 76…, "md5_digest": "…"}, ….onnx.json: {…}}, …}, …}

`narrate voices download NAME` fetches the .onnx and .onnx.json, checks each against the
index's size and digest (and a sha256 where the index gives one), and renames the finished
folder into place: a failure leaves nothing. The index is content from the network: every
name and path in it is checked before it is used, and it cannot place a file outside the
voice's own folder. Nothing here runs during a narration; a narration only looks at what is on
disk (`downloaded`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import EngineError, NarrateError

CATALOGUE_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/v1.0.0/"
CATALOGUE_ENV = "NARRATE_PIPER_VOICES_URL"
INDEX_MAX_BYTES = 8_000_000
VOICE_MAX_BYTES = 400_000_000
NAME = re.compile(r"[a-z]{2,3}(?:_[A-Za-z]{2,4})?-[A-Za-z0-9_]{1,64}-(?:x_low|low|medium|high)")
FILE_PATH = re.compile(r"(?:[A-Za-z0-9_.-]{1,100}/){0,8}[A-Za-z0-9_.-]{1,160}")
log = logging.getLogger(__name__)

# A well-liked neural voice per language, named in the note narrate gives where none is here.
SUGGESTED = {
    "de": "de_DE-thorsten-medium",
    "es": "es_ES-davefx-medium",
    "fr": "fr_FR-siwis-medium",
    "it": "it_IT-riccardo-x_low",
    "nl": "nl_BE-nathalie-medium",
    "pl": "pl_PL-gosia-medium",
    "pt": "pt_BR-faber-medium",
    "ru": "ru_RU-irina-medium",
    "uk": "uk_UA-ukrainian_tts-medium",
}


@dataclass(frozen=True)
class CatalogueVoice:
    name: str
    language: str  # its family: "uk"
    region: str  # "uk_UA"
    quality: str
    files: dict[str, tuple[int, str, str, str]]  # ".onnx", ".onnx.json" → size, md5, sha256, path


def catalogue_url() -> str:
    return (os.environ.get(CATALOGUE_ENV) or CATALOGUE_URL).rstrip("/") + "/"


def piper_dir() -> Path:
    """Where catalogue voices live: one folder per voice under narrate's voices folder."""
    from .engines.hibari import voices_dir

    return voices_dir() / "piper"


def is_catalogue_name(name: str) -> bool:
    return bool(NAME.fullmatch(name))


def _fetch(url: str, max_bytes: int) -> bytes:
    from ..read.fetch import get
    from ..read.reach import Reach

    data, _mime, _charset, _final = get(
        url,
        reach=Reach.typed(url),  # the catalogue is the user's setting, not content
        accept="application/octet-stream,application/json,*/*",
        max_bytes=max_bytes,
        deadline=900,
    )
    return data


def parse_index(raw: bytes) -> dict[str, CatalogueVoice]:
    """The catalogue's voices.json → name → voice; entries that are not well formed are left
    out (EngineError if the whole is not a catalogue)."""
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise EngineError("the voice catalogue's voices.json is not JSON") from None
    if not isinstance(document, dict):
        raise EngineError("the voice catalogue's voices.json is not an index of voices")
    voices = {}
    for name, entry in document.items():
        voice = _entry(name, entry)
        if voice:
            voices[name] = voice
    return voices


def _entry(name: object, entry: object) -> CatalogueVoice | None:
    if not (isinstance(name, str) and NAME.fullmatch(name) and isinstance(entry, dict)):
        return None
    language = entry.get("language")
    files = entry.get("files")
    if not (isinstance(language, dict) and isinstance(files, dict)):
        return None
    family, region = language.get("family"), language.get("code")
    if not (isinstance(family, str) and re.fullmatch(r"[a-z]{2,3}", family)):
        return None
    found: dict[str, tuple[int, str, str, str]] = {}
    for path, info in files.items():
        if not (isinstance(path, str) and FILE_PATH.fullmatch(path) and isinstance(info, dict)):
            continue
        if ".." in path.split("/"):
            continue
        for suffix in (".onnx", ".onnx.json"):
            if path.rsplit("/", 1)[-1] == name + suffix:
                size, md5 = info.get("size_bytes"), info.get("md5_digest")
                sha256 = info.get("sha256_digest", "")
                if not (isinstance(size, int) and 0 < size <= VOICE_MAX_BYTES):
                    continue
                if not (isinstance(md5, str) and re.fullmatch(r"[0-9a-f]{32}", md5)):
                    continue
                if not (isinstance(sha256, str) and re.fullmatch(r"(?:[0-9a-f]{64})?", sha256)):
                    continue
                found[suffix] = (size, md5, sha256, path)
    if set(found) != {".onnx", ".onnx.json"}:
        return None
    quality = str(entry.get("quality", ""))[:20]
    return CatalogueVoice(name, family, str(region or family)[:10], quality, found)


def fetch_index() -> dict[str, CatalogueVoice]:
    url = catalogue_url() + "voices.json"
    try:
        return parse_index(_fetch(url, INDEX_MAX_BYTES))
    except NarrateError as exc:
        raise EngineError(f"cannot read the voice catalogue: {exc}") from None


def voice_path(name: str) -> Path:
    return piper_dir() / name / f"{name}.onnx"


def downloaded() -> dict[str, Path]:
    """Catalogue voices on this machine: name → its .onnx (with its .onnx.json beside it)."""
    found = {}
    folder = piper_dir()
    if folder.is_dir():
        for child in sorted(folder.iterdir()):
            model = child / f"{child.name}.onnx"
            config = model.with_name(model.name + ".json")
            if is_catalogue_name(child.name) and model.is_file() and config.is_file():
                found[child.name] = model
    return found


def language_of(name: str) -> str:
    """'uk_UA-ukrainian_tts-medium' → 'uk'."""
    return name.split("-", 1)[0].split("_", 1)[0].lower()


QUALITY_ORDER = {"high": 0, "medium": 1, "low": 2, "x_low": 3}


def voice_for_language(lang: str) -> Path | None:
    """The downloaded catalogue voice that speaks LANG (the best quality, then by name)."""
    from ..model import base_language

    base = base_language(lang)
    names = [n for n in downloaded() if language_of(n) == base]
    if not names:
        return None
    best = min(names, key=lambda n: (QUALITY_ORDER.get(n.rsplit("-", 1)[-1], 9), n))
    return voice_path(best)


def download(name: str) -> Path:
    """Fetch the catalogue voice NAME once into piper_dir()/NAME: its .onnx and .onnx.json,
    each checked against the index (size, MD5, and sha256 where given), written in a
    temporary folder that is renamed into place when both are right. A voice already there is
    left as it is. One-line errors (no network, not in the catalogue, a wrong digest) leave
    nothing behind."""
    if not is_catalogue_name(name):
        raise EngineError(f"{name!r} is not a Piper voice name like uk_UA-ukrainian_tts-medium")
    target = voice_path(name)
    if target.is_file() and target.with_name(target.name + ".json").is_file():
        return target
    voices = fetch_index()
    if name not in voices:
        near = sorted(n for n in voices if language_of(n) == language_of(name))[:6]
        hint = f": {language_of(name)} has {', '.join(near)}" if near else ""
        raise EngineError(f"the voice catalogue has no voice {name!r}{hint}")
    voice = voices[name]
    parent = piper_dir()
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".part", dir=parent))
    try:
        for suffix, (size, md5, sha256, path) in voice.files.items():
            url = catalogue_url() + path
            try:
                data = _fetch(url, size + 1024)
            except NarrateError as exc:
                raise EngineError(f"cannot download the voice {name!r}: {exc}") from None
            problem = _check(data, size, md5, sha256)
            if problem:
                raise EngineError(
                    f"the voice {name!r} from {url} is not the one the catalogue lists "
                    f"({problem}): not kept"
                )
            (staging / f"{name}{suffix}").write_bytes(data)
        final = parent / name
        old = None
        if final.exists():  # incomplete (a file lost since): replaced whole
            old = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".old", dir=parent))
            os.replace(final, old / name)
        os.replace(staging, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _check(data: bytes, size: int, md5: str, sha256: str) -> str | None:
    if len(data) != size:
        return f"{len(data)} bytes, not {size}"
    digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
    if digest != md5:
        return f"MD5 {digest[:12]}…, not {md5[:12]}…"
    if sha256:
        digest = hashlib.sha256(data).hexdigest()
        if digest != sha256:
            return f"sha256 {digest[:12]}…, not {sha256[:12]}…"
    return None


def catalogue_listing(lang: str | None = None) -> list[tuple[str, str, str, int, bool]]:
    """(name, region, quality, megabytes, downloaded) of the catalogue's voices (for LANG)."""
    from ..model import base_language

    here = downloaded()
    rows = []
    for name, voice in sorted(fetch_index().items()):
        if lang and voice.language != base_language(lang):
            continue
        size = sum(entry[0] for entry in voice.files.values())
        rows.append((name, voice.region, voice.quality, round(size / 1e6), name in here))
    return rows


_NOTED: set[str] = set()


def note_missing(lang: str) -> None:
    """Say once per language that espeak-ng speaks LANG, and which command gets a neural
    voice for it."""
    from ..model import base_language

    base = base_language(lang)
    if base in _NOTED:
        return
    _NOTED.add(base)
    suggestion = SUGGESTED.get(base)
    if suggestion:
        log.warning(
            "espeak-ng speaks %s: for a neural voice, narrate voices download %s", base, suggestion
        )
