"""Does a source say what a sentence cites it for? Passages, features, a score and a label.

    source = SourceText.of(text)                   # a source's plain text, split and read once
    result = judge(claim_text, source)             # a Support: label, score, best passages, what is missing

How (each step is data or a few lines, so a finding can say why):

1. The claim and every sentence of the source are read by `lexical.tokens` (stems, synonym groups, names,
   numbers, negations).
2. BM25 (`retrieval.py`) ranks the source's sentences against the claim; among the best `CANDIDATES` the
   pair that covers most of the claim's content words is its evidence (a claim often joins two facts a page
   gives in two sentences).
3. Features (`FEATURES`, each in [0, 1] or a small count): the share of the claim's content words in the
   best pair, in the best sentence and anywhere in the page; the share of its names and of its numbers
   found in the page ("685 ... 915" read as their total too: 1,600 = 685 + 915); how many content words
   the page lacks; the claim's length; a negation in one of claim and passage and not the other.
4. A logistic regression over the features gives P(supported) (`score`), a second one P(not supported);
   weights, standardisation and thresholds are in `data/support.yaml`, trained by
   `python -m claimgraph.sources.train` on WiCE dev with k-fold cross-validation (see that module).
   Without trained weights, the model-free baseline is used: best-pair coverage x share of numbers found.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from claimgraph import rules
from claimgraph.records import Span
from claimgraph.sources.lexical import Token, sentences, tokens
from claimgraph.sources.retrieval import BM25, terms

#: How many BM25-ranked sentences are tried as members of the best pair. Ten keeps the pair search cheap
#: (45 pairs) and, on WiCE dev, the gold supporting sentences sit in the BM25 top ten for most claims.
CANDIDATES = 10

LABELS = ("supported", "partially_supported", "not_supported")

FEATURES = (
    "cover_pair",  # share of the claim's content words in the best two sentences
    "cover_best",  # ... in the best single sentence
    "cover_page",  # ... anywhere in the source
    "names_page",  # share of the claim's names found in the source (1 when it has none)
    "numbers_page",  # share of the claim's numbers found in the source, or as a sum of two there
    "numbers_pair",  # ... in the best pair
    "missing_page",  # log(1 + content words of the claim the source lacks)
    "missing_pair",  # log(1 + content words of the claim the best pair lacks)
    "length",  # log(1 + content words of the claim)
    "negation",  # 1 when one of claim and best pair is negated and the other not
    "names_pair",  # share of the claim's names found in the best pair
    "cover_three",  # share of the claim's content words in the best pair plus the best third sentence
    "weighted_pair",  # cover_pair with each word weighted by its rarity in the page (BM25's idf; absent: max)
    "clauses",  # joints of the claim (commas, semicolons, "and", "but", "which", "while"): compound claims
    "baseline",  # cover_pair x numbers_page: the model-free baseline's score
    "part_min",  # the claim cut into its parts (`parts`), each retrieved on its own: the worst part's coverage
    "part_mean",  # ... the parts' mean coverage
    "part_single_min",  # ... the worst part's coverage by its best single sentence
    "part_union",  # share of the claim's content words in the union of every part's best pair
    "years_page",  # share of the claim's years (1800-2100) found in the source (1 when it has none)
    "figures_page",  # share of the claim's other numbers (not years) found in the source, or as a sum of two
    "missing_names",  # log(1 + the claim's names the source lacks)
    "pairs_page",  # share of the claim's neighbouring content-word pairs that some source sentence also holds
)


#: The features the trained scorer uses. The others are computed for explanation and for trying (train.py
#: takes any subset). Chosen on the WiCE dev folds (grouped by article, 5 repeats of 5 folds, train.py): the
#: six a lexical checker needs first (coverage in the best pair and the page, names, what is missing, length)
#: with `clauses` gave 0.726; reading the claim's figures and its years apart (`figures_page`, `years_page`
#: instead of one `numbers_page`: a year is a date, found or not, a figure may be a total) 0.748; matching
#: the claim's parts separately (`part_mean`) 0.756; counting the names the page lacks (`missing_names`,
#: beside their share) 0.769. Adding all the others lowered it (with 349 records, more weights fit noise).
#: The choice was made on the same folds, so that figure is optimistic; `train.py --nested` cross-validates
#: the choice among these steps too (chosen inside each training part): 0.761 +- 0.053.
MODEL_FEATURES = ("cover_pair", "cover_page", "names_page", "figures_page", "years_page", "missing_page", "length",
                  "clauses", "part_mean", "missing_names")


@dataclass(frozen=True)
class SourceText:
    """A source's text read once: its sentences (offsets) and their tokens."""

    text: str
    spans: tuple[tuple[int, int], ...]
    toks: tuple[tuple[Token, ...], ...]

    @classmethod
    def of(cls, text: str, spans: list[tuple[int, int]] | None = None) -> SourceText:
        spans = spans if spans is not None else sentences(text)
        return cls(text, tuple(spans), tuple(tuple(tokens(text[a:b], a)) for a, b in spans))

    @functools.cached_property
    def index(self) -> BM25:
        return BM25([terms(t) for t in self.toks])

    @functools.cached_property
    def keys(self) -> frozenset[str]:
        return frozenset(k for ts in self.toks for t in ts for k in t.keys)

    @functools.cached_property
    def numbers(self) -> frozenset[float]:
        return frozenset(t.number for ts in self.toks for t in ts if t.number is not None)


@dataclass(frozen=True)
class Differ:
    """A figure of the claim that the source gives differently: the same counted thing, another number."""

    claim: str
    source: str
    claim_span: Span
    source_span: Span


@dataclass(frozen=True)
class Support:
    """How well a source supports a claim.

    label: 'supported', 'partially_supported' or 'not_supported'.
    score: P(supported) from the scorer (0..1).
    passages: the best passage(s) of the source, best first (offsets into the source's text); the source's
        opening when no sentence of it shares a word with the claim (`matched` False).
    found: claim words found in the passages (as written in the claim).
    missing_words, missing_names, missing_numbers: parts of the claim the source does not give (as written).
    differ: figures the source gives differently (same counted thing, another value).
    negated: the claim and its passage disagree on a negation.
    features: the feature values (names in FEATURES).
    """

    label: str
    score: float
    passages: tuple[Span, ...]
    found: tuple[str, ...] = ()
    missing_words: tuple[str, ...] = ()
    missing_names: tuple[str, ...] = ()
    missing_numbers: tuple[str, ...] = ()
    differ: tuple[Differ, ...] = ()
    negated: bool = False
    features: dict[str, float] = field(default_factory=dict, compare=False)
    matched: bool = True


def _covered(tok: Token, keys: frozenset[str] | set[str]) -> bool:
    return bool(tok.keys & keys)


def _number_found(value: float, numbers: frozenset[float] | set[float]) -> bool:
    """Equal, or the sum of two of the source's numbers (685 + 915 = 1,600)."""
    if value in numbers:
        return True
    if value < 10 or len(numbers) > 400:
        return False  # small totals match by chance; a page of tables would make every sum true
    return any((value - n) in numbers for n in numbers if 0 < n < value and (value - n) != n)


def _content(claim: list[Token]) -> list[Token]:
    """The claim's content words, one per stem (a repeated word counts once)."""
    seen, out = set(), []
    for t in claim:
        if t.content:
            s = min(t.keys)
            if s not in seen:
                seen.add(s)
                out.append(t)
    return out


def _share(found: int, total: int) -> float:
    return found / total if total else 1.0


def features(text: str, source: SourceText) -> tuple[dict[str, float], tuple[int, ...]]:
    """The feature values of claim `text` and the indices of the best sentences (best pair, best first)."""
    claim = tokens(text)
    content = _content(claim)
    names = [t for t in content if t.name]
    numbers = [t for t in claim if t.number is not None]
    cands = source.index.top(terms(claim), CANDIDATES)
    sent_keys = {i: frozenset(k for t in source.toks[i] for k in t.keys) for i in cands}

    def cover(keys) -> int:
        return sum(1 for t in content if _covered(t, keys))

    best_single = max(cands, key=lambda i: (cover(sent_keys[i]), -cands.index(i)), default=None)
    pair: tuple[int, ...] = (best_single,) if best_single is not None else ()
    best_cover = cover(sent_keys[best_single]) if best_single is not None else 0
    pair_cover = best_cover
    for x in range(len(cands)):
        for y in range(x + 1, len(cands)):
            a, b = cands[x], cands[y]
            c = cover(sent_keys[a] | sent_keys[b])
            if c > pair_cover:
                pair_cover, pair = c, (a, b) if cover(sent_keys[a]) >= cover(sent_keys[b]) else (b, a)
    pair_keys = frozenset().union(*(sent_keys[i] for i in pair)) if pair else frozenset()
    pair_numbers = {t.number for i in pair for t in source.toks[i] if t.number is not None}
    n_num_page = sum(1 for t in numbers if _number_found(t.number, source.numbers))
    n_num_pair = sum(1 for t in numbers if _number_found(t.number, pair_numbers))
    page_cover = cover(source.keys)
    claim_neg = any(t.negation for t in claim)
    pair_neg = any(t.negation for i in pair for t in source.toks[i])
    f = {
        "cover_pair": _share(pair_cover, len(content)),
        "cover_best": _share(best_cover, len(content)),
        "cover_page": _share(page_cover, len(content)),
        "names_page": _share(sum(1 for t in names if _covered(t, source.keys)), len(names)),
        "numbers_page": _share(n_num_page, len(numbers)),
        "numbers_pair": _share(n_num_pair, len(numbers)),
        "missing_page": math.log1p(len(content) - page_cover),
        "missing_pair": math.log1p(len(content) - pair_cover),
        "length": math.log1p(len(content)),
        "negation": 1.0 if pair and claim_neg != pair_neg else 0.0,
    }
    third = max((cover(pair_keys | sent_keys[i]) for i in cands if i not in pair), default=pair_cover)
    f["names_pair"] = _share(sum(1 for t in names if _covered(t, pair_keys)), len(names))
    f["cover_three"] = _share(max(third, pair_cover), len(content))
    f["clauses"] = float(sum(1 for t in claim if t.text.lower() in _JOINTS) + text.count(",") + text.count(";"))
    idf = source.index.idf
    top = max(idf.values(), default=1.0)
    weight = [max((idf.get(k, top) for k in t.keys), default=top) for t in content]
    got = sum(w for w, t in zip(weight, content, strict=True) if _covered(t, pair_keys))
    f["weighted_pair"] = got / sum(weight) if content else 1.0
    f["baseline"] = f["cover_pair"] * f["numbers_page"]
    f.update(_part_features(claim, text, content, source))
    years = [t for t in numbers if 1800 <= t.number <= 2100 and t.number == int(t.number)]
    f["years_page"] = _share(sum(1 for t in years if t.number in source.numbers), len(years))
    figures = [t for t in numbers if t not in years]
    f["figures_page"] = _share(sum(1 for t in figures if _number_found(t.number, source.numbers)), len(figures))
    f["missing_names"] = math.log1p(sum(1 for t in names if not _covered(t, source.keys)))
    f["pairs_page"] = _pairs_found(claim, source)
    return f, pair


def _pairs_found(claim: list[Token], source: SourceText) -> float:
    """Share of the claim's neighbouring content words (stop words skipped) that one sentence of the source
    holds together: who-did-what holds in a sentence, not across a page."""
    words = [t for t in claim if t.content]
    pairs = list(zip(words, words[1:], strict=False))
    if not pairs:
        return 1.0
    cands = source.index.top(terms(claim), 3 * CANDIDATES)
    sent = [frozenset(k for t in source.toks[i] for k in t.keys) for i in cands]
    return sum(1 for a, b in pairs if any(a.keys & ks and b.keys & ks for ks in sent)) / len(pairs)


#: A part of a compound claim needs this many content words to be retrieved on its own; shorter pieces
#: ("in 2019", "however") join the part before them.
PART_WORDS = 3


def parts(claim: list[Token], text: str) -> list[list[Token]]:
    """The claim cut where it joins statements: a comma, semicolon or colon between two tokens, or a
    joining word (`_JOINTS`). Pieces with fewer than PART_WORDS content words join the one before."""
    pieces: list[list[Token]] = [[]]
    for i, t in enumerate(claim):
        gap = text[claim[i - 1].end : t.start] if i else ""
        if i and (any(c in gap for c in ",;:") or t.text.lower() in _JOINTS) and pieces[-1]:
            pieces.append([])
        pieces[-1].append(t)
    out: list[list[Token]] = []
    for piece in pieces:
        if out and sum(1 for t in piece if t.content) < PART_WORDS:
            out[-1].extend(piece)
        else:
            out.append(piece)
    if len(out) > 1 and sum(1 for t in out[0] if t.content) < PART_WORDS:
        out[1] = out[0] + out[1]
        out.pop(0)
    return out


def _best_pair(part: list[Token], source: SourceText) -> tuple[int, int, frozenset[str]]:
    """(covered by the best single sentence, by the best pair, the pair's keys) for one part's content."""
    content = _content(part)
    cands = source.index.top(terms(part), CANDIDATES)
    keys = {i: frozenset(k for t in source.toks[i] for k in t.keys) for i in cands}

    def cover(ks) -> int:
        return sum(1 for t in content if t.keys & ks)

    single = max((cover(keys[i]) for i in cands), default=0)
    best, best_keys = single, max((keys[i] for i in cands), key=cover, default=frozenset())
    for x in range(len(cands)):
        for y in range(x + 1, len(cands)):
            ks = keys[cands[x]] | keys[cands[y]]
            c = cover(ks)
            if c > best:
                best, best_keys = c, ks
    return single, best, best_keys


def _part_features(claim: list[Token], text: str, content: list[Token], source: SourceText) -> dict[str, float]:
    shares, singles, union = [], [], set()
    for part in parts(claim, text):
        n = len(_content(part))
        if not n:
            continue
        single, pair, keys = _best_pair(part, source)
        shares.append(pair / n)
        singles.append(single / n)
        union |= keys
    return {
        "part_min": min(shares, default=1.0),
        "part_mean": sum(shares) / len(shares) if shares else 1.0,
        "part_single_min": min(singles, default=1.0),
        "part_union": _share(sum(1 for t in content if t.keys & union), len(content)),
    }


_JOINTS = {"and", "but", "which", "while", "whereas", "although", "who", "where", "when"}




@functools.cache
def model() -> dict | None:
    """The trained scorer from data/support.yaml, or None (then the baseline is used)."""
    return rules.load("support").get("model")


def _logit(weights: dict, f: dict[str, float]) -> float:
    z = weights["bias"]
    for name, w in weights["weights"].items():
        mean, std = weights["mean"][name], weights["std"][name]
        z += w * (f[name] - mean) / std
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def probabilities(f: dict[str, float], m: dict | None = None) -> tuple[float, float]:
    """(P(supported), P(not supported)) of one claim's features."""
    m = m if m is not None else model()
    if not m:
        return f["baseline"], 1.0 - f["cover_page"]
    return _logit(m["supported"], f), _logit(m["not_supported"], f)


def label_of(p_supported: float, p_not: float, m: dict | None = None) -> str:
    m = m if m is not None else model()
    t_sup = m["supported"]["threshold"] if m else BASELINE_THRESHOLD
    t_not = m["not_supported"]["threshold"] if m else BASELINE_NOT_THRESHOLD
    if p_supported >= t_sup:
        return "supported"
    if p_not >= t_not:
        return "not_supported"
    return "partially_supported"


#: Thresholds of the model-free baseline (used only when data/support.yaml has no trained model); from the
#: same cross-validation as the model (`train.py --baseline`), rounded.
BASELINE_THRESHOLD = 0.75
BASELINE_NOT_THRESHOLD = 0.6


def judge(claim: str, source: SourceText, m: dict | None = None) -> Support:
    """Judge `claim` (plain text) against `source`."""
    claim_toks = tokens(claim)
    f, pair = features(claim, source)
    p_sup, p_not = probabilities(f, m)
    label = label_of(p_sup, p_not, m)
    pair_keys = frozenset(k for i in pair for t in source.toks[i] for k in t.keys)
    pair_numbers = {t.number for i in pair for t in source.toks[i] if t.number is not None}
    content = _content(claim_toks)
    found = tuple(t.text for t in content if _covered(t, pair_keys))
    missing_names = tuple(t.text for t in content if t.name and not _covered(t, source.keys))
    missing_words = tuple(t.text for t in content if not t.name and not _covered(t, pair_keys))
    missing_numbers = tuple(t.text for t in claim_toks
                            if t.number is not None and not _number_found(t.number, pair_numbers | source.numbers))
    differ = _differ(claim_toks, source, pair)
    claim_neg = any(t.negation for t in claim_toks)
    negated = bool(pair) and claim_neg != any(t.negation for i in pair for t in source.toks[i])
    # A claim that shares no word with the source still gets a passage to quote: the source's opening
    # (its title or first sentence), so that a finding always shows what the source is about.
    shown = pair or ((0,) if source.spans else ())
    return Support(label, round(p_sup, 4), tuple(Span(*source.spans[i]) for i in shown), found, missing_words,
                   missing_names, missing_numbers, differ, negated, f, bool(pair))


#: Content words after a number that say what it counts ("685 security personnel"): the next few are read.
COUNTED_WORDS = 3


def _counted(toks: tuple[Token, ...] | list[Token], i: int) -> frozenset[str]:
    out: set[str] = set()
    for t in toks[i + 1 : i + 1 + COUNTED_WORDS + 2]:
        if t.number is not None:
            break
        out |= t.keys
        if len(out) >= COUNTED_WORDS * 2:
            break
    return frozenset(out)


def _differ(claim: list[Token], source: SourceText, pair: tuple[int, ...]) -> tuple[Differ, ...]:
    """Figures of the claim absent from the source while a passage gives another number of the same
    counted thing ("40 soldiers" in the claim, "35 soldiers" in the passage)."""
    out = []
    for i, t in enumerate(claim):
        if t.number is None or _number_found(t.number, source.numbers) or 1800 <= t.number <= 2100:
            continue
        what = _counted(claim, i)
        if not what:
            continue
        for s in pair:
            toks = source.toks[s]
            hit = next((u for j, u in enumerate(toks)
                        if u.number is not None and u.number != t.number and _counted(toks, j) & what
                        and not 1800 <= u.number <= 2100), None)
            if hit is not None:
                out.append(Differ(t.text, hit.text, Span(t.start, t.end), Span(hit.start, hit.end)))
                break
    return tuple(out)
