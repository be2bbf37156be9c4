"""trafilatura's XML body → blocks: headings, paragraphs, list items, quotes, tables and
code listings.

Words stay apart wherever the page breaks them (a line break, a table cell, a list item, the
end of a link), text between body elements is kept, and tables are read as a listener can
follow them: a data table row by row with its headers ("Country: Ukraine. Capacity: 1.7
gigawatts."), a layout table (no header row, or one column) unwrapped into its cells.
"""

from __future__ import annotations

import re
from typing import Any

from ..model import Block

LINK_ONLY_RATIO = 0.8
LIST_LINK_ONLY_RATIO = 0.95
BREAKING = {"lb", "cell", "row", "item", "p", "head", "list", "quote", "table", "code"}


def clean_inline(text: str) -> str:
    """Collapse whitespace and strip zero-width characters."""
    text = re.sub(r"[\u200b\u200c\u200d\ufeff\u00ad]", "", text)
    return " ".join(text.split())


def text_of(element: Any) -> str:
    """ELEMENT's text with a space wherever the page breaks the line or a link ends."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            breaking = child.tag in BREAKING
            if breaking:
                parts.append(" ")
            walk(child)
            if breaking or (child.tag == "ref" and glued(child, child.tail)):
                parts.append(" ")
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return clean_inline("".join(parts))


def code_text(element: Any) -> str:
    """A code listing's text with its lines kept (the page's line breaks, not collapsed)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag == "lb":
                parts.append("\n")
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    text = re.sub(r"[\u200b\u200c\u200d\ufeff\u00ad]", "", "".join(parts))
    lines = [line.rstrip() for line in text.replace("\r", "").split("\n")]
    return "\n".join(lines).strip("\n")


def glued(link: Any, tail: str | None) -> bool:
    """Whether a link's text runs straight into the next word ("Rosso" + "http://…")."""
    text = "".join(link.itertext())
    return bool(text and tail and text[-1].isalnum() and tail[0].isalnum())


def is_teaser_link(text: str) -> bool:
    """A linked line that reads as another story's headline (several words, no sentence end)
    or a bare "more" link, rather than a sentence, a name or an entry of the story's list."""
    words = len(text.split())
    return (words >= 4 or words <= 2) and not re.search(r"[.!?:;)\]]$", text)


def body_blocks(body: Any) -> list[Block]:
    """Turn trafilatura's XML body (p, head, list/item, quote, table) into blocks."""
    if body is None:
        return []
    blocks: list[Block] = []

    def add(kind: str, element: Any) -> None:
        text = text_of(element)
        if not text:
            return
        link_chars = sum(len(clean_inline("".join(r.itertext()))) for r in element.iter("ref"))
        # An item of a list is a teaser only when it is a link and nothing else ("Ann Lee
        # fixed <a>bug 123</a>" is the story's own list).
        ratio = LIST_LINK_ONLY_RATIO if kind == "list_item" else LINK_ONLY_RATIO
        link_only = link_chars >= ratio * len(text) and len(text.split()) <= 40
        if link_only and kind != "heading" and is_teaser_link(text):
            return  # a link-only line that reads as another story's headline: a teaser
        blocks.append(Block(kind, text, min(1.0, link_chars / max(1, len(text)))))

    def loose(text: str | None) -> None:  # text between body elements
        if text and clean_inline(text):
            blocks.append(Block("paragraph", clean_inline(text)))

    def quote_blocks(quote: Any) -> None:
        """A quote's paragraphs and list items, and the text between them ("Ann wrote:")."""
        if not any(child.tag in ("p", "list", "quote", "head") for child in quote):
            add("quote", quote)
            return
        run = [quote.text or ""]

        def flush() -> None:
            text = clean_inline("".join(run))
            if text:
                blocks.append(Block("quote", text))
            run.clear()

        for child in quote:
            if child.tag in ("p", "head"):
                flush()
                add("quote", child)
            elif child.tag == "list":
                flush()
                for item in child.iter("item"):
                    add("quote", item)
            elif child.tag == "quote":
                flush()
                quote_blocks(child)
            else:
                text = text_of(child)
                before = "".join(run)
                if before and before[-1] in ").,;:!?" and text[:1].isalnum():
                    run.append(" ")  # trafilatura strips the space before a link
                run.append(text)
                if child.tag == "ref" and glued(child, child.tail):
                    run.append(" ")
            run.append(child.tail or "")
        flush()

    loose(body.text)
    for element in body:
        tag = element.tag
        if tag == "head":
            add("heading", element)
        elif tag == "list":
            for item in element.iter("item"):
                add("list_item", item)
        elif tag == "quote":
            quote_blocks(element)
        elif tag == "table":
            blocks.extend(table_blocks(element))
        elif tag in ("p", "div"):
            add("paragraph", element)
        elif tag == "code":  # a listing: kept as the article's, spoken as a note (script)
            listing = code_text(element)
            if listing.strip():
                blocks.append(Block("code", listing))
        loose(element.tail)
    return blocks


def table_blocks(table: Any) -> list[Block]:
    """A data table row by row, each cell named by its column's header; a layout table's cells
    one by one (kind "cell": short by nature, and never taken for a menu)."""
    rows = [[text_of(cell) for cell in row.iter("cell")] for row in table.iter("row")]
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    head_row = table.find("row")
    heads = [c.get("role") == "head" for c in head_row.iter("cell")] if head_row is not None else []
    width = max(len(row) for row in rows)
    if heads and all(heads) and width > 1 and len(rows) > 1:
        headers = rows[0]
        spoken = []
        for row in rows[1:]:
            cells = [
                f"{headers[i]}: {cell}" if i < len(headers) and headers[i] else cell
                for i, cell in enumerate(row)
                if cell
            ]
            if cells:
                spoken.append(Block("paragraph", ". ".join(end_cells(cells)) + "."))
        return spoken
    return [Block("cell", cell) for row in rows for cell in row if cell]


def end_cells(cells: list[str]) -> list[str]:
    return [cell.rstrip(".;, ") for cell in cells]
