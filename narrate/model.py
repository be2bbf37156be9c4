"""Plain data passed between the stages: `Article` (read → speech), `Script` (speech →
voice) and `Clip` (voice → audio)."""

from __future__ import annotations

from dataclasses import dataclass, field

BLOCK_KINDS = ("heading", "paragraph", "list_item", "quote")


@dataclass(frozen=True)
class Clip:
    """Mono 16-bit little-endian PCM audio: what a voice speaks and mastering joins."""

    pcm: bytes
    rate: int

    @property
    def duration(self) -> float:
        return len(self.pcm) / 2 / self.rate


@dataclass(frozen=True)
class Block:
    """One unit of article text, as written: a heading, paragraph, list item or quote."""

    kind: str
    text: str


@dataclass
class Article:
    """An extracted article: metadata plus its body as blocks."""

    title: str
    author: str | None = None
    date: str | None = None  # ISO 8601 (YYYY-MM-DD) when known
    site: str | None = None
    lang: str = "en"
    image: str | None = None
    url: str | None = None
    blocks: list[Block] = field(default_factory=list)

    @property
    def word_count(self) -> int:
        return sum(len(block.text.split()) for block in self.blocks)


@dataclass(frozen=True)
class Sentence:
    """One sentence: the text as written (for transcripts) and as it will be spoken."""

    written: str
    spoken: str


@dataclass
class ScriptBlock:
    """A block of the script: its kind ("intro", "heading", "paragraph", ...) and sentences."""

    kind: str
    sentences: list[Sentence]

    @property
    def spoken(self) -> str:
        return " ".join(s.spoken for s in self.sentences)


@dataclass
class Script:
    """Everything that will be spoken, in order, with the article it came from."""

    article: Article
    blocks: list[ScriptBlock]
    lang: str = "en"

    @property
    def sentences(self) -> list[Sentence]:
        return [s for block in self.blocks for s in block.sentences]
