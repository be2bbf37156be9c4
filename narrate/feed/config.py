"""A feed folder's settings: feed.toml (channel details, voice and mastering settings)."""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ..audio.limits import check_bitrate, check_loudness
from ..errors import NarrateError

CONFIG_NAME = "feed.toml"
LIBRARY_NAME = "library.sqlite"
EPISODES = "episodes"  # the folder of episode files inside a feed folder
# The Podcasting 2.0 namespace's UUIDv5 namespace for podcast:guid.
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
ITUNES_CATEGORIES = {
    "Arts",
    "Business",
    "Comedy",
    "Education",
    "Fiction",
    "Government",
    "History",
    "Health & Fitness",
    "Kids & Family",
    "Leisure",
    "Music",
    "News",
    "Religion & Spirituality",
    "Science",
    "Society & Culture",
    "Sports",
    "Technology",
    "True Crime",
    "TV & Film",
}


class FeedError(NarrateError):
    """A feed folder is missing, incomplete or misconfigured."""


@dataclass
class FeedConfig:
    """Everything `narrate feed init` asks for, plus the voice and mastering defaults."""

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
    # voice and mastering, overridable per run
    engine: str = "auto"  # hibari for English, espeak-ng for other languages
    voice: str = ""
    lang: str = ""  # article language override; empty: each page's own
    datelines: bool = True  # read a story's opening dateline ("WASHINGTON (CNN) —")
    verify: bool = False  # listen back to each sentence and re-speak what came out wrong
    verify_tries: int = 3  # with verify: re-takes at most for a sentence heard wrong
    cluster: str = ""  # a Dask scheduler's address to run batches on; empty: this machine
    loudness: float = -16.0
    bitrate: str = "64k"
    format: str = "mp3"

    @property
    def feed_url(self) -> str:
        return self.base_url.rstrip("/") + "/feed.xml"

    @property
    def podcast_guid(self) -> str:
        """UUIDv5 of the feed URL without scheme and trailing slashes, as the spec defines."""
        bare = self.feed_url.split("://", 1)[-1].rstrip("/")
        return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))

    def url(self, relative: str) -> str:
        return self.base_url.rstrip("/") + "/" + relative.lstrip("/")

    def validate(self) -> None:
        """Check every setting's type and range; FeedError names the first bad one."""
        for spec in fields(self):
            value = getattr(self, spec.name)
            expected = FIELD_TYPES[spec.name]
            if expected is float:
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            elif expected is int:
                ok = isinstance(value, int) and not isinstance(value, bool)
            else:
                ok = isinstance(value, expected)
            if not ok:
                kind = KIND_NAMES[expected]
                raise FeedError(f"{spec.name} must be {kind}, not {value!r}")
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
        if not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*", self.language):
            raise FeedError(
                f"language must be a language code like en or en-GB, not {self.language!r}"
            )
        if self.lang and not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*", self.lang):
            raise FeedError(
                f"lang must be a language code like en or de, or empty, not {self.lang!r}"
            )
        if self.image and ("/" in self.image or "\\" in self.image or self.image.startswith(".")):
            raise FeedError(
                f"image must be a file name inside the public folder, not {self.image!r}"
            )
        if not self.out.strip() or "\x00" in self.out:
            raise FeedError(f"out must name a folder, not {self.out!r}")
        from ..voice.engines import ENGINE_CHOICES

        if self.engine not in ENGINE_CHOICES:
            raise FeedError(
                f"engine must be one of {', '.join(ENGINE_CHOICES)}, not {self.engine!r}"
            )
        if not 1 <= self.verify_tries <= 10:
            raise FeedError(f"verify_tries must be 1 to 10, not {self.verify_tries!r}")
        try:
            check_loudness(self.loudness)
            check_bitrate(self.bitrate)
        except ValueError as exc:
            raise FeedError(str(exc)) from None
        if self.cluster and not re.fullmatch(
            r"(?:(?:tcp|tls|ws|wss)://)?[A-Za-z0-9.\-\[\]:]+:\d{1,5}", self.cluster
        ):
            raise FeedError(
                f"cluster must be a Dask scheduler address like tcp://host:8786, not "
                f"{self.cluster!r}"
            )
        if self.format not in ("mp3", "m4a", "opus"):
            raise FeedError(f"format must be mp3, m4a or opus, not {self.format!r}")


KIND_NAMES = {str: "text", bool: "true or false", float: "a number", int: "a whole number"}
FIELD_TYPES: dict[str, type] = {
    "explicit": bool,
    "locked": bool,
    "allow_private_addresses": bool,
    "datelines": bool,
    "verify": bool,
    "verify_tries": int,
    "loudness": float,
}
FIELD_TYPES.update(
    {
        name: str
        for name in (
            "title",
            "author",
            "email",
            "base_url",
            "description",
            "language",
            "category",
            "subcategory",
            "image",
            "out",
            "engine",
            "voice",
            "lang",
            "bitrate",
            "format",
            "cluster",
        )
    }
)


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
    channel = {**sections[0], **sections[1]}
    known = {f.name for f in fields(FeedConfig)}
    unknown = set(channel) - known
    if unknown:
        raise FeedError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}")
    try:
        config = FeedConfig(**channel)
    except TypeError as exc:  # a required setting missing
        missing = str(exc).split(":", 1)[-1].strip()
        raise FeedError(f"{path}: missing setting(s) {missing}") from None
    try:
        config.validate()
    except FeedError as exc:
        raise FeedError(f"{path}: {exc}") from None
    return config


NARRATION_KEYS = (
    "engine",
    "voice",
    "lang",
    "datelines",
    "verify",
    "verify_tries",
    "loudness",
    "bitrate",
    "format",
    "cluster",
)


def save_config(folder: Path, config: FeedConfig) -> None:
    import tomli_w

    from ..files import write_atomic

    values = asdict(config)
    document = {
        "feed": {k: v for k, v in values.items() if k not in NARRATION_KEYS},
        "narration": {k: values[k] for k in NARRATION_KEYS},
    }
    header = "# narrate feed settings. [feed]: the podcast channel; [narration]: voice and audio.\n"
    write_atomic(folder / CONFIG_NAME, header + tomli_w.dumps(document))
