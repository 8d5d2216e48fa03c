"""Figures worth a citation: casualty counts, people counts and sums of money, with their values.

"around 685 security personnel", "915 civilians", "$35m", "Rs 2 billion", "1.73m undocumented Afghans".
The word lists are data (`data/audit.yaml`); this module only knows the shapes of numbers.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from claimgraph import rules
from claimgraph.records import Span

#: Words that qualify a figure ("around 685"); kept with the figure as PRODUCT.md asks.
QUALIFIERS = ("at least", "more than", "over", "nearly", "almost", "around", "about", "approximately",
              "roughly", "some", "up to", "as many as", "fewer than", "less than", "an estimated", "estimated")

#: How many words may stand between a number and the noun it counts ("685 security personnel",
#: "1.73m undocumented Afghans"). Two covers the adjective stacks seen in our examples and the seed
#: without reaching into the next clause.
MAX_GAP_WORDS = 2


@dataclass(frozen=True)
class Figure:
    """A counted quantity in the text.

    span: the figure as written, qualifier included ("around 685 security personnel", "$35m").
    value: the number, scale applied (35_000_000 for "$35m").
    kind: 'casualty', 'people' or 'money'.
    unit: the currency code for money (ISO 4217), else None.
    qualifier: "around", "at least"... as written, or None.
    noun: the counted noun ("personnel", "civilians"), or None for money.
    """

    span: Span
    value: float
    kind: str
    unit: str | None = None
    qualifier: str | None = None
    noun: str | None = None


@functools.cache
def _lexicon() -> dict:
    data = rules.load("audit")
    nouns = {w: kind for kind, words in data["figure_nouns"].items() for w in words}
    symbols = sorted(data["currency_symbols"], key=len, reverse=True)
    number = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    scale = r"(?:\s?(?P<scale>" + "|".join(sorted(map(re.escape, data["scales"]), key=len, reverse=True)) + r")\b)?"
    money = re.compile(
        r"(?P<cur>" + "|".join(map(re.escape, symbols)) + r")\s?" + number + scale, re.IGNORECASE
    )
    plain = re.compile(r"(?<![\w.,$€£¥₹])" + number + scale + r"(?![\w%]|\.\d)", re.IGNORECASE)
    words = re.compile(r"\s*([A-Za-z][\w'-]*)")
    return {
        "nouns": nouns,
        "symbols": data["currency_symbols"],
        "currency_words": data["currency_words"],
        "scales": data["scales"],
        "money": money,
        "plain": plain,
        "words": words,
    }


def _value(num: str, scale: str | None, scales: dict) -> float:
    value = float(num.replace(",", ""))
    return value * scales[scale.lower()] if scale else value


def _qualifier(text: str, start: int) -> tuple[str | None, int]:
    head = text[max(0, start - 25) : start].lower()
    for q in sorted(QUALIFIERS, key=len, reverse=True):
        if re.search(r"\b" + re.escape(q) + r"\s+$", head):
            return q, start - len(head) + head.rfind(q)
    return None, start


def _looks_like_year(num: str, scale: str | None) -> bool:
    return scale is None and "," not in num and "." not in num and len(num) == 4 and 1800 <= int(num) <= 2099


def find_figures(text: str, span: Span | None = None) -> list[Figure]:
    """Every figure in `text[span]` (offsets into `text`)."""
    lex = _lexicon()
    span = span or Span(0, len(text))
    chunk = span.of(text)
    out: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for m in lex["money"].finditer(chunk):
        cur = m.group("cur")
        code = lex["symbols"].get(cur) or lex["symbols"].get(cur.upper())
        if code is None:
            continue
        q, start = _qualifier(chunk, m.start())
        out.append(Figure(Span(span.start + start, span.start + m.end()),
                          _value(m.group("num"), m.group("scale"), lex["scales"]), "money", code, q))
        taken.append((m.start(), m.end()))
    for m in lex["plain"].finditer(chunk):
        if any(a <= m.start() < b for a, b in taken) or _looks_like_year(m.group("num"), m.group("scale")):
            continue
        pos, noun, kind, unit = m.end(), None, None, None
        for _ in range(MAX_GAP_WORDS + 1):
            w = lex["words"].match(chunk, pos)
            if not w:
                break
            word = w.group(1).lower()
            if word in lex["currency_words"]:
                kind, unit, noun, pos = "money", lex["currency_words"][word], None, w.end()
                break
            if word in lex["nouns"]:
                kind, noun, pos = lex["nouns"][word], w.group(1), w.end()
                break
            pos = w.end()
        if kind is None:
            continue
        q, start = _qualifier(chunk, m.start())
        out.append(Figure(Span(span.start + start, span.start + pos),
                          _value(m.group("num"), m.group("scale"), lex["scales"]), kind, unit, q, noun))
    return sorted(out, key=lambda f: f.span)
