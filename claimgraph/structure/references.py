"""The reference list: where it is, its entries, and each entry parsed into a `Reference`.

`find_references(reading, blocks)` -> `ReferenceSection | None`
`parse_entry(text, label, span)` -> `Reference` (one entry's text, its label already removed)
`publisher_from_url(url)` -> outlet name from the rules' domain map, else the registrable domain.

Styles read (publisher, date, title, URL, access date): Harvard-like ("Outlet, (November 2022). Title.
*Outlet*. Available at: <url>"), APA for persons and organisations ("Smith, J., & Khan, A. (2020, March 5).
Title. Publisher. url"), Chicago ('Author. "Title." Publisher, March 5, 2020. url.'), MLA ('Smith, John.
"Title." Publisher, 5 Mar. 2020, url. Accessed 6 Mar. 2020.'), Wikipedia ('^ a b "Title". Publisher.
5 March 2020. Retrieved 6 March 2020.'), Chicago author-date ("Smith, John. 2020. Title. Publisher."),
"Outlet – Title (2023)", bare URLs, "(n.d.)".
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import SplitResult, urlsplit

from claimgraph import rules as rule_files
from claimgraph.budget import check_references
from claimgraph.records import Anchor, Block, PartialDate, Reading, Reference, Span
from claimgraph.structure._rules import rules, word_set
from claimgraph.structure.dates import find_dates, parse_date, url_date
from claimgraph.structure.layout import is_reference_heading, is_section_ender

_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


@dataclass(frozen=True)
class ReferenceSection:
    """start: where the section begins (its heading, or its first entry); the body ends there.
    heading: the heading's span, when there is one.
    references: the parsed entries in order.
    """

    start: int
    heading: Span | None
    references: tuple[Reference, ...]


@dataclass(frozen=True)
class _Entry:
    span: Span  # whole entry, label included
    label: str | None
    content: Span  # the entry without its label


# ------------------------------------------------------------------------------------------------ labels

_LABELS = [
    re.compile(r"\[\^?\s*(?P<n>[0-9]{1,4})\s*\]\s*:?\s*"),  # [1]  [^1]  [^1]:
    re.compile(r"\^\s*\[?(?P<n>[0-9]{1,3})\]?[.):]?\s+"),  # ^1
    re.compile(r"(?P<n>[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})\s*"),  # ¹
    re.compile(r"\((?P<n>[0-9]{1,3})\)\s*"),  # (1)
    re.compile(r"(?P<n>[0-9]{1,3})[.)]\s+"),  # 1.  1)
    re.compile(r"(?P<n>[0-9]{1,3})\s+(?=[A-Z\"“‘'*_(\[<]|https?:)"),  # 1 Text
]
_BULLET = re.compile(r"[-*•·–]\s+")
_BACKLINKS = re.compile(r"\^\s*(?:(?:[a-z]{1,2}|[0-9]+\.[0-9]+)\s+)*")  # Wikipedia "^ a b c " back-links


def split_label(line: str) -> tuple[str | None, int]:
    """(label, offset where the content starts) for one entry line."""
    pos = len(line) - len(line.lstrip())
    if m := _BULLET.match(line, pos):
        pos = m.end()
    for pattern in _LABELS:
        m = pattern.match(line, pos)
        if m:
            label = str(int(m["n"].translate(_SUPERSCRIPT_DIGITS)))
            pos = m.end()
            if m2 := _BACKLINKS.match(line, pos):
                pos = m2.end()
            return label, pos
    if line.startswith("^", pos):
        m = _BACKLINKS.match(line, pos)
        return None, m.end() if m else pos + 1
    return None, pos


# ------------------------------------------------------------------------------------------------ section


_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'“”]+", re.I)
_YEAR = re.compile(r"(?<![0-9])[12][0-9]{3}(?![0-9])")


def _looks_like_reference(s: str) -> bool:
    return bool(_URL.search(s)) or (bool(_YEAR.search(s)) and len(s.split()) >= 4)


def _entry_like(text: str, e: _Entry) -> bool:
    """A labelled entry, one with a URL, an author-date opening, or a short one with a year (not prose)."""
    s = e.content.of(text)
    if e.label is not None or _URL.search(s) or _AUTHOR_DATE.match(_strip_md(s)):
        return True
    if not _YEAR.search(s) or len(s) > 250 or len(s.split()) < 3:
        return False
    # prose: an entry has at most one long part (its title); two sentences of 12 words or more are prose
    return sum(len(seg.split()) >= 12 for seg in re.split(r"[.;:?!]\s+", s)) < 2


def _lines(text: str, span: Span) -> list[Span]:
    out = []
    pos = span.start
    for line in span.of(text).split("\n"):
        s = Span(pos, pos + len(line)).strip(text)
        if len(s):
            out.append(s)
        pos += len(line) + 1
    return out


def _entries(text: str, blocks: list[Block], first: int, skip_first_line: bool) -> tuple[list[_Entry], bool]:
    """Entries from the blocks starting at index `first`, and whether the list runs to its natural end.

    The list ends at a heading that ends sections ("Further reading"), at a heading of the list's own level
    or above, or at a block of prose (which means the heading was no reference list's: returns False).
    """
    entries: list[_Entry] = []
    heading_level = None
    for bi in range(first, len(blocks)):
        b = blocks[bi]
        lines = _lines(text, b.span)
        if bi == first and skip_first_line:
            lines = lines[1:]
        for li, line in enumerate(lines):
            s = line.of(text)
            label, off = split_label(s)
            if li == 0 and label is None and len(lines) == 1:
                if is_section_ender(s):
                    return entries, True
                if is_reference_heading(s):
                    continue
                if b.kind == "heading" or (len(s) < 60 and not _looks_like_reference(s)):
                    if b.kind == "heading" and heading_level is not None and b.level <= heading_level:
                        return entries, True
                    if b.kind == "heading":
                        heading_level = heading_level if heading_level is not None else b.level
                    continue  # a sub-heading inside the list ("Primary sources")
            content = Span(line.start + off, line.end)
            continuation = re.match(
                r"(?:<?https?://|www\.|(?i:available|retrieved|accessed|archived)\b|[a-z])", s
            )
            if label is None and entries:
                prev = entries[-1]
                prev_done = re.search(r"(?:https?://\S+|\.)\s*>?$", prev.content.of(text))
                new_entry = not continuation and prev_done and _looks_like_reference(s)
                # a wrapped line, or a URL/access line under its entry
                if (li > 0 and not new_entry and (prev.label is not None or continuation)) or (
                    li == 0 and prev.label is not None and continuation
                ):
                    entries[-1] = _Entry(
                        Span(prev.span.start, line.end), prev.label, Span(prev.content.start, line.end)
                    )
                    continue
            if not len(content):
                continue
            entry = _Entry(line, label, content)
            if label is None and len(s) > 150 and not _entry_like(text, entry):
                return entries, False  # prose
            entries.append(entry)
    return entries, True


def _heading_candidates(text: str, blocks: list[Block]) -> list[tuple[int, Span, bool]]:
    """(block index, heading span, heading is only the first line of the block)."""
    out = []
    for i, b in enumerate(blocks):
        lines = _lines(text, b.span)
        if not lines:
            continue
        first = lines[0].of(text)
        if len(first) <= 60 and is_reference_heading(first):
            out.append((i, lines[0], len(lines) > 1))
    return out


def find_references(reading: Reading, blocks: list[Block], body_start: int = 0) -> ReferenceSection | None:
    """The document's reference section, or None.

    With a heading (rules' `reference_headings`): the entries are the blocks (or lines) after it, up to a
    heading that ends the section. The heading must be followed by something that looks like a reference;
    of several such headings, the first whose list is not cut short by prose is taken (else the last).
    Without a heading: a run of labelled entries that look like references closing the document
    (at least two, or one with a URL), or the targets of in-page footnote links.
    """
    text = reading.text
    last = None
    # each candidate's list is read to its end: a document of thousands of "Sources" headings would make
    # that quadratic, and no article has more than a handful
    for i, head, more in _heading_candidates(text, blocks)[:MAX_HEADINGS]:
        if head.start < body_start:
            continue
        entries, to_end = _entries(text, blocks, i if more else i + 1, more)
        if not any(_entry_like(text, e) for e in entries):
            continue
        last = (head, entries)
        if to_end:
            break  # the first list that nothing but entries follows
    if last is not None:
        head, entries = last
        return ReferenceSection(head.start, head, _parse_all(text, entries, reading.source))
    entries = _trailing_run(text, blocks, body_start)
    if entries:
        return ReferenceSection(entries[0].span.start, None, _parse_all(text, entries, reading.source))
    entries = _anchor_entries(reading, blocks, body_start)
    if entries:
        return ReferenceSection(entries[0].span.start, None, _parse_all(text, entries, reading.source))
    return None


def _trailing_run(text: str, blocks: list[Block], body_start: int) -> list[_Entry]:
    lines: list[Span] = []
    for b in blocks:
        if b.span.start >= body_start:
            lines.extend(_lines(text, b.span))
    run: list[_Entry] = []
    for line in reversed(lines):
        s = line.of(text)
        label, off = split_label(s)
        content = Span(line.start + off, line.end)
        if label is None:
            if not run and re.match(r"(?i)(?:<?https?://|available|retrieved|accessed)", s):
                continue  # a URL line under the last entry: taken in when its entry is
            break
        if not _looks_like_reference(content.of(text)):
            break
        run.append(_Entry(line, label, content))
    run.reverse()
    if not run:
        return []
    # take in the URL/access lines that follow the last entry
    merged = list(run)
    last = run[-1]
    tail = [ln for ln in lines if ln.start > last.span.end]
    if tail:
        merged[-1] = _Entry(
            Span(last.span.start, tail[-1].end), last.label, Span(last.content.start, tail[-1].end)
        )
    numbers = [int(e.label) for e in merged if e.label and e.label.isdigit()]
    sequential = numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else False
    if len(merged) >= 2 and sequential:
        return merged
    if len(merged) == 1 and _URL.search(merged[0].content.of(text)):
        s = merged[0].span.of(text)
        if re.match(r"\s*(?:\[\^?[0-9]|\^|[⁰¹²³⁴⁵⁶⁷⁸⁹])", s):
            return merged
    return []


def _anchor_entries(reading: Reading, blocks: list[Block], body_start: int) -> list[_Entry]:
    """Entries of an unnumbered HTML list whose items are the targets of in-page footnote links."""
    text = reading.text
    names = {lk.target[1:] for lk in reading.links if lk.target.startswith("#") and len(lk.target) > 1}
    anchors = [a for a in reading.anchors if a.name in names and a.span.start >= body_start]
    if not anchors:
        return []
    last_link = max(lk.span.end for lk in reading.links if lk.target.startswith("#"))
    anchors = sorted((a for a in anchors if a.span.start >= last_link), key=lambda a: a.span.start)
    out: list[_Entry] = []
    starts = [b.span.start for b in blocks]
    for a in anchors:
        span = _anchor_block(text, blocks, starts, a)
        if not len(span) or (out and out[-1].span.end > span.start):
            continue
        s = span.of(text)
        label, off = split_label(s)
        if label is None:
            m = re.search(r"([0-9]{1,3})$", a.name)
            label = str(int(m.group(1))) if m else None
        out.append(_Entry(span, label, Span(span.start + off, span.end)))
    return out


def _anchor_block(text: str, blocks: list[Block], starts: list[int], anchor: Anchor) -> Span:
    """The block that holds the anchor (a list item with id="fn1"), else the anchor's own text."""
    i = bisect.bisect_right(starts, anchor.span.start) - 1
    if i >= 0 and blocks[i].span.contains(anchor.span):
        return blocks[i].span
    return anchor.span.strip(text)


# ------------------------------------------------------------------------------------------------ entries


_AUTHOR_DATE = re.compile(
    r"^(?P<names>[^()\"“”]{2,160}?)[.,]?\s*(?:\((?:[^()]*?\b)?(?P<y1>[12][0-9]{3}[a-z]?|n\.\s?d\.)[^()]*\)"
    r"|\.\s+(?P<y2>[12][0-9]{3}[a-z]?)\.\s)"
)


def _parse_all(text: str, entries: list[_Entry], source: str) -> tuple[Reference, ...]:
    check_references(len(entries), source)  # before the entries are parsed, linked and fitted
    unlabelled = [e for e in entries if e.label is None]
    author_date = bool(unlabelled) and sum(
        1 for e in unlabelled if _AUTHOR_DATE.match(_strip_md(e.content.of(text)))
    ) * 2 >= len(unlabelled)
    refs: list[Reference] = []
    for position, e in enumerate(entries, start=1):
        label = e.label
        ref = parse_entry(e.content.of(text), label or "", e.span)
        if label is None:
            key = _author_date_label(ref, e.content.of(text)) if author_date else None
            label = key or str(position)
            ref = dataclasses.replace(ref, label=label)
        refs.append(ref)
    return tuple(refs)


def _author_date_label(ref: Reference, content: str) -> str | None:
    m = _AUTHOR_DATE.match(_strip_md(content))
    if not m:
        return None
    year = (m["y1"] or m["y2"]).replace(" ", "")
    year = "n.d." if year.lower().startswith("n") else year
    name = surname(ref.authors[0]) if ref.authors else (_clean_part(m["names"]) or "").strip(" .,")
    return f"{name} {year}" if name else None


def surname(author: str) -> str:
    """'Smith, J.' -> 'Smith'; 'John Smith' -> 'Smith'; 'Human Rights Watch' stays whole (no comma, org)."""
    a = author.strip()
    if "," in a:
        return a.split(",")[0].strip()
    if is_organisation(a):
        return a
    return a.split()[-1] if a.split() else a


def _strip_md(s: str) -> str:
    s = re.sub(r"\[([^\]]*)\]\((https?://[^)\s]+)\)", r"\1 \2", s)  # [text](url)
    return s


# ------------------------------------------------------------------------------------------------ parse


@cache
def _accessed_re() -> re.Pattern[str]:
    words = sorted(rules()["accessed_words"], key=len, reverse=True)
    return re.compile(
        r"(?i)[\[(]?\b(?P<word>" + "|".join(re.escape(w) for w in words) + r")\b(?:\s+(?:on|from))?\s*:?\s*"
    )


@cache
def _lead_in_re() -> re.Pattern[str]:
    words = sorted(rules()["url_lead_ins"], key=len, reverse=True)
    return re.compile(r"(?i)(?:\b|(?<=\W))(?:" + "|".join(re.escape(w) for w in words) + r")\s*:?\s*$")


def _clean_url(raw: str) -> str:
    url = raw.strip("<>")
    while url and url[-1] in ">.,;:'\"”’]*_":
        url = url[:-1]
    while url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    if url.lower().startswith("www."):
        url = "http://" + url
    return url


def _cut_url(s: str) -> tuple[str, str | None]:
    """Remove the entry's URLs (with any lead-in such as "Available at:"); return the rest, the first URL."""
    first: str | None = None
    while True:
        m = re.search(r"<?(?:https?://|www\.)[^\s<>\"“”]+>?", s, re.I)
        if not m:
            return s, first
        raw = m.group(0)
        core = raw[1:] if raw.startswith("<") else raw
        url = _clean_url(raw)
        if first is None:
            first = url
        used = len(url) - (len("http://") if not core.lower().startswith("http") else 0)
        trailing = core[used:].replace(">", "")
        start = m.start()
        lead = _lead_in_re().search(s[:start])
        if lead:
            start = lead.start()
        s = s[:start].rstrip() + " " + trailing + s[m.end() :]


def _cut_accessed(s: str) -> tuple[str, PartialDate | None]:
    accessed: PartialDate | None = None
    archived: PartialDate | None = None
    while True:
        m = _accessed_re().search(s)
        if not m:
            break
        rest = s[m.end() :]
        found = find_dates(rest[:60])
        date = None
        cut_end = m.end()
        if found and found[0][0].start <= 3:
            span, date = found[0]
            cut_end = m.end() + span.end
        else:
            # "Accessed 6 Mar. 2020" with a lower-case month, or other forms: try the next few words
            words = re.match(r"[^.;\]\)]{0,40}", rest)
            chunk = words.group(0) if words else ""
            date = parse_date(chunk)
            cut_end = m.end() + len(chunk)
        if s[cut_end : cut_end + 1] in ("]", ")"):
            cut_end += 1
        if date is not None:
            if m["word"].lower().startswith("archiv"):
                archived = archived or date
            else:
                accessed = accessed or date
        s = s[: m.start()].rstrip() + " " + s[cut_end:].lstrip()
    return s, accessed or archived


def _tidy(s: str) -> str:
    s = re.sub(r"\s+", " ", s)
    s = re.sub(r"\s+([.,;:])", r"\1", s)
    s = re.sub(r"([.,;:])(?:\s*[.,;:])+", r"\1", s)
    s = re.sub(r"\(\s*\)|\[\s*\]", "", s)
    return s.strip(" ,;:")


def _clean_part(s: str | None) -> str | None:
    if s is None:
        return None
    s = s.strip()
    s = re.sub(r"^[*_]+|[*_]+$", "", s).strip()
    s = re.sub(r"^(?:In|in)\s*:?\s+(?=[A-Z*_])", "", s)
    s = s.strip(" *_\"“”‘’'")
    s = re.sub(r"\s*[.,;:]+$", "", s).strip(' *_"“”')
    s = re.sub(r"[*_]{1,2}([^*_]+)[*_]{1,2}", r"\1", s)
    return s or None


def _alternation(key: str) -> str:
    return rule_files.alternation(word_set(key), loose_stops=True)


@cache
def _not_publisher() -> re.Pattern[str]:
    """A part of an entry that is bibliographic detail (a volume, pages, an identifier, an access note) or only
    numbers, never a publisher's name."""
    return re.compile(
        rf"(?i)^(?:{_alternation('not_publisher_words')})\b|^[0-9\s\-–()/:]+$"
        rf"|\b(?:{_alternation('locator_abbreviations')})\.\s*[0-9]|\b(?:{_alternation('identifier_schemes')})\b"
        r"|^[0-9]+\s*\([0-9]+\)"
    )


def _segments(s: str) -> list[str]:
    """Split an entry's rest at full stops, question and exclamation marks (not after abbreviations or
    initials). Semicolons stay: they are inside titles more often than between parts."""
    abbrevs = word_set("abbreviations")
    out, start = [], 0
    for m in re.finditer(r"[.?!](?=\s+|$)", s):
        end = m.end()
        if m.group(0) == ".":
            word = re.search(r"([\w.'’]+)\.$", s[start:end])
            w = word.group(1).lower() if word else ""
            if w in abbrevs or re.fullmatch(r"[A-Za-z]|(?:[A-Za-z]\.)+[A-Za-z]", w):
                continue  # an abbreviation or an initial: "vol.", "J.", "U.S."
        out.append(s[start:end])
        start = end
    out.append(s[start:])
    return [x.strip() for x in out if x.strip(" .;,")]


#: How many reference headings are tried, and how much of one entry is parsed. A real entry, quotation
#: included, runs to a few hundred characters; its parts (URL, access date) are cut out one at a time, which
#: is quadratic in the entry's length, so a megabyte "entry" must not reach it.
MAX_HEADINGS = 20
MAX_ENTRY_CHARS = 4_000


def parse_entry(content: str, label: str, span: Span) -> Reference:
    """Parse one entry (label removed) into a Reference with the given label and span. Only the first
    `MAX_ENTRY_CHARS` characters are read."""
    s = _strip_md(content.strip()[:MAX_ENTRY_CHARS])
    if s.startswith("^"):
        s = s[_BACKLINKS.match(s).end() :]  # type: ignore[union-attr]  # always matches at "^"
    s, url = _cut_url(s)
    s, accessed = _cut_accessed(s)
    s = _tidy(s)

    authors: tuple[str, ...] = ()
    publisher: str | None = None
    title: str | None = None
    date: PartialDate | None = None
    lead: str | None = None  # the leading author-or-organisation part

    quoted = _quoted_title(s)
    dash = _DASH.match(s)
    paren = _PAREN_DATE.search(s)
    if dash and paren and paren.start() < dash.start("b"):
        dash = None
    if quoted:
        pre, post = s[: quoted.start()], s[quoted.end() :]
        title = _clean_part(quoted.group(1))
        if pm := re.search(r"\((?P<d>[^()]*)\)", pre):
            date = parse_date(pm["d"]) or _first(pm["d"])
            pre = pre[: pm.start()] + pre[pm.end() :]
        lead = pre.strip(" ,")
        post_date, post_rest = _take_date(post)
        date = date or post_date
        parts = [p for p in (_clean_part(x) for x in re.split(r"[.,;]\s+|[.,;]$", post_rest)) if p]
        parts = [p for p in parts if not _not_publisher().search(p)]
        publisher = parts[0] if parts else None
    elif dash and (_is_outlet_like(dash["a"]) or _is_outlet_like(dash["b"])):
        # "Outlet – Title (2023)", or "Title – Outlet"
        outlet_first = _is_outlet_like(dash["a"])
        publisher = _clean_part(dash["a"] if outlet_first else dash["b"])
        title = _clean_part(dash["b"] if outlet_first else dash["a"])
        date = parse_date(dash["d"]) if dash["d"] else None
    elif paren and paren.start() <= 200:
        pre, post = s[: paren.start()], s[paren.end() :]
        date = parse_date(paren["d"]) or _first(paren["d"])
        lead = pre.strip(" ,")
        segs = [seg for seg in _segments(post.strip(" .,:")) if _clean_part(seg)]
        if lead and (len(lead.split()) > 8 or not _is_name_like(lead)):
            segs, lead = [lead, *segs], None  # "Title (2023). Outlet." — what precedes the date is no name
        if segs:
            title = _clean_part(segs[0])
            rest = [p for p in (_clean_part(x) for x in segs[1:]) if p and not _not_publisher().search(p)]
            if rest:
                publisher = rest[0]
    elif s:
        segs = _segments(s)
        # "Smith, John. 2020. Title. Publisher." (Chicago author-date): a segment that is just a year
        di = next((k for k, seg in enumerate(segs) if parse_date(seg.strip(" .")) is not None), None)
        if di is not None:
            date = parse_date(segs[di].strip(" ."))
            if di > 0:
                lead = " ".join(segs[:di]).strip(" ,")
            rest = [p for p in (_clean_part(x) for x in segs[di + 1 :]) if p]
        else:
            rest_text = s
            found = find_dates(rest_text)
            if found:
                span0, date = found[0]
                rest_text = rest_text[: span0.start] + rest_text[span0.end :]
            rest = [p for p in (_clean_part(x) for x in _segments(_tidy(rest_text))) if p]
            two_named = len(rest) == 2 and _is_name_like(rest[0]) and not _is_outlet_like(rest[1])
            if len(rest) >= 3 or two_named:
                lead, rest = rest[0], rest[1:]
        rest = [p for p in rest if not _not_publisher().search(p)]
        if len(rest) == 1 and lead is None and url and _same_outlet(rest[0], url):
            publisher = rest[0]  # "Dawn. Available at: https://www.dawn.com/..."
        elif rest:
            title = rest[0]
            if len(rest) > 1:
                publisher = rest[1]

    lead = lead.strip(" ,;:") if lead else None
    if lead:
        if is_organisation(lead) or _names_the_outlet(lead, publisher, url):
            publisher = publisher or _clean_part(lead)
        else:
            authors = split_authors(lead)
            if not authors:
                publisher = publisher or _clean_part(lead)
    if publisher and title and publisher == title:
        publisher = None
    place = re.fullmatch(r"([A-Z][\w.'’ -]{1,30}):\s+([A-Z].+)", publisher or "")
    if place and len(place.group(1).split()) <= 3:
        publisher = place.group(2)  # "Oxford: Example Press"
    if publisher is None and url:
        publisher = publisher_from_url(url)
    return Reference(
        label=label,
        span=span,
        authors=authors,
        publisher=publisher,
        date=date,
        title=title,
        url=url,
        url_date=url_date(url) if url else None,
        accessed=accessed,
    )


_DASH = re.compile(r"^(?P<a>[^–—\"“(]{2,60}?)\s+[–—-]\s+(?P<b>[^\"“]+?)\s*(?:\((?P<d>[^()]{2,30})\))?\s*\.?$")
_PAREN_DATE = re.compile(r"\((?P<d>n\.\s?d\.|[^()]{0,30}?[12][0-9]{3}[a-z]?[^()]{0,25}?)\)")


def _quoted_title(s: str) -> re.Match[str] | None:
    """A title in double quotes that opens a part of the entry (not a phrase quoted inside a title)."""
    for m in re.finditer(r"[\"“]([^\"”“]{2,}?)[\"”]", s):
        before = s[: m.start()].rstrip()
        if not before or before[-1] in ".:,)":
            return m
    return None


def _names_the_outlet(lead: str, publisher: str | None, url: str | None) -> bool:
    """A leading name (no 'Surname, Given' comma) that is the entry's outlet: the same as its publisher
    part ("Khyber Courier (2023). Title. *Khyber Courier*.") or a word of it in the URL's host."""
    name = _clean_part(lead) or ""
    if not name or "," in name:
        return False
    if publisher and _squash(name) == _squash(publisher):
        return True
    host = _squash(url_host(url)) if url else ""
    return bool(host) and any(len(w) >= 5 and w.lower() in host for w in re.findall(r"[A-Za-z]+", name))


def _squash(x: str) -> str:
    return re.sub(r"[^a-z0-9]", "", x.lower())


def _same_outlet(name: str, url: str) -> bool:
    pub = publisher_from_url(url) or ""
    host = _squash(url_host(url))
    return bool(_squash(name)) and (_squash(name) == _squash(pub) or _squash(name) in host)


def _first(s: str) -> PartialDate | None:
    found = find_dates(s)
    return found[0][1] if found else None


def _take_date(s: str) -> tuple[PartialDate | None, str]:
    """The first date in `s` (dates with a month first), and `s` without it."""
    found = find_dates(s)
    if not found:
        # a lower-case or abbreviated form find_dates does not take: try short comma-separated pieces
        for piece in re.split(r"[,;]\s+|\.\s+", s):
            d = parse_date(piece)
            if d is not None:
                return d, s.replace(piece, " ", 1)
        return None, s
    best = next(((sp, d) for sp, d in found if d.month is not None), found[0])
    span, date = best
    return date, s[: span.start] + " " + s[span.end :]


# ------------------------------------------------------------------------------------------------ names


def is_organisation(name: str) -> bool:
    """Whether a leading name is an organisation or outlet rather than one or more persons."""
    n = _clean_part(name) or ""
    if not n:
        return False
    low = n.lower()
    if low in _outlet_names() or low.replace(" ", "") in {x.replace(" ", "") for x in _outlet_names()}:
        return True
    if re.search(r"\b[A-Z][\w'’-]+,\s*(?:[A-Z]\.\s?)+", n):  # Smith, J.
        return False
    words = re.findall(r"[\w'’-]+", low)
    if any(w in word_set("organisation_words") for w in words):
        return True
    if len(words) == 1:
        return True  # a single word as author is an outlet ("Alarabiya"), not a person
    if re.fullmatch(r"[A-Z][\w'’-]+,\s*[A-Z][\w'’-]+(?:\s+[A-Z][\w'’.-]+)*", n):  # Smith, John
        return False
    if re.search(r"\b(?:and|&)\b", n):
        return False
    caps = [w for w in n.split() if w[:1].isupper()]
    return not (2 <= len(caps) <= 4 and len(caps) == len(n.split()))


def _is_outlet_like(s: str) -> bool:
    s = (_clean_part(s) or "").strip()
    if not s or len(s.split()) > 5:
        return False
    if s.lower() in _outlet_names():
        return True
    return is_organisation(s) and all(w[:1].isupper() or not w[:1].isalpha() for w in s.split())


def _is_name_like(s: str) -> bool:
    words = s.split()
    return 1 <= len(words) <= 8 and all(
        w[:1].isupper() or w in word_set("name_particles") for w in words
    )


def split_authors(s: str) -> tuple[str, ...]:
    """Personal authors as written: 'Smith, J., & Khan, A.' -> ('Smith, J.', 'Khan, A.')."""
    s = re.sub(r"\bet\s+al\.?", "", s).strip(" .,;")
    apa = re.findall(r"([A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+)*),\s*((?:[A-Z]\.\s?-?\s?)*[A-Z](?![\w'’]))\.?", s)
    if apa:
        return tuple(f"{sur}, {ini.strip()}." for sur, ini in apa)
    parts = [p for p in re.split(r"\s*,\s*(?:and|&)\s+|\s+and\s+|\s*&\s*|\s*;\s*", s) if p.strip()]
    out: list[str] = []
    for i, p in enumerate(parts):
        p = p.strip(" .,")
        if i == 0 and p.count(",") == 1 and all(1 <= len(x.split()) <= 3 for x in p.split(",")):
            out.append(p)  # Smith, John
            continue
        out.extend(x.strip(" .") for x in p.split(",") if x.strip(" ."))
    return tuple(a for a in out if re.match(r"[A-Z]", a))


@cache
def _outlet_names() -> frozenset[str]:
    return frozenset(v.lower() for v in rules()["outlets"].values())


# ------------------------------------------------------------------------------------------------ domains


def registrable_domain(host: str) -> str:
    host = host.lower().strip(".")
    labels = host.split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in word_set("second_level_suffixes"):
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def split_url(url: str) -> SplitResult | None:
    """`urlsplit(url)`, or None for a string that only looks like a URL ("http://[fe80::1/...": an
    unclosed or invalid IPv6 host, which urlsplit refuses with ValueError)."""
    try:
        parts = urlsplit(url.strip())
        parts.hostname  # noqa: B018 - also validates the bracketed host on some Python versions
        return parts
    except ValueError:
        return None


def url_host(url: str) -> str:
    """The URL's host name, lower case; '' when it has none or is no URL."""
    parts = split_url(url)
    return (parts.hostname or "") if parts is not None else ""


def url_path(url: str) -> str:
    """The URL's path; '' when it is no URL."""
    parts = split_url(url)
    return parts.path if parts is not None else ""


def publisher_from_url(url: str) -> str | None:
    """The outlet a URL belongs to: the rules' domain map (host, then its parents), else its domain."""
    host = url_host(url).lower()
    if not host:
        return None
    outlets = rules()["outlets"]
    labels = host.split(".")
    for k in range(len(labels) - 1):
        cand = ".".join(labels[k:])
        if cand in outlets:
            return outlets[cand]
    domain = registrable_domain(host)
    return outlets.get(domain, domain)


def normalise_url(url: str) -> str:
    """A URL compared loosely: no scheme, 'www.', fragment, tracking parameters or trailing slash."""
    p = split_url(url)
    if p is None:
        return url.strip().lower()
    host = (p.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    query = "&".join(
        q for q in p.query.split("&") if q and not q.lower().startswith(tuple(word_set("tracking_parameters")))
    )
    path = p.path.rstrip("/")
    return host + path + ("?" + query if query else "")
