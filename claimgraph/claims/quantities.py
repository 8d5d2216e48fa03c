"""How many: counted people, sums of money and other counted things in a parsed sentence.

Two layers:

- `scan(text)` reads number expressions in plain text, with no parse: digits ("685", "500,000", "1.73m"),
  number words ("three", "two dozen", "one hundred and twenty"), vague words coded as ACLED does
  ("several" 3, "dozens" 12, "tens of thousands" 10,000; the word is kept), ranges ("10-15",
  "between 10 and 15"), qualifiers ("around", "at least", "up to"...) and money ("$35m", "Rs 2 billion",
  "US$1.2bn", "35 million dollars", "€5m"). Years, dates ("June 25"), ordinals ("3rd", "187th"), codes
  ("2011-02-S-154", "AK-47", "9/11"), percentages and times of day ("10:30") are not numbers here.
  `figures.py` is built on it.
- `find_quantities(sent, base)` adds the parse: what the number counts (its noun: `whom` and `unit`) and
  what happened to them (`what`: killed, injured, arrested, ...), from the noun itself ("12 deaths"), a
  participle after it ("12 insurgents killed"), the verb that governs it ("killing one", "12 were killed",
  "wounding two others"), or the noun that governs "of N" ("the repatriation of 500,000 refugees").

Choices (the word lists are data, `data/quantities.yaml`):
- The span of a quantity is the qualifier, the number and its counted noun phrase ("around 685 security
  personnel"); a verb after it is not included ("12" in "12 were killed").
- A range's value is its low end (the conservative reading, as ACLED codes ranges); a vague word's value is
  its code, also given as `low`.
- A qualifier gives a bound: "at least 30" low 30; a strict one gives the nearest whole count inside it,
  "more than 30" value 30 and low 31, "more than a dozen" low 13, "fewer than 10" high 9 (money keeps the
  number written: it is not counted in units).
- Vague words count people only ("several factors", "multiple reports" are not measures).
- A number that counts neither people, money nor a thing (no counted noun and no category) is dropped;
  so are durations and measures ("two days", "120 mm", "40 percent").
- A number right after a noun is a label, not a count ("Route 1", "resolution 2254", "Task Force 1-66").
- A four-digit year-like number counts only people or money ("2000 fighters"; "the 2024 elections" is none).
- An indefinite singular person taken by a casualty verb is a count of one ("captured a Taliban leader" ->
  captured 1, "detained another militant" -> 1), so that "detained a leader and two associates" totals 3 as
  analysts count it; a definite one ("the insurgent killed") refers back to a count already made and gives
  nothing. The person is a person noun (`people_nouns`, `role_nouns`: "a weapons dealer"), or any agent noun
  ("a procurer", "an arsonist") when the verb's object is by nature a person (arrest, detain, kill, kidnap:
  `agent_noun_categories`; not capture, which takes places and weapons too).
- Who is taken with whom: conjuncts and "along with" share the verb ("captured a leader along with several
  suspected insurgents" -> 1 and 3); a passive subject may come last ("Killed in the strike were 12
  insurgents") or be misparsed away from its verb ("In the west, a leader and an insurgent were captured");
  "among the dead were three children" is killed 3. Verb phrases count as their verbs do ("took two men into
  custody" -> arrested 2). An act named as a purpose ("an operation to detain a leader", "IEDs to kill and
  injure civilians") or as not done ("the attempted assassination of two officials") counts nothing.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from dataclasses import dataclass

from claimgraph import rules
from claimgraph.errors import DataFileError
from claimgraph.memo import per_document
from claimgraph.records import Quantity, Span
from claimgraph.structure.dates import find_dates, month_number

__all__ = ["Number", "find_quantities", "lexicon", "parse_number", "scan"]

@dataclass(frozen=True)
class Number:
    """A number expression in plain text, before anything is known about what it counts.

    start, end: the expression (qualifier and currency included) as offsets into the scanned text.
    num_start: where the number itself starts (after qualifier and currency mark).
    value: the number, scale applied; a range's low end; a vague word's code.
    low, high: bounds from a range, a qualifier or a vague word.
    qualifier: the qualifier, lower case ("at least", "between"), or None.
    currency: an ISO 4217 code when the expression is money, else None.
    vague: the vague word, lower case ("several", "tens of thousands"), or None.
    digits: True when written with digits ("685", "1.73m"), False for words ("three", "several").
    year_like: a bare four-digit number that could be a year (1800-2099, no comma, scale or currency).
    """

    start: int
    end: int
    num_start: int
    value: float
    low: float | None = None
    high: float | None = None
    qualifier: str | None = None
    currency: str | None = None
    vague: str | None = None
    digits: bool = True
    year_like: bool = False


@dataclass(frozen=True)
class Lexicon:
    """The rule file, indexed for lookups (see data/quantities.yaml for what each part means)."""

    data: dict
    number_words: dict[str, int]
    multipliers: dict[str, int]
    scales: dict[str, float]
    vague: dict[str, int]
    vague_multipliers: dict[str, int]
    qualifiers: dict[str, str | None]
    currency_symbols: dict[str, str]
    currency_words: dict[str, str]
    weight_words: frozenset[str]
    not_counted: frozenset[str]
    people_nouns: frozenset[str]
    generic_people: frozenset[str]
    whom: dict[str, str]
    forms: dict[str, str]
    verbs: dict[str, str]
    intransitive: dict[str, str]
    nominals: dict[str, str]
    states: dict[str, str]
    figure_kinds: dict[str, str]
    people_only_verbs: dict[str, str]
    verb_false_objects: dict[str, frozenset[str]]
    verb_phrases: dict[str, str]
    agent_noun_categories: frozenset[str]
    agent_suffixes: tuple[str, ...]
    agent_noun_exceptions: frozenset[str]
    not_person_entities: frozenset[str]
    implicative: frozenset[str]
    unrealized: frozenset[str]
    unrealized_verbs: frozenset[str]
    membership_preps: frozenset[str]
    #: counted nouns that name a harm only when nothing more specific does ("100 victims": casualties)
    weak_forms: dict[str, str]
    comitatives: frozenset[str]
    #: one-word `qualifiers` ("over", "under", "around"): the parser may read one as a preposition
    bound_preps: frozenset[str]
    indefinite_articles: frozenset[str]
    #: the articles that are a number: one before a multiplier ("a dozen", "an hundred")
    numeral_articles: frozenset[str]
    #: multipliers that scale the group being read ("two hundred"), not close it as "thousand" does
    group_multipliers: frozenset[str]
    re_digits: re.Pattern
    re_words: re.Pattern
    re_vague: re.Pattern
    re_suffix: re.Pattern
    re_scale_word: re.Pattern
    re_currency_before: re.Pattern
    re_currency_after: re.Pattern
    re_qualifier: re.Pattern


_alternation = rules.alternation


@functools.cache
def lexicon() -> Lexicon:
    """The quantities rule file, loaded once."""
    data = rules.load("quantities")
    cats = data["categories"]

    def by_category(key: str) -> dict[str, str]:
        return {w: cat for cat, spec in cats.items() for w in spec.get(key) or ()}

    words_only = rules.words("quantities", "scale_words_only")
    suffixes = [s for s in data["scales"] if len(s) <= 3 and s.isalpha() and s not in words_only]
    scale_words = [s for s in data["scales"] if s not in suffixes]
    word_units = list(data["number_words"]) + list(data["multipliers"])
    letters_symbols = [s for s in data["currency_symbols"] if s[0].isalpha()]
    sign_symbols = [s for s in data["currency_symbols"] if not s[0].isalpha()]
    if not rules.words("quantities", "group_multipliers") <= set(data["multipliers"]):
        raise DataFileError("every one of 'group_multipliers' must be in 'multipliers'",
                            source="claimgraph/data/quantities.yaml")
    return Lexicon(
        data=data,
        number_words=data["number_words"],
        multipliers=data["multipliers"],
        scales={k.lower(): float(v) for k, v in data["scales"].items()},
        vague=data["vague"],
        vague_multipliers=data["vague_multipliers"],
        qualifiers=data["qualifiers"],
        currency_symbols=data["currency_symbols"],
        currency_words=data["currency_words"],
        weight_words=frozenset(data.get("weight_currency_words") or ()),
        not_counted=frozenset(data["not_counted"]),
        people_nouns=frozenset(data["people_nouns"]) | frozenset(data.get("role_nouns") or ()),
        generic_people=frozenset(data["generic_people"]),
        whom={term: cat for cat, terms in data["whom"].items() for term in terms},
        forms=by_category("forms"),
        verbs=by_category("verbs"),
        intransitive=by_category("intransitive"),
        nominals=by_category("nominals"),
        states=by_category("states"),
        figure_kinds={w: spec["figure"] for cat, spec in cats.items() if spec.get("figure") for w in spec["forms"]},
        people_only_verbs=data["people_only_verbs"],
        verb_false_objects={k: frozenset(v) for k, v in (data.get("verb_false_objects") or {}).items()},
        verb_phrases=data.get("verb_phrases") or {},
        agent_noun_categories=frozenset(data.get("agent_noun_categories") or ()),
        agent_suffixes=tuple(data.get("agent_suffixes") or ()),
        agent_noun_exceptions=frozenset(data.get("agent_noun_exceptions") or ()),
        not_person_entities=frozenset(data.get("not_person_entities") or ()),
        implicative=frozenset(data.get("implicative") or ()),
        unrealized=frozenset(data.get("unrealized") or ()),
        unrealized_verbs=frozenset(data.get("unrealized_verbs") or ()),
        membership_preps=frozenset(data.get("membership_preps") or ()),
        weak_forms=data.get("weak_forms") or {},
        comitatives=frozenset(data.get("comitatives") or ()),
        bound_preps=frozenset(k for k in (data.get("qualifiers") or {}) if " " not in str(k)),
        indefinite_articles=rules.words("quantities", "indefinite_articles"),
        numeral_articles=rules.words("quantities", "numeral_articles"),
        group_multipliers=rules.words("quantities", "group_multipliers"),
        re_digits=re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?!\d|,\d)|\d+(?:\.\d+)?"),  # "1,000," ends a list item
        re_words=re.compile(
            r"\b(?:(?:" + _alternation(rules.words("quantities", "numeral_articles")) + r")\s+)?(?:"
            + _alternation(word_units) + r")(?:(?:\s*-\s*|\s+and\s+|\s+)(?:"
            + _alternation(word_units) + r"))*\b",
            re.IGNORECASE,
        ),
        re_vague=re.compile(
            r"\b(?:" + _alternation(data["vague"]) + r")(?:\s+(?:of\s+)?(?:"
            + _alternation(data["vague_multipliers"]) + r"))?\b",
            re.IGNORECASE,
        ),
        re_suffix=re.compile(r"(?:" + _alternation(suffixes) + r")\b", re.IGNORECASE),
        re_scale_word=re.compile(r"\s+(?:" + _alternation(scale_words) + r")\b", re.IGNORECASE),
        re_currency_before=re.compile(
            r"(?:(?<![A-Za-z])(?:" + _alternation(letters_symbols) + r")|(?:" + _alternation(sign_symbols)
            + r"))\s?$"
        ),
        re_currency_after=re.compile(r"\s+(?:" + _alternation(data["currency_words"]) + r")\b", re.IGNORECASE),
        re_qualifier=re.compile(r"(?<![\w-])(?:" + _alternation(data["qualifiers"]) + r"|between)\s+$",
                                re.IGNORECASE),
    )


# ------------------------------------------------------------------------------------------ plain text


def _word_value(words: list[str], lex: Lexicon) -> float | None:
    """Value of a run of number words; "a" counts as one before a multiplier ("a dozen")."""
    total, current, seen = 0.0, 0.0, False
    for w in words:
        if w in lex.numeral_articles:
            current, seen = 1.0, True
        elif w in lex.number_words:
            current += lex.number_words[w]
            seen = True
        elif w in lex.group_multipliers:
            current = (current or 1.0) * lex.multipliers[w]
            seen = True
        elif w in lex.multipliers:
            total += (current or 1.0) * lex.multipliers[w]
            current, seen = 0.0, True
    return total + current if seen else None


def _split_words(run: str) -> list[str]:
    return [w.lower() for w in re.split(r"[\s-]+", run.strip()) if w]


def parse_number(text: str) -> float | None:
    """One number as written -> its value: "1,600", "35m", "1.73m", "2 billion", "two dozen",
    "one hundred and twenty", "a dozen". None when `text` is not a whole number expression."""
    lex = lexicon()
    s = text.strip()
    m = lex.re_digits.match(s)
    if m:
        value = float(m.group().replace(",", ""))
        rest = s[m.end():]
        if not rest:
            return value
        suf = lex.re_suffix.fullmatch(rest.strip()) if rest[:1] != " " or rest.strip() in lex.scales else None
        if suf or rest.strip().lower() in lex.scales:
            return value * lex.scales[rest.strip().lower()]
        return None
    m = lex.re_words.fullmatch(s)
    if m:
        words = _split_words(s)
        if words[0] in lex.numeral_articles and (len(words) < 2 or words[1] not in lex.multipliers):
            return None
        return _word_value(words, lex)
    return None


def _scale_after(text: str, end: int, lex: Lexicon) -> tuple[float, int]:
    """A scale right after a number: a suffix written on it ("35m") or a word after a space ("2 billion")."""
    m = lex.re_suffix.match(text, end)
    if m:
        return lex.scales[m.group().lower()], m.end()
    m = lex.re_scale_word.match(text, end)
    if m:
        return lex.scales[m.group().strip().lower()], m.end()
    return 1.0, end


def _month_adjacent(text: str, start: int, end: int) -> bool:
    """'June 25', 'Feb. 21', '25 June': a day of the month, not a count."""
    before = re.search(r"\b([A-Z][a-z]{2,8})\.?\s+$", text[max(0, start - 12):start])
    after = re.match(r"(?:st|nd|rd|th)?\s+([A-Z][a-z]{2,8})\b", text[end:end + 14])
    return bool((before and month_number(before.group(1))) or (after and month_number(after.group(1))))


@dataclass
class _Raw:
    start: int
    end: int
    value: float
    scale: float
    digits: bool
    vague: str | None = None
    currency_start: int | None = None
    currency: str | None = None
    after_dash: bool = False


def _digit_candidates(text: str, lex: Lexicon, dates: list[Span]) -> list[_Raw]:
    out: list[_Raw] = []
    # dates, by start, with the furthest end reached so far: "is s inside a date" by bisection (a scan of
    # every date for every number was quadratic on a long run of bracketed years)
    dates = sorted(dates, key=lambda d: d.start)
    date_starts = [d.start for d in dates]
    reach = list(itertools.accumulate((d.end for d in dates), max))
    for m in lex.re_digits.finditer(text):
        s, e = m.span()
        before = text[max(0, s - 6) : s]  # the currency symbol's window (never the whole text before)
        cur = lex.re_currency_before.search(before)
        prev = text[s - 1] if s else " "
        after_dash = prev in "-–" and s >= 2 and text[s - 2].isdigit()  # "10-15": kept only as a range's end
        if cur is None and not after_dash and (prev.isalnum() or prev in ".,/:#@_-–'’"):
            continue  # "AK-47", "S-154", "9/11", "v2": part of a code or another number
        if cur is None and prev == "$":
            continue
        scale, e2 = _scale_after(text, e, lex)
        nxt = text[e2:e2 + 2]
        if nxt and (nxt[0].isalnum() or nxt[0] in "%°'’_" or re.match(r"[:/.,]\d", nxt)):
            continue  # "3rd", "10km", "40%", "10:30", "9/11"
        k = bisect.bisect_right(date_starts, s)
        if (k and reach[k - 1] > s) or (scale == 1.0 and _month_adjacent(text, s, e)):
            continue
        value = float(m.group().replace(",", "")) * scale
        raw = _Raw(s, e2, value, scale, True, after_dash=after_dash)
        if cur is not None:
            symbol = cur.group().strip()
            raw.currency = lex.currency_symbols.get(symbol) or lex.currency_symbols.get(symbol.upper())
            raw.currency_start = s - len(before) + cur.start()
        out.append(raw)
    return out


def _word_candidates(text: str, lex: Lexicon) -> list[_Raw]:
    out: list[_Raw] = []
    one_not_after = set(lex.data.get("one_not_after", ()))
    for m in lex.re_words.finditer(text):
        words = _split_words(m.group())
        # "and" only continues a number after hundred/thousand/...: cut the run at any other "and"
        spans = [(w.start(), w.end()) for w in re.finditer(r"[^\s-]+", m.group())]
        keep = len(words)
        for i, w in enumerate(words):
            if w == "and" and (i == 0 or words[i - 1] not in lex.multipliers):
                keep = i
                break
        while keep and words[keep - 1] == "and":
            keep -= 1
        words = words[:keep]
        if not words or (words[0] in lex.numeral_articles and (len(words) < 2 or words[1] not in lex.multipliers)):
            continue
        s, e = m.start(), m.start() + spans[keep - 1][1]
        if words == ["one"]:
            prev = re.search(r"(\w+)\s+$", text[:s])
            if (prev and prev.group(1).lower() in one_not_after) or re.match(r"\s+another\b", text[e:]):
                continue  # "no one", "the one", "one another"
        value = _word_value(words, lex)
        if value is not None:
            out.append(_Raw(s, e, value, 1.0, False))
    return out


def _vague_candidates(text: str, lex: Lexicon) -> list[_Raw]:
    out: list[_Raw] = []
    need_of = set(lex.data.get("vague_need_of", ()))
    for m in lex.re_vague.finditer(text):
        phrase = re.sub(r"\s+", " ", m.group().lower())
        head = next(v for v in sorted(lex.vague, key=len, reverse=True) if phrase.startswith(v))
        rest = phrase[len(head):].strip()
        mult = 1
        if rest:
            mult = lex.vague_multipliers[rest.removeprefix("of ").strip()]
        elif head in need_of and not re.match(r"\s+of\b", text[m.end():]):
            continue  # "tens", "scores" count only as "tens of ...", "scores of ..."
        out.append(_Raw(m.start(), m.end(), float(lex.vague[head] * mult), float(mult), False, vague=phrase))
    return out


def _range_joiner(text: str, a: _Raw, b: _Raw) -> str | None:
    between = text[a.end:b.start]
    if re.match(r"[-–]\w", text[b.end:b.end + 2]) or re.search(r"\w[-–]$", text[:a.start]):
        return None  # "2011-02-S-154": a code
    if a.digits and re.fullmatch(r"[12]\d{3}", text[a.start:a.end]) and 1800 <= a.value <= 2099 and (
        b.value <= 99 or 1800 <= b.value <= 2099
    ):
        return None  # "2024-25", "2019-2021": years, not a range of counts
    if re.fullmatch(r"\s*[-–—]\s*", between):
        return "-"
    if re.fullmatch(r"\s+to\s+", between) and not re.search(r"\bfrom\s+$", text[:a.start], re.IGNORECASE):
        return "to"
    if re.fullmatch(r"\s+and\s+", between) and re.search(r"\bbetween\s+$", text[:a.start], re.IGNORECASE):
        return "and"
    return None


@per_document  # the claims stage and the audit's figures both scan each sentence
def scan(text: str) -> list[Number]:
    """Every number expression in `text`, left to right, not overlapping (offsets into `text`)."""
    lex = lexicon()
    dates = [span for span, _ in find_dates(text)]
    raws = _digit_candidates(text, lex, dates) + _word_candidates(text, lex) + _vague_candidates(text, lex)
    raws.sort(key=lambda r: (r.start, -(r.end - r.start)))
    chosen: list[_Raw] = []
    for r in raws:
        if chosen and r.start < chosen[-1].end:
            continue
        chosen.append(r)
    out: list[Number] = []
    i = 0
    while i < len(chosen):
        a = chosen[i]
        low = high = None
        end, value, digits = a.end, a.value, a.digits
        b = chosen[i + 1] if i + 1 < len(chosen) else None
        joiner = None
        if b is not None and a.vague is None and b.vague is None and b.digits == a.digits:
            joiner = _range_joiner(text, a, b)
        if joiner:
            # "between 1 and 2 million": the scale written once applies to both ends
            lo_value = a.value * b.scale if a.scale == 1.0 and b.scale != 1.0 else a.value
            low, high, value, end = lo_value, b.value, lo_value, b.end
            i += 1
        elif a.after_dash or (a.digits and re.match(r"[-–]\w", text[a.end:a.end + 2])):
            i += 1
            continue  # "2011-02-S-154", "2024-25": a code or a span of years, not a count
        i += 1
        currency, num_start = a.currency, a.start
        start = a.currency_start if a.currency_start is not None else a.start
        if currency is None:
            m = lex.re_currency_after.match(text, end)
            word = re.sub(r"\s+", " ", m.group().strip().lower()) if m else None
            if word and (word not in lex.weight_words or a.scale != 1.0 or re.match(r"\s+sterling\b", text[m.end():])):
                currency = lex.currency_words[word]
                end = m.end()
        qualifier = None
        q = lex.re_qualifier.search(text[max(0, start - 25):start])
        if q:
            qualifier = re.sub(r"\s+", " ", q.group().strip().lower())
            start = start - len(text[max(0, start - 25):start]) + q.start()
            if qualifier == "between" and joiner != "and":
                qualifier, start = None, a.currency_start if a.currency_start is not None else a.start
        bound = lex.qualifiers.get(qualifier) if qualifier else None
        # A strict bound on a count ("more than 30" people, "fewer than 10") is the nearest integer inside
        # it: 31, 9. Money is not counted in units, so its strict bounds stay the number written.
        if bound == "low" or (bound == "above" and currency):
            low = value
        elif bound == "above":
            low = math.floor(value) + 1.0
        elif bound == "high" or (bound == "below" and currency):
            high, low = value, None if joiner is None else low
        elif bound == "below":
            high, low = math.ceil(value) - 1.0, None if joiner is None else low
        if a.vague and bound not in ("high", "below"):
            low = value
        year_like = (a.digits and joiner is None and currency is None and a.scale == 1.0
                     and re.fullmatch(r"\d{4}", text[a.start:a.end]) is not None and 1800 <= a.value <= 2099)
        out.append(Number(start, end, num_start, value, low, high, qualifier, currency, a.vague, digits, year_like))
    return out


# ------------------------------------------------------------------------------------------ parsed text


def _as_span(sent):
    """A spaCy Doc as the Span over all of it; a Span as it is."""
    return sent[:] if not hasattr(sent, "start_char") else sent


def _counted_phrase(doc, first: int, last: int, limit: int, lex: Lexicon):
    """The noun phrase a number counts: tokens right after it (through "of" and a determiner).

    Returns (tokens, head, via_of): the modifiers and head noun, the head (or None), and whether the phrase
    was reached through "of" ("dozens of militants", "two of the men").
    """
    j = last + 1
    via_of = False
    if j < limit and doc[j].lower_ == "of":
        via_of = True
        j += 1
        if j < limit and doc[j].pos_ == "PRON" and doc[j].tag_ != "PRP$":
            return [], None, True  # "two of them", "three of whom"
        if j < limit and (doc[j].pos_ == "DET" or doc[j].tag_ == "PRP$"):
            j += 1  # "two of the men", "two of his associates"
    run = []
    while j < limit and len(run) < 5:
        t = doc[j]
        if t.pos_ in ("ADJ", "NOUN", "PROPN") or (t.pos_ == "NUM" and not t.like_num) or (
            t.pos_ == "VERB" and t.dep_ in ("amod", "compound")
        ):
            run.append(t)
            j += 1
            continue
        break
    nouns = [t for t in run if t.pos_ in ("NOUN", "PROPN")]
    if not nouns:
        return [], None, via_of
    head = None
    attached = doc[last].head
    if attached in nouns:
        head = attached
        while (head.dep_ in ("compound", "amod", "nmod") and head.head in nouns and head.head.i > head.i
               and head.lower_ not in lex.not_counted):
            # "Two Haqqani facilitators" with "Two" on the name: the noun the name modifies ("155 mm rounds"
            # stays a measure)
            head = head.head
    else:
        head = next((t for t in nouns if t.dep_ not in ("compound", "amod", "nmod")), nouns[-1])
    return run[: run.index(head) + 1], head, via_of


def _is_people(head, lex: Lexicon) -> bool:
    return (
        head.lower_ in lex.people_nouns
        or head.lemma_.lower() in lex.people_nouns
        or head.ent_type_ == "NORP"
        or head.lower_ in lex.forms
        or head.lemma_.lower() in lex.whom
    )


def _passive_like(verb) -> bool:
    """A participle read as passive: "12 were killed", "30 wounded" (no perfect 'have', no object: a verb
    with an object is active whatever its tag, "a force detained two men")."""
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children):
        return True
    return verb.tag_ == "VBN" and not any(
        (c.dep_ == "aux" and c.lemma_ == "have") or c.dep_ == "dobj" for c in verb.children
    )


def _intended(verb) -> bool:
    """An act named as a purpose, not done: "an operation to detain a Taliban leader"; a verb coordinated with
    one is as much a purpose ("IEDs to kill and injure civilians": "injure" has no "to" of its own)."""
    while verb.dep_ == "conj" and verb.head.i != verb.i and verb.head.pos_ in ("VERB", "AUX"):
        verb = verb.head
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in lexicon().implicative:
        return False  # "was able to detain two", "managed to kill one": done, not only meant
    return verb.dep_ in ("acl", "advcl", "xcomp", "relcl") and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _verb_cat(verb, lex: Lexicon) -> str | None:
    """The category a verb names: by its lemma ("detain"), or by a phrase it heads with a preposition
    ("took two men into custody": `verb_phrases`)."""
    lemma = verb.lemma_.lower()
    if lemma in lex.verbs:
        return lex.verbs[lemma]
    for prep in verb.children:
        if prep.dep_ == "prep":
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    cat = lex.verb_phrases.get(f"{lemma} {prep.lower_} {obj.lemma_.lower()}")
                    if cat:
                        return cat
    return None


def _verb_category(verb, dep: str, people: bool, lex: Lexicon) -> str | None:
    lemma = verb.lemma_.lower()
    if _intended(verb):
        return None
    objects = {c.lemma_.lower() for c in verb.children if c.dep_ == "dobj"}
    if objects & lex.verb_false_objects.get(lemma, frozenset()):
        return None
    named = _verb_cat(verb, lex)
    if dep in ("dobj", "nsubjpass", "oprd", "dative"):
        if named:
            return named
        if people and dep == "dobj" and lemma in lex.people_only_verbs:
            return lex.people_only_verbs[lemma]
    if dep in ("nsubj", "nsubjpass") and verb.lower_ in lex.states:
        return lex.states[verb.lower_]  # "10 people are missing" parsed with 'missing' as the verb
    if dep == "nsubj":
        if lemma in lex.intransitive:
            return lex.intransitive[lemma]
        if named and _passive_like(verb):
            return named
    if dep in ("dobj", "nsubjpass", "nsubj"):
        # "were found dead", "were reported killed", "left five people dead"
        for c in verb.children:
            if c.dep_ in ("oprd", "acomp", "xcomp", "ccomp", "advcl") and c.i > verb.i:
                word = c.lower_
                if word in lex.states:
                    return lex.states[word]
                if c.lemma_.lower() in lex.verbs and c.tag_ == "VBN":
                    return lex.verbs[c.lemma_.lower()]
    return None


def _superlative_partitive(num) -> bool:
    """"one of the deadliest air strikes", "one of the largest": a rank among things, not a count of them."""
    return any(c.dep_ == "prep" and c.lower_ == "of" and any(
        g.dep_ == "pobj" and (g.tag_ == "JJS" or any(a.tag_ in ("JJS", "RBS") for a in g.children))
        for g in c.children) for c in num.children)


def toll_nouns() -> frozenset[str]:
    """The nouns that name a toll (quantities.yaml `tolls`: "toll")."""
    return frozenset((lexicon().data.get("tolls") or {}).get("nouns") or {})


def _toll_category(t, lex: Lexicon) -> str | None:
    """5. the figure of a toll (`tolls` in quantities.yaml): "the death toll rose to 64, up from 21", "a toll of
    40", "the toll stands at 143 victims", "the casualty toll reached 90", "the death toll was 12". The toll
    noun is found from the number as the noun of its "of" phrase, or as the subject of the verb whose object,
    attribute or "to"/"at"/"from" phrase it is; its modifier says what it counts ("death", "injury"), else the
    noun's own category ("toll": killed)."""
    tolls = lex.data.get("tolls") or {}
    nouns, preps = tolls.get("nouns") or {}, frozenset(tolls.get("preps") or ())
    holder = None
    if t.dep_ == "pobj" and t.head.lower_ in preps:
        host = t.head.head
        if host.pos_ == "ADV" and host.head.i != host.i:  # "rose to 64, up from 21"
            host = host.head
        holder = host
    elif t.dep_ in ("attr", "dobj", "oprd"):
        holder = t.head
    if holder is None:
        return None
    if holder.pos_ in ("VERB", "AUX"):
        holder = next((c for c in holder.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if holder is None or holder.lemma_.lower() not in nouns:
        return None
    for c in holder.children:
        if c.dep_ in ("compound", "amod") and c.i < holder.i:
            word, lemma = c.lower_, c.lemma_.lower()
            found = lex.forms.get(word) or lex.nominals.get(lemma)
            if found:
                return found
    return nouns[holder.lemma_.lower()]


def _category(doc, anchor, phrase, after: int, limit: int, people: bool, lex: Lexicon) -> str | None:
    """What happened to the counted people (steps 1-5 of `categories` in quantities.yaml), else what a weak
    form among the counted words says ("more than 100 victims": `weak_forms`)."""
    found = _named_category(doc, anchor, phrase, after, limit, people, lex)
    if found:
        return found
    return next((lex.weak_forms[t.lower_] for t in reversed(phrase) if t.lower_ in lex.weak_forms), None)


def _named_category(doc, anchor, phrase, after: int, limit: int, people: bool, lex: Lexicon) -> str | None:
    # 1. the counted noun or a modifier names it: "12 deaths", "three civilian bodies", "one wounded civilian"
    for t in reversed(phrase):
        if t.lower_ in lex.forms:
            return lex.forms[t.lower_]
    # 2. a participle or relative clause on the noun: "12 insurgents killed in the raid", "who were killed"
    for c in anchor.children:
        if c.dep_ in ("acl", "relcl") and c.i > anchor.i:
            lemma, named = c.lemma_.lower(), _verb_cat(c, lex)
            if named and (c.tag_ == "VBN" or _passive_like(c)):
                return named
            if lemma in lex.intransitive:
                return lex.intransitive[lemma]
    # ... or the group it is a part of: "two of the dead", "11 of those injured in the attack"
    for prep in anchor.children:
        if prep.dep_ == "prep" and prep.lower_ == "of" and anchor.like_num:
            for group in (g for g in prep.children if g.dep_ == "pobj"):
                if group.lower_ in lex.forms:
                    return lex.forms[group.lower_]
                named = next((_verb_cat(c, lex) for c in group.children
                              if c.dep_ in ("acl", "relcl") and c.tag_ == "VBN" and _verb_cat(c, lex)), None)
                if named:
                    return named
    # ... or the passive whose subject it is, its bound parsed as a preposition of the verb before: "saying
    # over 100 were killed" (a verb's object, "injuring over a dozen", is step 3's)
    qualifier = _misparsed_qualifier(anchor, lex)
    passive = _subjectless_passive(qualifier) if qualifier is not None else None
    if passive is not None:
        found = _verb_category(passive, "nsubjpass", people, lex)
        if found:
            return found
    # ... or the next word: "30 wounded", "12 people dead", unless it opens a noun phrase or takes an object
    if after < limit:
        nxt = doc[after]
        if (nxt.lower_ in lex.states or (nxt.lower_ in lex.forms and nxt.tag_ in ("VBN", "JJ"))) and not (
            after + 1 < limit and doc[after + 1].pos_ in ("NOUN", "PROPN")
        ) and not any(c.dep_ == "dobj" for c in nxt.children):
            return lex.states.get(nxt.lower_) or lex.forms[nxt.lower_]
    # 3. the verb that governs it (through coordination: "685 soldiers and 915 civilians")
    t = anchor
    while True:
        while (t.dep_ in ("conj", "appos") and t.head.pos_ in ("NOUN", "PROPN", "NUM", "PRON", "ADJ")
               and t.head.i != t.i):
            t = t.head
        # "captured a leader along with several suspected insurgents": taken with the object, as a conjunct is
        prep = t.head if t.dep_ == "pobj" else None
        if prep is None or prep.i == 0 or f"{prep.doc[prep.i - 1].lower_} {prep.lower_}" not in lex.comitatives:
            break
        joined = prep.head.head if prep.head.i == prep.i - 1 else prep.head  # "along" may hold the "with"
        if joined.pos_ in ("VERB", "AUX"):  # on the verb: the object before it
            objects = [c for c in joined.children if c.dep_ in ("dobj", "nsubjpass") and c.i < prep.i]
            if not objects:
                break
            t = objects[0]
        elif joined.pos_ in ("NOUN", "PROPN", "PRON") and joined.i < prep.i:  # on the noun it joins
            t = joined
        else:
            break
    head = t.head
    dep = t.dep_
    if dep == "conj" and any(c.dep_ == "dobj" and c.i < t.i for c in head.children):
        dep = "dobj"  # "arrested a commander and three of his guards", the second object hung on the verb
    if (dep == "pobj" and head.dep_ == "prep" and head.lower_ in lex.bound_preps and head.head.pos_ == "VERB"
            and not any(c.dep_ == "dobj" for c in head.head.children)):
        head, dep = head.head, "dobj"  # "injuring over a dozen": the parser read the bound as a preposition
    if dep == "attr" and head.lemma_ == "be" and head.dep_ == "auxpass" and head.head.i < head.i:
        head, dep = head.head, "nsubjpass"  # "Killed in the strike were 12 insurgents": the subject put last
    if head.pos_ in ("VERB", "AUX") and head.i != t.i:
        cat = _verb_category(head, dep, people, lex) or _among(head, dep, lex) or _included(head, dep, people, lex)
        if cat:
            return cat
    verb = _subjectless_passive(anchor)
    if verb is not None:
        return _verb_category(verb, "nsubjpass", people, lex)
    toll = _toll_category(t, lex)
    if toll:
        return toll
    # 4. the noun that governs "of N": "the killing of 5", "repatriation of over 500,000 refugees"
    if t.dep_ == "pobj" and head.lower_ == "of" and head.head.pos_ == "NOUN":
        nominal = head.head
        if any(c.lower_ in lex.unrealized for c in nominal.children if c.dep_ in ("amod", "compound")) or (
                nominal.dep_ == "dobj" and nominal.head.lemma_.lower() in lex.unrealized_verbs):
            return None  # "the attempted assassination of two officials", "planned the killing of": not done
        return lex.nominals.get(nominal.lemma_.lower())
    return None


def _among(verb, dep: str, lex: Lexicon) -> str | None:
    """"Among the dead were three children", "two policemen were among those killed": the category of the
    group the counted people are said to be in (`membership_preps`)."""
    if verb.lemma_ != "be" or dep not in ("attr", "nsubj"):
        return None
    for prep in verb.children:
        if prep.dep_ == "prep" and prep.lower_ in lex.membership_preps:
            for group in prep.children:
                if group.dep_ != "pobj":
                    continue
                if group.lower_ in lex.forms:
                    return lex.forms[group.lower_]
                if group.lower_ in lex.weak_forms:  # "among the victims were ..."
                    return lex.weak_forms[group.lower_]
                for c in group.children:
                    if c.dep_ in ("acl", "relcl") and c.tag_ == "VBN" and c.lemma_.lower() in lex.verbs:
                        return lex.verbs[c.lemma_.lower()]
    return None


def _included(verb, dep: str, people: bool, lex: Lexicon) -> str | None:
    """"The victims included two children", "34 people died, including two children", "killing 26 people,
    including five children": people counted as part of a group take the group's category (the group's noun
    as a form, or the verb that counts the group)."""
    if verb.lemma_.lower() != "include":
        return None
    if dep == "dobj":  # "the victims included ...", "those killed included ..."
        wholes = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
        if not wholes and verb.dep_ == "conj":  # "victims came from ... and included ...": the first verb's
            wholes = [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
    elif dep == "pobj" and verb.dep_ == "prep" and verb.head.i != verb.i:  # ", including ..." on what it is part of
        wholes = [verb.head]
    else:
        return None
    for whole in wholes:
        if whole.lower_ in lex.forms:
            return lex.forms[whole.lower_]
        for c in whole.children:
            if c.dep_ in ("acl", "relcl") and c.tag_ == "VBN" and c.lemma_.lower() in lex.verbs:
                return lex.verbs[c.lemma_.lower()]
        if whole.lower_ in lex.weak_forms:
            return lex.weak_forms[whole.lower_]
        if whole.pos_ in ("VERB", "AUX"):  # "34 people perished, including ...": what the verb counts
            for c in whole.children:
                if c.dep_ in ("nsubj", "nsubjpass", "dobj"):
                    found = _verb_category(whole, c.dep_, people, lex)
                    if found:
                        return found
        elif whole.head.pos_ in ("VERB", "AUX") and whole.head.i != whole.i:  # "killing 26 people, including ..."
            found = _verb_category(whole.head, whole.dep_, people, lex)
            if found:
                return found
    return None


def _misparsed_qualifier(anchor, lex: Lexicon):
    """The preposition the parser made of a number's one-word qualifier ("over" in "saying over 100 were
    killed": `bound_preps`), right before the number's phrase; else None."""
    prep = anchor.head
    if (anchor.dep_ != "pobj" or prep.dep_ != "prep" or prep.i + 1 != anchor.left_edge.i
            or prep.lower_ not in lex.bound_preps or prep.head.i == prep.i):
        return None
    return prep


def _subjectless_passive(anchor):
    """The passive verb whose subject the parser hung elsewhere: in "In the west, a leader and an insurgent
    were captured" the subject is read as in apposition to "the west" and "captured" has no subject. The noun
    phrase (with its conjuncts) that ends right before a passive's auxiliary is then its subject."""
    t = anchor
    while t.dep_ == "conj" and t.head.i != t.i and t.head.pos_ in ("NOUN", "PROPN", "NUM", "PRON"):
        t = t.head
    if t.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj"):
        return None  # the parser gave the phrase a role; only a stray one is read this way
    nxt = t.right_edge.i + 1
    doc = t.doc
    if nxt >= len(doc) or doc[nxt].dep_ != "auxpass":
        return None
    verb = doc[nxt].head
    if verb.i <= nxt or any(c.dep_ in ("nsubj", "nsubjpass", "csubjpass") for c in verb.children):
        return None
    return verb


def _whom(phrase, head, people: bool, lex: Lexicon) -> str | None:
    if head is None:
        return None
    lemmas = [t.lemma_.lower() for t in phrase]
    lowers = [t.lower_ for t in phrase]
    for k in (3, 2):
        if len(phrase) >= k:
            for words in (lemmas, lowers):
                term = " ".join(words[-k:])
                if term in lex.whom:
                    return lex.whom[term]
    for word in (lemmas[-1], lowers[-1]):
        if word in lex.whom:
            return lex.whom[word]
    for t in reversed(phrase[:-1]):
        for word in (t.lemma_.lower(), t.lower_):
            if word in lex.whom:
                return lex.whom[word]
    if not people or head.lower_ in lex.forms:
        return None
    modifiers = [t for t in phrase[:-1] if t.lower_ not in lex.states and t.lower_ not in lex.forms]
    if head.lower_ in lex.generic_people and not modifiers:
        return None
    words = modifiers + [head]
    return head.doc.text[words[0].idx : head.idx + len(head)]


def _label_before(doc, first_token, span_start: int) -> bool:
    """'Route 1', 'resolution 2254', 'Task Force 1-66': a number right after a noun names, not counts."""
    if first_token.i <= span_start:
        return False
    prev = doc[first_token.i - 1]
    return prev.pos_ in ("NOUN", "PROPN") and not prev.like_num and prev.whitespace_ != ""


def find_quantities(sent, base: int = 0) -> list[Quantity]:
    """Every quantity in a parsed sentence (a spaCy Span or Doc); spans are `base + token.idx`.

    `base` is the offset of `sent.doc`'s text in the document (the paragraph's start).
    """
    lex = lexicon()
    sent = _as_span(sent)
    doc, off = sent.doc, sent.start_char
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    for n in scan(sent.text):
        q = _quantity(doc, sent, off, n, lex)
        if q is None:
            continue
        out.append(Quantity(q[0].shift(base), *q[1:]))
        taken.append((q[0].start, q[0].end))
    out.extend(_indefinite_counts(doc, sent, base, taken, lex))
    out.extend(_named_counts(doc, sent, base, taken + [(q.span.start - base, q.span.end - base) for q in out], lex))
    return sorted(out, key=lambda q: q.span)


def _quantity(doc, sent, off: int, n: Number, lex: Lexicon):
    if n.currency:
        return (Span(off + n.start, off + n.end), n.value, n.low, n.high, n.qualifier, n.currency, "money")
    num = doc.char_span(off + n.num_start, off + n.end, alignment_mode="expand")
    if num is None or len(num) == 0:
        return None
    first, last = num[0], num[-1]
    whole = doc.char_span(off + n.start, off + n.end, alignment_mode="expand")
    if whole is None:
        return None
    if _superlative_partitive(last):
        return None
    phrase, head, via_of = _counted_phrase(doc, first.i, last.i, sent.end, lex)
    # A number right after a common noun still counts the people it is a number of: "during the operation
    # four men were killed" ("operation four" is no label, as "Route 7" is).
    counts_people = (head is not None and not via_of and last.head.i == head.i and _is_people(head, lex)
                     and whole[0].i > sent.start and doc[whole[0].i - 1].pos_ == "NOUN")
    if _label_before(doc, whole[0], sent.start) and not counts_people:
        return None
    if head is not None and (head.lower_ in lex.not_counted or head.lemma_.lower() in lex.not_counted):
        return None
    if head is None and last.i + 1 < sent.end and doc[last.i + 1].lower_ in lex.not_counted:
        return None  # "3 p.m.", "10 o'clock"
    people = head is not None and _is_people(head, lex)
    anchor = last if (head is None or via_of) else head
    after = (head.i + 1) if head is not None else last.i + 1
    category = _category(doc, anchor, phrase, after, sent.end, people or head is None, lex)
    if head is None and category is None:
        return None
    if head is not None and not people:
        if n.vague or n.year_like:
            return None
        unit, what, whom = head.lower_, None, None
    else:
        if n.year_like and head is None:
            return None
        unit, what, whom = "people", category or "people", _whom(phrase, head, people, lex)
    end = head.idx + len(head) if head is not None else off + n.end
    if unit == "people" and what:
        what = what + _rate(doc.text[sent.start_char : off + n.start], doc.text[end : sent.end_char])
    return (Span(off + n.start, end), n.value, n.low, n.high, n.qualifier, unit, what, whom, n.vague)


@functools.cache
def _rate_patterns() -> tuple[re.Pattern[str], re.Pattern[str], dict[str, str]]:
    """(an average before the number, a period after it, adverb -> period) from quantities.yaml `rates`."""
    r = lexicon().data["rates"]
    before = re.compile(r"(?i)\b(?:" + _alternation(r["average_before"]) + r")\s*$")
    adverbs = {str(k).lower(): str(v) for k, v in r["adverbs"].items()}
    after = re.compile(
        r"(?i)^[^.;:!?]{0,60}?(?<!\bon )(?<!\bin )(?<!\bone )(?<!\bthat )(?<!\bthe )\b(?:"
        r"(?:" + _alternation(r["markers"]) + r")\s+(?P<per>" + _alternation(r["periods"]) + r")\b"
        r"|(?P<adv>" + _alternation(adverbs) + r")\b)")
    return before, after, adverbs


def _rate(before: str, after: str) -> str:
    """' per day', ' per year', ' (average)' when a figure of people is a rate or an average, not a toll:
    "an average of 12 people a day", "killing 30 people daily", "3,000 are displaced each month". A rate
    and a toll are different measures: grouping never sets one against the other."""
    re_before, re_after, adverbs = _rate_patterns()
    m = re_after.match(after[:200])
    if m:
        return " per " + (m["per"].lower() if m["per"] else adverbs[m["adv"].lower()])
    return " (average)" if re_before.search(before[-40:]) else ""


def _named_counts(doc, sent, base: int, taken, lex: Lexicon) -> list[Quantity]:
    """One person taken by a casualty verb as its object, or as the subject of its passive: a pronoun
    ("killing him"), a name ("killed Rostum and his associate" -> 2), a definite person noun ("killing the
    insurgent") or a bare one, which English writes only before or beside a name ("killed Taliban leader,
    Wali,"). A name counts only when it may be a person: one the parser tags as an organisation, a place or a
    group ("to kill and injure civilians, ANSF and ISAF troops") is not. A noun in apposition to one already
    counted ("Murach, a Taliban leader") and a participle on its noun ("the insurgent killed was ...") add
    nothing; nor does an act named as a purpose ("an operation to kill the leader"). Arrests and captures are
    left out: releases name the person they detained after counting them ("detained a facilitator ...
    identified and detained the facilitator"), which ISAF's dev releases show more often than a new arrest."""
    out: list[Quantity] = []
    counted = rules.words("quantities", "bare_noun_counts")
    counted_at: set[int] = set()
    for t in sent:
        if t.dep_ not in ("dobj", "nsubjpass", "conj") or any(a <= t.idx < b for a, b in taken):
            continue
        if t.dep_ == "conj" and t.head.dep_ not in ("dobj", "nsubjpass"):
            continue
        dets = [c for c in t.children if c.dep_ in ("det", "poss", "nummod", "predet")]
        definite = any(c.dep_ in ("det", "poss") and c.lower_ not in lex.numeral_articles for c in dets)
        person_noun = t.pos_ == "NOUN" and t.tag_ == "NN" and (
            t.lower_ in lex.people_nouns or t.lemma_.lower() in lex.whom)
        person = (t.lower_ in rules.words("quantities", "person_pronouns")
                  or (t.pos_ == "PROPN" and t.ent_type_ not in lex.not_person_entities)
                  or (person_noun and (definite or not dets))
                  # "killed Rostum and his associate": whoever is coordinated with a person counted
                  or (t.dep_ == "conj" and t.head.i in counted_at and t.pos_ == "NOUN" and definite))
        indefinite_appos = any(c.dep_ == "appos" and any(d.lower_ in lex.numeral_articles for d in c.children)
                               for c in t.children)  # "Murach, a Taliban leader": counted as the leader
        if not person or indefinite_appos or t.dep_ == "appos":
            continue
        verb = t.head
        while verb.pos_ not in ("VERB", "AUX") and verb.dep_ in ("conj", "dobj", "nsubjpass") and verb.head != verb:
            verb = verb.head  # "killed Rostum and his associate": from the second object up to the verb
        if verb.pos_ in ("VERB", "AUX") and verb.lemma_.lower() not in lex.verbs and t.dep_ == "nsubjpass":
            # "he was engaged and killed": the casualty verb is coordinated with the one that has the subject
            verb = next((c for c in verb.children if c.dep_ == "conj" and c.lemma_.lower() in lex.verbs), verb)
        if verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() not in lex.verbs or _intended(verb):
            continue
        category = lex.verbs[verb.lemma_.lower()]
        if category not in counted:
            continue
        counted_at.add(t.i)
        out.append(Quantity(Span(t.idx, t.idx + len(t)).shift(base), 1.0, unit="people", what=category))
    return out


def _is_agent_noun(noun, lex: Lexicon) -> bool:
    """'procurer', 'distributor', 'arsonist', 'informant': a word that names someone by what they do."""
    word = noun.lower_
    return word not in lex.agent_noun_exceptions and any(
        word.endswith(suffix) and len(word) - len(suffix) >= 3 for suffix in lex.agent_suffixes)


def _noun_after_name(doc, det, limit: int):
    """The common noun closing a phrase whose article the parser gave to a name in it: "an Islamic Movement of
    Uzbekistan facilitator" ("an" hangs on "Movement"). Only names, their "of" and hyphens, adjectives and
    compounds may come between; None when something else does."""
    j = det.i + 1
    while j < limit and j - det.i <= 10:
        t = doc[j]
        if t.pos_ == "NOUN" and not (j + 1 < limit and doc[j + 1].pos_ == "NOUN"):
            return t if t.tag_ == "NN" else None
        if not (t.pos_ in ("PROPN", "ADJ", "NOUN") or t.lower_ in ("of", "-")
                or (t.pos_ == "VERB" and t.dep_ == "amod")):
            return None
        j += 1
    return None


def _indefinite_counts(doc, sent, base: int, taken, lex: Lexicon) -> list[Quantity]:
    """'captured a Taliban leader' -> captured 1 (see the module docstring). The counted noun is a person
    noun, or an agent noun taken by a verb whose object is by nature a person ("detained a procurer")."""
    out: list[Quantity] = []
    counted = rules.words("quantities", "indefinite_counts")
    for det in sent:
        if det.lower_ not in lex.indefinite_articles or det.dep_ != "det":
            continue
        anchor = det.head
        while anchor.dep_ in ("compound", "nmod", "amod") and anchor.head.i > anchor.i:
            anchor = anchor.head  # "a weapons dealer" read with "a" on "weapons": the noun the modifier is on
        head = anchor
        if head.pos_ == "PROPN":
            head = _noun_after_name(doc, det, sent.end)
            if head is None:
                continue
            if head in anchor.ancestors or head.i == anchor.head.i:
                anchor = head  # the name is a modifier of the noun after all: the noun has the phrase's role
        if head.pos_ != "NOUN" or head.tag_ != "NN" or head.i < det.i or any(a <= det.idx < b for a, b in taken):
            continue
        # a person noun ("a facilitator"), not a demonym read as one ("a combined Afghan ... force")
        listed = head.lower_ in lex.people_nouns or head.lemma_.lower() in lex.whom
        if not listed and not _is_agent_noun(head, lex):
            continue
        phrase = [t for t in doc[det.i + 1 : head.i + 1]]
        category = _category(doc, anchor, phrase, head.i + 1, sent.end, True, lex)
        if category not in counted or (not listed and category not in lex.agent_noun_categories):
            continue
        out.append(Quantity(Span(det.idx, head.idx + len(head)).shift(base), 1.0, unit="people", what=category,
                            whom=_whom(phrase, head, True, lex)))
    return out
