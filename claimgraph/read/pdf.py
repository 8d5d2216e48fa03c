"""PDF to a Reading, through pypdf.

pypdf's plain extraction gives lines but no paragraphs. Its text visitor also reports where each piece of
text sits and in which font size, so we rebuild paragraphs from the vertical gaps between lines, headings
from larger type, and list items from leading markers; words hyphenated across line ends are joined.
"""

from __future__ import annotations

import io
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass

import pypdf

from claimgraph.errors import DecodeFailure, EmptyInput, InputError
from claimgraph.read.builder import Builder
from claimgraph.records import Reading, SourceMeta

_ITEM = re.compile(r"^\s*(?:\[\d{1,3}\]|\(?\d{1,3}[.)]\s|[•◦▪‣–-]\s)")
_PAGE_NUMBER = re.compile(r"^\s*(?:page\s+)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:/|of)\s*\d{1,4})?\s*$", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_PLACEHOLDERS = {"untitled", "anonymous", "unknown", "(unspecified)", "unspecified"}
_HEADING_RATIO = 1.15  # type this much larger than the body text is a heading
_GAP_RATIO = 1.4  # a gap this much larger than the usual line spacing starts a paragraph
_SHORT_LINE = 0.8  # a line shorter than this share of a full line ends its paragraph
_MAX_HEADING_CHARS = 200


@dataclass
class _Line:
    text: str
    y: float
    size: float


class _LineCollector:
    """A pypdf text visitor: gathers the page's lines with their baseline and font size."""

    def __init__(self) -> None:
        self.lines: list[_Line] = []
        self._parts: list[str] = []
        self._y = 0.0
        self._size = 0.0
        self._placed = False  # whether the current line's position is known (from its first visible text)

    def __call__(self, text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        pieces = text.split("\n")
        for k, piece in enumerate(pieces):
            if piece.strip() and not self._placed:
                self._placed = True
                # the text matrix times the current transformation matrix places the text on the page
                self._y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                scale = math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
                self._size = round(size * (scale or 1.0), 1)
            if piece:
                self._parts.append(piece)
            if k < len(pieces) - 1:
                self.flush()

    def flush(self) -> None:
        text = " ".join(_CONTROL.sub("", "".join(self._parts)).split())
        if text:
            self.lines.append(_Line(text, self._y, self._size))
        self._parts = []
        self._placed = False


def read_pdf(data: bytes, source: str) -> Reading:
    try:
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _decrypt(reader):
            raise DecodeFailure("the PDF is encrypted (password-protected); decrypt it first", source)
        pages = [_page_lines(page) for page in reader.pages]
        meta = _metadata(reader)
    except InputError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on damaged files; all mean the same here
        raise DecodeFailure(f"not a readable PDF ({type(exc).__name__}: {exc})", source) from exc
    lines = [line for page in pages for line in page]
    if not lines:
        raise EmptyInput("the PDF has no extractable text; it may be a scanned image (run OCR on it first)",
                         source)
    weights: Counter[int] = Counter()
    for line in lines:
        weights[round(line.size)] += len(line.text)
    metrics = _metrics(pages, weights.most_common(1)[0][0])
    body = metrics.body
    heading_sizes = sorted({round(line.size) for line in lines if _kind(line, body) == "heading"},
                           reverse=True)
    builder = Builder()
    for page in pages:
        for kind, group in _blocks(page, metrics):
            if kind == "heading":
                level = min(heading_sizes.index(round(group[0].size)) + 1, 6)
            else:
                level = int(kind == "list_item")
            builder.add(kind, _join(group), level)
    return builder.reading(source, "pdf", meta, "the PDF has no extractable text")


def _decrypt(reader: pypdf.PdfReader) -> bool:
    """Many PDFs are encrypted with an empty user password only to set permissions."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # e.g. an AES file without the optional crypto library: still unreadable to us
        return False


def _page_lines(page: pypdf.PageObject) -> list[_Line]:
    collector = _LineCollector()
    page.extract_text(visitor_text=collector)
    collector.flush()
    lines = collector.lines
    # running page numbers at the top or bottom of a page are not part of the text
    while lines and _PAGE_NUMBER.match(lines[-1].text):
        lines.pop()
    while lines and _PAGE_NUMBER.match(lines[0].text):
        lines.pop(0)
    return lines


@dataclass(frozen=True)
class _Metrics:
    """The document's typography: body: the size most text is set in; spacing: the usual distance
    between body lines; full: the length of a full body line, in characters."""

    body: int
    spacing: float
    full: int


def _metrics(pages: list[list[_Line]], body: int) -> _Metrics:
    gaps, lengths = [], []
    for lines in pages:
        body_lines = [line for line in lines if round(line.size) == body]
        gaps += [a.y - b.y for a, b in zip(body_lines, body_lines[1:], strict=False) if a.y > b.y]
        lengths += [len(line.text) for line in body_lines]
    lengths.sort()
    return _Metrics(
        body=body,
        spacing=statistics.median(gaps) if gaps else body * 1.2,
        full=lengths[int(0.9 * (len(lengths) - 1))] if lengths else 0,
    )


def _blocks(lines: list[_Line], metrics: _Metrics) -> list[tuple[str, list[_Line]]]:
    """Group a page's lines into (kind, lines) blocks.

    A new block starts at a change of type size, at a vertical gap wider than the usual line spacing,
    when the text moves up (a new column), or after a line that stops well short of the full width
    (the last line of a paragraph set without spacing; not in headings, nor in reference entries whose
    URL often leaves a short line). A line starting with a marker ('[1]', '2.', '•') starts a list
    item where a block could start anyway or right after a heading or another item: inside a paragraph
    it is just a citation marker that the line wrapping put first.
    """
    body = metrics.body
    out: list[tuple[str, list[_Line]]] = []
    for k, line in enumerate(lines):
        kind = _kind(line, body)
        prev = lines[k - 1] if k else None
        if prev is None:
            out.append((kind, [line]))
            continue
        last_kind = out[-1][0]
        usual = metrics.spacing if round(line.size) == body else line.size * 1.25
        new = (
            (kind == "heading") != (last_kind == "heading")
            or abs(line.size - prev.size) > 0.1 * body
            or prev.y - line.y > usual * _GAP_RATIO
            or line.y > prev.y + 1
            or (len(prev.text) < _SHORT_LINE * metrics.full and last_kind == "paragraph"
                and not prev.text.endswith("-"))
            or (kind == "list_item" and last_kind in ("list_item", "heading"))
        )
        if new:
            out.append((kind, [line]))
        else:
            out[-1][1].append(line)
    # large type running on for long is a pull quote or a lead paragraph, not a heading
    return [
        ("paragraph" if kind == "heading" and sum(len(x.text) for x in group) > _MAX_HEADING_CHARS else kind,
         group)
        for kind, group in out
    ]


def _kind(line: _Line, body: float) -> str:
    if line.size >= body * _HEADING_RATIO:
        return "heading"
    return "list_item" if _ITEM.match(line.text) else "paragraph"


def _join(group: list[_Line]) -> str:
    """Join a block's lines with spaces, mending words hyphenated across a line end ('displace-' +
    'ment'); a hyphen before a capital or a digit is a real one ('Indo-' + 'Pakistani')."""
    text = group[0].text
    for line in group[1:]:
        nxt = line.text
        hyphen = text.endswith("-") and len(text) > 1 and text[-2].isalnum()
        if text.endswith("\u00ad") or (hyphen and text[-2].isalpha() and nxt[:1].islower()):
            text = text[:-1] + nxt
        elif hyphen:
            text += nxt
        else:
            text += " " + nxt
    return text


def _metadata(reader: pypdf.PdfReader) -> SourceMeta:
    info = reader.metadata
    if info is None:
        return SourceMeta()

    def clean(value: object) -> str | None:
        text = " ".join(str(value).split()) if value else ""
        return text if text and text.lower() not in _PLACEHOLDERS else None

    try:
        created = info.creation_date
        published = created.date().isoformat() if created else None
    except ValueError:  # a malformed date string
        published = clean(info.get("/CreationDate"))
    author = clean(info.author)
    return SourceMeta(
        title=clean(info.title),
        authors=tuple(a.strip() for a in author.split(";") if a.strip()) if author else (),
        published=published,
    )
