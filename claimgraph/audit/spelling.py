"""text.spelling_variant: one name spelled several ways in one document ("Balouch" beside "Baluchistan").

Two sources of evidence: transliteration families listed in `data/entities.yaml` (a root and its spellings,
matched at the start of words, so "Baluchistan" counts as the spelling "Baluch"), and the mentions of one
linked entity whose written forms differ but share a consonant skeleton ("Tehreek-e-Taliban" and
"Tehrik-i-Taliban").
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from claimgraph import rules
from claimgraph.audit.context import AuditContext
from claimgraph.entities.gazetteer import fold, is_acronym
from claimgraph.records import Finding, Span

_WORD = re.compile(r"\b[A-Za-z][A-Za-z'\-]*")
_VOWELS = re.compile(r"[aeiouy]+")
_REPEATS = re.compile(r"(.)\1+")
#: Mention kinds whose text is the entity's own name (not a demonym, a pronoun or a URL slug).
_NAMED = ("gazetteer", "ner")


@functools.cache
def _families() -> tuple[dict[str, tuple[str, int]], re.Pattern]:
    """Each spelling (lower case) -> (its family's canonical spelling, family number), and one pattern that
    finds any spelling at the start of a word, longest first."""
    spellings: dict[str, tuple[str, int]] = {}
    for n, family in enumerate(rules.load("entities")["spelling_families"]):
        for sp in family:
            spellings[sp.lower()] = (family[0], n)
    alternation = "|".join(re.escape(sp) for sp in sorted(spellings, key=len, reverse=True))
    return spellings, re.compile(r"\b(?:" + alternation + r")", re.IGNORECASE)


@functools.cache
def _spelled(family: int) -> tuple[str, ...]:
    """The spellings of a family as the data file writes them."""
    return tuple(rules.load("entities")["spelling_families"][family])


def skeleton(name: str) -> str:
    """Consonants of a name, repeated letters collapsed: transliterations of one name share it."""
    return _REPEATS.sub(r"\1", _VOWELS.sub("", fold(name)))


def spelling_variant(ctx: AuditContext) -> list[Finding]:
    doc = ctx.doc
    out = []
    body = doc.text
    spellings, pattern = _families()
    used: dict[int, Counter[str]] = {}
    first: dict[tuple[int, str], Span] = {}
    canonical_of: dict[int, str] = {}
    for m in pattern.finditer(body):
        canonical, family = spellings[m.group().lower()]
        spelled = next(sp for sp in _spelled(family) if sp.lower() == m.group().lower())
        used.setdefault(family, Counter())[spelled] += 1
        first.setdefault((family, spelled), Span(m.start(), m.end()))
        canonical_of[family] = canonical
    for family, counts in used.items():
        if len(counts) < 2:
            continue
        canonical = canonical_of[family]
        main = max((s for s in counts if s != canonical), key=lambda s: counts[s])
        listing = ", ".join(f"\u201c{s}\u201d {n}\u00d7" for s, n in counts.most_common())
        out.append(Finding(
            "text.spelling_variant", "info",
            f"one name is spelled several ways: {listing}; the usual spelling is \u201c{canonical}\u201d",
            first[(family, main)], ()))
    out.extend(_entity_variants(ctx, {f.evidence for f in out}))
    return out


def _entity_variants(ctx: AuditContext, already: set[Span]) -> list[Finding]:
    doc = ctx.doc
    out = []
    for entity in doc.entities:
        forms: dict[str, list[Span]] = {}
        for m in entity.mentions:
            text = m.span.of(doc.text)
            if m.how in _NAMED and not is_acronym(text):
                forms.setdefault(text, []).append(m.span)
        by_skeleton: dict[str, set[str]] = {}
        for form in forms:
            by_skeleton.setdefault(skeleton(form), set()).add(form)
        for variants in by_skeleton.values():
            distinct = {fold(v) for v in variants}
            if len(distinct) < 2:
                continue
            ordered = sorted(variants, key=lambda v: forms[v][0])
            evidence = forms[ordered[1]][0]
            if any(evidence.overlaps(a) for a in already):
                continue
            out.append(Finding(
                "text.spelling_variant", "info",
                f"{entity.name} is spelled several ways: " + ", ".join(f"\u201c{v}\u201d" for v in ordered),
                evidence, ()))
    return out
