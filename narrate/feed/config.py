"""A feed folder's settings: feed.toml (channel details, voice and mastering settings)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import NarrateError
from ..pipeline.settings import FEED_FORMATS, Settings, SettingsError, describe

CONFIG_NAME = "feed.toml"
LIBRARY_NAME = "library.sqlite"
EPISODES = "episodes"  # the folder of episode files inside a feed folder
# The Podcasting 2.0 namespace's UUIDv5 namespace for podcast:guid.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
# Apple's podcast categories and their subcategories
# (https://podcasters.apple.com/support/1691-apple-podcasts-categories).
ITUNES_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": (
        "Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit",
    ),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": (
        "Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality",
    ),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga", "Automotive", "Aviation", "Crafts", "Games", "Hobbies",
        "Home & Garden", "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News", "Daily News", "Entertainment News", "News Commentary", "Politics",
        "Sports News", "Tech News",
    ),
    "Religion & Spirituality": (
        "Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Religion", "Spirituality",
    ),
    "Science": (
        "Astronomy", "Chemistry", "Earth Sciences", "Life Sciences", "Mathematics",
        "Natural Sciences", "Nature", "Physics", "Social Sciences",
    ),
    "Society & Culture": (
        "Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships",
    ),
    "Sports": (
        "Baseball", "Basketball", "Cricket", "Fantasy Sports", "Football", "Golf", "Hockey",
        "Rugby", "Running", "Soccer", "Swimming", "Tennis", "Volleyball", "Wilderness",
        "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}  # fmt: skip


class FeedError(NarrateError):
    """A feed folder is missing, incomplete or misconfigured."""


class FeedConfig(BaseModel):
    """Everything `narrate feed init` asks for, the batch's cluster, and the narration
    settings every episode is narrated by (feed.toml's [narration] table: see
    pipeline/settings.py). Made and checked by `FeedConfig.checked` or `load_config`."""

    model_config = ConfigDict(extra="forbid", strict=True)

    title: str
    author: str
    email: str
    base_url: str
    description: str = ""
    language: str = "en"
    category: str = "News"
    subcategory: str = ""
    explicit: bool = False
    image: str = ""  # file name inside the public folder
    locked: bool = True
    out: str = "public"  # the published folder: relative to the feed folder, or absolute
    # Let feeds, OPML files and pages lead to internal addresses (an intranet's feed; tests).
    allow_private_addresses: bool = False
    cluster: str = ""  # a Dask scheduler's address to run batches on; empty: this machine
    poll: str = ""  # narrate api re-reads the feed's sources this often ("10m"); empty: never
    narration: Settings = Field(default_factory=Settings)

    @property
    def feed_url(self) -> str:
        return self.base_url.rstrip("/") + "/feed.xml"

    @property
    def podcast_guid(self) -> str:
        """UUIDv5 of the feed URL without scheme and trailing slashes, as the spec defines."""
        bare = self.feed_url.split("://", 1)[-1].rstrip("/")
        return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))

    @property
    def audio_format(self) -> str:
        """The episodes' format: the narration's, mp3 when none is set."""
        return self.narration.format or "mp3"

    def url(self, relative: str) -> str:
        return self.base_url.rstrip("/") + "/" + relative.lstrip("/")

    @classmethod
    def checked(cls, values: dict[str, Any]) -> FeedConfig:
        """A FeedConfig from VALUES (the narration settings as a Settings or a table), or
        FeedError naming the first bad setting."""
        narration = values.get("narration", {})
        if not isinstance(narration, Settings):
            if not isinstance(narration, dict):
                raise FeedError("[narration] must be a table of settings")
            try:
                narration = Settings.checked(narration)
            except SettingsError as exc:
                raise FeedError(str(exc)) from None
        try:
            config = cls(**{**values, "narration": narration})
        except ValidationError as exc:
            missing = [str(e["loc"][0]) for e in exc.errors() if e["type"] == "missing"]
            if missing:
                raise FeedError(f"missing setting(s) {', '.join(missing)}") from None
            error = exc.errors()[0]
            name = str(error["loc"][0]) if error["loc"] else "settings"
            raise FeedError(describe(error, name)) from None
        config.check()
        return config

    def check(self) -> None:
        """The rules beyond each setting's kind; FeedError names the first one broken."""
        for name in ("title", "author", "email", "base_url"):
            if not getattr(self, name).strip():
                raise FeedError(f"{name} must not be empty")
        if not re.match(r"^https?://[^\s/?#]+(?:/[^\s]*)?$", self.base_url):
            raise FeedError(
                f"base URL (base_url) must start with http:// or https://, not {self.base_url!r}"
            )
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", self.email):
            raise FeedError(f"email {self.email!r} is not an e-mail address")
        if self.category not in ITUNES_CATEGORIES:
            raise FeedError(
                f"unknown category {self.category!r}: use one of Apple's, e.g. News, Technology"
            )
        subcategories = ITUNES_CATEGORIES[self.category]
        if self.subcategory and self.subcategory not in subcategories:
            choices = ", ".join(subcategories) or "none"
            raise FeedError(
                f"{self.category} has no subcategory {self.subcategory!r} (Apple's: {choices})"
            )
        if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", self.language):
            raise FeedError(
                f"language must be a language code like en or en-GB, not {self.language!r}"
            )
        if self.image and ("/" in self.image or "\\" in self.image or self.image.startswith(".")):
            raise FeedError(
                f"image must be a file name inside the public folder, not {self.image!r}"
            )
        if not self.out.strip() or "\x00" in self.out:
            raise FeedError(f"out must name a folder, not {self.out!r}")
        if self.cluster and not re.fullmatch(
            r"(?:(?:tcp|tls|ws|wss)://)?[A-Za-z0-9.\-\[\]:]+:\d{1,5}", self.cluster
        ):
            raise FeedError(
                f"cluster must be a Dask scheduler address like tcp://host:8786, not "
                f"{self.cluster!r}"
            )
        if self.poll:
            try:
                interval_seconds(self.poll)
            except ValueError as exc:
                raise FeedError(f"poll {exc}") from None
        if self.narration.format not in (None, *FEED_FORMATS):
            raise FeedError(
                f"format must be {', '.join(FEED_FORMATS)} for a feed's episodes, not "
                f"{self.narration.format!r}"
            )

    def changed(self, overrides: dict[str, Any] | None) -> FeedConfig:
        """This config with OVERRIDES (narration settings and cluster; None: not given)."""
        given = {k: v for k, v in (overrides or {}).items() if v is not None}
        if not given:
            return self
        cluster = given.pop("cluster", self.cluster)
        try:
            narration = self.narration.changed(given)
        except SettingsError as exc:
            raise FeedError(str(exc)) from None
        changed = self.model_copy(update={"narration": narration, "cluster": cluster})
        changed.check()
        return changed


def interval_seconds(text: str) -> float:
    """ "90s", "10m", "1h" or a number of seconds → seconds (1 s to a day); ValueError."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*", text)
    if not match:
        raise ValueError(f'must be like "10m", "90s" or "1h", not {text!r}')
    seconds = float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]
    if not 1 <= seconds <= 86400:
        raise ValueError(f"must be 1 second to a day, not {text!r}")
    return seconds


def load_config(folder: Path) -> FeedConfig:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    path = folder / CONFIG_NAME
    if not path.exists():
        raise FeedError(f"{folder} is not a feed folder (no {CONFIG_NAME}): run narrate feed init")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FeedError(f"cannot read {path}: {exc}") from None
    sections = [data.get("feed", {}), data.get("narration", {})]
    if not all(isinstance(section, dict) for section in sections):
        raise FeedError(f"{path}: [feed] and [narration] must be tables of settings")
    channel, narration = dict(sections[0]), dict(sections[1])
    if "cluster" in narration:  # a batch setting, kept in [narration] where it began
        channel["cluster"] = narration.pop("cluster")
    try:
        return FeedConfig.checked({**channel, "narration": narration})
    except FeedError as exc:
        raise FeedError(f"{path}: {exc}") from None


def save_config(folder: Path, config: FeedConfig) -> None:
    """Write feed.toml: [feed] the channel, [narration] the settings given (and the cluster)."""
    import tomli_w

    from ..files import write_atomic

    channel = config.model_dump(exclude={"narration"})
    cluster = channel.pop("cluster")
    # Every setting with a value (a user sees them all; a feed keeps its voice and sound when
    # narrate's defaults change), files as given.
    narration = {
        name: str(value) if isinstance(value, Path) else value
        for name, value in config.narration.model_dump().items()
        if value is not None
    }
    document = {"feed": channel, "narration": {**narration, "cluster": cluster}}
    header = (
        "# narrate feed settings. [feed]: the podcast channel; [narration]: every episode's\n"
        "# narration (the settings of narrate article; files relative to this folder).\n"
    )
    write_atomic(folder / CONFIG_NAME, header + tomli_w.dumps(document))
