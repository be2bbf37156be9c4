"""Stage 5, feed: many sources → a podcast folder (feed.xml, episodes, pages), kept up to date.

`sources` expands URL lists, OPML and RSS/Atom into articles, `batch` narrates them through
`narrate.pipeline` (in parallel) and records them in the `library`, `publish` writes the feed
(`rss`) and its pages (`site`) without ever losing an episode, `recover` rebuilds a lost
library from them; `config` is feed.toml and `serve` a local HTTP server for the folder.
"""

from .batch import (
    Outcome,
    add_sources,
    init_feed,
    list_episodes,
    remove_episode,
    update_feed,
)
from .config import FeedConfig, load_config
from .publish import publish

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
