"""How well a reference fits a sentence: shared names, shared topic words, matching numbers, and dates.

A reference is known by its title and the words of its URL path (both written by the outlet, both about the
article's subject) and its date. A sentence is known by its lemmas, its proper names, its figures and the
periods it reports. The score is a sum of simple, explainable parts, so a finding can say why.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from claimgraph import rules
from claimgraph.figures import find_figures
from claimgraph.records import PartialDate, Period, Reference
from claimgraph.structure.references import url_path

# Weights of the parts of the score. Calibrated by hand on the bundled examples (examples/*.md, the HTML
# page, the PDF) and the seed article: one shared topic word is weak evidence, a shared proper name
# stronger, a figure that appears in a title (or sums to one) nearly conclusive.
WORD = 1.0
NAME = 1.5
NUMBER = 3.0
DATE_CLOSE = 2.0  # the source appeared during, or within ~3 months after, the period the sentence reports
DATE_NEAR = 1.0  # ... within a year after
DATE_BEFORE = -3.0  # the source predates the period: it cannot report it
CLOSE_DAYS, NEAR_DAYS = 92, 366

#: Two names match when one is a prefix of the other this long or longer: Pakistan/Pakistani,
#: Afghan/Afghanistan, Iran/Iranian ("Iran" is 4: the threshold is the shorter name's full length).
_MIN_PREFIX = 4

_CONTENT_POS = {"NOUN", "PROPN", "VERB", "ADJ"}
_SLUG_SPLIT = re.compile(r"[-_/.+]+")


@dataclass(frozen=True)
class Profile:
    """What a sentence or a reference is about.

    words: topic keys and content lemmas (lower case).
    names: proper names (lower case lemmas).
    numbers: figures' values (not years).
    periods: reported periods (sentences only).
    date: publication date (references only).
    """

    words: frozenset[str]
    names: frozenset[str]
    numbers: tuple[float, ...] = ()
    periods: tuple[Period, ...] = ()
    date: PartialDate | None = None


@dataclass(frozen=True)
class Fit:
    """The score of one reference against one sentence, with its parts for explanation."""

    score: float
    words: tuple[str, ...]
    names: tuple[str, ...]
    number: str | None
    date: float


@functools.cache
def _topics() -> dict[str, str]:
    return {w: topic for topic, words in rules.load("audit")["topics"].items() for w in words}


def _key(lemma: str) -> str:
    return _topics().get(lemma, lemma)


def tokens_profile(tokens, numbers=(), periods=(), date=None) -> Profile:
    """A profile from spaCy tokens (a sentence's, or a parsed title's)."""
    words, names = set(), set()
    for t in tokens:
        if t.is_stop or t.is_punct or t.like_num or len(t.text) < 2:
            continue
        lemma = t.lemma_.lower()
        if t.pos_ == "PROPN" or (t.text[:1].isupper() and t.i > t.sent.start and t.pos_ != "VERB"):
            names.add(lemma)
        elif t.pos_ in _CONTENT_POS:
            words.add(_key(lemma))
    return Profile(frozenset(words), frozenset(names), tuple(numbers), tuple(periods), date)


def reference_text(ref: Reference) -> str:
    """The words a reference is matched on: its title and the words of its URL path."""
    parts = [ref.title or ""]
    if ref.url:
        path = url_path(ref.url)
        noise = set(rules.load("audit")["url_noise_words"])
        slug = " ".join(
            w for w in _SLUG_SPLIT.split(path) if w.isalpha() and len(w) > 2 and w.lower() not in noise
        )
        parts.append(slug)
    return ". ".join(p for p in parts if p)


def reference_profile(ref: Reference, parsed) -> Profile:
    """`parsed` is the spaCy Doc of `reference_text(ref)`; title names and slug words both count as names
    when they are written as names in the title, and as words otherwise."""
    base = tokens_profile(parsed)
    # URL slugs are lower case, so the tagger cannot tell names there: any slug word may be a name.
    loose = {t.lemma_.lower() for t in parsed if t.is_alpha and not t.is_stop}
    numbers = tuple(f.value for f in find_figures(ref.title or "")) + bare_numbers(ref.title or "")
    return Profile(base.words, frozenset(base.names | loose), numbers, (), ref.best_date)


_NUM = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?![\d])|(?<![\w.,])\d+(?![\w,])")
#: Digits a title's number may have to count (a trillion has 13): a longer run is an id or noise, and past
#: 308 digits it is no float at all.
_MAX_DIGITS = 15


def bare_numbers(text: str) -> tuple[float, ...]:
    """Numbers in a title that are not years (titles often give a total: 'kills 1,600')."""
    out = []
    for m in _NUM.finditer(text):
        digits = m.group().replace(",", "")
        if len(digits) > _MAX_DIGITS:
            continue
        value = int(digits)
        if "," in m.group() or not 1800 <= value <= 2099:
            out.append(float(value))
    return tuple(out)


def _names_match(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= _MIN_PREFIX and long_.startswith(short)


def date_fit(date: PartialDate | None, periods: tuple[Period, ...]) -> float:
    """Positive when the source appeared during or soon after what the sentence reports, negative when
    it appeared before the latest period the sentence reports."""
    if date is None or not periods:
        return 0.0
    latest = max(periods, key=lambda p: p.start)
    if date.last_day() < latest.start:
        return DATE_BEFORE
    gap = (date.first_day() - latest.end).days
    if gap <= CLOSE_DAYS:
        return DATE_CLOSE
    if gap <= NEAR_DAYS:
        return DATE_NEAR
    return 0.0


def number_match(sentence: tuple[float, ...], reference: tuple[float, ...]) -> str | None:
    """'685 + 915 = 1,600' when sentence figures sum to a reference figure, '500 = 500' when one equals."""
    for r in reference:
        for s in sentence:
            if s == r:
                return f"{s:,.0f}"
        if len(sentence) > 1 and abs(sum(sentence) - r) < 0.5:
            return " + ".join(f"{s:,.0f}" for s in sentence) + f" = {r:,.0f}"
    return None


def fit(sentence: Profile, reference: Profile) -> Fit:
    words = tuple(sorted(sentence.words & reference.words))
    names = tuple(sorted(n for n in sentence.names if any(_names_match(n, r) for r in reference.names)))
    number = number_match(sentence.numbers, reference.numbers)
    d = date_fit(reference.date, sentence.periods)
    score = WORD * len(words) + NAME * len(names) + (NUMBER if number else 0.0) + d
    return Fit(score, words, names, number, d)


def explain(f: Fit) -> str:
    """The parts of a fit, in words: "shares 'civilian', 'security'; names Pakistan; 685 + 915 = 1,600"."""
    parts = []
    if f.names:
        parts.append("names " + ", ".join(n.title() for n in f.names))
    if f.words:
        parts.append("shares " + ", ".join(f"'{w}'" for w in f.words))
    if f.number:
        parts.append(f"figures match ({f.number})")
    if f.date > 0:
        parts.append("dated when the events happened")
    elif f.date < 0:
        parts.append("dated before the events")
    return "; ".join(parts) or "nothing in common"
