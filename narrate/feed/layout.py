"""Where a feed folder keeps its state and where it puts what listeners get.

    FEED/feed.toml, FEED/library.sqlite, FEED/.narrate.lock   state: never published
    FEED/.staging/                                            episodes being made
    FEED/public/  (or feed.toml's `out`)                       everything published:
        feed.xml, index.html, site.css, the artwork,
        episodes/NAME.mp3 (.html .vtt .srt .chapters.json .transcript.json .jpg .oembed.json),
        player/player.js, player/NAME.json

`public/` is the only folder `narrate serve` serves and the only one a publisher uploads.
Folders made before it existed (feed.xml and episodes/ beside feed.toml) are moved over by
`move_to_public` on the next run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .config import EPISODES, FeedConfig, FeedError


def episode_audio_name(title: str, key: str, suffix: str) -> str:
    """An episode's audio file name, the one place it is made: its title's slug and the start
    of its narration key (a re-narrated episode gets a new name, so apps fetch it again)."""
    from ..pipeline import slugify

    return f"{slugify(title, 60)}-{key[:8]}{suffix}"


def audio_stem(audio: str) -> str:
    """The name every file of an episode shares: its audio file's name without the suffix."""
    return audio.rsplit(".", 1)[0]


log = logging.getLogger(__name__)
STAGING = ".staging"
PLAYER = "player"
TOP_PUBLISHED = ("feed.xml", "index.html", "site.css")


@dataclass(frozen=True)
class FeedLayout:
    """The paths of one feed folder."""

    folder: Path
    public: Path

    @property
    def episodes(self) -> Path:
        return self.public / EPISODES

    @property
    def player(self) -> Path:
        return self.public / PLAYER

    @property
    def staging(self) -> Path:
        return self.folder / STAGING

    @property
    def feed_xml(self) -> Path:
        return self.public / "feed.xml"


def layout_for(folder: Path, config: FeedConfig) -> FeedLayout:
    """FOLDER's layout under CONFIG; FeedError when its `out` would publish the feed's state."""
    out = Path(config.out).expanduser()
    public = out if out.is_absolute() else folder / out
    here, there = folder.resolve(), public.resolve()
    if there == here or here.is_relative_to(there):
        raise FeedError(
            f"out = {config.out!r} would publish the feed's own settings and library: "
            "give a folder inside or beside the feed folder, like public"
        )
    if there.exists() and not there.is_dir():
        raise FeedError(f"out = {config.out!r} is not a folder")
    return FeedLayout(folder, public)


def old_layout_items(folder: Path, config: FeedConfig) -> list[str]:
    """What a folder made before public/ existed still holds where listeners used to get it."""
    names = [EPISODES, *(n for n in (config.image,) if n), "index.html", "feed.xml"]
    return [name for name in names if (folder / name).exists()]


def move_to_public(layout: FeedLayout, config: FeedConfig) -> list[str]:
    """Move an old feed folder's published files into the public folder; returns what moved.

    Episodes go first and feed.xml last, so a run stopped half-way leaves a folder the next
    run finishes moving and whose feed never loses an episode (see publish.check_nothing_lost).
    Call it with the folder's lock held."""
    moved = old_layout_items(layout.folder, config)
    if not moved:
        return []
    layout.public.mkdir(parents=True, exist_ok=True)
    for name in moved:
        source, target = layout.folder / name, layout.public / name
        if source.is_dir():
            target.mkdir(exist_ok=True)
            for entry in sorted(source.iterdir()):
                if entry.name.startswith("."):  # an old run's staging or temp files
                    continue
                if not (target / entry.name).exists():
                    move_file(entry, target / entry.name)
            shutil.rmtree(source, ignore_errors=True)
        elif target.exists():
            source.unlink(missing_ok=True)  # the public copy is newer: publish rewrites it
        else:
            move_file(source, target)
    log.warning(
        "moved %s into %s: from now on serve or upload that folder only (it holds "
        "everything listeners get, and nothing else)",
        ", ".join(moved),
        layout.public,
    )
    return moved


def move_file(source: Path, target: Path) -> None:
    """Move SOURCE to TARGET so that TARGET appears whole or not at all, across filesystems
    too (a public folder on another disk): copied to a hidden temp file beside it, renamed."""
    try:
        os.replace(source, target)
        return
    except OSError as exc:
        if exc.errno != 18:  # EXDEV: another filesystem
            raise
    fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        shutil.copy2(source, temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    source.unlink()


__all__ = ["FeedLayout", "layout_for", "move_file", "move_to_public"]
