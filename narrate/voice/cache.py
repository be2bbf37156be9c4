"""A content-addressed cache of synthesised sentences, shared by every narrate run.

The key covers everything that shapes a clip: engine, engine version, voice (and the voice
file's identity), synthesis settings and the exact text the engine is given. Entries are WAV
files written to a temporary name and renamed, so concurrent runs never see half a clip;
reading touches an entry, and the least recently used are evicted beyond the size limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from ..model import Clip

CACHE_ENV = "NARRATE_CACHE_DIR"
SIZE_ENV = "NARRATE_CACHE_MAX_MB"
DEFAULT_MAX_MB = 2048


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
        path = self.entry(key)
        try:
            data = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        try:
            with wave.open(io.BytesIO(data)) as wav:
                clip = Clip(wav.readframes(wav.getnframes()), wav.getframerate())
        except (wave.Error, EOFError):
            path.unlink(missing_ok=True)  # damaged: drop it and synthesise again
            self.misses += 1
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # least recently used is evicted first
        self.hits += 1
        return clip

    def put(self, key: str, clip: Clip) -> None:
        path = self.entry(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".part", dir=path.parent)
            with os.fdopen(fd, "wb") as handle, wave.open(handle, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(clip.rate)
                wav.writeframes(clip.pcm)
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs speed

    def entries(self) -> list[tuple[Path, os.stat_result]]:
        found = []
        if not self.path.exists():
            return found
        for folder in self.path.iterdir():
            if not folder.is_dir():
                continue
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
