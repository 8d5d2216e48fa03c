"""Title, byline and stated publication date of a document, from its first blocks and its metadata.

`find_layout(reading, blocks)` returns a `Layout`. Nothing here is inferred: a date is the one the source
states (its metadata, a date line near the top, or a press-release dateline), or None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from claimgraph.records import Block, PartialDate, Reading, Span
from claimgraph.structure._rules import rules, word_set
from claimgraph.structure.dates import find_dates, month_number, parse_date

#: how many blocks from the top may hold the title, byline and date line
TOP_BLOCKS = 6
MAX_TITLE = 200
MAX_BYLINE = 160
MAX_DATE_LINE = 120


@dataclass(frozen=True)
class Layout:
    """title, byline: spans of the title and byline, when found.
    authors: the byline's names (or the metadata's authors).
    published: the stated publication date.
    header: indices (into the block list) of the title, byline and date-line blocks.
    """

    title: Span | None = None
    byline: Span | None = None
    authors: tuple[str, ...] = ()
    published: PartialDate | None = None
    header: frozenset[int] = frozenset()


# ------------------------------------------------------------------------------------------------ blocks


def blocks_of(reading: Reading) -> list[Block]:
    """The reading's blocks with spans trimmed of surrounding white space (empty ones dropped).

    A reading without blocks is split at blank lines, as the text reader does.
    """
    text = reading.text
    raw = list(reading.blocks)
    if not raw:
        raw = []
        for m in re.finditer(r"\S(?:.*?\S)?(?=\s*\n\s*\n|\s*$)", text, re.S):
            raw.append(Block("paragraph", Span(m.start(), m.end())))
    out = []
    for b in raw:
        span = b.span.strip(text)
        if len(span):
            out.append(Block(b.kind, span, b.level))
    return out




#: The most of a block the header checks (title, byline, date line, section headings) read: each of them
#: wants a short block, and copying a 19 MB one-paragraph text through `plain` a dozen times cost seconds
#: and hundreds of megabytes.
HEADER_CHARS = 2_000


def head(text: str, span: Span) -> str:
    """The start of a block's text, at most `HEADER_CHARS` characters (a longer block is no header line;
    its start still says what a title or heading needs)."""
    return text[span.start : min(span.end, span.start + HEADER_CHARS)]


def plain(s: str) -> str:
    """A block's text without Markdown emphasis/heading marks, white space collapsed."""
    s = re.sub(r"^\s*#{1,6}\s+", "", s)
    s = re.sub(r"[*_]{1,3}", "", s)
    return re.sub(r"\s+", " ", s).strip()


# ------------------------------------------------------------------------------------------------ layout


def find_layout(reading: Reading, blocks: list[Block], end: int | None = None) -> Layout:
    """Title, byline, authors and stated date. `end`: offset where the reference section starts."""
    text = reading.text
    limit = len(text) if end is None else end
    top = [(i, b) for i, b in enumerate(blocks) if b.span.start < limit][: TOP_BLOCKS + 2]
    header: set[int] = set()

    title, title_idx = _title(reading, top)
    if title_idx is not None:
        header.add(title_idx)

    published: PartialDate | None = None
    meta = reading.meta
    if meta.published:
        published = parse_date(meta.published) or _first_date(meta.published)

    # byline: a block right after the title (a date line may stand between)
    byline: Span | None = None
    authors: tuple[str, ...] = ()
    after = [(i, b) for i, b in top if title_idx is None or i > title_idx][:3]
    for i, b in after:
        if i in header:
            continue
        found = _byline(b.span.of(text))
        if found is not None:
            names, date = found
            byline, authors = b.span, names
            header.add(i)
            if published is None and date is not None:
                published = date
            break
        if _date_line(b.span.of(text)) is None:
            break  # the byline must follow the title closely
    if not authors and meta.authors:
        authors = tuple(a.strip() for a in meta.authors if a.strip())

    # date line(s) near the top
    updated: PartialDate | None = None
    for i, b in top:
        if i in header:
            continue
        found = _date_line(b.span.of(text))
        if found is None:
            continue
        date, is_update = found
        header.add(i)
        if is_update:
            updated = updated or date
        elif published is None:
            published = date
    if published is None and updated is not None:
        published = updated

    # a press-release dateline ("KABUL, Afghanistan (June 25, 2010) —") on a line of its own, opening a
    # paragraph, or after header lines a converter ran together; a release number ("2012-08-S-027")
    # supplies a missing year; failing that, a date in the title ("May 15: Operations in ...")
    if published is None:
        head = "\n".join(b.span.of(text) for _, b in top)
        year = release_year(head) or stated_year(head)
        for _, b in top:
            if b.kind == "heading":
                continue
            published = dateline_date(b.span.of(text), year)
            if published is not None:
                break
        if published is None and title is not None:
            published = title_date(title.of(text), year)

    return Layout(title, byline, authors, published, frozenset(header))


def _title(reading: Reading, top: list[tuple[int, Block]]) -> tuple[Span | None, int | None]:
    text = reading.text
    meta_title = reading.meta.title
    if meta_title and meta_title.strip():
        found = _find_meta_title(text, meta_title.strip(), top)
        if found is not None:
            return found
    for i, b in top:
        s = plain(head(text, b.span))
        if b.kind == "heading" and not is_reference_heading(s) and not is_section_ender(s):
            return b.span, i
        if len(s) > MAX_TITLE or s.endswith("."):
            break  # running text started: a later heading is a section heading
    only_block = len(top) == 1
    for i, b in top:
        s = plain(head(text, b.span))
        if b.kind == "paragraph" and reads_as_body(s, only_block):
            break  # the text starts with its body: no title (the first sentence is read, not skipped)
        if (
            b.kind in ("paragraph", "heading")
            and not is_reference_heading(s)
            and not is_section_ender(s)
            and 0 < len(s) < MAX_TITLE
            and not s.endswith((".", ":", ";", ","))
            and _byline(s) is None
            and _date_line(s) is None
            and len(b.span) <= HEADER_CHARS
            and "\n" not in b.span.of(text).strip()
        ):
            return b.span, i
    return None, None


#: A headline is short: the longest of the real-news dev set's has 18 words. A first line longer than this is
#: body text even without a final full stop (a pasted lead paragraph); set by hand with a margin.
MAX_TITLE_WORDS = 30

#: A line that ends by attributing itself in the past tense (", residents said") is a sentence: headlines
#: attribute in the present ("..., officials say").
_PAST_ATTRIBUTION = re.compile(r",\s+(?:[\w'’-]+\s+){0,5}(?:said|told\s+\S+|reported|added|claimed)\W*$", re.I)


def reads_as_body(line: str, only_block: bool = False) -> bool:
    """Whether a text's first line is body text rather than a title: the only block of the text (a one-line
    text is its own body), a line that ends as a sentence ends (".", "!", "?", also inside a closing quote),
    holds two sentences, attributes itself in the past tense, or is longer than any headline. Such a line is
    read by the later stages (entities, claims) instead of being skipped as a title."""
    s = plain(line)
    if not s:
        return False
    if only_block:
        return True
    if re.search(r"[.!?][\"”’')\]]*$", s) and not re.search(r"\b[A-Z][a-z]{0,3}\.$", s):
        return True  # "... the town." (an abbreviation at the end, "Gen.", "St.", does not end a sentence)
    if re.search(r"[a-z0-9][.!?]\s+[A-Z]", s):
        return True
    return bool(_PAST_ATTRIBUTION.search(s)) or len(s.split()) > MAX_TITLE_WORDS


def _find_meta_title(text: str, title: str, top: list[tuple[int, Block]]) -> tuple[Span, int] | None:
    """The top block that is the metadata's title (or its part before a " | Site" suffix)."""
    candidates = [title]
    parts = re.split(r"\s+[|–—-]\s+|\s+::\s+", title)
    if len(parts) > 1:
        candidates += sorted(parts, key=len, reverse=True)
    for cand in candidates:
        key = plain(cand).lower()
        if len(key) < 4:
            continue
        for i, b in top:
            if len(b.span) <= HEADER_CHARS and plain(b.span.of(text)).lower() == key:
                return b.span, i
    return None


# ------------------------------------------------------------------------------------------------ byline


@cache
def _byline_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    leads = sorted(rules()["byline_lead_ins"], key=len, reverse=True)
    roles = sorted(rules()["byline_roles"], key=len, reverse=True)
    lead = re.compile(r"(?i)^(?:" + "|".join(re.escape(x) for x in leads) + r")\s*:?\s+(?P<names>.+)$")
    role = re.compile(
        r"^(?P<names>.+?)\s*(?:,|\||–|—|-)\s*(?i:" + "|".join(re.escape(x) for x in roles) + r")\b.*$"
    )
    return lead, role


_NAME_WORD = re.compile(
    r"^(?:[A-Z][\w'’.-]*|[a-z]{1,3}|al-[A-Z][\w'’-]*|ul|ud|bin|ibn|van|von|de|da|del|la|le)$"
)


def _is_name(s: str) -> bool:
    words = s.split()
    if not 1 <= len(words) <= 5 or not words[0][:1].isupper():
        return False
    return all(_NAME_WORD.match(w) for w in words) and sum(w[:1].isupper() for w in words) >= 1


def _outlet_names() -> frozenset[str]:
    return frozenset(v.lower() for v in rules()["outlets"].values())


def _affiliation(piece: str) -> bool:
    """An outlet or organisation named after the authors ("Reuters", "Centre for Border Studies")."""
    low = piece.lower()
    words = re.findall(r"[\w'’-]+", low)
    return (
        low in _outlet_names()
        or any(w in word_set("organisation_words") for w in words)
        or any(w in ("for", "of", "the") for w in words)
    )


def split_names(s: str) -> list[str]:
    """'A and B', 'A, B & C' -> ['A', 'B', 'C']; an affiliation after the names ends them."""
    s = re.sub(r"\([^)]*\)", " ", s)
    s = re.sub(r"\s+", " ", s).strip(" .,;")
    out: list[str] = []
    for piece in re.split(r"\s*[,;]\s*", s):
        piece = re.sub(r"^(?:and|&)\s+", "", piece.strip(" ."))
        if not piece:
            continue
        if _affiliation(piece):
            break
        out.extend(n.strip(" .") for n in re.split(r"\s+and\s+|\s*&\s*", piece) if n.strip(" ."))
    return out


def _byline(block: str) -> tuple[tuple[str, ...], PartialDate | None] | None:
    """(names, date stated in the byline) when the block is a byline."""
    if len(block) > HEADER_CHARS:
        return None
    s = plain(block)
    if not s or len(s) > MAX_BYLINE or "\n" in block.strip():
        return None
    lead, role = _byline_patterns()
    m = lead.match(s) or role.match(s)
    if not m:
        return None
    names_part = m["names"]
    date = None
    dates = [d for _, d in find_dates(names_part) if d.month is not None]
    if dates:
        date = dates[0]
    # cut at a separator or a date-line word: "By Jane Doe | Published March 3, 2024"
    names_part = re.split(r"\s+[|•·]\s+|\s+[–—]\s+|\s+-\s+", names_part)[0]
    names_part = re.split(r"(?i)\b(?:published|updated|posted|on (?=[A-Z0-9]))\b", names_part)[0]
    names_part = re.sub(r"(?i)\s+in\s+[A-Z][\w-]*(?:\s+[A-Z][\w-]*)?$", "", names_part)  # "By X in Kabul"
    # a role after the name(s): "Jane Doe, Staff Writer"
    rm = role.match(names_part)
    if rm:
        names_part = rm["names"]
    names = [n for n in split_names(names_part) if _is_name(n)]
    if not names:
        return None
    return tuple(names), date


# ------------------------------------------------------------------------------------------------ dates


def _lead_ins(key: str) -> str:
    return "|".join(re.escape(x) for x in sorted(rules()[key], key=len, reverse=True))


@cache
def _date_lead() -> tuple[re.Pattern[str], re.Pattern[str]]:
    pub = re.compile(r"(?i)^(?:" + _lead_ins("date_line_lead_ins") + r")\b\s*:?\s*")
    upd = re.compile(r"(?i)^(?:" + _lead_ins("update_lead_ins") + r")\b\s*:?\s*")
    return pub, upd


#: A masthead ahead of a date line: a short capitalised name and a comma or dash, the date following
#: ("The Daily Example, January 1, 2025", "Example Times — 3 March 2024"). Only a whole line of name and date
#: counts (`_date_line` still requires the rest to be a date).
_MASTHEAD = re.compile(r"^(?:The\s+)?(?:[A-Z][\w'’&.-]*\s+){0,5}[A-Z][\w'’&.-]*\s*(?:,|[–—|-])\s+(?=\S)")


@cache
def _update_words() -> str:
    return r"(?i:" + _lead_ins("update_lead_ins") + r")\b"


def _names_only(s: str) -> bool:
    names = split_names(s)
    return bool(names) and all(_is_name(n) for n in names) and not find_dates(s)


_LEFTOVER_OK = re.compile(
    r"(?i)^(?:[\s,|•·:;()\-–—/]|at|on|gmt|utc|[a-z]{2,4}t|am|pm|a\.m\.|p\.m\.|[0-2]?[0-9][:.][0-5][0-9]"
    r"|mon|tue|wed|thu|fri|sat|sun|(?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|[0-9]+\s*min(?:ute)?s?\s*read|read|last|[+-][0-9]{2}:?[0-9]{2})*$"
)


def _date_line(block: str) -> tuple[PartialDate, bool] | None:
    """(date, is_update) when the block is a short date line ("Published 3 March 2024", "2024-03-03")."""
    if len(block) > HEADER_CHARS:
        return None
    s = plain(block)
    if not s or len(s) > MAX_DATE_LINE:
        return None
    pub, upd = _date_lead()
    # "Published 3 March 2024 | Updated 4 March 2024", "... / Updated ...", "..., Updated ...": the parts in
    # turn; a masthead before the date ("The Daily Example, January 1, 2025") is the outlet's name, not a title
    s = _MASTHEAD.sub("", s, count=1) if _MASTHEAD.match(s) and find_dates(s) else s
    parts = [p.strip() for p in re.split(r"\s+[|•·/]\s+|(?:,|\s+[-–—])\s+(?=" + _update_words() + r")", s)
             if p.strip()]
    if len(parts) > 1 and _names_only(parts[0]):
        parts = parts[1:]  # "Jane Doe and John Roe | 12.04.2025": the authors, then the date
    results: list[tuple[PartialDate, bool]] = []
    for part in parts:
        is_update, led = False, False
        if m := upd.match(part):
            part, is_update, led = part[m.end() :], True, True
        elif m := pub.match(part):
            part, led = part[m.end() :], True
        date = parse_date(part)
        if date is None and not led and _LEFTOVER_OK.match(part):
            continue  # "5 min read", "GMT"
        if date is None:
            found = find_dates(part)
            if len(found) != 1:
                return None
            span, date = found[0]
            leftover = part[: span.start] + " " + part[span.end :]
            if not _LEFTOVER_OK.match(leftover.strip()):
                return None
        if date.month is None and not led:
            return None  # a lone year is not a date line
        results.append((date, is_update))
    if not results:
        return None
    for date, is_update in results:
        if not is_update:
            return date, False
    return results[0]


_DATELINE = re.compile(
    r"^[A-Z][A-Z .'’-]{1,40}(?:,\s*[A-Z][A-Za-z .'’-]{1,40})?,?\s*"
    r"(?:\((?P<paren>[^()]{4,40})\)|(?P<bare>[A-Z][a-z]{2,8}\.?\s+[0-9]{1,2},?\s+[12][0-9]{3})\s*(?:[—–-]|$)"
    # a wire's "CITY, Jan 1 (Agency) -", "CITY, Country, Dec 10, (Agency):": the day, then the agency
    r"|(?P<wire>[A-Z][a-z]{2,8}\.?\s+[0-9]{1,2})\s*,?\s*\([^()]{2,40}\)\s*[:—–-])"
)
#: A press release's number: "2011-08-S-072", "2010-02-CA-033" (year and month of issue).
_RELEASE = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>0[1-9]|1[0-2])-[A-Z]{1,3}\s*[-–]\s*\d{2,4}\b")


def release_year(head: str) -> int | None:
    m = _RELEASE.search(head)
    return int(m["year"]) if m else None


def stated_year(head: str) -> int | None:
    """The latest year the opening of a text states ("... killed since 2019 ... on March 3, 2025" -> 2025):
    the year of a dateline that gives only month and day ("CITY, Jan 1 (Agency) -"), which wires leave out
    because it is the current one. None when the opening states no year."""
    years = [d.year for _, d in find_dates(head) if d.year]
    return max(years) if years else None


def dateline_date(block: str, year: int | None = None) -> PartialDate | None:
    """The date of a press-release dateline: "KABUL, Afghanistan (June 25, 2010) — ...", or "(August 14)"
    with the year of the release number. The city must be in capitals; it may follow other header text."""
    for raw in _dateline_candidates(block):
        date = parse_date(raw)
        if date is None and year is not None:
            date = parse_date(f"{raw.strip().rstrip(',')}, {year}")
        if date is not None and date.day is not None:
            return date
    return None


_MONTH_DAY = re.compile(r"\s*(?P<month>[A-Za-z]{3,9})\.?\s+(?P<day>[0-9]{1,2})\b")
#: how far into a block a dateline may start (after header lines a converter ran together)
DATELINE_WITHIN = 400


def opens_with_dateline(block: str) -> bool:
    """Whether a block opens with a dateline, with or without its year ("KABUL, Afghanistan (July 16) —").
    A month and a day are enough to say so; no date parser is needed (this runs on every block)."""
    for raw in _dateline_candidates(block):
        m = _MONTH_DAY.match(raw)
        if m and month_number(m["month"]) and 1 <= int(m["day"]) <= 31:
            return True
    return False


def _dateline_candidates(block: str):
    head = block[:DATELINE_WITHIN]
    for start in (0, *(m.end() for m in re.finditer(r"\s(?=[A-Z]{3,}[A-Z .'’-]*,)", head))):
        m = _DATELINE.match(head[start:].strip())
        if m:
            yield m["paren"] or m["bare"] or m["wire"]


_TITLE_DAY = re.compile(r"^(?P<md>[A-Z][a-z]{2,8}\.? [0-9]{1,2}):")


def title_date(title: str, year: int | None) -> PartialDate | None:
    """A full date in a release's title ("Morning Operational Update June 17, 2011"), or a day opening it
    ("May 15: ...") in the year of the release number."""
    full = [d for _, d in find_dates(title) if d.day is not None]
    if full:
        return full[-1]
    m = _TITLE_DAY.match(title.strip())
    if m and year is not None:
        date = parse_date(f"{m['md']}, {year}")
        return date if date is not None and date.day is not None else None
    return None


def _first_date(s: str) -> PartialDate | None:
    found = find_dates(s)
    return found[0][1] if found else None


def is_reference_heading(s: str) -> bool:
    """Whether a short block names a reference section ("References", "**Sources:**", "## Notes")."""
    if len(s) > HEADER_CHARS:
        return False
    key = plain(s).rstrip(":： ").strip().lower()
    return key in word_set("reference_headings")


def is_section_ender(s: str) -> bool:
    if len(s) > HEADER_CHARS:
        return False
    key = plain(s).rstrip(":： ").strip().lower()
    return key in word_set("section_enders")
