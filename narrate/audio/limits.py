"""The ranges of the mastering settings, checked alike on the command line and in feed.toml
(a light module: the command line imports it at start)."""

from __future__ import annotations

import re

BITRATES_KBPS = (8, 320)
LOUDNESS_LUFS = (-40.0, -5.0)


def check_bitrate(value: str) -> str:
    """VALUE if it is a bitrate narrate encodes at ("64k": 8k to 320k), else ValueError."""
    rate = re.fullmatch(r"(\d{1,3})k", value.strip()) if isinstance(value, str) else None
    low, high = BITRATES_KBPS
    if not rate or not low <= int(rate.group(1)) <= high:
        raise ValueError(f"bitrate must be like 64k ({low}k to {high}k), not {value!r}")
    return value.strip()


def check_loudness(value: float) -> float:
    """VALUE if it is a loudness target narrate masters to (-40 to -5 LUFS), else ValueError."""
    low, high = LOUDNESS_LUFS
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ValueError(f"loudness must be between {low:g} and {high:g} LUFS, not {value!r}")
    return float(value)
