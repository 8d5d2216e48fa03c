"""Inline citation markers in the body, and their resolution to reference entries.

`find_markers(reading, body, references, exclude=())` -> list[Marker], left to right, not overlapping.
`resolve(markers, references)` -> list[Citation] (one per marker label; `sentence` is left None).

Markers, in order of precedence where they overlap:
1. links: an in-page link ('#cite_note-3') whose anchor lies in a reference entry, or a link to the same
   (normalised) URL as a reference — the marker takes that reference's label (style 'link');
2. superscript spans of the source markup holding only numbers, commas and dashes (style 'superscript');
3. bracketed numbers: [1], [1, 3], [1-3], [1–3], [1][2] (two markers), [^1] (style 'footnote');
4. Unicode superscript digits: ¹, ²³, ¹⁰, ¹⁻³ (not after a unit such as 'km²', nor after a digit);
5. author-date: (Smith 2020), (Smith and Jones, 2020), (Smith et al. 2020, p. 4), (Human Rights Watch 2023),
   (Smith 2020; Khan 2021) — only when the reference list is author-date or the names match a reference;
   and narrative Smith (2020) when it matches a reference.
Not markers: [sic], [citation needed], […], [TMQ: Fatir:10], bracketed words, decimals, a four-digit
bracketed number no reference carries as its label ([2020]), anything inside a URL, digits of other scripts.
Ranges are expanded ([1-3] -> 1, 2, 3) up to the rules' `max_marker_range`; a longer or reversed range
keeps only its two ends.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from claimgraph.records import Citation, Marker, Reading, Reference, Span
from claimgraph.structure._rules import rules, word_set
from claimgraph.structure.references import normalise_url, surname

_SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_TABLE = str.maketrans(_SUP + "⁻˒", "0123456789-,")
_BRACKET = re.compile(r"\[(?P<fn>\^)?\s*(?P<body>[0-9]{1,4}(?:\s*[-–—,]\s*[0-9]{1,4})*)\s*\]")
_UNICODE_SUP = re.compile(r"(?<=\S)[" + _SUP + r"]+(?:[-–,⁻˒][" + _SUP + r"]+)*")
# A Markdown link target left in plain text is bounded: unbounded, every '](' of a long run without ')' or
# white space would scan to its end (quadratic); no URL is longer than 2,048 characters in practice.
_URLISH = re.compile(r"(?:https?://|www\.)[^\s<>\"]+|\]\([^)\s]{1,2048}\)", re.I)
_NUMBERS_ONLY = re.compile(r"\[?\s*(?P<body>[0-9]{1,4}(?:\s*[-–—,]\s*[0-9]{1,4})*)\s*\]?")

_PARENS = re.compile(r"\(([^()]{4,300})\)")
_NAME = r"[A-Z][\w'’.-]*"
_NAMES = _NAME + r"(?:(?:\s+|\s*,\s*)(?:and|&|of|the|for|on|in|de|van|von|al|bin|" + _NAME + r"))*?"
_YEAR = r"[12][0-9]{3}[a-z]?|n\.\s?d\."
_YEARS = r"(?P<years>(?:" + _YEAR + r")(?:\s*,\s*(?:" + _YEAR + r"))*)"
_CITE_PART = re.compile(
    r"^(?P<names>" + _NAMES + r")(?P<etal>\s+et\s+al\.?)?,?\s+" + _YEARS
    + r"(?:\s*,\s*(?:p|pp|para|paras|ch|chap|fig|s)\.?\s*[0-9ivxlcIVXLC][0-9ivxlcIVXLC–-]*)?$"
)  # fmt: skip
_NARRATIVE = re.compile(
    r"(?<![\w])(?P<names>[A-Z][\w'’-]+(?:\s+(?:and|&)\s+[A-Z][\w'’-]+)?)(?P<etal>\s+et\s+al\.?)?\s+"
    r"\((?P<years>[12][0-9]{3}[a-z]?)\)"
)


def expand(body: str) -> list[str] | None:
    """'1, 3-5' -> ['1', '3', '4', '5']; None when it is not a list of numbers."""
    labels: list[str] = []
    for part in re.split(r"\s*,\s*", body.strip()):
        m = re.fullmatch(r"([0-9]{1,4})(?:\s*[-–—]\s*([0-9]{1,4}))?", part)
        if not m:
            return None
        lo = int(m.group(1))
        if m.group(2) is None:
            labels.append(str(lo))
            continue
        hi = int(m.group(2))
        if lo < hi <= lo + rules()["max_marker_range"]:
            labels.extend(str(n) for n in range(lo, hi + 1))
        else:
            labels.extend([str(lo), str(hi)])
    out: list[str] = []
    for x in labels:
        if x not in out:
            out.append(x)
    return out


def find_markers(
    reading: Reading,
    body: Span,
    references: Sequence[Reference],
    exclude: Iterable[Span] = (),
) -> list[Marker]:
    """Every citation marker inside `body` (minus the `exclude` spans: title, byline)."""
    text = reading.text
    excluded = _Spans()
    for s in exclude:
        if s is not None:
            excluded.add(s)
    labels = {r.label for r in references}
    taken: list[Marker] = []
    occupied = _Spans()

    def free(span: Span) -> bool:
        return body.contains(span) and not excluded.overlaps(span) and not occupied.overlaps(span)

    def take(marker: Marker) -> None:
        taken.append(marker)
        occupied.add(marker.span)

    # 1. links
    by_url = {}
    for i, r in enumerate(references):
        if r.url:
            by_url.setdefault(normalise_url(r.url), i)
    anchors = {a.name: a.span for a in reading.anchors}
    for link in sorted(reading.links, key=lambda lk: lk.span):
        span = link.span
        if not len(span) or not free(span):
            continue
        idx = None
        if link.target.startswith("#"):
            target = anchors.get(link.target[1:])
            if target is not None:
                idx = _reference_at(references, target)
            if idx is None:
                nums = _NUMBERS_ONLY.fullmatch(span.of(text).strip())
                found = expand(nums["body"]) if nums else None
                if found:
                    take(Marker(span, tuple(found), "footnote"))
                continue
        elif link.target.startswith(("http://", "https://", "//")):
            idx = by_url.get(normalise_url(link.target))
        if idx is not None:
            take(Marker(span, (references[idx].label,), "link"))

    # 2. superscript spans of the markup
    for sup in sorted(reading.superscripts):
        span = sup.strip(text)
        if not len(span) or not free(span):
            continue
        m = _NUMBERS_ONLY.fullmatch(span.of(text))
        found = expand(m["body"]) if m else None
        if found and _plausible(found, labels):
            take(Marker(span, tuple(found), "superscript"))

    urls = _Spans()
    for m in _URLISH.finditer(text, body.start, body.end):
        urls.add(Span(m.start(), m.end()))

    # 3. bracketed numbers
    for m in _BRACKET.finditer(text, body.start, body.end):
        span = Span(m.start(), m.end())
        if not free(span) or urls.overlaps(span):
            continue
        if text[m.end() : m.end() + 1] == "(" or text[m.end() : m.end() + 1] == ":":
            continue  # a Markdown link text [1](...) or a footnote definition [^1]: inside the body
        found = expand(m["body"])
        if not found or not _plausible(found, labels) or _inside_other_script(text, span):
            continue
        take(Marker(span, tuple(found), "footnote" if m["fn"] else "bracket"))

    # 4. Unicode superscript digits
    units = word_set("superscript_units")
    for m in _UNICODE_SUP.finditer(text, body.start, body.end):
        span = Span(m.start(), m.end())
        if not free(span) or urls.overlaps(span):
            continue
        before = text[max(0, m.start() - 12) : m.start()]
        if before[-1:].isdigit():
            continue  # an exponent: 10²
        word = re.search(r"([A-Za-z0-9]+)$", before)
        if word and word.group(1).lower() in units:
            continue  # km², m³
        found = expand(m.group(0).translate(_SUP_TABLE))
        if found and not _inside_other_script(text, span):
            take(Marker(span, tuple(found), "superscript"))

    # 5. author-date
    author_date = any(_is_author_date_label(r.label) for r in references)
    for m in _PARENS.finditer(text, body.start, body.end):
        span = Span(m.start(), m.end())
        if not free(span):
            continue
        found_labels: list[str] = []
        for part in re.split(r"\s*;\s*", m.group(1).strip()):
            part = _strip_lead_in(part)
            cm = _CITE_PART.match(part)
            if not cm:
                continue
            for year in re.split(r"\s*,\s*", cm["years"]):
                label, resolved = _author_date_label(cm["names"], year, references)
                if resolved or author_date:
                    found_labels.append(label)
        if found_labels:
            take(Marker(span, tuple(dict.fromkeys(found_labels)), "author_date"))
    for m in _NARRATIVE.finditer(text, body.start, body.end):
        span = Span(m.start(), m.end())
        if not free(span):
            continue
        label, resolved = _author_date_label(m["names"], m["years"], references)
        if resolved:
            take(Marker(span, (label,), "author_date"))

    return sorted(taken, key=lambda mk: mk.span)


def resolve(markers: Sequence[Marker], references: Sequence[Reference]) -> list[Citation]:
    """One Citation per marker label, with the index of the first reference carrying that label."""
    index: dict[str, int] = {}
    for i, r in enumerate(references):
        index.setdefault(r.label, i)
        index.setdefault(r.label.lower(), i)
    out = []
    for mk in markers:
        for label in mk.labels:
            ref = index.get(label, index.get(label.lower()))
            out.append(Citation(marker=mk.span, label=label, reference=ref, sentence=None))
    return out


# ------------------------------------------------------------------------------------------------ helpers


def _other_script(letters: list[str]) -> bool:
    return bool(letters) and sum(not c.isascii() for c in letters) * 5 >= 4 * len(letters)


def _inside_other_script(text: str, span: Span) -> bool:
    """A number standing inside text of another script (a verse number in an Arabic quotation):
    the five letters nearest on each side, on the same line, are mostly not Latin."""
    if text[max(0, span.start - 60) : span.end + 60].isascii():
        return False  # the common case, decided in C: no letter nearby is of another script
    before = text[max(0, span.start - 60) : span.start].split("\n")[-1]
    after = text[span.end : span.end + 60].split("\n")[0]
    near_before = [c for c in before if c.isalpha()][-5:]
    near_after = [c for c in after if c.isalpha()][:5]
    return _other_script(near_before) and _other_script(near_after)


def _plausible(labels: list[str], known: set[str]) -> bool:
    """A four-digit number ([2020]) is a marker only when a reference carries it as its label."""
    return all(len(x) < 4 or x in known for x in labels)




def _reference_at(references: Sequence[Reference], target: Span) -> int | None:
    """The one reference whose entry holds the anchor `target` (its start, when it spans several)."""
    hits = [i for i, r in enumerate(references) if r.span.overlaps(target) or r.span.contains(target)]
    if len(hits) == 1:
        return hits[0]
    inside = [i for i in hits if references[i].span.start <= target.start < references[i].span.end]
    return inside[0] if len(inside) == 1 else None


class _Spans:
    """Non-overlapping spans with a logarithmic overlap test."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def add(self, span: Span) -> None:
        i = bisect.bisect_left(self._starts, span.start)
        self._starts.insert(i, span.start)
        self._ends.insert(i, span.end)

    def overlaps(self, span: Span) -> bool:
        i = bisect.bisect_left(self._starts, span.end)  # spans starting before span.end
        # spans are disjoint and sorted, so only the few just before i can reach span.start
        for j in range(i - 1, max(-1, i - 3), -1):
            if self._ends[j] > span.start and self._starts[j] < span.end:
                return True
        return False


def _is_author_date_label(label: str) -> bool:
    return bool(re.fullmatch(r"\D.*\s(?:[12][0-9]{3}[a-z]?|n\.d\.)", label))


def _strip_lead_in(part: str) -> str:
    leads = sorted(word_set("citation_lead_ins"), key=len, reverse=True)
    low = part.lower()
    for lead in leads:
        if low.startswith(lead + " "):
            return part[len(lead) + 1 :].strip()
    return part.strip()


def _first_name(names: str) -> str:
    first = re.split(r"\s*(?:,|\band\b|&)\s*", names.strip())[0].strip()
    return first


def _author_date_label(names: str, year: str, references: Sequence[Reference]) -> tuple[str, bool]:
    """(label, resolved): the label of the reference the names and year point to, else 'Name Year'."""
    year = year.replace(" ", "")
    first = _first_name(names)
    keys = {names.strip().lower(), first.lower()}
    for r in references:
        if _is_author_date_label(r.label):
            name, _, ryear = r.label.rpartition(" ")
            if ryear.lower() == year.lower() and name.lower() in keys:
                return r.label, True
        same_year = str(r.date.year) == year[:4] if r.date is not None else year.lower() == "n.d."
        if not same_year:
            continue
        people = [surname(a).lower() for a in r.authors]
        if (people and people[0] in keys) or (r.publisher and r.publisher.lower() in keys):
            return r.label, True
    return f"{first} {year}", False
