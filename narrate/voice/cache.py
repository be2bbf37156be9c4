"""A content-addressed cache of synthesised sentences, shared by every narrate run.

The key covers everything that shapes a clip: engine, engine version, voice (and the voice
file's identity), synthesis settings and the exact text the engine is given. Entries are WAV
files written to a temporary name and renamed, so concurrent runs never see half a clip; each
carries a checksum of its audio (a chunk of its own after the samples), and an entry that is
cut short or damaged is dropped on reading and spoken again. A take checked by ear (--verify)
also carries what the listener heard and its score, so that a later run need not check it.
Reading touches an entry, and the least recently used are evicted beyond the size limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import struct
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from ..model import Clip

CACHE_ENV = "NARRATE_CACHE_DIR"
SIZE_ENV = "NARRATE_CACHE_MAX_MB"
DEFAULT_MAX_MB = 2048
CHECKSUM_CHUNK = b"nsum"  # RIFF chunk after the samples: blake2b-128 of the PCM
CHECK_CHUNK = b"nchk"  # RIFF chunk: JSON of the listener's verdict on this take (--verify)


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
    def __init__(self, path: Path | None = None, max_bytes: int | None = None) -> None:
        self.path = path or default_dir()
        self.max_bytes = default_max_bytes() if max_bytes is None else max_bytes
        self.hits = 0
        self.misses = 0

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
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".part", dir=path.parent)
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
        found: list[tuple[Path, os.stat_result]] = []
        try:
            folders = [folder for folder in self.path.iterdir() if folder.is_dir()]
        except OSError:  # no cache yet, or its path is not a folder: nothing cached
            return found
        for folder in folders:
            for item in folder.glob("*.wav"):
                try:
                    found.append((item, item.stat()))
                except OSError:
                    continue
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
