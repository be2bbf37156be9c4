"""What a listener must not hear: page furniture that slips into article bodies.

Two layers: `JUNK_CLASS` marks containers to drop from the HTML before extraction (see
prune.py, which keeps the story safe from it), and `filter_blocks` judges the extracted blocks
by their words, with rules kept as data per language in `data/junk.toml`: appeals,
newsletter and follow prompts, contact lines, credits and copyright lines, teasers, and
teaser sections ("More from …", "Most read") left out with their headlines.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from importlib.resources import files

from ..model import Block, count_words

# Elements never spoken, wherever they sit (unless the story is inside them: see prune.py).
DROP_TAGS = (
    "figure",
    "figcaption",
    "nav",
    "footer",
    "form",
    "button",
    "audio",
    "video",
    "iframe",
    "noscript",
    "svg",
    "dialog",
    "select",
    "input",
    "label",
    "picture",
)

# class/id fragments of containers that hold furniture, not story.
JUNK_CLASS = re.compile(
    r"(?:^|[\s_-])(?:newsletter|subscri\w*|signup|sign-up|support-(?:banner|box|us)|donat\w*|"
    r"membership|paywall|promo\w*|related|recommend\w*|read-?(?:more|also|next)|more-stories|"
    r"share|sharing|social|audio-?player|audio|listen\w*|podcast-player|caption|credit|"
    r"advert\w*|ads?|sponsor\w*|outbrain|taboola|cookie\w*|consent|popup|modal|byline|"
    r"breadcrumbs?|tags?|author-bio|comments?|sidebar|news-feed|most-read|trending)(?:$|[\s_-])",
    re.IGNORECASE,
)
# Containers larger than this are kept even if their class looks like furniture.
JUNK_CONTAINER_MAX_CHARS = 900

# A block this long is story text even if it mentions "support us" in passing.
JUNK_TEXT_MAX_WORDS = 60
# Under a teaser-section heading, blocks this short are its teasers.
TEASER_MAX_WORDS = 30
# A block repeated this often is furniture (a repeated label or promo), not a repeated line.
REPEATED_FURNITURE = 3
# This many short labels in a row are controls or a menu (a video player's settings, a list
# of sections), not story: no story runs that many unpunctuated scraps of words together.
CONTROL_RUN = 6
CONTROL_MAX_WORDS = 5
# At the end of a page, this many excerpts cut off mid-sentence (most of a trailing run) are
# other stories' teaser cards, truncated to a word count.
CUT_EXCERPTS = 4
CUT_EXCERPT_SHARE = 0.7


@cache
def rules(lang: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """(junk block pattern, teaser-section heading pattern) for LANG: its own rules, English's
    (pages mix them) and the ones for every language."""
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    table = tomllib.loads(files(__package__).joinpath("data", "junk.toml").read_text("utf-8"))
    junk: list[str] = []
    sections: list[str] = []
    for code in dict.fromkeys(("any", "en", lang)):
        for kind, patterns in table.get(code, {}).items():
            (sections if kind == "sections" else junk).extend(patterns)
    junk_re = re.compile("|".join(f"(?:{p})" for p in junk), re.IGNORECASE)
    sections_re = re.compile("|".join(f"(?:{p})" for p in sections), re.IGNORECASE)
    return junk_re, sections_re if sections else None


def is_junk_text(text: str, lang: str = "en") -> bool:
    """True for a block that is furniture: appeal, prompt, credit, caption, teaser, address."""
    stripped = text.strip()
    if not stripped:
        return True
    if count_words(stripped) > JUNK_TEXT_MAX_WORDS:
        return False
    return bool(rules(lang)[0].search(stripped))


def opens_teasers(text: str, lang: str = "en") -> bool:
    """Whether a heading opens a block of teasers ("More Must-Reads From Time")."""
    pattern = rules(lang)[1]
    return bool(pattern and pattern.search(text.strip())) and count_words(text) <= 12


def is_fragment(text: str) -> bool:
    """A short label without sentence punctuation ("Ukraine Daily", "MORE NEWS")."""
    stripped = text.strip()
    return count_words(stripped) <= 4 and not re.search(r"[.!?:;\"”。！？]$", stripped)


def is_headline(text: str) -> bool:
    """A short line without a sentence's end: a headline, a label or a link to another story."""
    stripped = text.strip()
    return count_words(stripped) <= 14 and not re.search(r"[.!?:;\"”’)\]…»。！？]$", stripped)


def is_truncated_teaser(text: str) -> bool:
    """A teaser excerpt cut off with an ellipsis, as related-story cards show."""
    return bool(re.search(r"(?:…|\.\.\.)\s*$", text.strip())) and not re.search(
        r"[.!?\"”’']\s*(?:…|\.\.\.)\s*$", text.strip()
    )


def normalise_key(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def filter_blocks(
    blocks: list[Block], title: str, lang: str = "en", titles: tuple[str, ...] = ()
) -> list[Block]:
    """Drop junk blocks, teaser sections, the repeated title (and at the head of the body,
    what repeats any of TITLES — the page's <h1>, og:title and <title> — or a kicker above
    it), furniture repeats, and trailing teasers, link runs, headlines and orphan headings."""
    title_key = normalise_key(title)
    code = [b.kind == "code" for b in blocks]  # a listing is the story's, never junk
    found = [
        not listing and (is_junk_text(b.text, lang) or normalise_key(b.text) == title_key)
        for b, listing in zip(blocks, code, strict=True)
    ]
    junk = list(found)
    # A short label beside furniture ("Ukraine Daily" above a newsletter form) is furniture.
    for i, block in enumerate(blocks):
        near_junk = (i > 0 and found[i - 1]) or (i + 1 < len(blocks) and found[i + 1])
        if (
            not junk[i]
            and block.kind not in ("heading", "code")
            and near_junk
            and is_fragment(block.text)
        ):
            junk[i] = True
    drop_teaser_sections(blocks, junk, lang)
    drop_control_runs(blocks, junk)
    junk = [bad and not listing for bad, listing in zip(junk, code, strict=True)]
    kept = drop_repeats([b for b, bad in zip(blocks, junk, strict=True) if not bad])
    drop_leading(kept, (title, *titles))
    drop_pull_quotes(kept)
    drop_cut_excerpts(kept)
    drop_trailing_link_runs(kept)
    while (
        kept
        and kept[-1].kind != "code"
        and (
            kept[-1].kind == "heading"
            or is_truncated_teaser(kept[-1].text)
            or (
                kept[-1].kind not in ("list_item", "cell")
                and is_headline(kept[-1].text)
                and len(kept) > 1
            )
        )
    ):
        kept.pop()
    return kept


LEADING_BLOCKS = 3  # the head of the body: where a repeated title or a kicker sits


def drop_leading(blocks: list[Block], titles: tuple[str, ...]) -> None:
    """Remove, in place, what heads the body but is no story: a block that is one of the
    page's titles or part of one (its <h1>, og:title, <title>: "Austin: … | Kyiv Independent"
    holds "Austin: …"), and a kicker — a label of a few words without a sentence's end
    ("UKRAINE WAR") — above the story's first words."""
    keys = [k for k in (normalise_key(t) for t in titles if t) if k]
    for _ in range(LEADING_BLOCKS):
        if len(blocks) < 2 or blocks[0].kind == "code":
            return
        key = normalise_key(blocks[0].text)
        title_part = len(key) >= 3 and any(key == k or f" {key} " in f" {k} " for k in keys)
        kicker = (  # a dateline ("10月14日报道", "KYIV, Dec. 7") has its date: not a kicker
            blocks[0].kind == "paragraph"  # a heading of a few words opens a section
            and is_fragment(blocks[0].text)
            and not re.search(r"\d", blocks[0].text)
        )
        if not (title_part or kicker):
            return
        del blocks[0]


LINK_RUN = 3  # short link-heavy blocks in a row at the end: other stories, not this one
LINK_RUN_MAX_WORDS = 25
LINK_HEAVY = 0.5


def drop_trailing_link_runs(blocks: list[Block]) -> None:
    """Remove, in place, a trailing run of short link-heavy blocks (other stories' headlines
    under a "Don't miss" or with none) and the label or heading right above it."""
    start = len(blocks)
    while start > 0 and is_link_teaser(blocks[start - 1]):
        start -= 1
    if len(blocks) - start < LINK_RUN or start == 0:
        return
    if start > 1 and (blocks[start - 1].kind == "heading" or is_headline(blocks[start - 1].text)):
        start -= 1
    del blocks[start:]


def is_link_teaser(block: Block) -> bool:
    """A short block mostly of links that reads as a headline, not as a sentence (a
    reference list's "Kirk, J. "Title". Site. 2022." is the article's own)."""
    return (
        block.kind != "code"
        and block.links >= LINK_HEAVY
        and count_words(block.text) <= LINK_RUN_MAX_WORDS
        and is_headline(block.text)
    )


def drop_teaser_sections(blocks: list[Block], junk: list[bool], lang: str) -> None:
    """Mark a teaser-section heading (or label) and the short blocks under it as junk, up to
    the next heading or a paragraph long enough to be story again."""
    inside = False
    for i, block in enumerate(blocks):
        if opens_teasers(block.text, lang) and (block.kind == "heading" or is_headline(block.text)):
            inside = junk[i] = True
            continue
        if inside:
            if block.kind == "heading" or count_words(block.text) > TEASER_MAX_WORDS:
                inside = False
            else:
                junk[i] = True


def is_label(block: Block) -> bool:
    """A scrap of a few words without a sentence's end ("Full Screen", "High (HD)")."""
    return (
        block.kind in ("paragraph", "heading")
        and count_words(block.text) <= CONTROL_MAX_WORDS
        and not re.search(r"[.!?:;\"”。！？]$", block.text.strip())
    )


def drop_control_runs(blocks: list[Block], junk: list[bool]) -> None:
    """Mark runs of CONTROL_RUN or more labels in a row as junk (player controls, menus)."""
    start = 0
    while start < len(blocks):
        end = start
        while end < len(blocks) and is_label(blocks[end]):
            end += 1
        if end - start >= CONTROL_RUN:
            junk[start:end] = [True] * (end - start)
        start = max(end, start + 1)


def ends_mid_sentence(block: Block) -> bool:
    text = block.text.strip()
    return (
        block.kind == "paragraph"
        and count_words(text) > 14
        and not re.search(r"[.!?…\"”’'»)\]。！？]$", text)
    )


def drop_cut_excerpts(blocks: list[Block]) -> None:
    """Remove, in place, a trailing run of teaser excerpts: from the first block of the run that
    ends mid-sentence, most of the rest (CUT_EXCERPT_SHARE), and at least CUT_EXCERPTS, do too."""
    cut = 0
    start = None
    for i in range(len(blocks) - 1, -1, -1):
        if ends_mid_sentence(blocks[i]):
            cut += 1
            if cut >= CUT_EXCERPTS and cut >= CUT_EXCERPT_SHARE * (len(blocks) - i):
                start = i
    if start is not None and start > 0:
        del blocks[start:]


def drop_repeats(blocks: list[Block]) -> list[Block]:
    """Drop a repeat only where it is furniture: the same block again right after itself
    (a page drawn twice), or a short block the page repeats many times (a label, a promo).
    Other repeats are the story's own (an interview's recurring question, a recipe's step)."""
    keys = [normalise_key(block.text) for block in blocks]
    counts = Counter(keys)
    result: list[Block] = []
    seen: set[str] = set()
    previous = None
    for block, key in zip(blocks, keys, strict=True):
        repeat = key in seen and len(key) > 20 and block.kind not in ("heading", "code")
        # Only a label repeats as furniture ("Advertisement"): a short sentence or question
        # the story repeats (a recipe's "Serves 4.", an interview's "Why?") is its own.
        furniture = counts[key] >= REPEATED_FURNITURE and is_fragment(block.text)
        if repeat and (key == previous or furniture):
            continue
        seen.add(key)
        previous = key
        result.append(block)
    return result


def drop_pull_quotes(blocks: list[Block]) -> None:
    """Remove quote blocks that repeat words of a paragraph (pull quotes), in place."""
    paragraphs = " ".join(normalise_key(b.text) for b in blocks if b.kind == "paragraph")

    def pulled(block: Block) -> bool:
        key = normalise_key(block.text)
        return block.kind == "quote" and len(key) > 30 and key in paragraphs

    blocks[:] = [block for block in blocks if not pulled(block)]
