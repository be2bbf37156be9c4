"""A content-addressed cache of synthesised sentences, shared by every narrate run.

The key covers everything that shapes a clip: engine, engine version, voice (and the voice
file's identity), synthesis settings and the exact text the engine is given. Entries are WAV
files written to a temporary name and renamed, so concurrent runs never see half a clip; each
carries a checksum of its audio (a chunk of its own after the samples), and an entry that is
cut short or damaged is dropped on reading and spoken again. A take checked by ear (--verify)
also carries what the listener heard and its score, so that a later run need not check it.
Reading touches an entry, and the least recently used are evicted beyond the size limit.

The folder is narrate's own, and says so: a CACHEDIR.TAG (the cache directory tag backup
tools know) naming narrate. A folder that is neither new, empty, nor made only of narrate's
entries (an older narrate's, before the tag) is refused in one line, never adopted; and
clearing and eviction delete only narrate's entries (`ab/<sha256>.wav`), nothing else found
there, following no link. `NARRATE_CACHE_DIR=~/Music` therefore deletes no music.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import struct
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from ..errors import NarrateError
from ..model import Clip

CACHE_ENV = "NARRATE_CACHE_DIR"
SIZE_ENV = "NARRATE_CACHE_MAX_MB"
DEFAULT_MAX_MB = 2048
CHECKSUM_CHUNK = b"nsum"  # RIFF chunk after the samples: blake2b-128 of the PCM
CHECK_CHUNK = b"nchk"  # RIFF chunk: JSON of the listener's verdict on this take (--verify)
MARKER = "CACHEDIR.TAG"
SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"
MARKER_TEXT = (
    SIGNATURE.decode() + "\n# This folder is narrate's cache of synthesised sentences "
    "(narrate cache clear deletes only its entries).\n"
)
SHARD = re.compile(r"[0-9a-f]{2}")
ENTRY = re.compile(r"[0-9a-f]{64}\.wav")
PART = re.compile(r"\.[0-9a-f]{64}\.wav\.[^/]*\.part|\.[^/]*\.part")
OWN_FILES = {MARKER, "levels.json"}
SCAN_LIMIT = 200_000  # entries looked at to recognise an older narrate's untagged cache


class CacheError(NarrateError):
    """The cache folder is not narrate's own."""


def is_marked(folder: Path) -> bool:
    """Whether FOLDER carries narrate's cache tag."""
    marker = folder / MARKER
    try:
        if marker.is_symlink() or not marker.is_file():
            return False
        with marker.open("rb") as handle:
            head = handle.read(512)
    except OSError:
        return False
    return head.startswith(SIGNATURE) and b"narrate" in head


def only_narrates(folder: Path) -> bool:
    """Whether FOLDER holds nothing but what narrate writes in a cache (or nothing at all)."""
    seen = 0
    try:
        for child in folder.iterdir():
            seen += 1
            if child.is_symlink():
                return False
            if child.name in OWN_FILES or PART.fullmatch(child.name):
                continue  # by its name (another run's temporary file may be gone already)
            if not SHARD.fullmatch(child.name):
                return False
            if not child.exists():
                continue
            if not child.is_dir():
                return False
            try:
                items = list(child.iterdir())
            except FileNotFoundError:  # removed meanwhile by another run's clear
                continue
            for item in items:
                seen += 1
                if seen > SCAN_LIMIT or item.is_symlink():
                    return False
                if not (ENTRY.fullmatch(item.name) or PART.fullmatch(item.name)):
                    return False
    except OSError:
        return False
    return True


def claim(folder: Path, create: bool = True) -> bool:
    """Whether FOLDER is narrate's cache, tagging it first when it is new, empty or made only
    of narrate's entries (CREATE: make it when missing)."""
    if is_marked(folder):
        return True
    if folder.is_symlink() and not folder.exists():
        return False
    if not folder.exists():
        if not create:
            return False
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return False
    if not folder.is_dir() or not only_narrates(folder):
        return False
    try:
        fd, tmp = tempfile.mkstemp(prefix=".tag.", suffix=".part", dir=folder)
        with os.fdopen(fd, "w") as handle:
            handle.write(MARKER_TEXT)
        os.replace(tmp, folder / MARKER)
    except OSError:
        return False
    return True


def refuse(folder: Path) -> CacheError:
    what = "is not a folder" if folder.exists() and not folder.is_dir() else "holds other files"
    return CacheError(
        f"the cache folder {folder} {what} and is not narrate's (no {MARKER} of narrate's): "
        f"set {CACHE_ENV} to a new or empty folder, or use --no-cache"
    )


def checksum(pcm: bytes) -> bytes:
    return hashlib.blake2b(pcm, digest_size=16).digest()


def encode_entry(clip: Clip, check: dict[str, object] | None = None) -> bytes:
    """A mono 16-bit WAV file of CLIP with its checksum chunk (and CHECK, the listener's
    verdict, when it was checked by ear)."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(clip.rate)
        wav.writeframes(clip.pcm)
    data = buffer.getvalue()
    if len(clip.pcm) % 2:  # RIFF chunks are word-aligned
        data += b"\x00"
    digest = checksum(clip.pcm)
    data += CHECKSUM_CHUNK + struct.pack("<I", len(digest)) + digest
    if check is not None:
        body = json.dumps(check, sort_keys=True, ensure_ascii=False).encode()
        data += CHECK_CHUNK + struct.pack("<I", len(body)) + body + b"\x00" * (len(body) % 2)
    return data[:4] + struct.pack("<I", len(data) - 8) + data[8:]


def decode_entry(data: bytes) -> Clip | None:
    """The clip in an entry, or None when the entry is cut short, damaged or unchecked."""
    entry = decode_full_entry(data)
    return entry.clip if entry is not None else None


@dataclass(frozen=True)
class CachedClip:
    """A cache entry: its clip, and the listener's verdict on it when it was checked."""

    clip: Clip
    check: dict[str, object] | None = None


def decode_full_entry(data: bytes) -> CachedClip | None:
    """The clip and verdict in an entry, or None when it is cut short, damaged or unchecked;
    a verdict that does not read as a JSON object counts as none (the take is checked again)."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    if struct.unpack("<I", data[4:8])[0] != len(data) - 8:
        return None  # cut short (or grown)
    chunks: dict[bytes, bytes] = {}
    position = 12
    while position + 8 <= len(data):
        name, size = (
            data[position : position + 4],
            struct.unpack("<I", data[position + 4 : position + 8])[0],
        )
        body = data[position + 8 : position + 8 + size]
        if len(body) != size:
            return None
        chunks[name] = body
        position += 8 + size + (size % 2)
    fmt, pcm, digest = chunks.get(b"fmt "), chunks.get(b"data"), chunks.get(CHECKSUM_CHUNK)
    if fmt is None or pcm is None or digest is None or len(fmt) < 16:
        return None
    audio_format, channels, rate, _, _, bits = struct.unpack("<HHIIHH", fmt[:16])
    if (audio_format, channels, bits) != (1, 1, 16) or rate <= 0 or checksum(pcm) != digest:
        return None
    check = None
    if CHECK_CHUNK in chunks:
        try:
            check = json.loads(chunks[CHECK_CHUNK].rstrip(b"\x00").decode())
        except (UnicodeDecodeError, ValueError):
            check = None
        if not isinstance(check, dict):
            check = None
    return CachedClip(Clip(pcm, rate), check)


def default_dir() -> Path:
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("narrate", appauthor=False)) / "segments"


def default_max_bytes() -> int:
    try:
        return int(float(os.environ.get(SIZE_ENV, DEFAULT_MAX_MB)) * 2**20)
    except ValueError:
        return DEFAULT_MAX_MB * 2**20


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    entries: int
    bytes: int
    max_bytes: int


class SegmentCache:
    """The cache in PATH (default: default_dir()), which must be narrate's own (see claim):
    CacheError when it is not."""

    def __init__(self, path: Path | None = None, max_bytes: int | None = None) -> None:
        self.path = path or default_dir()
        self.max_bytes = default_max_bytes() if max_bytes is None else max_bytes
        self.hits = 0
        self.misses = 0
        if (self.path.exists() or self.path.is_symlink()) and not claim(self.path):
            raise refuse(self.path)

    @staticmethod
    def key(identity: dict[str, object], text: str) -> str:
        payload = json.dumps({"engine": identity, "text": text}, sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    def entry(self, key: str) -> Path:
        return self.path / key[:2] / f"{key}.wav"

    def has(self, key: str) -> bool:
        return self.entry(key).exists()

    def get(self, key: str) -> Clip | None:
        entry = self.get_entry(key)
        return entry.clip if entry is not None else None

    def get_entry(self, key: str) -> CachedClip | None:
        """The clip stored under KEY with its verdict (see put), or None."""
        path = self.entry(key)
        try:
            data = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        clip = decode_full_entry(data)
        if clip is None:  # cut short or damaged: drop it, and the sentence is spoken again
            with contextlib.suppress(OSError):
                path.unlink()
            self.misses += 1
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # least recently used is evicted first
        self.hits += 1
        return clip

    def put(self, key: str, clip: Clip, check: dict[str, object] | None = None) -> None:
        """Store CLIP under KEY (with CHECK, the listener's verdict on it, if it was heard)."""
        path = self.entry(key)
        try:
            if not claim(self.path):  # made since, or replaced, by someone else: not ours
                return
            path.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(encode_entry(clip, check))
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError:
            pass  # a cache that cannot be written only costs speed

    def entries(self) -> list[tuple[Path, os.stat_result]]:
        """narrate's entries in the cache (`ab/<sha256>.wav`, no link), nothing else there."""
        found: list[tuple[Path, os.stat_result]] = []
        if not is_marked(self.path):
            return found  # no cache yet (or not ours): nothing of ours in it
        try:
            folders = [
                folder
                for folder in self.path.iterdir()
                if SHARD.fullmatch(folder.name) and folder.is_dir() and not folder.is_symlink()
            ]
        except OSError:
            return found
        for folder in folders:
            try:
                items = list(folder.iterdir())
            except OSError:
                continue
            for item in items:
                if not ENTRY.fullmatch(item.name) or item.name[:2] != folder.name:
                    continue
                try:
                    stat = item.lstat()
                except OSError:
                    continue
                if stat.st_mode & 0o170000 == 0o100000:  # a regular file, not a link
                    found.append((item, stat))
        return found

    def info(self) -> CacheInfo:
        entries = self.entries()
        return CacheInfo(
            self.path, len(entries), sum(s.st_size for _, s in entries), self.max_bytes
        )

    def evict(self) -> int:
        """Delete least recently used entries until the cache fits its limit."""
        entries = sorted(self.entries(), key=lambda item: item[1].st_mtime)
        total = sum(s.st_size for _, s in entries)
        removed = 0
        for path, stat in entries:
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= stat.st_size
            removed += 1
        return removed

    def clear(self) -> int:
        removed = 0
        for path, _ in self.entries():
            path.unlink(missing_ok=True)
            removed += 1
        return removed
