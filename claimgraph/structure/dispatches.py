"""Dispatches: the parts of a document that bundles several, each speaking from its own day.

Wire digests and press-release archives join releases into one file: "---" lines between them, or simply a
new dateline ("KABUL, Afghanistan (July 16, 2012) — ...") after the previous release's running text. Each
release's "yesterday" is the day before *its* dateline, not the first one's, and an analyst counting one
release's casualties must not add the next release's restatement of them.

`find_dispatches(text, blocks, body, published)` splits the body:
- at a separator block: a line of three or more of one mark (`separator_marks` in structure.yaml);
- at a block opening with a dateline, once the current dispatch has running text (its own dateline, or
  header lines before it, do not split it).
Each dispatch's date is its dateline's (a year missing from "(July 16)" comes from its release number,
else from the previous dispatch), else a date in its first line ("July 9: ISAF Operations in ..."), else
None. The first dispatch starts at the top of the text and speaks from `published` when it states no date
of its own. A document with no split is one dispatch over the whole text.
"""

from __future__ import annotations

import re
from functools import cache

from claimgraph.records import Block, Dispatch, PartialDate, Span
from claimgraph.structure._rules import rules
from claimgraph.structure.layout import dateline_date, opens_with_dateline, release_year, title_date


@cache
def _separator() -> re.Pattern:
    marks = "".join(re.escape(m) for m in rules()["separator_marks"])
    return re.compile(rf"^\s*([{marks}])(?:\s*\1){{2,}}\s*$")


def is_separator(block_text: str) -> bool:
    """Whether a block is a separator line ("----", "* * *")."""
    return bool(_separator().match(block_text))


def find_dispatches(text: str, blocks: list[Block], body: Span, published: PartialDate | None) -> list[Dispatch]:
    parts: list[tuple[int, int, list[Block]]] = []  # (start, end, blocks) of each dispatch
    start, current, running = 0, [], False
    for b in blocks:
        if b.span.start < body.start or b.span.end > body.end:
            continue
        s = b.span.of(text)
        if is_separator(s):
            parts.append((start, b.span.start, current))
            start, current, running = b.span.end, [], False
            continue
        opens_release = b.kind != "heading" and opens_with_dateline(s)
        if opens_release and running:
            parts.append((start, b.span.start, current))
            start, current = b.span.start, []
        current.append(b)
        running = running or opens_release or (b.kind != "heading" and s.rstrip().endswith((".", '"', "”")))
    parts.append((start, len(text), current))
    parts = [p for p in parts if p[2]]
    if len(parts) <= 1:
        return [Dispatch(Span(0, len(text)), published)]

    out: list[Dispatch] = []
    year = published.year if published else None
    for n, (a, z, bs) in enumerate(parts):
        date = _dispatch_date(text, bs, year)
        if n == 0:
            date = date or published
        if date is not None:
            year = date.year
        out.append(Dispatch(Span(a, z).strip(text) if n else Span(0, z), date))
    return out


def _dispatch_date(text: str, blocks: list[Block], year: int | None) -> PartialDate | None:
    head = "\n".join(b.span.of(text) for b in blocks[:4])
    year = release_year(head) or year
    for b in blocks[:4]:
        found = dateline_date(b.span.of(text), year)
        if found is not None:
            return found
    return title_date(blocks[0].span.of(text).split("\n")[0], year) if blocks else None
