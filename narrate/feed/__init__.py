"""Podcast feeds: many articles into one RSS feed with a small site, updated incrementally."""

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
