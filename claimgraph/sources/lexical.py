"""Words, names and numbers of a sentence, read without a parse so that a whole source page is cheap.

A source page runs to hundreds of sentences and a check reads many pages: the spaCy pipeline costs about
6 ms a sentence on this machine (measured on WiCE dev pages), a regular-expression reader a few
microseconds. So the support check reads text here with:

- tokens: words (letters, inner apostrophes and hyphens) and numbers (digits with separators);
- keys: a light suffix stemmer (Porter's step 1, plus -ly/-er/-ment/-tion kept apart) lower-cased, plus
  the synonym group of the word (`data/audit.yaml` topics, `data/support.yaml` synonyms), so "killed",
  "kills" and "deaths" share a key;
- names: capitalised words not at the start of a sentence (and all-capital acronyms);
- numbers: digits with thousands separators and decimals, a scale after them ("1.6 million", "$35m"),
  number words ("three"), years;
- negations (`data/support.yaml`);
- entities: a run of capitalised words (or an acronym) that the gazetteer names gives each of its words the
  key "@<entity id>", so a name and its aliases and demonyms meet ("TTP", "Pakistani Taliban",
  "Tehrik-i-Taliban Pakistan"; "Pakistani" and "Pakistan"). Longest name first, acronyms by case, as the
  linker matches; metonyms ("Kabul" for a government) are left out: they depend on a date a source may lack.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from claimgraph import rules

_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?(?:(?:st|nd|rd|th|s)\b)?|[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'\u2019-]*")
#: Words longer than this also get a key of their first PREFIX letters, so that derived forms meet
#: ("educational"/"education", "represent"/"representative"). Chosen among 4, 5, 6 and 7 by the
#: cross-validated balanced accuracy on WiCE dev (train.py): 0.723, 0.732, 0.712, 0.714.
PREFIX = 5
_STOP_EXTRA = frozenset({"also", "would", "could", "may", "might", "one", "since", "including", "well", "us"})


@functools.cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS  # the word list only: no model is loaded

    # Negations and number words carry meaning here: they are read separately, never dropped as stop words.
    keep = set(_rules()["negations"]) | set(_rules()["number_words"])
    return frozenset((set(STOP_WORDS) | _STOP_EXTRA) - keep)


@functools.cache
def _rules() -> dict:
    return rules.load("support")


def stem(word: str) -> str:
    """A light stem: plural and verb endings removed ("attacks", "attacked", "attacking" -> "attack")."""
    w = word.lower().replace("\u2019", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.strip("'-")
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3 and re.search(r"[aeiouy]", w[: -len(suffix)]):
            w = w[: -len(suffix)]
            if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]  # "stopped" -> "stop"
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]  # "produce"/"produced" -> "produc"
    return w


@functools.cache
def _groups() -> dict[str, frozenset[str]]:
    """A stem -> the synonym groups it belongs to (as keys "~group")."""
    out: dict[str, set[str]] = {}
    topics = rules.load("audit")["topics"]
    for source in (topics, _rules()["synonyms"]):
        for group, words in source.items():
            for w in words:
                for part in str(w).split():
                    out.setdefault(stem(part), set()).add("~" + group)
    for month, short in _rules()["months"].items():
        out.setdefault(stem(month), set()).add("~month-" + short)
        out.setdefault(stem(short), set()).add("~month-" + short)
    return {k: frozenset(v) for k, v in out.items()}


@dataclass(frozen=True)
class Token:
    """One word or number of a text.

    start, end: character offsets into the text read.
    text: as written.
    keys: the stem and its synonym groups (empty for stop words and numbers).
    name: written as a name (capitalised, not sentence-initial, or an acronym).
    number: the value for a number (scale applied), else None.
    negation: a word of `negations`.
    """

    start: int
    end: int
    text: str
    keys: frozenset[str]
    name: bool = False
    number: float | None = None
    negation: bool = False

    @property
    def content(self) -> bool:
        return bool(self.keys)


def _number(text: str) -> float | None:
    t = text.replace(",", "")
    try:
        return float(t)
    except ValueError:
        return None


@functools.cache
def _negations() -> frozenset[str]:
    return frozenset(_rules()["negations"])


@functools.cache
def _keys(lower: str) -> frozenset[str]:
    """A word's keys: its stem, its synonym groups, and a prefix key for derived forms."""
    groups = _groups()
    s = stem(lower)
    keys = frozenset({s}) | groups.get(s, frozenset()) | groups.get(lower, frozenset())
    if len(s) > PREFIX:
        keys |= {"^" + s[:PREFIX]}  # derived forms: "election"/"elected", "presidential"/"president"
    return keys


def tokens(text: str, offset: int = 0) -> list[Token]:
    """The tokens of `text` (offsets shifted by `offset`). The first word is never a name: every sentence
    capitalises it."""
    r = _rules()
    stop = _stop_words()
    negations, number_words, scales = _negations(), r["number_words"], r["scales"]
    out: list[Token] = []
    matches = list(_TOKEN.finditer(text))
    for i, m in enumerate(matches):
        word = m.group()
        lower = word.lower().replace("\u2019", "'")
        start, end = m.start() + offset, m.end() + offset
        if word[0].isdigit():
            value = _number(word.rstrip(",").removesuffix("st").removesuffix("nd").removesuffix("rd")
                            .removesuffix("th").removesuffix("s"))  # "21st", "1990s": the number
            if value is None:
                continue
            nxt = matches[i + 1].group().lower() if i + 1 < len(matches) else ""
            adjacent = i + 1 < len(matches) and matches[i + 1].start() - m.end() <= 1
            if adjacent and nxt in scales:
                value *= scales[nxt]
            out.append(Token(start, end, word, frozenset(), number=value))
            continue
        if lower in number_words:
            out.append(Token(start, end, word, frozenset(), number=float(number_words[lower])))
            continue
        negation = lower in negations or lower.endswith("n't")
        acronym = len(word) >= 2 and word.isupper() and word.isalpha()  # "US" is not "us"
        if (lower in stop and not acronym) or len(lower) < 2 or negation:
            out.append(Token(start, end, word, frozenset(), negation=negation))
            continue
        keys = _keys(lower)
        first = i == 0 or text[matches[i - 1].end() : m.start()].strip()[-1:] in {".", "!", "?", ":", "\u2022"}
        name = (word[0].isupper() and not first) or (len(word) >= 2 and word.isupper() and word.isalpha())
        out.append(Token(start, end, word, keys, name=name, negation=negation))
    return _with_entities(out)


#: The longest gazetteer name tried, in words ("Islamic Revolutionary Guard Corps Quds Force" is 6).
MAX_NAME_WORDS = 6


@functools.cache
def _fold(word: str) -> str:
    from claimgraph.entities.gazetteer import fold

    return fold(word)


def _with_entities(toks: list[Token]) -> list[Token]:
    from claimgraph.entities.gazetteer import is_acronym, load

    index, fold = load().index, _fold
    out = list(toks)
    i = 0
    while i < len(out):
        t = out[i]
        if not t.keys or not t.text[:1].isupper():
            i += 1
            continue
        found, key = None, ""
        for j in range(i, min(len(out), i + MAX_NAME_WORDS)):
            u = out[j]
            if u.number is not None or (j > i and not (u.text[:1].isupper() or u.text.islower() and len(u.text) <= 3)):
                break  # names run over capitalised words and short joiners ("of", "al", "e")
            key += fold(u.text)
            surface = " ".join(x.text for x in out[i : j + 1])
            names = [n for n in index.get(key, []) if n.kind != "metonym"
                     and (not is_acronym(n.text) or surface.replace(".", "") == n.text.replace(".", ""))]
            if names and out[j].keys:
                found = (j, frozenset("@" + n.entity for n in names))
        if found is None:
            i += 1
            continue
        j, ids = found
        for k in range(i, j + 1):
            if out[k].keys:
                out[k] = replace(out[k], keys=out[k].keys | ids)
        i = j + 1
    return out


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"\u201d')\]]*\s+(?=[\"\u201c'(\[]*[A-Z0-9])|\n\s*\n|\n(?=\s*[-*\u2022#])")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a source's text: a cheap splitter (full stops before a capital,
    blank lines, list items). Abbreviations ("Mr. Khan") may split a sentence: passages are read in pairs,
    so a split sentence is still read whole."""
    out = []
    at = 0
    for m in _SENTENCE_END.finditer(text):
        if text[at : m.start()].strip():
            out.append(_trim(text, at, m.start()))
        at = m.end()
    if text[at:].strip():
        out.append(_trim(text, at, len(text)))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
