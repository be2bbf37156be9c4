"""Bylines: the people who wrote the story, never the publisher.

Pages put the site or the publisher into the author field ("By Condé Nast and Tom Bennett",
"Tom Watkins and CNN, CNN"). A name that is the site's own (its name, its web address, the
schema.org publisher) or is plainly an organisation goes to the site field, if that is empty,
and never into the byline; each person is named once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from .blocks import clean_inline

# Words that make a name an organisation's (not surnames: "Post", "Press" and "Times" are
# people's names too; such publishers are caught by the site's own names instead).
ORGANISATION_WORDS = {
    "agency", "associated", "broadcasting", "channel", "corporation", "desk", "digital",
    "editorial", "editors", "group", "inc", "llc", "ltd", "magazine", "media", "network",
    "news", "newsroom", "online", "publications", "publishing", "radio", "reporters", "staff",
    "team", "tv", "wire", "wires",
}  # fmt: skip


def jsonld_items(tree: Any) -> list[dict[str, Any]]:
    """The schema.org article objects in the page's JSON-LD."""
    found: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        if len(script.text) > MAX_JSONLD_CHARS or json_depth(script.text) > MAX_JSONLD_DEPTH:
            continue  # no article's metadata is this large or this deep
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for item in iter_jsonld(data):
            if not isinstance(item, dict):
                continue
            kind = item.get("@type")
            kinds = kind if isinstance(kind, list) else [kind]
            if any(str(k).endswith("Article") or k == "BlogPosting" for k in kinds):
                found.append(item)
    return found


MAX_JSONLD_CHARS = 2_000_000
MAX_JSONLD_DEPTH = 64


def json_depth(text: str) -> int:
    """How deep the brackets of the JSON TEXT nest (strings skipped): measured without
    parsing, so that a block nested 100,000 deep is never handed to a recursive parser."""
    depth = deepest = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def iter_jsonld(data: Any) -> list[Any]:
    if isinstance(data, list):
        return [x for item in data for x in iter_jsonld(item)]
    if isinstance(data, dict) and "@graph" in data:
        return iter_jsonld(data["@graph"])
    return [data]


def names_in(value: Any, people: bool | None = None) -> list[str]:
    """Names in a schema.org author or publisher value (a string, an object, a list); with
    PEOPLE, only those typed (or not typed) as an Organization accordingly."""
    values = value if isinstance(value, list) else [value]
    names = []
    for item in values:
        if people is not None and isinstance(item, dict):
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            organisation = any(str(k) in ("Organization", "NewsMediaOrganization") for k in kinds)
            if organisation == people:
                continue
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and clean_inline(name):
            names.append(clean_inline(name))
    return names


def jsonld_people(items: list[dict[str, Any]]) -> list[str]:
    """Author names from JSON-LD, when it lists several (one is left to the page's metadata)."""
    names = unique(name for item in items for name in names_in(item.get("author"), True))
    return names if len(names) > 1 else []


def jsonld_publishers(items: list[dict[str, Any]]) -> list[str]:
    """The publisher's names, and authors typed as an Organization."""
    return unique(
        name
        for item in items
        for name in names_in(item.get("publisher")) + names_in(item.get("author"), False)
    )


def split_authors(author: str | None) -> list[str]:
    """'By Ann Lee and Bo Chan, CNN' → ['Ann Lee', 'Bo Chan', 'CNN']."""
    if not author:
        return []
    text = re.sub(r"^\s*(?:by|par|por)\s+", "", clean_inline(author), flags=re.IGNORECASE)
    parts = re.split(r"\s*(?:;|\||,|\band\b|&|\bund\b|\bet\b|\by\b)\s*", text)
    return unique(part.strip(" .") for part in parts if part.strip(" ."))


def as_written(names: list[str], tree: Any) -> list[str]:
    """NAMES with the initials' stops the page wrote ("Dana A Ford" → "Dana A. Ford"):
    trafilatura drops them, and a byline should read as the page has it."""
    if not any(re.search(r"\b[A-Z]\b", name) for name in names):
        return names
    written = " ".join(
        [str(v) for v in tree.xpath("//meta/@content")]
        + [str(v) for v in tree.xpath("//*[contains(@class, 'author') or @rel='author']//text()")]
    )
    restored = []
    for name in names:
        pattern = r"\s*".join(
            re.escape(word) + (r"\.?" if len(word) == 1 and word.isupper() else "")
            for word in name.split()
        )
        found = re.search(rf"(?<!\w){pattern}(?!\w)", written)
        restored.append(" ".join(found.group(0).split()) if found else name)
    return restored


def unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    result = []
    for name in names:
        key = simple(name)
        if key and key not in seen:
            seen.add(key)
            result.append(name)
    return result


def simple(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def is_organisation(name: str, site_names: list[str]) -> bool:
    """Whether NAME is the site or publisher (or an organisation) rather than a person."""
    key = simple(name)
    compact = key.replace(" ", "")
    for site in site_names:
        other = simple(site)
        if other and (key == other or compact == other.replace(" ", "")):
            return True
        if other and len(key) > 3 and (key in other or other in key):
            return True
    words = key.split()
    if any(word in ORGANISATION_WORDS for word in words):
        return True
    letters = re.sub(r"\W", "", name)
    return len(words) == 1 and letters.isupper() and 2 <= len(letters) <= 6  # CNN, AFP, BBC


def byline(
    candidates: list[str], site: str | None, publishers: list[str], host: str | None
) -> tuple[str | None, str | None]:
    """(the people, joined; the site) from the author CANDIDATES, the page's SITE name, its
    schema.org PUBLISHERS and its HOST: organisations are moved to the site field."""
    site_names = [s for s in [site, *publishers, host_stem(host)] if s]
    people, organisations = [], []
    for name in candidates:
        (organisations if is_organisation(name, site_names) else people).append(name)
    if not site and (publishers or organisations):
        site = (publishers or organisations)[0]
    return (join_names(people) if people else None), site


def host_stem(host: str | None) -> str | None:
    """'edition.cnn.com' → 'cnn'."""
    if not host:
        return None
    labels = [label for label in host.lower().split(".") if label not in ("www", "m", "amp")]
    if len(labels) >= 3 and len(labels[-2]) <= 3:  # bbc.co.uk
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else None


def join_names(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]
