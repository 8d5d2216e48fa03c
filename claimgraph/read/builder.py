"""Assemble a Reading from blocks whose spans are local to each block.

Every reader renders one block at a time; the builder trims it, places it after the previous one with a
blank line between (so later sentence splitting never runs across blocks) and shifts its spans.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

from claimgraph.errors import EmptyInput
from claimgraph.records import Anchor, Block, Link, Reading, SourceMeta, Span

SEPARATOR = "\n\n"

LocalSpan = tuple[int, int]


class Builder:
    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self.blocks: list[Block] = []
        self.links: list[Link] = []
        self.superscripts: list[Span] = []
        self.anchors: list[Anchor] = []

    @property
    def length(self) -> int:
        return self._length

    @property
    def next_offset(self) -> int:
        """Where the next non-empty block's text will start."""
        return self._length + (len(SEPARATOR) if self._parts else 0)

    def add(
        self,
        kind: str,
        text: str,
        level: int = 0,
        links: Iterable[tuple[int, int, str]] = (),
        superscripts: Iterable[LocalSpan] = (),
        anchors: Iterable[tuple[str, int, int]] = (),
    ) -> int | None:
        """Append a block; spans are offsets into `text`. Returns the global offset of `text[0]`
        (for callers that place spans themselves), or None when the block is blank and was dropped."""
        lead = len(text) - len(text.lstrip())
        body = text.strip()
        if not body:
            return None
        base = self.next_offset
        shift = base - lead
        if self._parts:
            self._parts.append(SEPARATOR)
        self._parts.append(body)
        self._length = base + len(body)
        self.blocks.append(Block(kind, Span(base, self._length), level))
        for start, end, target in links:
            span = self._clip(start + shift, end + shift, base)
            if span:
                self.links.append(Link(span, target))
        for start, end in superscripts:
            span = self._clip(start + shift, end + shift, base)
            if span:
                self.superscripts.append(span)
        for name, start, end in anchors:
            span = self._clip(start + shift, end + shift, base)
            if span:
                self.anchors.append(Anchor(name, span))
        return shift

    def _clip(self, start: int, end: int, base: int) -> Span | None:
        start, end = max(start, base), min(end, self._length)
        return Span(start, end) if start < end else None

    def block_at(self, offset: int) -> Block | None:
        """The block holding `offset`, or else the first block after it."""
        starts = [b.span.start for b in self.blocks]
        i = bisect_right(starts, offset) - 1
        if i >= 0 and offset < self.blocks[i].span.end:
            return self.blocks[i]
        return self.blocks[i + 1] if i + 1 < len(self.blocks) else None

    @property
    def text(self) -> str:
        return "".join(self._parts)

    def reading(self, source: str, fmt: str, meta: SourceMeta, empty_message: str) -> Reading:
        if not self.blocks:
            raise EmptyInput(empty_message, source)
        return Reading(
            source=source,
            format=fmt,
            text=self.text,
            blocks=tuple(self.blocks),
            links=tuple(self.links),
            superscripts=tuple(sorted(set(self.superscripts))),
            anchors=tuple(self.anchors),
            meta=meta,
        )
