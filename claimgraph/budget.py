"""The size and complexity budget of one document, decided before the expensive stages.

A document is hostile until read: a few hundred kilobytes of markup can cost minutes or gigabytes in a
parser that is linear on articles. Every stage is meant to be linear (or bounded) in its input, and these
limits bound the input itself, so that the cost of one document is bounded whatever it holds. Each limit
says why it is where it is; each is far above anything seen in real articles, so no article is refused.

Over budget, a document is refused with `InputTooComplex` naming the file and the limit, except citation
markers, where degrading is harmless: markers past the limit stay plain text.
"""

from __future__ import annotations

import re

from claimgraph.errors import InputTooComplex

#: Characters of plain text a document may have. The same number as the byte limit of a read
#: (`ReadOptions.max_bytes`), so that text handed over in memory (gold sets, the web form) is held to the
#: same bound as a file; spaCy's own 1,000,000-character limit is met by parsing long texts in pieces.
MAX_CHARS = 20_000_000

#: Attributes on one HTML tag. libxml2 checks each attribute of a tag against the ones before it (quadratic:
#: 100,000 attributes on one tag took minutes); real pages carry a few, SVG and tracking markup a few dozen.
MAX_ATTRIBUTES = 1_000

#: Nesting depth of HTML elements. libxml2 itself stops at 256 and drops the rest of the page without a word;
#: our tree walks recurse once per level. The bundled news page nests 8 deep.
MAX_DEPTH = 255

#: Entries of a reference list. Each entry is parsed, linked and compared with every sentence that might cite
#: it (entity linking is still quadratic in the entries: 2,000 took about a minute on the shared 2-core dev
#: machine); an article's list holds tens of entries, rarely hundreds.
MAX_REFERENCES = 2_000

#: Citation markers taken from one document. Each is resolved and checked against its sentence (20,000 took
#: 14 s through the pipeline on the shared 2-core dev machine); an article carries tens, rarely hundreds;
#: one with 5,000 is generated. Past the limit, markers stay text.
MAX_MARKERS = 5_000

_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_ATTRIBUTE = re.compile(r"""\s+[^\s=/>"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*))?""")


def check_text(text: str, source: str) -> None:
    """Raise InputTooComplex when a document's plain text is over `MAX_CHARS`."""
    if len(text) > MAX_CHARS:
        raise InputTooComplex(
            f"the text has {len(text):,} characters, over the {MAX_CHARS:,} character limit", source
        )


def check_markup(html: str, source: str) -> None:
    """Raise InputTooComplex for HTML with a tag over `MAX_ATTRIBUTES`, before any parser sees it.

    One linear pass: each tag is matched once and its attributes counted only when it is long enough to
    hold that many (an attribute takes at least two characters).
    """
    check_text(html, source)
    for m in _TAG.finditer(html):
        if m.end() - m.start() < 2 * MAX_ATTRIBUTES:
            continue
        count = sum(1 for _ in _ATTRIBUTE.finditer(html, m.start() + 1, m.end() - 1))
        if count > MAX_ATTRIBUTES:
            raise InputTooComplex(
                f"a <{_tag_name(m.group())}> tag at character {m.start():,} has {count:,} attributes, over "
                f"the limit of {MAX_ATTRIBUTES:,} per tag", source
            )


def check_depth(depth: int, source: str) -> None:
    """Raise InputTooComplex when the markup nests deeper than `MAX_DEPTH`."""
    if depth > MAX_DEPTH:
        raise InputTooComplex(
            f"the markup nests {depth:,} elements deep, over the limit of {MAX_DEPTH}", source
        )


def check_references(count: int, source: str) -> None:
    """Raise InputTooComplex when the reference list has more than `MAX_REFERENCES` entries."""
    if count > MAX_REFERENCES:
        raise InputTooComplex(
            f"the reference list has {count:,} entries, over the limit of {MAX_REFERENCES:,}", source
        )


def _tag_name(tag: str) -> str:
    m = re.match(r"<([A-Za-z][A-Za-z0-9-]{0,30})", tag)
    return m.group(1).lower() if m else "?"
