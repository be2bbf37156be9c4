"""Stage 5, feed: many sources → a podcast folder (feed.xml, episodes, pages), kept up to date.

`sources` expands URL lists, OPML and RSS/Atom into articles, `batch` narrates them through
`narrate.pipeline` (in parallel) and records them in the `library`, and `rss` and `site` publish
the feed and its pages; `config` is feed.toml and `serve` a local HTTP server for the folder.
"""

from .batch import (
    Outcome,
    add_sources,
    init_feed,
    list_episodes,
    publish,
    remove_episode,
    update_feed,
)
from .config import FeedConfig, load_config

__all__ = [
    "FeedConfig",
    "Outcome",
    "add_sources",
    "init_feed",
    "list_episodes",
    "load_config",
    "publish",
    "remove_episode",
    "update_feed",
]
