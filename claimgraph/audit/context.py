"""What the audit checks share: the document, the profiles of its sentences and references, and their fits
(computed once, on demand)."""

from __future__ import annotations

import bisect
import functools

from claimgraph.audit.fit import (
    Fit,
    Profile,
    bare_numbers,
    fit,
    reference_profile,
    reference_text,
    tokens_profile,
)
from claimgraph.document import Document
from claimgraph.figures import Figure, find_figures
from claimgraph.nlp import masked_text
from claimgraph.periods import reported_periods
from claimgraph.records import Span

#: Quotations in messages are cut to this many characters.
QUOTE_CHARS = 90


class AuditContext:
    """Lazily computed views of one document for the checks."""

    def __init__(self, doc: Document, nlp, sources=None) -> None:
        self.doc = doc
        self.nlp = nlp
        self.sources = sources  # a claimgraph.sources.get.SourceLibrary, or None: titles only

    @functools.cached_property
    def _tokens_by_sentence(self) -> list[list]:
        """The spaCy tokens of each sentence (sentences come from paragraphs' parses)."""
        sentences = self.doc.sentences
        out: list[list] = [[] for _ in sentences]
        starts = [s.span.start for s in sentences]
        for para, pdoc in zip(self.doc.paragraphs, self.doc.parsed, strict=True):
            for tok in pdoc:
                offset = para.start + tok.idx
                i = bisect.bisect_right(starts, offset) - 1
                if not tok.is_space and i >= 0 and offset < sentences[i].span.end:
                    out[i].append(tok)
        return out

    def parsed_sentence(self, s: int):
        """(the spaCy span of sentence `s`, the document offset of its paragraph's parse)."""
        sentence = self.doc.sentences[s]
        para = self.doc.paragraphs[sentence.paragraph]
        pdoc = self.doc.parsed[sentence.paragraph]
        span = pdoc.char_span(sentence.span.start - para.start, sentence.span.end - para.start,
                              alignment_mode="expand")
        return span, para.start

    @functools.cached_property
    def masked(self) -> str:
        """The text with citation markers blanked, so that "[1]" is never read as a number."""
        return masked_text(self.doc)

    @functools.cached_property
    def figures(self) -> list[list[Figure]]:
        """Figures of each sentence."""
        return [find_figures(self.masked, s.span) for s in self.doc.sentences]

    def periods(self, s: int):
        span = self.doc.sentences[s].span
        return reported_periods(span.of(self.doc.text), span.start)

    @functools.cached_property
    def sentence_profiles(self) -> list[Profile]:
        out = []
        for i, s in enumerate(self.doc.sentences):
            numbers = {f.value for f in self.figures[i]} | set(bare_numbers(s.span.of(self.masked)))
            out.append(tokens_profile(self._tokens_by_sentence[i], tuple(sorted(numbers)), self.periods(i)))
        return out

    @functools.cached_property
    def reference_profiles(self) -> list[Profile]:
        texts = [reference_text(r) for r in self.doc.references]
        return [
            reference_profile(r, parsed)
            for r, parsed in zip(self.doc.references, self.nlp.pipe(texts), strict=True)
        ]

    @functools.cache  # noqa: B019 - the context lives as long as one audit of one document
    def fit(self, sentence: int, reference: int) -> Fit:
        """How well a reference fits a sentence: by its title, URL and date, and, when its document could be
        read, also by the passage of that document that bears most on the sentence."""
        profile = self.reference_profiles[reference]
        passage = self._passage_profile(sentence, reference)
        if passage is not None:
            profile = Profile(profile.words | passage.words, profile.names | passage.names,
                              profile.numbers + passage.numbers, (), profile.date)
        return fit(self.sentence_profiles[sentence], profile)

    # -- the cited documents (only when the audit was given a source library) ----------------------------------

    @functools.cache  # noqa: B019
    def cited_source(self, reference: int):
        """The reference's document (CitedSource), why it is unavailable (Unavailable), or None (no library
        or no URL)."""
        ref = self.doc.references[reference]
        if self.sources is None or not ref.url:
            return None
        return self.sources.get(ref.url)

    @functools.cache  # noqa: B019
    def source_text(self, reference: int):
        """The reference's document read for support (a SourceText), or None."""
        from claimgraph.sources.get import CitedSource
        from claimgraph.sources.support import SourceText

        got = self.cited_source(reference)
        return SourceText.of(got.text) if isinstance(got, CitedSource) else None

    def claim_text(self, sentence: int) -> str:
        """A sentence as a claim: its text with citation markers blanked."""
        return self.doc.sentences[sentence].span.of(self.masked)

    @functools.cache  # noqa: B019
    def support(self, sentence: int, reference: int):
        """The Support of a sentence by a reference's document, or None when it could not be read."""
        from claimgraph.sources.support import judge

        source = self.source_text(reference)
        return judge(self.claim_text(sentence), source) if source is not None else None

    @functools.cache  # noqa: B019
    def _parsed_passage(self, text: str):
        return self.nlp(text)

    def _passage_profile(self, sentence: int, reference: int) -> Profile | None:
        sup = self.support(sentence, reference)
        if sup is None or not sup.passages:
            return None
        source = self.source_text(reference)
        text = " ".join(p.of(source.text) for p in sup.passages)
        numbers = tuple(f.value for f in find_figures(text)) + bare_numbers(text)
        return tokens_profile(self._parsed_passage(text), numbers)

    def quote(self, span: Span) -> str:
        return self.doc.excerpt(span, QUOTE_CHARS)
