"""How a claim is said, and by whom: asserted, reported, quoted, speculative or opinion.

`classify(sent, base)` looks at one parsed sentence or clause (a spaCy Span or Doc) and returns a
`ModalityResult`: the kind, the cue that decided it, the speaker the author relays, and the quotation.

- quoted: at least half the words are inside quotation marks (straight, curly, guillemets; a quotation may
  open in an earlier sentence of the paragraph). A few quoted words ("a 'hypothetical line'") do not make
  the claim quoted; `in_quote` tells whether any sub-span is.
- reported: a reporting verb with a speaker ("the TTP blames Pakistan for...", "Muttaqi said"), "according
  to X", or a reporting phrase ("has gone on record"). Verbs that report only with a clause ("announced
  that") are events with a plain object ("announced a ceasefire"). The author speaking ("I believe") is not
  a relayed source.
- speculative: a hedge (may, might, could, possibly, reportedly, "is believed to", "appears to", the verb
  "suspect") or a hidden motive stated as fact ("deliberately", "so that", "in order to", "is exploiting",
  "it is in the interest of", "seeks to"). A modal inside a purpose clause ("so that they could use it")
  belongs to the motive and is no hedge.
- opinion: normative or evaluative: should, must, ought to, needs to, "it is time", the author's stance
  ("in my view"), evaluative adverbs, and evaluative adjectives that carry the sentence (a predicate, or a
  modifier of the main clause's subject or object; "due to its unbridled interference" only colours a fact).
- asserted: none of these.

Precedence: quoted > reported > speculative (hedge) > opinion (the author's stance, "in my view") >
speculative (motive) > opinion (normative, evaluative) > asserted. The quoted speaker's and the reported
speaker's own hedges are theirs, so a quotation or a reporting verb wins; outside them, a hedge shows the
claim as uncertain whatever else the sentence does; a motive the author explicitly owns as opinion ("in my
view, Washington deliberately...") is opinion; otherwise a motive stated as fact wins over an evaluation,
and anything wins over asserted. Cues inside quotation marks are never read as the author's.

`motive_cue(sent, base)` gives the cue of a motive stated as fact, for the audit's
`claim.uncited_speculation`, or None when the sentence is quoted, reported, hedged or marked as the
author's opinion ("in my view"): then the motive is attributed or hedged, not stated as fact.

The cue words are data: `data/modality.yaml`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from claimgraph import rules
from claimgraph.records import Span

__all__ = ["KINDS", "ModalityResult", "classify", "in_quote", "is_reporting_verb", "motive_cue", "relays"]

#: The modalities (see the module docstring for their precedence).
KINDS = rules.word_list("modality", "kinds")

#: Quotation mark pairs: opening -> closing. Straight double quotes pair left to right.
_PAIRS = {"“": "”", "«": "»", "„": "“", "‘": "’"}

#: At least this share of a sentence's words inside quotation marks makes it quoted.
QUOTED_SHARE = 0.5


@dataclass(frozen=True)
class ModalityResult:
    """How a sentence or clause is said.

    kind: 'asserted', 'reported', 'quoted', 'speculative' or 'opinion'.
    cue: the word(s) that decided it (the reporting verb, the hedge, the quotation mark...), or None.
    speaker: who the author relays (the reporting verb's subject, the NP after "according to", the subject
        of the clause that introduces a quotation), or None.
    quote: the text inside the quotation marks (the longest quotation in the sentence), or None.
    """

    kind: str
    cue: Span | None = None
    speaker: Span | None = None
    quote: Span | None = None


@dataclass(frozen=True)
class _Lex:
    reporting_verbs: frozenset[str]
    clause_verbs: frozenset[str]
    documents: frozenset[str]
    reporting_phrases: tuple[tuple[str, ...], ...]
    according: tuple[tuple[str, ...], ...]
    false_objects: dict[str, frozenset[str]]
    author_pronouns: frozenset[str]
    hedge_modals: frozenset[str]
    hedge_words: frozenset[str]
    complement_verbs: frozenset[str]
    hedge_verbs: frozenset[str]
    passive_verbs: frozenset[str]
    hedge_phrases: tuple[tuple[str, ...], ...]
    motive_words: frozenset[str]
    motive_phrases: tuple[tuple[str, ...], ...]
    purpose: frozenset[tuple[str, ...]]
    opinion_modals: frozenset[str]
    opinion_phrases: tuple[tuple[str, ...], ...]
    stance: tuple[tuple[str, ...], ...]
    opinion_words: frozenset[str]
    adjectives: frozenset[str]


def _words(phrase: str) -> tuple[str, ...]:
    """A phrase as the word sequence spaCy would give ("let's" -> let, 's)."""
    return tuple(re.findall(r"\w+(?:\.\w+)*\.?|'\w+|[^\w\s]", phrase.lower()))


def is_reporting_verb(lemma: str) -> bool:
    """A verb that relays what someone says (modality.yaml `reporting`: `verbs` and `clause_verbs`)."""
    lex = _lex()
    return lemma in lex.reporting_verbs or lemma in lex.clause_verbs


@functools.cache
def _lex() -> _Lex:
    d = rules.load("modality")
    rep, hed, mot, opi = d["reporting"], d["hedges"], d["motives"], d["opinion"]

    def phrases(items) -> tuple[tuple[str, ...], ...]:
        return tuple(sorted({_words(p) for p in items}, key=len, reverse=True))

    return _Lex(
        reporting_verbs=frozenset(rep["verbs"]),
        clause_verbs=frozenset(rep["clause_verbs"]),
        documents=frozenset(rep.get("documents") or ()),
        reporting_phrases=phrases(rep["phrases"]),
        according=phrases(rep["according"]),
        false_objects={k: frozenset(v or ()) for k, v in rep["false_objects"].items()},
        author_pronouns=frozenset(rep["author_pronouns"]),
        hedge_modals=frozenset(hed["modals"]),
        hedge_words=frozenset(hed["words"]),
        complement_verbs=frozenset(hed["complement_verbs"]),
        hedge_verbs=frozenset(hed["verbs"]),
        passive_verbs=frozenset(hed["passive_verbs"]),
        hedge_phrases=phrases(hed["phrases"]),
        motive_words=frozenset(mot["words"]),
        motive_phrases=phrases(mot["phrases"]),
        purpose=frozenset(_words(p) for p in mot["purpose"]),
        opinion_modals=frozenset(opi["modals"]),
        opinion_phrases=phrases(opi["phrases"]),
        stance=phrases(opi["stance"]),
        opinion_words=frozenset(opi["words"]),
        adjectives=frozenset(opi["adjectives"]),
    )


def _as_span(sent):
    """A spaCy Doc as the Span over all of it; a Span as it is."""
    return sent[:] if not hasattr(sent, "start_char") else sent


# --------------------------------------------------------------------------------------------- quotes


def _quotes(text: str) -> list[tuple[int, int]]:
    """Interiors (start, end) of the quotations in `text`; an unclosed one runs to the end of the text."""
    out: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = text.find('"', i + 1)
            end = j if j >= 0 else n
            out.append((i + 1, end))
            i = end + 1
            continue
        if ch in _PAIRS:
            if ch == "‘" and (i + 1 >= n or not text[i + 1].isalnum() or (i and text[i - 1].isalnum())):
                i += 1
                continue  # an apostrophe-like mark, not an opening single quote
            close = _PAIRS[ch]
            j = i + 1
            while True:
                j = text.find(close, j)
                # a closing single quote must not be an apostrophe inside a word ("Pakistan’s")
                if j < 0 or close != "’" or j + 1 >= n or not text[j + 1].isalnum():
                    break
                j += 1
            if ch == "‘" and j < 0:
                i += 1
                continue  # an unclosed single quote is too likely an apostrophe
            end = j if j >= 0 else n
            out.append((i + 1, end))
            i = end + 1
            continue
        i += 1
    return out


def _doc_quotes(sent) -> list[tuple[int, int]]:
    """The quotations of the sentence's parsed paragraph, found once per paragraph: spaCy rebuilds `Doc.text`
    on every access, and every sentence of the paragraph asks."""
    cache = sent.doc.user_data
    if "claimgraph.quotes" not in cache:
        cache["claimgraph.quotes"] = _quotes(sent.doc.text)
    return cache["claimgraph.quotes"]


def in_quote(sent, base: int, span: Span) -> bool:
    """True when `span` (document offsets) lies inside quotation marks of `sent`'s paragraph."""
    sent = _as_span(sent)
    start, end = span.start - base, span.end - base
    text = sent.doc.text
    for a, b in _doc_quotes(sent):
        inner = text[a:b]
        lead = len(inner) - len(inner.lstrip(" ,.;:"))
        trail = len(inner) - len(inner.rstrip(" ,.;:"))
        if a <= start and end <= b or (a + lead <= start and end <= b - trail):
            return True
    return False


# --------------------------------------------------------------------------------------- the analysis


@dataclass
class _Cues:
    quotes: list[tuple[int, int]] = field(default_factory=list)  # interiors overlapping the sentence
    inside: set[int] = field(default_factory=set)  # token indices inside quotation marks
    reporting: list[tuple[object, object, object]] = field(default_factory=list)  # (first, last, speaker token range)
    hedges: list[tuple[object, object]] = field(default_factory=list)
    motives: list[tuple[object, object]] = field(default_factory=list)
    opinions: list[tuple[object, object]] = field(default_factory=list)
    stance: list[tuple[object, object]] = field(default_factory=list)


@functools.cache
def _by_first_word(phrases: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for p in phrases:
        index.setdefault(p[0], []).append(p)
    return {w: tuple(sorted(ps, key=len, reverse=True)) for w, ps in index.items()}


def _find_phrases(words: list[tuple[str, str]], skipped: list[bool],
                  phrases) -> list[tuple[int, int, tuple[str, ...]]]:
    """Phrases found in a sentence, left to right: `words` holds each token's (lowercase form, lowercase lemma),
    a phrase word matching either; `skipped[i]`: token i may not be part of a phrase (quoted, a quote mark).
    The sentence's words are built once by the caller and shared by every phrase list it looks for."""
    index = _by_first_word(phrases)
    out = []
    for i, (low, lemma) in enumerate(words):
        if skipped[i]:
            continue
        candidates = index.get(low, ())
        if lemma != low and lemma in index:  # each list is sorted longest first already: two need merging
            candidates = sorted(candidates + index[lemma], key=len, reverse=True)
        for p in candidates:
            n = len(p)
            if i + n <= len(words) and all(p[k] in words[i + k] for k in range(n)) and not any(
                skipped[i + k] for k in range(n)
            ):
                out.append((i, i + n - 1, p))
                break
    return out


def _subject(verb):
    """The verb's subject token; after the verb first ('..., said Capt. Smith'); through coordination."""
    v = verb
    for _ in range(3):
        subjects = [c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")]
        if subjects:
            after = [s for s in subjects if s.i > v.i]
            return after[0] if after else subjects[0]
        if v.dep_ in ("conj", "xcomp", "advcl") and v.head.i != v.i:
            v = v.head
            continue
        break
    return None


def _noun_phrase(tok, limit_start: int, limit_end: int) -> tuple[int, int]:
    """Token range [first, last] of the noun phrase headed by `tok`: its left modifiers, the head, and the
    rest of a name the parser split ("Capt. Aaron Schwengler")."""
    doc = tok.doc
    first = max(tok.left_edge.i, limit_start)
    last = tok.i
    j = tok.i + 1
    while j < limit_end:
        t = doc[j]
        if t.pos_ == "PROPN" or (t.text == "." and doc[j - 1].whitespace_ == "" and j + 1 < limit_end
                                  and doc[j + 1].pos_ == "PROPN"):
            last = j
            j += 1
            continue
        break
    return first, last


def _document_maker(subj, lex: _Lex):
    """A document or count reports for its maker: "data from the monitoring group showed", "figures released by
    the ministry show", "the group's tally shows" (`documents`); any other subject speaks for itself."""
    if subj.lemma_.lower() not in lex.documents and subj.lower_ not in lex.documents:
        return subj
    for c in subj.children:
        if c.dep_ == "poss" and c.pos_ in ("NOUN", "PROPN"):
            return c
    stack = [subj]
    while stack:  # "from X", "by X" on the noun, or in its participle ("released by X", "compiled by X")
        t = stack.pop()
        for c in t.children:
            if c.dep_ in ("prep", "agent") and c.lower_ in ("from", "by", "of"):
                obj = next((g for g in c.children if g.dep_ == "pobj"), None)
                if obj is not None:
                    return obj
            if c.dep_ == "acl" and t is subj:
                stack.append(c)
    return subj


def _has_clause(verb) -> bool:
    return any(c.dep_ in ("ccomp", "xcomp", "parataxis") for c in verb.children)


def relays(tok) -> bool:
    """A verb token that relays a claim: an always-reporting verb ("say", "tell"), or a clause verb with its
    clause ("confirmed that ...", not "confirmed the deal")."""
    lemma = tok.lemma_.lower()
    return tok.pos_ in ("VERB", "AUX") and is_reporting_verb(lemma) and (
        lemma in _lex().reporting_verbs or _has_clause(tok))


def _analyse(sent) -> _Cues:
    """The cues of a sentence, found once: the claims stage and the audit both ask for every sentence."""
    cache = sent.doc.user_data.setdefault("claimgraph.cues", {})
    key = (sent.start, sent.end)
    if key not in cache:
        cache[key] = _analyse_uncached(sent)
    return cache[key]


def _analyse_uncached(sent) -> _Cues:
    lex = _lex()
    doc = sent.doc
    cues = _Cues()
    for a, b in _doc_quotes(sent):
        if a < sent.end_char and sent.start_char < b:
            cues.quotes.append((max(a, sent.start_char), min(b, sent.end_char)))
    tokens = [t for t in sent]  # once: each pass over `sent` makes its Token objects anew
    cues.inside = {t.i for t in tokens if any(a <= t.idx < b for a, b in cues.quotes)}
    marks = {t.i for t in tokens if t.is_quote or t.text in "“”«»„‘’\""}
    skip = cues.inside | marks
    words = [(t.lower_, t.lemma_.lower()) for t in tokens]  # once: six phrase lists are looked up in them
    skipped = [t.i in skip for t in tokens]

    # reporting verbs, "according to", reporting phrases
    for t in tokens:
        if t.i in skip or t.pos_ not in ("VERB", "AUX"):
            continue
        lemma = t.lemma_.lower()
        if lemma not in lex.reporting_verbs and not (lemma in lex.clause_verbs and _has_clause(t)):
            continue
        objects = {c.lemma_.lower() for c in t.children if c.dep_ == "dobj"}
        if objects & lex.false_objects.get(lemma, frozenset()):
            continue
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in t.children)
        if passive:
            agent = next((c for c in t.children if c.dep_ == "agent"), None)
            pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent else None
            if pobj is not None:
                cues.reporting.append((t, t, _noun_phrase(pobj, sent.start, sent.end)))
            elif lemma in lex.passive_verbs:
                cues.hedges.append((t, t))  # "it is alleged", "is said to": no one named
            continue
        if t.tag_ in ("VBN", "VBD") and t.dep_ in ("advcl", "acl") and not any(
                c.dep_ == "nsubj" for c in t.children):
            continue  # "up from 21 reported the previous day": a participle on a figure, no one speaking
        subj = _subject(t)
        if subj is None or subj.lower_ in lex.author_pronouns or subj.i in cues.inside:
            continue
        subj = _document_maker(subj, lex)
        cues.reporting.append((t, t, _noun_phrase(subj, sent.start, sent.end)))
    for i, j, _ in _find_phrases(words, skipped, lex.according):
        k = next((n for n in tokens[j + 1 :] if n.pos_ in ("NOUN", "PROPN", "PRON")), None)
        if k is None:
            continue
        while k.dep_ in ("compound", "amod", "nmod", "det", "poss") and k.head.i > k.i:
            k = k.head
        cues.reporting.append((tokens[i], tokens[j], _noun_phrase(k, tokens[j].i + 1, sent.end)))
    for i, j, _ in _find_phrases(words, skipped, lex.reporting_phrases):
        verb = tokens[i] if tokens[i].pos_ in ("VERB", "AUX") else tokens[i].head
        subj = _subject(verb)
        if subj is not None and subj.lower_ not in lex.author_pronouns:
            cues.reporting.append((tokens[i], tokens[j], _noun_phrase(subj, sent.start, sent.end)))

    # motives, and the purpose clauses whose modals they own
    purpose_tokens: set[int] = set()
    for i, j, p in _find_phrases(words, skipped, lex.motive_phrases):
        cues.motives.append((tokens[i], tokens[j]))
        if p in lex.purpose:
            verb = next((t for t in tokens[j + 1 :] if t.pos_ == "VERB"), None)
            end = verb.right_edge.i if verb is not None else tokens[-1].i
            purpose_tokens.update(range(tokens[i].i, end + 1))
    for t in tokens:
        if t.i in skip:
            continue
        word, lemma = t.lower_, t.lemma_.lower()
        if word in lex.motive_words or (lemma in lex.motive_words and t.pos_ == "VERB"):
            cues.motives.append((t, t))

    # hedges
    for t in tokens:
        if t.i in skip or t.i in purpose_tokens:
            continue
        nxt = doc[t.i + 1] if t.i + 1 < sent.end else None
        if t.tag_ == "MD" and t.lower_ == "must" and nxt is not None and nxt.lower_ == "have":
            cues.hedges.append((t, nxt))  # "must have known": epistemic
        elif _is_hedge(t, lex):
            cues.hedges.append((t, t))
    for i, j, _ in _find_phrases(words, skipped, lex.hedge_phrases):
        cues.hedges.append((tokens[i], tokens[j]))

    # opinion
    for i, j, _ in _find_phrases(words, skipped, lex.stance):
        cues.stance.append((tokens[i], tokens[j]))
    for i, j, _ in _find_phrases(words, skipped, lex.opinion_phrases):
        cues.opinions.append((tokens[i], tokens[j]))
    for t in tokens:
        if t.i not in skip and _is_opinion(t, lex):
            cues.opinions.append((t, t))
    return cues


def _is_hedge(t, lex: _Lex) -> bool:
    word, lemma = t.lower_, t.lemma_.lower()
    return (
        (t.tag_ == "MD" and word in lex.hedge_modals)
        or word in lex.hedge_words
        or (lemma in lex.complement_verbs and t.pos_ == "VERB" and _has_clause(t))
        or (lemma in lex.hedge_verbs and t.pos_ == "VERB" and t.dep_ not in ("amod", "compound"))
    )


def _is_opinion(t, lex: _Lex) -> bool:
    word, lemma = t.lower_, t.lemma_.lower()
    if t.tag_ == "MD" and word in lex.opinion_modals:
        nxt = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
        return not (nxt is not None and nxt.lower_ == "have")
    return word in lex.opinion_words or (
        (word in lex.adjectives or lemma in lex.adjectives) and t.pos_ == "ADJ" and _carries(t)
    )


def _carries(adj) -> bool:
    """An evaluative adjective that carries the sentence: a predicate, or on the main clause's subject/object."""
    if adj.dep_ in ("acomp", "attr", "oprd", "ROOT", "xcomp"):
        return True
    if adj.dep_ != "amod":
        return False
    noun = adj.head
    if noun.dep_ not in ("nsubj", "nsubjpass", "dobj", "attr", "ROOT", "appos"):
        return False
    verb = noun.head
    return verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT") or noun.dep_ == "ROOT"


def _span(first, last, base: int) -> Span:
    return Span(base + first.idx, base + last.idx + len(last))


def _range_span(sent, r: tuple[int, int], base: int) -> Span:
    doc = sent.doc
    return _span(doc[r[0]], doc[r[1]], base)


def _quote_speaker(sent, cues: _Cues):
    """The subject of the clause that introduces the quotation ("Muttaqi summed up the meeting '...'")."""
    for t in sent:
        if t.i in cues.inside and t.head.i not in cues.inside and t.head.i != t.i and not t.head.is_punct:
            v = t.head
            while v.pos_ not in ("VERB", "AUX") and v.head.i != v.i:
                v = v.head
            subj = _subject(v)
            if (subj is not None and subj.i not in cues.inside and subj.pos_ in ("NOUN", "PROPN")
                    and re.search(r"[A-Za-z]", subj.text)):
                return subj  # a named or described speaker (a parse of another script's words is none)
    return None


def _opening_sentence(sent) -> tuple[Span, Span] | None:
    """For a quotation that opened in an earlier sentence: that sentence's reporting cue and speaker
    (document offsets without `base`), as in 'He said: "We will never surrender. The fight goes on."'"""
    opened = [a for a, b in _doc_quotes(sent) if a < sent.start_char < b]
    if not opened:
        return None
    for earlier in sent.doc.sents:
        if earlier.start_char <= opened[0] < earlier.end_char and earlier.start != sent.start:
            found = _analyse(earlier).reporting
            if found:
                verb_first, verb_last, np = min(found, key=lambda r: r[0].i)
                return _span(verb_first, verb_last, 0), _range_span(earlier, np, 0)
    return None


def classify(sent, base: int) -> ModalityResult:
    """How a parsed sentence or clause (spaCy Span or Doc) is said; spans are `base + token.idx`."""
    sent = _as_span(sent)
    cues = _analyse(sent)
    quote = None
    if cues.quotes:
        a, b = max(cues.quotes, key=lambda q: q[1] - q[0])
        text = sent.doc.text
        while a < b and text[a].isspace():
            a += 1
        while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:"):
            b -= 1
        quote = Span(base + a, base + b) if b > a else None
    report = min(cues.reporting, key=lambda r: r[0].i) if cues.reporting else None
    # The attribution ("said Lt. Col. David Fivecoat, commander of...") is not part of what is said: the
    # share of quoted words is taken over the rest of the sentence.
    attribution: set[int] = set()
    if report is not None:
        attribution.update(range(report[0].i, report[1].i + 1))
        subj = _subject(report[0])
        if subj is not None and subj.i not in cues.inside:
            attribution.update(t.i for t in subj.subtree)
    words = [t for t in sent if (t.is_alpha or t.like_num) and t.i not in attribution]
    share = sum(1 for t in words if t.i in cues.inside) / len(words) if words else 0.0
    if quote is not None and share >= QUOTED_SHARE:
        if report is not None:
            return ModalityResult("quoted", _span(report[0], report[1], base), _range_span(sent, report[2], base),
                                  quote)
        mark = next((t for t in sent if t.is_quote or t.text in "“«„\""), None)
        speaker = _quote_speaker(sent, cues)
        if speaker is None:
            opener = _opening_sentence(sent)
            if opener is not None:
                return ModalityResult("quoted", opener[0].shift(base), opener[1].shift(base), quote)
        return ModalityResult(
            "quoted",
            _span(mark, mark, base) if mark is not None else None,
            _range_span(sent, _noun_phrase(speaker, sent.start, sent.end), base) if speaker is not None else None,
            quote,
        )
    if report is not None:
        return ModalityResult("reported", _span(report[0], report[1], base), _range_span(sent, report[2], base),
                              quote)
    for kind, found in (("speculative", cues.hedges), ("opinion", cues.stance), ("speculative", cues.motives),
                        ("opinion", cues.opinions)):
        if found:
            return ModalityResult(kind, _span(*min(found, key=lambda c: c[0].i), base), None, quote)
    return ModalityResult("asserted", None, None, quote)


def motive_cue(sent, base: int) -> Span | None:
    """The cue of an intent or hidden motive stated as fact ("deliberately", "so that", "is exploiting"), or
    None when there is none or the sentence attributes or hedges it (quoted, reported, a hedge, the author's
    stance such as "in my view")."""
    sent = _as_span(sent)
    result = classify(sent, base)
    if result.kind in ("quoted", "reported"):
        return None
    cues = _analyse(sent)
    if not cues.motives or cues.hedges or cues.stance:
        return None
    first = min(cues.motives, key=lambda c: c[0].i)
    return _span(*first, base)
