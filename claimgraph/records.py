"""The record types the pipeline stages produce. All are frozen: a stage computes records, then stores them.

Evidence is always a `Span` into `Document.text` (the document's plain text), never a copied string, so
anyone can check `text[start:end]`. This module imports nothing from the package.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, order=True)
class Span:
    """A half-open range of character offsets into a document's plain text.

    start: offset of the first character.
    end: offset just past the last character (so `text[start:end]` is the covered text).
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")

    def __len__(self) -> int:
        return self.end - self.start

    def of(self, text: str) -> str:
        """The covered characters of `text`."""
        return text[self.start : self.end]

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def shift(self, by: int) -> Span:
        return Span(self.start + by, self.end + by)

    def strip(self, text: str) -> Span:
        """The span without the white space at its ends (clipped to the text)."""
        start, end = self.start, min(self.end, len(text))
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return Span(start, end)


_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A calendar date known to year, month or day precision ("2022", "2022-11", "2022-11-28").

    year: four-digit year.
    month: 1-12, or None when only the year is known.
    day: 1-31, or None when only the year or month is known.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        # dt.date validates month and day ranges (and leap years) for us.
        dt.date(self.year, self.month or 1, self.day or 1)

    @classmethod
    def from_iso(cls, value: str) -> PartialDate:
        m = _ISO.match(value.strip())
        if not m:
            raise ValueError(f"not an ISO partial date: {value!r}")
        y, mo, d = m.groups()
        return cls(int(y), int(mo) if mo else None, int(d) if d else None)

    @classmethod
    def of(cls, day: dt.date) -> PartialDate:
        return cls(day.year, day.month, day.day)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        if self.day:
            return dt.date(self.year, self.month, self.day)  # type: ignore[arg-type]
        if self.month:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    def human(self) -> str:
        """'2022', 'November 2022' or '28 November 2022'."""
        if self.month is None:
            return str(self.year)
        month = calendar.month_name[self.month]
        return f"{month} {self.year}" if self.day is None else f"{self.day} {month} {self.year}"

    def __str__(self) -> str:
        return self.iso()


@dataclass(frozen=True)
class Period:
    """A stretch of time a sentence reports ("in 2024", "in March 2023", "the 90s").

    span: where the expression stands in the text.
    start, end: first and last day covered (inclusive).
    """

    span: Span
    start: dt.date
    end: dt.date


@dataclass(frozen=True)
class Block:
    """One unit of the document's layout, in reading order.

    kind: 'heading', 'paragraph', 'list_item', 'quote' or 'code'.
    span: the block's text in `Document.text`.
    level: heading level (1 = top) for headings, nesting depth for list items, else 0.
    """

    kind: str
    span: Span
    level: int = 0


@dataclass(frozen=True)
class Link:
    """A hyperlink as the source wrote it.

    span: the link's anchor text in `Document.text`.
    target: the href as written: an absolute URL, or '#id' for a link inside the page.
    """

    span: Span
    target: str


@dataclass(frozen=True)
class Anchor:
    """An element of the source page that carries an id (a link target such as a footnote).

    name: the id, without '#'.
    span: the element's text in `Document.text`.
    """

    name: str
    span: Span


@dataclass(frozen=True)
class SourceMeta:
    """What the source states about itself outside its running text (HTML metadata, PDF info).

    title, authors, published: as stated (published is the raw string; the structure stage parses it).
    url: the canonical or fetched URL, when known.
    site: the site or outlet name, when known.
    """

    title: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    url: str | None = None
    site: str | None = None


@dataclass(frozen=True)
class Reading:
    """What a reader recovers from one input: plain text plus the layout the markup carried.

    source: the path, URL or '-' it was read from.
    format: 'text', 'markdown', 'html' or 'pdf'.
    text: the plain text, markup removed. Every span below points into it.
    blocks: headings, paragraphs, list items in reading order.
    links: hyperlinks (inline citation links among them).
    superscripts: spans that were superscript in the source markup (<sup>, Markdown ^x^).
    anchors: elements with ids (footnote targets) and their text spans.
    meta: what the source states about itself outside the text.
    """

    source: str
    format: str
    text: str
    blocks: tuple[Block, ...] = ()
    links: tuple[Link, ...] = ()
    superscripts: tuple[Span, ...] = ()
    anchors: tuple[Anchor, ...] = ()
    meta: SourceMeta = field(default_factory=SourceMeta)


@dataclass(frozen=True)
class Marker:
    """An inline citation marker in the body: [1], [1, 3], [1-3], ¹, a footnote link, (Author 2020).

    span: the marker's characters in the text.
    labels: the reference labels it names, ranges expanded ('1-3' -> '1', '2', '3').
    style: 'bracket', 'superscript', 'footnote', 'link' or 'author_date'.
    """

    span: Span
    labels: tuple[str, ...]
    style: str


@dataclass(frozen=True)
class Reference:
    """One entry of the reference list, parsed.

    label: its number or key as written ('1'; 'Smith 2020' for author-date lists).
    span: the whole entry in the text.
    authors: personal authors, as written.
    publisher: outlet or publisher ('Al Jazeera', 'VOA'), from the entry or, failing that, the URL's domain.
    date: the stated publication date (not an access date).
    title: the work's title.
    url: the first http(s) URL of the entry.
    url_date: a date encoded in the URL's path ('/2022/11/28/'), when there is one.
    accessed: a 'Retrieved'/'Accessed' date, kept apart from the publication date.
    """

    label: str
    span: Span
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    date: PartialDate | None = None
    title: str | None = None
    url: str | None = None
    url_date: PartialDate | None = None
    accessed: PartialDate | None = None

    @property
    def best_date(self) -> PartialDate | None:
        """The most precise trustworthy date: the URL's when it falls within the stated one, else the stated."""
        if self.url_date and self.date:
            agrees = self.date.first_day() <= self.url_date.first_day() <= self.date.last_day()
            return self.url_date if agrees else self.date
        return self.url_date or self.date


@dataclass(frozen=True)
class Dispatch:
    """One dispatch of a document that bundles several: a digest of press releases, each with its own
    dateline, or updates joined by separator lines. A document that bundles nothing is one dispatch.

    span: the dispatch's characters in the text (a separator line between two belongs to neither).
    date: the day it speaks from (its dateline, else a date in its title line), or None when it states none;
        relative dates in it ("yesterday") are read against this day.
    """

    span: Span
    date: PartialDate | None = None


@dataclass(frozen=True)
class Sentence:
    """A sentence of the body (from the spaCy parser, citation markers kept with the sentence they close).

    span: its characters in the text, trailing markers included.
    paragraph: index into `Document.paragraphs`.
    """

    span: Span
    paragraph: int


@dataclass(frozen=True)
class Citation:
    """One label of one marker, resolved to the reference it names.

    marker: the marker's span.
    label: the label named.
    reference: index into `Document.references`, or None when no entry carries the label.
    sentence: index into `Document.sentences` of the sentence the marker supports, or None.
    """

    marker: Span
    label: str
    reference: int | None
    sentence: int | None


@dataclass(frozen=True)
class Suggestion:
    """What a finding proposes instead.

    message: the proposal in plain words.
    references: labels of the references proposed (e.g. the better-fitting one).
    span: where in the text the proposal applies, when that is elsewhere than the evidence.
    """

    message: str
    references: tuple[str, ...] = ()
    span: Span | None = None


@dataclass(frozen=True)
class SourcePassage:
    """The passage of a cited document that a finding quotes (claimgraph/sources/).

    reference: the label of the reference whose document it is.
    url: the reference's URL.
    document: the content hash of the cited document's text (as `Document.id`; the knowledge base keeps it).
    span: the passage's characters in that text.
    text: the passage.
    """

    reference: str
    url: str
    document: str
    span: Span
    text: str


@dataclass(frozen=True)
class ClaimSupport:
    """How well the document a claim's sentence cites supports that claim itself (claimgraph/audit/support.py).

    claim: the claim's id ('c3').
    reference: the label of the reference judged (of several cited, the one that supports the claim best).
    label: 'supported', 'partially_supported' or 'not_supported'.
    score: P(supported) from the support scorer (0..1).
    evidence: the claim's span in the article (its clause or sentence) that was judged.
    source: the best passage of the cited document for the claim (None when the document has no text).
    missing_names: the claim's actors, and names of its text, that the document does not give (as written).
    missing_numbers: the claim's figures that the document does not give (as written).
    missing_words: content words of the claim that its passage lacks.
    differ: figures the document gives differently, as "claim value -> source value".
    """

    claim: str
    reference: str
    label: str
    score: float
    evidence: Span
    source: SourcePassage | None = None
    missing_names: tuple[str, ...] = ()
    missing_numbers: tuple[str, ...] = ()
    missing_words: tuple[str, ...] = ()
    differ: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    """A problem (or a noteworthy fact) about the document's sourcing.

    code: the audit code ('citation.mismatch', ...; see PRODUCT.md).
    severity: 'error', 'warning' or 'info'.
    message: why, in plain words.
    evidence: the span the finding is about.
    references: labels of the references involved.
    suggestion: what to do instead, when there is a proposal.
    source: the passage of the cited document the finding quotes (source-support findings).
    """

    code: str
    severity: str
    message: str
    evidence: Span
    references: tuple[str, ...] = ()
    suggestion: Suggestion | None = None
    source: SourcePassage | None = None

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}")


@dataclass(frozen=True)
class DateBounds:
    """A publication date bounded from evidence when the document does not state one.

    not_before, not_after: the bounds (either may be None when unknown).
    why: the reasoning, in plain words.
    """

    not_before: PartialDate | None
    not_after: PartialDate | None
    why: str


@dataclass(frozen=True)
class Mention:
    """One place in the text where an entity is named or referred to.

    span: the mention's characters.
    entity: id of the entity it refers to.
    how: how it was linked: 'gazetteer', 'demonym', 'metonym', 'ner', 'generic', 'rule', 'url',
        'coreference' (a definite description or "he"/"his" referring back to an earlier entity: "the group",
        "the terrorist group", "the city"), 'common' (a common-noun phrase that is an entity of its own:
        "militants", "70 members"), 'pronoun' ("we", "they", "I": the nearest compatible entity before it,
        never one its own sentence names after it). The last three are the mentions beyond names
        (`beyond_names` in entities.yaml).
    facet: for a state, the organ acting in this mention ('government', 'police', 'military', 'agency',
        'population'), or None.
    """

    span: Span
    entity: str
    how: str
    facet: str | None = None


@dataclass(frozen=True)
class Entity:
    """An actor, place or thing, canonical within the document (and, through `id`, across documents when
    the gazetteer knows it).

    id: the gazetteer id ('PAK', 'TTP'), or a document-local id ('local:person:john-smith') for unknowns.
    name: the canonical name.
    type: one of PRODUCT.md's entity types (state, government, military, ...).
    wikidata: the Wikidata Q-id when the gazetteer is sure of it, else None.
    country: the id of the state it belongs to, when known.
    mentions: every mention in the document, in text order.
    sector: the sector a person acts for when a title in their noun phrase says so ('government' for a
        head of state or government or a minister, 'military' for an officer), else None. A state's organ
        (government, police, military, agency, population) is its mention's `facet`, not a sector of the whole
        entity.
    """

    id: str
    name: str
    type: str
    wikidata: str | None = None
    country: str | None = None
    mentions: tuple[Mention, ...] = ()
    sector: str | None = None


@dataclass(frozen=True)
class Quantity:
    """A counted or measured amount a claim reports: "around 685 security personnel", "$35m", "several".

    span: the expression as written, qualifier included.
    value: the number (scale applied; vague words coded as ACLED/UCDP do: several 3, dozens 12, hundreds 100).
    low, high: bounds when the text gives a range or a bound ("at least 5" -> low 5; "up to 10" -> high 10).
    qualifier: "around", "over", "at least", "nearly", "up to"... as written, or None.
    unit: 'people' for counts of people, an ISO 4217 code for money, else what is counted ('vehicles').
    what: the category: 'killed', 'injured', 'abducted', 'arrested', 'displaced', 'repatriated', 'money', ...
    whom: who is counted: 'civilians', 'security personnel', 'militants', 'refugees', ... or None.
    vague: the vague word when the number is coded from one ("several", "dozens"), else None.
    restates: the span of another figure of the document this one restates (a detail of a summary stated
        earlier, the same figure stated again, or a vague summary that later figures make precise), else
        None; a total is the sum of the figures that restate nothing (claims/tally.py).
    """

    span: Span
    value: float
    low: float | None = None
    high: float | None = None
    qualifier: str | None = None
    unit: str | None = None
    what: str | None = None
    whom: str | None = None
    vague: str | None = None
    restates: Span | None = None


@dataclass(frozen=True)
class TimeExpression:
    """A time a claim happened, as an interval of days.

    span: the expression in the text ("in March 2023", "just a few days ago", "the 90s").
    start, end: first and last day (inclusive); either may be None for open intervals ("since 2015").
    relative: True when resolved against the document's date (stated or inferred).
    calendar: True when the text names the day or month on the calendar ("on 4 March", "in June") though its
        year is read against the document's date: a stated date, which beats "yesterday" or "on Tuesday".
    """

    span: Span
    start: dt.date | None
    end: dt.date | None
    relative: bool = False
    calendar: bool = False


@dataclass(frozen=True)
class Claim:
    """Who did what to whom, when, where, how many, how it is said, by whom, on which citation.

    id: stable within the document ('c3').
    subject, object: entity ids (several for coordinated actors).
    predicate: a PLOVER 0.8 event type or a standing relation (ALLIED_WITH, HARBORS, ...).
    mode: PLOVER mode ('firearms', 'deport', 'blockade'...), or None.
    negated: True when the text denies it.
    modality: 'asserted', 'reported', 'quoted', 'speculative' or 'opinion'.
    attributed_to: entity id (or name) of the source the author relays, None for the author's own voice.
    time: when, if the sentence says.
    place: entity ids of where.
    quantities: amounts the claim reports.
    citations: labels of the references whose markers cover the sentence.
    evidence: the span the claim rests on (its clause or sentence).
    sentence: index into `Document.sentences`.
    rule: id of the pattern that produced it (from the versioned pattern files).
    """

    id: str
    subject: tuple[str, ...]
    predicate: str
    object: tuple[str, ...]
    evidence: Span
    sentence: int
    mode: str | None = None
    negated: bool = False
    modality: str = "asserted"
    attributed_to: str | None = None
    time: TimeExpression | None = None
    place: tuple[str, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    citations: tuple[str, ...] = ()
    rule: str = ""
