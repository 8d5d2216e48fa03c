"""Explicit calendar dates in text and URLs, kept at the precision they are written with.

Three functions, used by the structure stage and by later stages:

- `parse_date(text)`: one date expression -> `PartialDate` or None.
  "November 2022" -> 2022-11 (month precision, never a made-up day); "(2024)" -> 2024;
  "2023, November 2", "5 Mar. 2020", "March 5, 2020", "2024-01-17", "2024-01-17T10:05:00Z",
  "Tuesday 3 March 2024 10:05 GMT" -> day precision; "Jan 2025" -> 2025-01; "2020a" -> 2020;
  "n.d." -> None. A season ("Spring 2020") gives its year. All-numeric d/m/y forms are read only when
  unambiguous ("17/01/2024"; "05/07/2023" -> None), or dotted, the day-first convention ("05.07.2023").
  Other languages fall back to dateparser
  ("5 mars 2020"), whose reported precision is kept; dateparser never fills a missing part from today.
- `url_date(url)`: the date encoded in a URL's path or query, or None (see its docstring).
- `find_dates(text)`: every explicit date expression in running text with its span, in order, not
  overlapping (see its docstring for what counts as a bare year).

Nothing here resolves relative expressions ("last week", "the 90s"); that needs an anchor date.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from functools import cache
from urllib.parse import unquote, urlsplit

from claimgraph.memo import per_document
from claimgraph.records import PartialDate, Span
from claimgraph.rules import prefiltered
from claimgraph.structure._rules import rules, word_set

__all__ = ["parse_date", "url_date", "find_dates", "month_number"]

_MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?"

_names = sorted(_MONTHS, key=len, reverse=True)
# In running text a month must be capitalised ("May 2020", "MAY 2020"), so that "may" the verb is no date.
_MON_STRICT = (
    "(?P<mon>" + "|".join([n.capitalize() for n in _names] + [n.upper() for n in _names]) + r")(?:\.|\b)"
)
_MON_LOOSE = "(?i:(?P<mon>" + "|".join(_names) + r"))(?:\.|\b)"
_DAY = r"(?<![0-9])(?P<day>[0-3]?[0-9])(?:st|nd|rd|th)?(?![0-9])"
_YEAR = r"(?<![0-9])(?P<year>[12][0-9]{3})(?![0-9])"


def _patterns(mon: str) -> list[tuple[str, re.Pattern[str]]]:
    return [
        # 2024-01-17, 2024/01/17, 2024-01-17T10:05:00Z
        (
            "ymd",
            re.compile(
                r"(?<![0-9])(?P<year>[12][0-9]{3})(?P<sep>[-/.])(?P<month>[01]?[0-9])(?P=sep)(?P<day>[0-3]?[0-9])"
                r"(?:T[0-9:.]+(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?(?![0-9])"
            ),
        ),
        # 5 March 2020, 5th of March, 2020, 05-Mar-2020, 5 Mar. 2020
        ("dmy", re.compile(_DAY + r"(?:\s+of)?[\s-]+" + mon + r",?[\s-]+" + _YEAR)),
        # March 5, 2020 / March 5 2020 / Mar. 5th, 2020
        ("mdy", re.compile(r"\b" + mon + r"\s*" + _DAY + r"(?:,\s*|\s+)" + _YEAR)),
        # 2023, November 2 (APA) / 2023 November 2
        ("ymd_text", re.compile(_YEAR + r",?\s+" + mon + r"\s*" + _DAY + r"(?!\s*,?\s*[12][0-9]{3})")),
        # November 2022 / Nov. 2022 / November, 2022 / November of 2022
        ("my", re.compile(r"\b" + mon + r"(?:,|\s+of)?\s*" + _YEAR)),
    ]


# in running text, each pattern but the numeric one behind the test for a month name (`rules.prefiltered`)
_STRICT = [(kind, prefiltered(pattern)) for kind, pattern in _patterns(_MON_STRICT)]
_LOOSE = _patterns(_MON_LOOSE)


def month_number(name: str) -> int | None:
    """1-12 for an English month name or abbreviation ("Sept.", "march"), else None."""
    return _MONTHS.get(name.lower().rstrip("."))


def _build(kind: str, m: re.Match[str]) -> PartialDate | None:
    g = m.groupdict()
    try:
        year = int(g["year"])
        if kind == "ymd":
            return PartialDate(year, int(g["month"]), int(g["day"]))
        month = month_number(g["mon"])
        if month is None:
            return None
        if kind == "my":
            return PartialDate(year, month)
        return PartialDate(year, month, int(g["day"]))
    except ValueError:
        return None


# ------------------------------------------------------------------------------------------------- parse


_NO_DATE = re.compile(r"(?i)n\.?\s?d\.?|no date|undated|s\.?\s?f\.?")
_EDGE = " \t\r\n()[]{}<>\"'“”‘’*_,;:."
_LEAD_WEEKDAY = re.compile(r"(?i)^" + _WEEKDAYS + r",?\s+")
_TRAIL_TIME = re.compile(
    r"(?i)(?:,|\s)\s*(?:at\s+)?[0-2]?[0-9][:.][0-5][0-9](?::[0-5][0-9])?\s*(?:[ap]\.?m\.?)?"
    r"(?:\s*\(?(?:[A-Z]{2,5}|UTC|GMT)(?:\s*[+-]\s*[0-9]{1,2}(?::?[0-9]{2})?)?\)?|\s*[+-][0-9]{2}:?[0-9]{2})?$"
)
_BARE_YEAR = re.compile(r"(?P<year>[12][0-9]{3})[a-z]?")
_YEAR_MONTH = re.compile(r"(?P<year>[12][0-9]{3})[-/](?P<month>[01]?[0-9])")
_NUMERIC_DMY = re.compile(r"(?P<a>[0-3]?[0-9])[/.-](?P<b>[0-3]?[0-9])[/.-](?P<year>[12][0-9]{3})")
_DOTTED_DMY = re.compile(r"[0-3]?[0-9]\.[01]?[0-9]\.[12][0-9]{3}")
_SEASON_YEAR = re.compile(r"(?i)(?P<season>[a-z]+),?\s+(?P<year>[12][0-9]{3})")


def _clean(text: str) -> str:
    s = text.strip().strip(_EDGE)
    s = _LEAD_WEEKDAY.sub("", s)
    s = _TRAIL_TIME.sub("", s).strip(_EDGE)
    return re.sub(r"\s+", " ", s)


def parse_date(text: str) -> PartialDate | None:
    """One date expression (surrounding brackets, quotes and punctuation allowed) -> PartialDate or None.

    The whole expression must be a date: "November 2022 report" is not one (use `find_dates` for that).
    """
    if not text or len(text) > 80:
        return None
    s = _clean(text)
    if not s or _NO_DATE.fullmatch(s):
        return None
    if m := _BARE_YEAR.fullmatch(s):
        return PartialDate(int(m["year"]))
    if m := _YEAR_MONTH.fullmatch(s):
        return _safe(int(m["year"]), int(m["month"]))
    if m := _NUMERIC_DMY.fullmatch(s):
        a, b = int(m["a"]), int(m["b"])
        if a > 12 >= b:
            return _safe(int(m["year"]), b, a)
        if b > 12 >= a:
            return _safe(int(m["year"]), a, b)
        if _DOTTED_DMY.fullmatch(s):  # 12.04.2025: dots are the day-first convention (month-first uses "/")
            return _safe(int(m["year"]), b, a)
        return None  # 05/07/2023: day-first or month-first cannot be told
    for kind, pattern in _LOOSE:
        m = pattern.fullmatch(s)
        if m:
            return _build(kind, m)
    if (m := _SEASON_YEAR.fullmatch(s)) and m["season"].lower() in word_set("seasons"):
        return PartialDate(int(m["year"]))
    return _dateparser(s)


def _safe(year: int, month: int | None = None, day: int | None = None) -> PartialDate | None:
    try:
        return PartialDate(year, month, day)
    except ValueError:
        return None


@cache
def _parser(english_only: bool = False):  # noqa: ANN202 - dateparser's own type
    """dateparser over the rules' `dateparser_languages`, or over English alone (same settings)."""
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["en"] if english_only else list(rules()["dateparser_languages"]),
        settings={
            "RETURN_AS_TIMEZONE_AWARE": False,
            "REQUIRE_PARTS": ["year"],
            "PARSERS": ["custom-formats", "absolute-time"],
            "PREFER_DAY_OF_MONTH": "first",
            # A fixed base: a missing day or month is never taken from today (and we drop it anyway).
            "RELATIVE_BASE": dt.datetime(2000, 1, 1),
            "STRICT_PARSING": False,
        },
    )


#: Letter runs: a word as dateparser's locales split a string (digits, punctuation and spaces apart).
_LETTER_RUN = re.compile(r"[^\W\d_]+")
#: A Roman numeral, which dateparser may read as a year ("MMX"): no locale needs to know it as a word.
_ROMAN = re.compile(r"(?i)[ivxlcdm]+")


def _fold(word: str) -> str:
    """`word` without accents, as dateparser's NORMALIZE setting compares words."""
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def _strings(data: object) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(data, (list, tuple)):
        for value in data:
            yield from _strings(value)


@cache
def _other_locales() -> list[tuple[frozenset[str], list[re.Pattern[str]]]]:
    """For each configured language but English: every letter run of its locale data (month and weekday names,
    relative-date words, skip words, simplification patterns, its dictionary), lower-cased and accent-folded,
    and its simplification patterns; with the letter runs of every time-zone name, which dateparser strips
    before it asks a locale."""
    from dateparser.timezones import timezone_info_list

    parser = _parser()
    settings = parser._settings
    zones = {run for info in timezone_info_list for name in _strings(info.get("timezones", []))
             for run in _LETTER_RUN.findall(name.lower())}
    out = []
    for locale in parser._get_locale_loader().get_locales(languages=parser.languages, region=parser.region):
        if locale.shortname == "en":
            continue
        words = set(zones)
        for text in [*_strings(locale.info), *locale._get_dictionary(settings)]:
            for run in _LETTER_RUN.findall(text.lower()):
                words.update((run, _fold(run)))
        patterns = [pattern for item in locale._get_simplifications(settings) for pattern in item]
        out.append((frozenset(words), patterns))
    return out


def _other_language_may_read(s: str) -> bool:
    """Whether a language of `dateparser_languages` other than English could read `s`; when none can, English
    alone gives what all of them give, at a sixth of the cost (the 15 languages' applicability checks were
    about 70% of dateparser's time on the bench corpus, where dateparser read no string as a date at all).

    Why it is exact: dateparser tries a locale only when the locale is *applicable*, i.e. every token of the
    (sanitised, time-zone-stripped, simplified) string is a word it knows; the locales it tries are English
    and the applicable ones, in a fixed order, and the first that parses wins. So when no other locale is
    applicable, the 15-language parser tries English alone, as the English parser does, with the same
    settings. A locale is taken to be possibly applicable (and the 15 languages asked) when every letter run
    of the sanitised string is a run of its own data or of a time-zone name (a Roman numeral counts as known),
    when one of its simplification patterns matches (it may rewrite a word it does not know into one it
    does), when the string has no letters (any locale applies; only the date order differs) or holds a letter
    that Arabic and Persian spell two ways (dateparser then tries their letter variants), or when the string
    is a calendar quarter. A test compares both ways on invented English, numeric and release-number strings
    and on dates written with every configured locale's month and weekday names; the JSON of the gold texts
    was compared byte for byte before and after."""
    from dateparser.date import _RE_QUARTER, sanitize_date

    clean = sanitize_date(s)
    low = clean.lower()
    runs = [run for run in _LETTER_RUN.findall(low) if not _ROMAN.fullmatch(run)]
    if not runs or _VARIANT_LETTERS.intersection(low) or _RE_QUARTER.fullmatch(clean):
        return True
    folded = [(run, _fold(run)) for run in runs]
    for words, patterns in _other_locales():
        if all(run in words or plain in words for run, plain in folded):
            return True
        if any(pattern.search(low) or pattern.search(_fold(low)) for pattern in patterns):
            return True
    return False


#: Letters that Arabic and Persian write in two forms; dateparser tries their letter-variant locales on them.
_VARIANT_LETTERS = frozenset("یکيك")


@per_document  # a title and a date line may be one line
def _dateparser(s: str) -> PartialDate | None:
    # Only short strings that carry a four-digit year: dateparser reads almost anything as a date otherwise.
    if len(s.split()) > 6 or not re.search(r"(?<![0-9])[12][0-9]{3}(?![0-9])", s):
        return None
    try:
        data = _parser(english_only=not _other_language_may_read(s)).get_date_data(s)
    except (ValueError, OverflowError):  # pragma: no cover - dateparser's own edge cases
        return None
    when = data.date_obj
    if when is None or str(when.year) not in s:
        return None
    if data.period == "year":
        return PartialDate(when.year)
    if data.period == "month":
        return PartialDate(when.year, when.month)
    return PartialDate(when.year, when.month, when.day)


def warm() -> None:
    """Build both dateparser parsers and the other languages' words (called when a pipeline is built): their
    first use compiles each locale's patterns, about half a second that no document should pay."""
    _other_locales()
    for sample in ("2021-05-R-001 Example Release", "Example Release 4 Mai 2021"):
        _parser(english_only=True).get_date_data(sample)
        _parser().get_date_data(sample)


# ------------------------------------------------------------------------------------------------- URLs

_URL_MON = "(?P<mon>" + "|".join(_names) + ")"
_URL_DAY_PATTERNS = [
    # /2022/11/28/ and /2024/01/17/What-is...
    re.compile(r"(?<![0-9])(?P<year>[12][0-9]{3})/(?P<month>[01]?[0-9])/(?P<day>[0-3]?[0-9])(?![0-9])"),
    # /2023/jul/05/
    re.compile(r"(?i)(?<![0-9])(?P<year>[12][0-9]{3})/" + _URL_MON + r"/(?P<day>[0-3]?[0-9])(?![0-9])"),
    # -2024-01-17/, /2023-07-05/, ?date=2023-07-05, _2023_07_05
    re.compile(
        r"(?<![0-9])(?P<year>[12][0-9]{3})(?P<sep>[-_.])(?P<month>[01][0-9])(?P=sep)(?P<day>[0-3][0-9])(?![0-9])"
    ),
    # 20230705 as a standalone run of exactly eight digits
    re.compile(r"(?<![0-9])(?P<year>[12][0-9]{3})(?P<month>[01][0-9])(?P<day>[0-3][0-9])(?![0-9])"),
]
_URL_MONTH_PATTERNS = [
    # /2023/07/ (month precision) — a whole path segment, not the start of a longer number
    re.compile(r"(?<![0-9])(?P<year>[12][0-9]{3})/(?P<month>[01]?[0-9])(?:/|$|[?#])"),
    re.compile(r"(?i)(?<![0-9])(?P<year>[12][0-9]{3})/" + _URL_MON + r"(?:/|$|[?#])"),
]  # fmt: skip


def url_date(url: str) -> PartialDate | None:
    """The date a URL encodes in its path or query, or None.

    Read: `/2022/11/28/`, `/2024/01/17/slug`, `/2023/jul/05/`, `/2023-07-05/`, `-2024-01-17/`,
    `_2023_07_05`, `?date=2023-07-05`, a standalone run of exactly eight digits `20230705` (valid date),
    and `/2023/07/` (month precision). The host is never read, and years must lie within the rules'
    `url_years`. Publisher-specific article ids are not decoded: a digit run longer or shorter than eight,
    or eight digits that are no valid date, gives nothing. Day-precision forms win over month-only ones.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    tail = unquote(parts.path or "")
    if parts.query:
        tail += "?" + unquote(parts.query)
    lo, hi = rules()["url_years"]
    for group in (_URL_DAY_PATTERNS, _URL_MONTH_PATTERNS):
        found: list[tuple[int, PartialDate]] = []
        for pattern in group:
            for m in pattern.finditer(tail):
                g = m.groupdict()
                year = int(g["year"])
                if not lo <= year <= hi:
                    continue
                month = month_number(g["mon"]) if g.get("mon") else int(g["month"])
                day = int(g["day"]) if g.get("day") else None
                date = _safe(year, month, day) if month else None
                if date:
                    found.append((m.start(), date))
                    break
        if found:
            return min(found)[1]
    return None


# ------------------------------------------------------------------------------------------------- search

_YEAR_TOKEN = re.compile(r"(?<![0-9A-Za-z$£€¥₹#])(?P<year>[12][0-9]{3})(?![0-9A-Za-z%])")
_PREV_WORD = re.compile(r"([A-Za-z.]+|[-–—])[\s-]*$")


@per_document  # asked for each sentence by the number scan and by the period finder
def find_dates(text: str) -> list[tuple[Span, PartialDate]]:
    """Every explicit date expression in `text`, with its span, left to right, not overlapping.

    Found: full dates ("5 March 2020", "March 5, 2020", "2023, November 2", "2024-01-17") and month-years
    ("November 2022"); month names must be capitalised in running text ("may 2020" is not a date).
    A year-month written "2011-12" is not read (it is usually a fiscal year), nor are numeric d/m/y forms.
    A bare four-digit number within the rules' `text_years` counts as a year when it stands as one:
    not part of a larger number ("1,600", "2000.5", "$2000", "2000%"), not a short range ("2024-25"),
    not a decade ("1990s"), and either in parentheses ("(2020)"), followed by punctuation or the end,
    or led by a cue word ("in 2024 alone", "since 2019", "mid-2021", "Spring 2020": seasons give only
    their year), or joined to a year just before it ("2019 to 2021"; after "and"/"or" only when no
    lower-case word follows, so "2020 and 2000 fighters" gives only 2020). So "the 2024 elections" is missed
    and "2000 fighters" is rightly not a year.
    """
    out: list[tuple[Span, PartialDate]] = []
    candidates: list[tuple[int, int, PartialDate]] = []
    for kind, pattern in _STRICT:
        for m in pattern.finditer(text):
            date = _build(kind, m)
            if date:
                candidates.append((m.start(), m.end(), date))
    # leftmost first; at one start, the longest
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    last_end = -1
    for start, end, date in candidates:
        if start < last_end:
            continue  # overlaps a date already taken
        last_end = end
        out.append((Span(start, end), date))
    starts = [span.start for span, _ in out]
    ends = [span.end for span, _ in out]
    lo, hi = rules()["text_years"]
    year_ends: set[int] = set()
    for m in _YEAR_TOKEN.finditer(text):
        span = Span(m.start(), m.end())
        year = int(m["year"])
        i = bisect.bisect_left(starts, span.end) - 1  # the last full date starting before this year ends
        if not lo <= year <= hi or (i >= 0 and ends[i] > span.start):
            continue
        if _is_year(text, m.start(), m.end(), year_ends):
            year_ends.add(m.end())
            out.append((span, PartialDate(year)))
    out.sort(key=lambda item: item[0])
    return out


def _is_year(text: str, start: int, end: int, year_ends: set[int]) -> bool:
    before, after = text[max(0, start - 40) : start], text[end : end + 40]
    if re.search(r"[0-9][,.]$", before) or re.match(r"[,.][0-9]", after):
        return False  # part of a larger number: 1,2024 / 2000.5
    if re.match(r"[-–/][0-9]{2}(?![0-9])", after) or re.match(r"'?s\b", after):
        return False  # 2024-25, 1990s
    if re.search(r"[-–/][0-9]{2}$", before) and not re.search(r"[0-9]{4}[-–/][0-9]{2}$", before):
        return False
    if before.endswith("(") and re.match(r"[a-z]?\)", after):
        return True
    prev = _PREV_WORD.search(before)
    word = prev.group(1).lower().rstrip(".") if prev else ""
    if word in word_set("year_cues") or word + "." in word_set("year_cues"):
        return True
    if word in word_set("year_joiners"):
        # a year counts after "to"/"and"/"–" when a year stands right before the joiner
        joined = (
            re.search(r"([12][0-9]{3})[\s]*" + re.escape(prev.group(1)) + r"[\s-]*$", before)
            if prev
            else None
        )
        lower_next = re.match(r"\s+[a-z]", after)
        if joined and not (lower_next and word in ("and", "or")):
            return True
    return after == "" or bool(re.match(r"\s*$|[.,;:!?)\]\"'”’]", after))
