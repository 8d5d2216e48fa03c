"""When: the times a parsed sentence states, each as an interval of days, and the one time of a claim.

`find_times(sent, base, anchor)` reads:

- explicit dates and decades, through `claimgraph.periods.find_periods` (which reads dates with
  `structure.dates.find_dates`): "in March 2023", "In 2024 alone", "28 November 2022", "the 90s";
- a day or month without a year, given the anchor's year: "June 25" is the latest June 25 not after the
  anchor (the press-release convention), "in March" the latest March begun by then;
- weekdays: "on Wednesday" is the latest Wednesday on or before the anchor ("last Wednesday": before it);
- relative expressions (data/timex.yaml `relative`): "yesterday", "last week", "earlier this month",
  "just a few days ago" (anchor-14 .. anchor-1), "recently" (anchor-90 .. anchor), "two days ago";
- well-known events standing for dates (data/timex.yaml `events`): "post September 11" (from 2001-09-11,
  open end), "since the Soviet occupation" (from 1979-12-24, open end), "during the Gulf War".

Words before a time change it (data/timex.yaml `cues`): "since X" opens its end, "before X" its start,
"by 2030" is a deadline and is dropped, "early/mid/late" take a third of it, "from X to Y" and
"between X and Y" join two times into one. A date in a press-release dateline ("KABUL, Afghanistan
(Feb. 21, 2011)") is the document's date, not a claim's, and is skipped.

Anything read against the anchor has `relative=True`; with no anchor it keeps start = end = None. A
document dated only to a month or a year ("Published March 2024") gives the anchor's last day too
(`anchor_last`): a weekday or "yesterday" is then that whole month, never a day its first day makes up; a
yearless date is the latest not after the month's end. "since X" runs to the document's date. In a report of
early January that states the year just ended, yearless dates and "this year" read in that year
(`_year_end`). Capitalised time words that end a name ("... Today", "This Week" inside a sentence) are
outlets, not times (`is_outlet_name`). Nothing here reads today's date: the same text and anchor always give
the same times.

`claim_time(times)` picks the one time of a claim; see its docstring.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from claimgraph import rules
from claimgraph.claims.quantities import lexicon as _quantity_lexicon
from claimgraph.claims.quantities import parse_number
from claimgraph.periods import find_periods
from claimgraph.records import Span, TimeExpression
from claimgraph.structure.dates import month_number

__all__ = ["claim_time", "find_times"]

_DAY = dt.timedelta(days=1)
_MONTH_FULL = [calendar.month_name[i] for i in range(1, 13)]
_MONTH_ABBR = [calendar.month_abbr[i] for i in range(1, 13) if calendar.month_abbr[i] != "May"] + ["Sept"]
# Month names must be capitalised in running text ("may" is a verb), as structure/dates.py requires; an
# abbreviation may carry its full stop ("Feb."), a full name may not (the stop ends the sentence).
_MON = (r"(?P<mon>(?:" + "|".join(sorted(_MONTH_ABBR, key=len, reverse=True)) + r")\b\.?|(?:"
        + "|".join(_MONTH_FULL) + r")\b)")
_WEEKDAY_NAMES = [calendar.day_name[i] for i in range(7)]


@dataclass
class _Cand:
    start: int
    end: int
    first: dt.date | None
    last: dt.date | None
    relative: bool
    kind: str
    after_cue_only: bool = False
    calendar: bool = False  # a range: both ends are calendar dates ("from June 3 to June 9")


@dataclass(frozen=True)
class _Rules:
    cue_kinds: dict[str, str]
    re_cue: re.Pattern
    parts: dict[str, int]
    re_part: re.Pattern
    re_range_open: re.Pattern
    re_range_join: re.Pattern
    re_month_cue: re.Pattern
    re_dateline: re.Pattern
    relative: list[tuple[re.Pattern, dict]]
    events: list[tuple[re.Pattern, re.Pattern | None, dict]]
    #: every event pattern in one alternation: a sentence it does not match holds no event, and one search
    #: costs a third of trying each event's patterns in turn (most sentences name none)
    re_any_event: re.Pattern | rules.Prefiltered | None
    re_comparison: re.Pattern | None = None
    comparison_window: int = 90
    re_name_after: re.Pattern | None = None
    #: every relative pattern in one alternation (their groups unnamed): a sentence it does not match holds no
    #: relative time. One search costs a sixth of trying the 28 patterns in turn, and 90% of the bench's
    #: sentences hold none (measured on its 2,300 sentences: 0.075 s against 0.45)
    re_any_relative: re.Pattern | rules.Prefiltered | None = None


def _any_of(patterns: list[re.Pattern], lead: str) -> re.Pattern | None:
    """One pattern that matches where any of `patterns` (each `lead` + body, same flags) does, or None when
    they cannot be joined (a back-reference to a named group, a lead that differs)."""
    if not patterns or any(not p.pattern.startswith(lead) or "(?P=" in p.pattern or "(?(" in p.pattern
                           or p.flags != patterns[0].flags for p in patterns):
        return None
    bodies = (re.sub(r"\(\?P<\w+>", "(?:", p.pattern[len(lead):]) for p in patterns)
    return re.compile(lead + "(?:" + "|".join(bodies) + ")", patterns[0].flags)


def _alt(words) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@functools.cache
def _rules() -> _Rules:
    data = rules.load("timex")
    cue_kinds = {w: kind for kind, words in data["cues"].items() for w in words}
    number = r"(?:\d+|" + _quantity_lexicon().re_words.pattern + r")"
    relative = [
        (re.compile(r"(?<![\w-])(?:" + spec["match"].replace("NUMBER", number) + r")\b", re.IGNORECASE), spec)
        for spec in data["relative"]
    ]
    events = []
    every_event: list[str] = []
    for spec in data["events"]:
        every_event += [*spec["match"], *spec.get("match_after_cue", ())]
        main = re.compile(r"(?<!\w)(?:" + "|".join(spec["match"]) + r")(?![\w-])", re.IGNORECASE)
        strict = spec.get("match_after_cue")
        after = re.compile(r"(?<!\w)(?:" + "|".join(strict) + r")(?![\w-])", re.IGNORECASE) if strict else None
        events.append((main, after, spec))
    return _Rules(
        cue_kinds=cue_kinds,
        re_cue=re.compile(r"(?<![\w-])(?P<cue>" + _alt(cue_kinds) + r")(?:\s*[,-]\s*|\s+)(?:the\s+)?$",
                          re.IGNORECASE),
        parts=data["parts"],
        re_part=re.compile(r"(?<![\w-])(?P<part>" + _alt(data["parts"]) + r")(?:\s+|-)$", re.IGNORECASE),
        re_range_open=re.compile(r"(?<![\w-])(?P<open>" + _alt(data["range_openers"]) + r")\s+$", re.IGNORECASE),
        re_range_join=re.compile(r"\s*(?:[-–—]|\s(?:" + _alt([j for j in data["range_joiners"] if j.isalpha()])
                                 + r")\s)\s*", re.IGNORECASE),
        re_month_cue=re.compile(r"(?<![\w-])(?:" + _alt(data["month_cues"]) + r")(?:\s+|-)$", re.IGNORECASE),
        re_dateline=re.compile(data["dateline_before"]),
        relative=relative,
        events=events,
        re_any_event=rules.prefiltered(re.compile(r"(?<!\w)(?:" + "|".join(every_event) + r")(?![\w-])", re.IGNORECASE))
        if every_event else None,
        re_comparison=re.compile("|".join(f"(?:{p})" for p in data.get("comparison_before", [])), re.IGNORECASE)
        if data.get("comparison_before") else None,
        comparison_window=int(data.get("comparison_window", 90)),
        re_name_after=re.compile(r"\s+(?:[A-Z][\w'’-]*\s+)?(?:" + _alt(data["name_heads_after_date"]) + r")\b")
        if data.get("name_heads_after_date") else None,
        re_any_relative=rules.prefiltered(any_relative) if (any_relative := _any_of([p for p, _spec in relative],
                                                                               r"(?<![\w-])")) else None,
    )


_FIGURE_AFTER = re.compile(r"\d")
_LEADING_PREP = re.compile(r"(?:in|since|of|for)\s+(?:the\s+)?", re.IGNORECASE)


def is_comparison_reference(text: str, start: int, end: int) -> bool:
    """The time at text[start:end] is the reference period of a comparison ("the deadliest attack in recent
    years", "up from 2019"), not the time of the sentence's figure: see timex.yaml `comparison_before`."""
    R = _rules()
    if R.re_comparison is None:
        return False
    before = text[max(0, start - R.comparison_window):start]
    lead = _LEADING_PREP.match(text, start, end)  # "in recent years": the preposition is part of the time
    if not R.re_comparison.search(before + (lead.group(0) if lead else "")):
        return False
    after = text[end:]
    return not (_FIGURE_AFTER.search(after) or _quantity_lexicon().re_words.search(after))


def is_comparison_phrase(text: str) -> bool:
    """Does `text` end in a comparison's opening ("... the deadliest attack in the country since ")? Its
    reference follows (timex.yaml `comparison_before`)."""
    R = _rules()
    return R.re_comparison is not None and bool(R.re_comparison.search(text))


# ------------------------------------------------------------------------------------ calendar helpers


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: dt.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _calendar(anchor: dt.date, unit: str, offset: int) -> tuple[dt.date, dt.date]:
    if unit == "week":  # Monday to Sunday
        monday = anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(weeks=offset)
        return monday, monday + dt.timedelta(days=6)
    if unit == "weekend":  # the Saturday and Sunday of that Monday-to-Sunday week
        saturday = anchor - dt.timedelta(days=anchor.weekday()) + dt.timedelta(weeks=offset, days=5)
        return saturday, saturday + _DAY
    if unit == "month":
        year, month = _add_months(anchor, offset)
        return dt.date(year, month, 1), _month_end(year, month)
    year = anchor.year + offset
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _unit(word: str) -> str:
    return word.lower().rstrip("s")


def _resolve_relative(m: re.Match, spec: dict, anchor: dt.date) -> tuple[dt.date, dt.date] | None:
    if "days" in spec:
        a, b = spec["days"]
        return anchor + dt.timedelta(days=a), anchor + dt.timedelta(days=b)
    if "calendar" in spec:
        first, last = _calendar(anchor, spec["calendar"], spec.get("offset", 0))
        return first, (anchor if spec.get("to_anchor") and last > anchor else last)
    groups = m.groupdict()
    n_text = groups.get("n")
    n = 1.0 if n_text is None or n_text.lower() in ("a", "an") else parse_number(n_text)
    if n is None or n != int(n) or n > 10_000:
        return None
    n = int(n)
    unit = _unit(groups["unit"])
    if spec.get("ago"):
        if unit == "day":
            day = anchor - dt.timedelta(days=n)
            return day, day
        if unit == "week":
            centre = anchor - dt.timedelta(weeks=n)
            return centre - dt.timedelta(days=3), centre + dt.timedelta(days=3)
        if unit == "month":
            return _calendar(anchor, "month", -n)
        return _calendar(anchor, "year", -n)
    days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * n
    return anchor - dt.timedelta(days=days), anchor


def _latest_month_day(anchor: dt.date, month: int, day: int) -> dt.date | None:
    for year in (anchor.year, anchor.year - 1, anchor.year - 4):  # Feb 29 may need a leap year
        try:
            date = dt.date(year, month, day)
        except ValueError:
            continue
        if date <= anchor:
            return date
    return None


# ------------------------------------------------------------------------------------------ candidates

#: How far before a time the words that change it (cues, parts, datelines) are looked for. Each pattern
#: ends at the time ('$'); searching the whole text before every time was quadratic on a run of bracketed
#: years ("[2001][2002]…"). A cue, part word or dateline is a few words long: 300 characters hold any.
_WINDOW = 300


def _ends_with(pattern: re.Pattern, text: str, end: int) -> re.Match | None:
    """`pattern.search(text[:end])` (patterns here end in '$'), looking back at most `_WINDOW` characters;
    offsets stay those of `text`, and look-behinds still see the text before the window."""
    return pattern.search(text, max(0, end - _WINDOW), end)


def _rstrip(text: str, end: int, chars: str) -> int:
    """The end of `text[:end].rstrip(chars)`."""
    while end > 0 and text[end - 1] in chars:
        end -= 1
    return end


def _explicit(text: str, R: _Rules) -> list[_Cand]:
    out = []
    for p in find_periods(text):
        if p.span.start and _ends_with(R.re_dateline, text, _rstrip(text, p.span.start, "( ")):
            continue
        if text[p.span.start - 1 : p.span.start] == "(" and _ends_with(R.re_dateline, text, p.span.start):
            continue
        out.append(_Cand(p.span.start, p.span.end, p.start, p.end, False, "date"))
    return out


@functools.cache
def _month_day_patterns() -> list[re.Pattern | rules.Prefiltered]:
    # each behind the test for a month name (`rules.prefiltered`): most sentences hold none
    return [rules.prefiltered(p) for p in (
        re.compile(r"\b" + _MON + r"\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?!\s*,?\s*[12]\d{3})(?![:\d])"),
        re.compile(r"(?<![\d,.])\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r"(?!\s*,?\s*[12]\d{3})"),
    )]


def _month_days(text: str, anchor: dt.date | None, R: _Rules) -> list[_Cand]:
    out = []
    for pattern in _month_day_patterns():
        for m in pattern.finditer(text):
            month, day = month_number(m["mon"]), int(m["day"])
            if not month or not 1 <= day <= 31:
                continue
            if _ends_with(R.re_dateline, text, _rstrip(text, m.start(), "( ")):
                continue  # "KABUL, Afghanistan (June 14) —": the release's own date
            date = _latest_month_day(anchor, month, day) if anchor else None
            if anchor and date is None:
                continue
            out.append(_Cand(m.start(), m.end(), date, date, True, "month_day"))
    return out


_DAY_NUM = r"(?:[0-3]?\d)(?:st|nd|rd|th)?"
_DAY_JOIN = r"\s*(?:-|–|—|\bto\b|\band\b|\bthrough\b|\buntil\b)\s*"
_YEAR_AFTER = r"(?:,?\s*(?P<year>[12]\d{3})\b)?"


@functools.cache
def _range_end() -> str:
    """What may follow a bare day range ("from June 12 to 15"): the clause ends, or a word of timex.yaml
    `day_range_followers` goes on. A noun after it makes the second number a count ("from June 12 to 15
    people" is no range)."""
    words = rules.words("timex", "day_range_followers")
    return r"(?=\s*(?:[,.;:)\]”\"]|$)|\s+(?:" + _alt(words) + r")\b)"


@functools.cache
def _day_range_patterns() -> list[re.Pattern | rules.Prefiltered]:
    return [rules.prefiltered(p) for p in (
        re.compile(r"\b" + _MON + r"\s+(?P<d1>" + _DAY_NUM + r")" + _DAY_JOIN + r"(?P<d2>" + _DAY_NUM + r")\b"
                   + _YEAR_AFTER + _range_end()),
        re.compile(r"(?<![\d,.])\b(?P<d1>" + _DAY_NUM + r")" + _DAY_JOIN + r"(?P<d2>" + _DAY_NUM + r")\s+(?:of\s+)?"
                   + _MON + _YEAR_AFTER),
    )]


def _day_ranges(text: str, anchor: dt.date | None, R: _Rules) -> list[_Cand]:
    """Days of one month joined: "from June 12 to 15", "between October 2 and 7, 2021", "3-8 October".
    With a year the range is explicit; without, its year is the latest that puts its last day not after the
    anchor (the rule of a yearless day)."""
    out = []
    for pattern in _day_range_patterns():
        for m in pattern.finditer(text):
            month = month_number(m["mon"])
            d1, d2 = (int(re.match(r"\d+", m[g]).group()) for g in ("d1", "d2"))
            if not month or not 1 <= d1 < d2 <= 31:
                continue
            if _ends_with(R.re_dateline, text, _rstrip(text, m.start(), "( ")):
                continue
            if m["year"]:
                year = int(m["year"])
            elif anchor:
                last = _latest_month_day(anchor, month, d2)
                if last is None:
                    continue
                year = last.year
            else:
                out.append(_Cand(m.start(), m.end(), None, None, True, "month_day"))
                continue
            try:
                first, last = dt.date(year, month, d1), dt.date(year, month, d2)
            except ValueError:
                continue
            out.append(_Cand(m.start(), m.end(), first, last, not m["year"], "date" if m["year"] else "month_day"))
    return out


@functools.cache
def _month_pattern() -> re.Pattern | rules.Prefiltered:
    return rules.prefiltered(
        re.compile(r"(?:(?P<mod>\b(?:last|next|this))\s+)?" + _MON + r"(?!\s*[0-3]?\d\b)(?!\s*,?\s*[12]\d{3})"))


def _months(text: str, anchor: dt.date | None, R: _Rules) -> list[_Cand]:
    out = []
    for m in _month_pattern().finditer(text):
        mod = (m["mod"] or "").lower()
        if not mod and not _ends_with(R.re_month_cue, text, m.start()):
            continue
        month = month_number(m["mon"])
        if not month:
            continue
        first = last = None
        if anchor:
            if mod == "last":
                year = anchor.year if month < anchor.month else anchor.year - 1
            elif mod == "next":
                year = anchor.year if month > anchor.month else anchor.year + 1
            elif mod == "this":
                year = anchor.year
            else:
                year = anchor.year if month <= anchor.month else anchor.year - 1
            first, last = dt.date(year, month, 1), _month_end(year, month)
        out.append(_Cand(m.start(), m.end(), first, last, True, "month"))
    return out


def _weekdays(text: str, anchor: dt.date | None, anchor_last: dt.date | None = None) -> list[_Cand]:
    out = []
    pattern = re.compile(r"(?:\b(?P<mod>last|next|this|on)\s+)?\b(?P<wd>" + "|".join(_WEEKDAY_NAMES) + r")\b"
                         r"(?:\s+(?:morning|afternoon|evening|night))?")
    for m in pattern.finditer(text):
        first = last = None
        if anchor and anchor_last:
            # a report dated only to a month (or year): "on Tuesday" is a day of it, which is all we know
            first, last = anchor, anchor_last
        elif anchor:
            wd = _WEEKDAY_NAMES.index(m["wd"])
            back = (anchor.weekday() - wd) % 7
            mod = (m["mod"] or "").lower()
            if mod == "next":
                date = anchor + dt.timedelta(days=(wd - anchor.weekday()) % 7 or 7)
            else:
                date = anchor - dt.timedelta(days=back or (7 if mod == "last" else 0))
            first = last = date
        start = m.start("mod") if m["mod"] and m["mod"].lower() != "on" else m.start("wd")
        out.append(_Cand(start, m.end(), first, last, True, "weekday"))
    return out


#: A capitalised word right before a capitalised relative word: "Pakistan Today", "USA Today", "News Tonight".
_NAME_BEFORE = re.compile(r"[A-Z][\w&.'’-]*\s+$")


_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _headline_case(text: str) -> bool:
    """Most words of four letters or more capitalised: a headline or a name list, where capitals say nothing."""
    long = [w for w in _WORD.findall(text) if len(w) > 3]
    return bool(long) and sum(w[0].isupper() for w in long) > 0.8 * len(long)


def is_outlet_name(text: str, start: int, end: int | None = None) -> bool:
    """Whether a relative expression at text[start:end] is (the end of) a name, not a time: capitalised inside
    a sentence and right after a capitalised word ("according to Pakistan Today", "told the Daily Today"), or
    of several words each capitalised inside a sentence written in lower case ("she told This Week"). At the
    start of a sentence a capital says nothing ("Today the army said ...")."""
    if not text[start:start + 1].isupper() or not text[:start].strip():
        return False
    if _NAME_BEFORE.search(text[max(0, start - 40):start]):
        return True
    words = _WORD.findall(text[start:end]) if end is not None else []
    return len(words) > 1 and all(w[0].isupper() for w in words) and not _headline_case(text)


def _read_against(m: re.Match, spec: dict, anchor: dt.date, anchor_last: dt.date | None
                  ) -> tuple[dt.date, dt.date] | None:
    """A relative expression read against the anchor. Against a date known only to a month or year
    ([anchor, anchor_last]) it is read on both ends of that period and the two readings joined; and a reading
    narrower than the period ("yesterday", "last week" in a report dated "March 2024") is no more precise than
    the date it is read from: when it falls in the period it becomes the period itself, never a day the
    period's first day makes up."""
    early = _resolve_relative(m, spec, anchor)
    if anchor_last is None or early is None:
        return early
    late = _resolve_relative(m, spec, anchor_last) or early
    first, last = min(early[0], late[0]), max(early[1], late[1])
    if (early[1] - early[0]) < (anchor_last - anchor) and first <= anchor_last and last >= anchor:
        return anchor, anchor_last  # "yesterday", "on Tuesday": within the period, as precise as it
    return first, last  # "last month" in a report of March: February


def _relatives(text: str, anchor: dt.date | None, R: _Rules, anchor_last: dt.date | None = None,
               latest: dt.date | None = None) -> list[_Cand]:
    if R.re_any_relative is not None and R.re_any_relative.search(text) is None:
        return []
    out = []
    for pattern, spec in R.relative:
        for m in pattern.finditer(text):
            if is_outlet_name(text, m.start(), m.end()):
                continue  # an outlet's or a programme's name ("... Today"), not a time
            here = latest if spec.get("calendar") == "year" else anchor  # "so far this year": see _year_end
            interval = _read_against(m, spec, here, anchor_last if here == anchor else None) if here else (None, None)
            if interval is None:
                continue
            out.append(_Cand(m.start(), m.end(), interval[0], interval[1], True, "relative"))
    return out


def _events(text: str, anchor: dt.date | None, R: _Rules) -> list[_Cand]:
    if R.re_any_event is None or R.re_any_event.search(text) is None:
        return []
    out = []
    for main, after_cue, spec in R.events:
        for pattern, strict in ((main, False), (after_cue, True)):
            if pattern is None:
                continue
            for m in pattern.finditer(text):
                first, last = _event_dates(spec, anchor)
                out.append(_Cand(m.start(), m.end(), first, last, False, "event", after_cue_only=strict))
    return out


def _event_dates(spec: dict, anchor: dt.date | None) -> tuple[dt.date, dt.date | None]:
    if "occurrences" in spec:
        options = sorted(spec["occurrences"], key=lambda o: o["start"])
        usable = [o for o in options if anchor is None or o["start"] <= anchor] or options[:1]
        spec = usable[-1]
    start = spec["start"]
    end = spec.get("end", start)  # no end: a one-day event; end null: open
    return start, end


# ------------------------------------------------------------------------------------------ assembling


def _choose(cands: list[_Cand]) -> list[_Cand]:
    """Leftmost-longest, not overlapping; at equal spans the earlier kind in this order wins."""
    order = {"event": 0, "date": 1, "month_day": 2, "relative": 3, "month": 4, "weekday": 5}
    cands = sorted(cands, key=lambda c: (c.start, -(c.end - c.start), order[c.kind]))
    out: list[_Cand] = []
    reach = -1  # the furthest end taken: candidates come by start, so overlap is start < reach
    for c in cands:
        if c.start < reach:
            continue
        out.append(c)
        reach = max(reach, c.end)
    return out


def _merge_ranges(text: str, cands: list[_Cand], R: _Rules) -> list[_Cand]:
    """'from 2019 to 2021', 'between March and May', '2019–2021' -> one interval."""
    out: list[_Cand] = []
    i = 0
    while i < len(cands):
        a = cands[i]
        b = cands[i + 1] if i + 1 < len(cands) else None
        if b is not None and a.kind not in ("event",) and b.kind not in ("event",):
            join = R.re_range_join.fullmatch(text[a.end : b.start])
            opener = _ends_with(R.re_range_open, text, a.start)
            word = text[a.end : b.start].strip().lower()
            if join and (word != "and" or (opener and opener["open"].lower() == "between")):
                start = opener.start() if opener else a.start
                calendar = all(x.kind in ("date", "month_day", "month") for x in (a, b))
                out.append(_Cand(start, b.end, a.first, b.last, a.relative or b.relative, "range",
                                 calendar=calendar and (a.relative or b.relative)))
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def _part(c: _Cand, index: int) -> tuple[dt.date, dt.date] | None:
    """The first, middle or last third of a year, month or decade."""
    a, b = c.first, c.last
    if a is None or b is None:
        return None
    if a.month == 1 and a.day == 1 and b.month == 12 and b.day == 31 and b.year - a.year == 9:
        years = [(0, 3), (4, 6), (7, 9)][index]
        return dt.date(a.year + years[0], 1, 1), dt.date(a.year + years[1], 12, 31)
    if a.month == 1 and a.day == 1 and b == dt.date(a.year, 12, 31):
        months = [(1, 4), (5, 8), (9, 12)][index]
        return dt.date(a.year, months[0], 1), _month_end(a.year, months[1])
    if a.day == 1 and b == _month_end(a.year, a.month):
        days = [(1, 10), (11, 20), (21, b.day)][index]
        return dt.date(a.year, a.month, days[0]), dt.date(a.year, a.month, days[1])
    return None


def _apply_words_before(text: str, c: _Cand, R: _Rules, anchor: dt.date | None = None) -> _Cand | None:
    """Parts ('early 2020') then cues ('since', 'before', 'by') right before a time."""
    m = _ends_with(R.re_part, text, c.start)
    if m and c.kind in ("date", "month", "month_day"):
        part = _part(c, R.parts[m["part"].lower().replace("  ", " ")])
        if part:
            c = replace(c, start=m.start(), first=part[0], last=part[1])
    m = _ends_with(R.re_cue, text, c.start)
    kind = R.cue_kinds.get(re.sub(r"\s+", " ", m["cue"].lower())) if m else None
    if c.kind == "event" and (kind is None or (c.after_cue_only and kind not in ("since", "after", "before", "until"))):
        return None  # an event name is a time only after a cue word
    if kind is None:
        return c
    if kind == "deadline" and c.kind != "range":
        return None
    first, last = c.first, c.last
    if first is not None or last is not None:
        if kind == "since":
            # "since January 1" in a dated report: from then to the report's date (open when undated)
            first, last = c.first, (anchor if anchor is not None and c.first is not None and anchor >= c.first
                                    else None)
        elif kind == "after":
            first, last = (c.first if c.first == c.last else (c.last + _DAY if c.last else None)), None
        elif kind == "before":
            first, last = None, (c.first - _DAY if c.first else None)
        elif kind == "until":
            first, last = None, c.last
    return replace(c, start=m.start(), first=first, last=last)


#: A report dated this many days into a year may still be telling the year just ended: "since January 1",
#: "so far this year" in a year-end tally published on January 3. Our choice (no dev text is dated so): January.
YEAR_END_DAYS = 31


def _year_end(text: str, anchor: dt.date | None, before: Callable[[], str]) -> dt.date | None:
    """The date yearless dates and "this year" are read against. Normally the anchor. In a report of early
    January whose sentence or paragraph so far states the year just ended and not the new one ("the group
    recorded 1,200 deaths in 2024 ... since January 1"), the last day of that year: the stated year decides.
    The verb's tense does not: year-end tallies say "have been killed since January 1" (present perfect) of
    the year just ended as often as of the new one, so without a stated year the calendar reading stands."""
    if anchor is None or (anchor - dt.date(anchor.year, 1, 1)).days >= YEAR_END_DAYS:
        return anchor
    years = {p.start.year for p in find_periods(before() + " " + text) if p.start is not None}
    if anchor.year - 1 in years and anchor.year not in years:
        return dt.date(anchor.year - 1, 12, 31)
    return anchor


def _as_span(sent):
    """A spaCy Doc as the Span over all of it; a Span as it is."""
    return sent[:] if not hasattr(sent, "start_char") else sent


def find_times(sent, base: int, anchor: dt.date | None, anchor_last: dt.date | None = None
               ) -> list[TimeExpression]:
    """Every time a parsed sentence (spaCy Span or Doc) states, in text order, not overlapping.

    `base` is the offset of `sent.doc`'s text in the document; `anchor` the document's date (stated or
    inferred), or None (then relative times come back unresolved: start = end = None, relative=True).
    `anchor_last`: the last day the anchor can be when the document's date is known only to a month or a year
    (`Document.anchor_last`); then a day read against it becomes that whole period, a yearless date is the
    latest not after the period's end. The years the text before the sentence in its parsed Doc (in the
    claims stage: its paragraph so far) states decide the year of a yearless date in a report of early
    January (`_year_end`).
    """
    R = _rules()
    sent = _as_span(sent)
    text, off = sent.text, sent.start_char
    loose = anchor_last if anchor is not None and anchor_last is not None and anchor_last > anchor else None
    latest = _year_end(text, loose or anchor, lambda: sent.doc.text[:sent.start_char])
    cands = (_events(text, anchor, R) + _explicit(text, R) + _day_ranges(text, latest, R)
             + _month_days(text, latest, R)
             + _months(text, latest, R) + _weekdays(text, anchor, loose)
             + _relatives(text, anchor, R, loose, latest))
    out: list[TimeExpression] = []
    for c in _merge_ranges(text, _choose(cands), R):
        c = _apply_words_before(text, c, R, loose or anchor)
        if c is None or is_comparison_reference(text, c.start, c.end) or (
                R.re_name_after is not None and R.re_name_after.match(text, c.end)):
            continue  # a reference period of a comparison; a date that begins a name ("the March 23 Movement")
        out.append(TimeExpression(Span(c.start, c.end).shift(base + off), c.first, c.last, c.relative,
                                  c.kind in ("month_day", "month") or (c.kind == "range" and c.calendar)))
    return out


def claim_time(times: list[TimeExpression]) -> TimeExpression | None:
    """The one time of a claim among its sentence's (or clause's) times.

    Rule: explicit times (not read against the anchor) first, then resolved relative ones, then unresolved
    ones; within a group the most specific (the shortest interval; an open interval is the least specific),
    and among equally specific ones the last in the text (the time nearest the verb in English word order:
    "Afghan forces said today they killed him Friday" -> Friday). A yearless calendar date is not preferred
    to "yesterday" here: "the Aug. 7 attack" before "Monday" names another event (ISAF dev: 3 releases lost
    their date when it was); the trigger's clause decides first (`_Sentence.time`).
    """
    def width(t: TimeExpression) -> float:
        if t.start is None or t.end is None:
            return float("inf")
        return (t.end - t.start).days

    explicit = [t for t in times if not t.relative and (t.start or t.end)]
    resolved = [t for t in times if t.relative and (t.start or t.end)]
    for group in (explicit, resolved):
        if group:
            return min(group, key=lambda t: (width(t), -t.span.start))
    return times[-1] if times else None
