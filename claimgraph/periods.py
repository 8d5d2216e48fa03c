"""Periods a stretch of text reports: explicit dates ("in March 2023", "2024", "28 November 2022") and
decades ("the 90s", "the 1990s"), each as an interval of days.

Dates introduced by a deadline or forecast word ("by 2030", "until 2025") are not periods the text
reports as having happened; `reported_periods` leaves them out.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from claimgraph import rules
from claimgraph.records import Period, Span
from claimgraph.structure.dates import find_dates

_DECADE = re.compile(r"\b(?:the\s+)?(?:(?P<century>1[89]|20)(?P<d4>\d)0s|'?(?P<d2>[0-9])0s)\b", re.IGNORECASE)
_DECADE_WORDS = {
    "twenties": 2,
    "thirties": 3,
    "forties": 4,
    "fifties": 5,
    "sixties": 6,
    "seventies": 7,
    "eighties": 8,
    "nineties": 9,
}
_DECADE_WORD = re.compile(r"\bthe\s+(" + "|".join(_DECADE_WORDS) + r")\b", re.IGNORECASE)


@functools.cache
def _future_cue() -> re.Pattern:
    cues = sorted(rules.load("audit")["future_cues"], key=len, reverse=True)
    return re.compile(
        r"\b(?:" + "|".join(map(re.escape, cues)) + r")\s+(?:the\s+)?(?:end\s+of\s+)?$", re.IGNORECASE
    )


def _decade(start_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(start_year, 1, 1), dt.date(start_year + 9, 12, 31)


def find_periods(text: str, base: int = 0) -> list[Period]:
    """Every explicit period in `text`; spans are shifted by `base` (the text's offset in the document)."""
    out = [Period(span.shift(base), pd.first_day(), pd.last_day()) for span, pd in find_dates(text)]
    for m in _DECADE.finditer(text):
        if m.group("century"):
            year = int(m.group("century")) * 100 + int(m.group("d4")) * 10
        else:
            # "the 90s": the most recent such decade of the 20th century for 20-90, this century for 00-10.
            d = int(m.group("d2"))
            year = 2000 + d * 10 if d <= 1 else 1900 + d * 10
        out.append(Period(Span(m.start(), m.end()).shift(base), *_decade(year)))
    for m in _DECADE_WORD.finditer(text):
        out.append(
            Period(
                Span(m.start(), m.end()).shift(base), *_decade(1900 + 10 * _DECADE_WORDS[m.group(1).lower()])
            )
        )
    return sorted(out, key=lambda p: p.span)


def reported_periods(text: str, base: int = 0) -> list[Period]:
    """Periods the text reports as its time, without deadlines and forecasts ("by 2030")."""
    cue = _future_cue()
    return [p for p in find_periods(text, base) if not cue.search(text[: p.span.start - base])]
