"""A page's metadata (title, author, date, site, image, address) from its markup.

trafilatura's own `extract_metadata` also reads categories, tags and the licence, which
narrate never uses, and searches the markup for an author even where the page's JSON-LD names
its people (which narrate believes first): a fifth of all extraction time. This runs the same
steps of trafilatura (2.x) that narrate uses, and only those.
"""

from __future__ import annotations

import contextlib
import html
from typing import Any

from .blocks import clean_inline
from .bylines import MAX_JSONLD_CHARS, MAX_JSONLD_DEPTH, json_depth


def page_metadata(tree: Any, url: str | None, need_author: bool = True) -> Any:
    """trafilatura's metadata Document for TREE (which is left untouched), without
    categories, tags or licence, and without the author search unless NEED_AUTHOR."""
    import copy

    from trafilatura.metadata import (
        META_URL,
        examine_meta,
        extract_author,
        extract_meta_json,
        extract_sitename,
        extract_title,
        extract_url,
        find_date,
    )

    tree = copy.deepcopy(tree)  # the date and author searches prune what they read
    for script in list(tree.iter("script")):  # metadata too large or deep to be any page's
        text = script.text or ""
        if len(text) > MAX_JSONLD_CHARS or json_depth(text) > MAX_JSONLD_DEPTH:
            script.getparent().remove(script)
    meta = examine_meta(tree)
    if meta.author and " " not in meta.author:
        meta.author = None  # a one-word "author" is a handle or the site
    with contextlib.suppress(Exception):  # trafilatura's JSON-LD reader fails on some JSON
        meta = extract_meta_json(tree, meta)
    if not meta.title:
        meta.title = extract_title(tree)
    if not meta.author and need_author:
        meta.author = extract_author(tree)
    if not meta.url:
        meta.url = extract_url(tree, url)
    # The date from the page's metadata and markup: htmldate's search of the free text
    # (dateparser) took half of all extraction time, for dates news pages declare anyway.
    meta.date = find_date(tree, original_date=True, extensive_search=False, url=meta.url)
    if not meta.sitename:
        meta.sitename = extract_sitename(tree)
    if meta.sitename:
        meta.sitename = meta.sitename.lstrip("@")
        if "." not in meta.sitename and meta.sitename and not meta.sitename[0].isupper():
            meta.sitename = meta.sitename.title()
    elif meta.url and (match := META_URL.match(meta.url)):
        meta.sitename = match[1]
    for name in ("title", "author", "url", "sitename", "image", "date"):
        value = getattr(meta, name, None)
        if isinstance(value, str):
            setattr(meta, name, clean_inline(html.unescape(value[:10000])))
    return meta
