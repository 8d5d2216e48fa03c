"""Figures worth a citation: casualty counts, people counts and sums of money, with their values.

"around 685 security personnel", "915 civilians", "$35m", "Rs 2 billion", "1.73m undocumented Afghans".
A thin layer over `claimgraph.claims.quantities`: the same number reader (`scan`) and the same lexicon
(`data/quantities.yaml`), read from plain text with no parse, so the audit can run on any span.

A figure is a number written with digits, or money, followed within a few words by a noun that counts
people or names a casualty. Numbers written in words ("three") and vague words ("several") are not
figures: a reader checks a cited figure by its digits. A bare four-digit number that could be a year is
never a figure here (the parse in `find_quantities` is what tells "2000 fighters" from "2000 elections").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from claimgraph.claims.quantities import lexicon, scan
from claimgraph.records import Span

#: How many words may stand between a number and the noun it counts ("685 security personnel",
#: "1.73m undocumented Afghans"). Two covers the adjective stacks seen in our examples and the seed
#: without reaching into the next clause.
MAX_GAP_WORDS = 2

_WORD = re.compile(r"\s*([A-Za-z][\w'-]*)")


@dataclass(frozen=True)
class Figure:
    """A counted quantity in the text.

    span: the figure as written, qualifier included ("around 685 security personnel", "$35m").
    value: the number, scale applied (35_000_000 for "$35m").
    kind: 'casualty', 'people' or 'money'.
    unit: the currency code for money (ISO 4217), else None.
    qualifier: "around", "at least"... (lower case), or None.
    noun: the counted noun ("personnel", "civilians"), or None for money.
    """

    span: Span
    value: float
    kind: str
    unit: str | None = None
    qualifier: str | None = None
    noun: str | None = None


@functools.cache
def _nouns() -> dict[str, str]:
    """Word after a number -> figure kind: casualty words first (they win over people nouns)."""
    lex = lexicon()
    kinds = {w: "people" for w in lex.people_nouns}
    kinds.update(lex.figure_kinds)
    return kinds


def find_figures(text: str, span: Span | None = None) -> list[Figure]:
    """Every figure in `text[span]` (offsets into `text`)."""
    span = span or Span(0, len(text))
    chunk = span.of(text)
    nouns = _nouns()
    out: list[Figure] = []
    for n in scan(chunk):
        if n.currency:
            out.append(Figure(Span(n.start, n.end).shift(span.start), n.value, "money", n.currency, n.qualifier))
            continue
        if not n.digits or n.year_like:
            continue
        pos, kind, noun = n.end, None, None
        for _ in range(MAX_GAP_WORDS + 1):
            w = _WORD.match(chunk, pos)
            if not w:
                break
            pos = w.end()
            if w.group(1).lower() in nouns:
                kind, noun = nouns[w.group(1).lower()], w.group(1)
                break
        if kind is None:
            continue
        out.append(Figure(Span(n.start, pos).shift(span.start), n.value, kind, None, n.qualifier, noun))
    return sorted(out, key=lambda f: f.span)
