"""quote.mismatch for scripture: a verse quoted in Arabic that differs from the verse its label names.

A label ("[TMQ: Fatir:10]", "(Qur'an 4:138)", "[Al-Nisa: 138]", "Surah al-Baqarah, 255"; the patterns are data in
`claimgraph/data/scripture.yaml`) belongs to the quotation right before it: a quoted string or a run of Arabic
script, and, before a translation in quotes, the Arabic before that. The Arabic part is compared with the named
verses word by word after normalisation (`claimgraph.scripture`); the translation is not compared (no
translation text is bundled). The check reports:

- a quotation that is another verse range word for word while its label names a different one;
- a quotation that differs from the named verses, saying which verse range it matches instead when one matches
  clearly better ("matches An-Nisa 4:138–139, with 3 words altered"), else which words differ.

No finding for a quotation that matches the named verses (in whole or in part), nor where no label stands, nor
when the reference text is not installed (the `scripture` extra).

Calibration (thresholds in scripture.yaml `matching`), on the 6,236 verses of the bundled Tanzil text:
- Correct quotations must pass. Partial quotations (1,954 random runs of 4+ words of verses of 8+ words) all score
  1.0. A verse written in the Uthmani script compared with the Simple text only (the check compares with both,
  so this stands for a spelling neither has) fails "score < 0.9 or 2+ words altered" for 4.8% of verses, 2.2%
  with 0.85: spelling noise is the price of the threshold, and the check keeps it low by comparing both scripts.
- Altered quotations must fail. With 2 words replaced by other Qur'anic words, "score < 0.9" alone catches 99%
  of verses of 10-20 words but none of 20+ (Dice falls only to 0.9-0.95 there); adding "or 2+ words altered"
  catches 98-99% at every length. One replaced word is caught in verses under 10 words, and tolerated in longer
  ones (a typo and a variant spelling look alike).
- Another verse is named only when it is no chance match: random strings of 5-7 Qur'anic words reach at most
  0.73 against their best verse (8+ words: 0.50), so `other_match` is 0.75 with 5+ words; verses with 30% of
  their words replaced are still found (204 of 208) at 0.68-0.73, and two-verse quotations come back as the
  exact two-verse range (198 of 198).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from claimgraph import rules
from claimgraph.audit.context import AuditContext
from claimgraph.records import Finding, Span, Suggestion
from claimgraph.scripture import ARABIC_CHAR, Comparison, ScriptureSource, VerseRange, arabic_share, get_source

CODE = "quote.mismatch"
_CLOSERS = {"\u201d": "\u201c", '"': '"', "\u00bb": "\u00ab", "\u300d": "\u300c"}
#: What may stand between a quotation and its label, or between the Arabic and its translation.
_GAP = re.compile(r"[\s*.,;:\-\u2013\u2014()\[\]\ufd3e\ufd3f0-9\u0660-\u0669\u06f0-\u06f9]*\Z")
_MAX_GAP = 16
_MAX_QUOTE = 3000


@dataclass(frozen=True)
class _Label:
    span: Span
    ref: str
    source: str
    needs_arabic: bool


@dataclass(frozen=True)
class _Quotation:
    arabic: Span | None
    translation: Span | None
    first: str  # 'arabic' or 'translation': which part stands right before the label


@functools.cache
def _patterns() -> list[tuple[str, re.Pattern, bool]]:
    return [
        (p["source"], re.compile(p["pattern"], re.IGNORECASE), bool(p.get("needs_arabic")))
        for p in rules.load("scripture")["labels"]
    ]


@functools.cache
def _settings() -> dict:
    return dict(rules.load("scripture")["matching"])


def find_labels(text: str, start: int = 0, end: int | None = None) -> list[_Label]:
    """Scripture labels in text[start:end], in text order; of overlapping matches the earliest, then longest."""
    end = len(text) if end is None else end
    found = []
    for source, pattern, needs_arabic in _patterns():
        for m in pattern.finditer(text, start, end):
            found.append(_Label(Span(m.start(), m.end()), m.group("ref"), source, needs_arabic))
    found.sort(key=lambda lab: (lab.span.start, -len(lab.span)))
    out: list[_Label] = []
    for label in found:
        if not out or not label.span.overlaps(out[-1].span):
            out.append(label)
    return out


def _is_arabic(ch: str) -> bool:
    return bool(ARABIC_CHAR.match(ch))


def _segment_before(text: str, pos: int, floor: int) -> tuple[Span, str] | None:
    """The quoted string or Arabic run that ends right before `pos` (past a short gap of punctuation),
    as (content span, 'arabic' or 'translation'), or None."""
    gap_start = pos
    while gap_start > floor and pos - gap_start < _MAX_GAP and _GAP.match(text, gap_start - 1, pos):
        gap_start -= 1
    # The gap may itself end with a closing quote mark (the quotation's), which _GAP does not take.
    j = gap_start
    if j <= floor:
        return None
    ch = text[j - 1]
    if ch in _CLOSERS:
        opener = _CLOSERS[ch]
        lo = max(floor, j - 1 - _MAX_QUOTE)
        k = text.rfind(opener, lo, j - 1)
        if k < 0 or "\n\n" in text[k:j]:
            return None
        content = Span(k + 1, j - 1)
        inner = content.of(text)
        if not inner.strip():
            return None
        return content, "arabic" if arabic_share(inner) > 0.5 else "translation"
    if _is_arabic(ch):
        k = j
        while k > floor and j - k < _MAX_QUOTE and (_is_arabic(text[k - 1]) or _GAP.match(text, k - 1, k)):
            if text[k - 1] == "\n" and text[k - 2 : k] == "\n\n":
                break
            k -= 1
        while k < j and not _is_arabic(text[k]):
            k += 1
        return Span(k, j), "arabic"
    return None


def quotation_before(text: str, pos: int, floor: int = 0) -> _Quotation | None:
    """The quotation a label at `pos` belongs to: the nearest preceding quoted string or Arabic run, and when
    that is a translation, the Arabic right before it."""
    first = _segment_before(text, pos, floor)
    if first is None:
        return None
    span, kind = first
    if kind == "arabic":
        return _Quotation(span, None, "arabic")
    before = _segment_before(text, span.start - 1, floor)  # step over the opening quote mark
    arabic = before[0] if before and before[1] == "arabic" else None
    return _Quotation(arabic, span, "translation")


def _matches(cmp: Comparison, cfg: dict) -> bool:
    return cmp.score >= cfg["differs_below"] and cmp.altered < cfg["differs_words"]


def _changes(cmp: Comparison, limit: int) -> str:
    shown = []
    for quoted, verse in cmp.changes[:limit]:
        if quoted and verse:
            shown.append(f"\u201c{quoted}\u201d for \u201c{verse}\u201d")
        elif quoted:
            shown.append(f"\u201c{quoted}\u201d added")
        else:
            shown.append(f"\u201c{verse}\u201d left out")
    more = len(cmp.changes) - limit
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def _words(n: float) -> str:
    n = round(n)
    return f"{n} word{'s' if n != 1 else ''}"


def _check_label(ctx: AuditContext, label: _Label, source: ScriptureSource, floor: int) -> Finding | None:
    text, cfg = ctx.doc.text, _settings()
    refs = source.resolve(label.ref)
    if not refs:
        return None
    named = VerseRange.of(refs)
    quote = quotation_before(text, label.span.start, floor)
    if quote is None or quote.arabic is None or (label.needs_arabic and quote.first != "arabic"):
        return None
    arabic = quote.arabic.of(text)
    words = len(source.tokens(arabic))
    if words < cfg["min_words"]:
        return None
    try:
        cmp = source.compare(arabic, named)
    except KeyError:
        return None
    if _matches(cmp, cfg):
        return None
    shown, named_cite = ctx.quote(label.span), source.cite(named)
    what = f"the Arabic quoted before \u201c{shown}\u201d"
    translated = " (its translation is not compared)" if quote.translation else ""
    best = next(((r, s) for r, s in source.search(arabic, 3) if r != named), None)
    other = source.compare(arabic, best[0]) if best and words >= cfg["other_min_words"] else None
    if other is not None and best is not None and _matches(other, cfg):
        cite = source.cite(best[0])
        how = "word for word" if not other.changes else f"with {_words(other.altered)} different"
        return Finding(
            CODE,
            "warning",
            f"{what} is {cite} {how}, not {named_cite} (word similarity {cmp.score:.2f}){translated}",
            label.span,
            (),
            Suggestion(f"cite it as {cite} instead of \u201c{shown}\u201d", (cite,)),
        )
    limit = cfg["show_changes"]
    if (
        other is not None
        and best is not None
        and other.score >= cfg["other_match"]
        and other.score >= cmp.score + cfg["better_by"]
    ):
        cite = source.cite(best[0])
        alt = f"restore its wording ({_changes(other, limit)})"
        instead = f", or quote the Arabic of {named_cite}"
        if translated:
            instead += " if the translation is what was meant"
        return Finding(
            CODE,
            "warning",
            f"{what} differs from {named_cite} (word similarity {cmp.score:.2f}); it matches {cite}, with "
            f"{_words(other.altered)} altered{translated}",
            label.span,
            (),
            Suggestion(f"cite the Arabic as {cite} and {alt}{instead}", (cite,)),
        )
    if cmp.score >= 0.5 and cmp.changes:
        return Finding(
            CODE,
            "warning",
            f"{what} differs from {named_cite} in {_words(cmp.altered)} of {_words(words)} "
            f"(word similarity {cmp.score:.2f}): {_changes(cmp, limit)}{translated}",
            label.span,
            (),
            Suggestion(
                f"restore the wording of {named_cite}, or say that the quotation is adapted",
                (named_cite,),
                quote.arabic,
            ),
        )
    return Finding(
        CODE,
        "warning",
        f"{what} differs from {named_cite} (word similarity {cmp.score:.2f}) and matches no verse of "
        f"{source.title} closely{translated}",
        label.span,
        (),
        Suggestion(
            f"check the quotation and its reference: the Arabic of {named_cite} is not what is quoted", (named_cite,)
        ),
    )


def quote_mismatch(ctx: AuditContext) -> list[Finding]:
    """A scripture quotation that differs from the verse its label names, or that is another verse."""
    doc = ctx.doc
    text = doc.text
    start, end = (doc.body.start, doc.body.end) if doc.body else (0, len(text))
    out = []
    floor = start
    for label in find_labels(text, start, end):
        source = get_source(label.source)
        if source is not None:
            finding = _check_label(ctx, label, source, floor)
            if finding is not None:
                out.append(finding)
        floor = label.span.end
    return out
