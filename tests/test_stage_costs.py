"""Speed-only changes that must not change any output: each shortcut is checked against the long way round."""

from __future__ import annotations

import re
from pathlib import Path

import lxml.html

from claimgraph import memo
from claimgraph.bench import chunks
from claimgraph.claims.timex import _rules
from claimgraph.read import html

ROOT = Path(__file__).resolve().parents[1]


def test_trafilatura_leaves_the_page_tree_as_it_was():
    """read_html hands its one parsed tree to trafilatura's metadata reader and extractor without copying it:
    both must copy before they prune or clean (if a trafilatura upgrade stops doing so, this fails)."""
    page = (ROOT / "examples" / "news-page.html").read_text(encoding="utf-8")
    root, _ = html._parse(page, "news-page.html")
    before = lxml.html.tostring(root)
    meta = html._metadata(root, None)
    blocks = html._trafilatura_blocks(root, None)
    assert meta.title and blocks  # they did read the page
    assert lxml.html.tostring(root) == before


def test_one_search_for_any_event_agrees_with_every_event_pattern():
    rules = _rules()
    texts = [
        "Troops have patrolled the valley since the Soviet invasion of Afghanistan.",
        "Attacks rose after September 11, officials said.",
        "Post-9/11 policy changed the region.",
        "The market reopened after the fall of Kabul.",
        "Police said 12 people were hurt on Tuesday in the capital.",
        "The soviets invaded nothing here; a geneva accord-ish phrase is not an event.",
        "",
    ]
    for text in texts:
        separate = any(p.search(text) for main, after, _ in rules.events for p in (main, after) if p is not None)
        assert (rules.re_any_event is not None and rules.re_any_event.search(text) is not None) == separate, text
    assert any(rules.re_any_event.search(t) for t in texts) and not all(rules.re_any_event.search(t) for t in texts)


def test_bench_chunks_hold_every_document_once_largest_first():
    texts = [f"doc{i} " + "word " * (i % 7) * 10 for i in range(45)]
    cut = chunks(texts, 8)
    assert sorted(t for c in cut for t in c) == sorted(texts)
    assert all(0 < len(c) <= 8 for c in cut)
    sizes = [sum(map(len, c)) for c in cut]
    assert sizes == sorted(sizes, reverse=True)
    assert [texts[i : i + 8] for i in range(0, 45, 8)] == sorted(cut, key=lambda c: texts.index(c[0]))


def test_one_search_for_any_relative_time_agrees_with_every_relative_pattern():
    rules = _rules()
    texts = [
        "Three days ago the convoy was hit.",
        "In the past 24 hours, 12 people were killed, officials said last night.",
        "Today the army said it would cooperate.",
        "The report, first carried by USA Today, named no one.",  # a name: the pattern matches, the time is not
        "Over the last two weeks the talks stalled; more rounds are planned next month.",
        "Fighting resumed in recent days near the border.",
        "Police said 12 people were hurt on Tuesday in the capital.",
        "A day-to-day account, nothing relative here.",
        "",
    ]
    assert rules.re_any_relative is not None
    for text in texts:
        separate = any(p.search(text) for p, _spec in rules.relative)
        assert (rules.re_any_relative.search(text) is not None) == separate, text
    assert any(rules.re_any_relative.search(t) for t in texts) and not all(
        rules.re_any_relative.search(t) for t in texts)


def test_patterns_that_cannot_be_joined_into_one_are_not():
    from claimgraph.claims.timex import _any_of

    lead = r"(?<![\w-])"
    same = [re.compile(lead + r"(?:(?P<n>\d+) days ago)\b", re.I), re.compile(lead + r"(?:(?P<n>\d+) weeks)\b", re.I)]
    joined = _any_of(same, lead)
    assert joined is not None and joined.search("3 weeks later") and not joined.search("week 3")
    assert _any_of([re.compile(lead + r"(?P<w>a)(?P=w)", re.I)], lead) is None  # a back-reference
    assert _any_of([same[0], re.compile(lead + "x")], lead) is None  # other flags
    assert _any_of([re.compile("x"), *same], lead) is None  # another lead
    assert _any_of([], lead) is None


def test_per_document_memo_hands_out_fresh_lists_and_forgets_on_clear():
    calls: list[str] = []

    @memo.per_document
    def words(text: str) -> list[str]:
        calls.append(text)
        return text.split()

    first = words("a b c")
    first.append("changed")  # a caller that changes its list ...
    assert words("a b c") == ["a", "b", "c"]  # ... does not change the next caller's
    assert calls == ["a b c"]
    memo.clear()
    assert words("a b c") == ["a", "b", "c"] and calls == ["a b c", "a b c"]
    assert words(text="a b") == ["a", "b"] and calls[-1] == "a b"  # keywords: not remembered, still right


def test_memoised_stage_functions_give_what_they_computed():
    from claimgraph.claims.quantities import scan
    from claimgraph.structure.dates import find_dates

    text = "On 5 March 2020, 12 people were killed and 30 wounded; in 2019 about 1,600 fled."
    memo.clear()
    dates, numbers = find_dates(text), scan(text)
    assert [str(d) for _span, d in dates] == ["2020-03-05", "2019"]
    assert [n.value for n in numbers if not n.vague][:2] == [12, 30]
    assert find_dates(text) == dates and scan(text) == numbers  # remembered: the same answers
    assert find_dates.__wrapped__(text) == dates and scan.__wrapped__(text) == numbers  # and the long way


def test_english_alone_reads_what_the_fifteen_languages_read_when_no_other_can():
    """dateparser is asked in English alone unless another configured language could read the string
    (`dates._other_language_may_read`): on every configured locale's month and weekday names in dates, on
    English, numeric and release-number strings, the answer must be the 15-language parser's."""
    from claimgraph.structure import dates

    parser = dates._parser()
    months = ("january", "march", "may", "august", "november")
    strings = ["4 March 2021", "March 2021", "Tuesday, 4 March 2021 10:05 CET", "2021-05-R-017 For Immediate Release",
               "2021-05-R-017", "Example Release 4 May 2021 by staff", "13 05 2021", "05.13.2021 UTC", "Q3 2021",
               "the 2021 harvest", "MMXXI March 4", "Summer 2021 issue", "4 Mar 2021 12:00 PST", "2021 s"]
    for locale in parser._get_locale_loader().get_locales(languages=parser.languages, region=parser.region):
        for key in months:
            for name in locale.info.get(key, [])[:2]:
                strings += [f"4 {name} 2021", f"{name} 2021", f"{name} 4, 2021"]
        for name in locale.info.get("tuesday", [])[:1]:
            strings.append(f"{name} 4 {locale.info['march'][0]} 2021")
    asked_all = 0
    for s in strings:
        english = not dates._other_language_may_read(s)
        asked_all += not english
        got = dates._parser(english_only=english).get_date_data(s)
        want = parser.get_date_data(s)
        assert (got.date_obj, got.period, got.locale) == (want.date_obj, want.period, want.locale), s
    # both ways are taken: the check can fail either way
    assert 0 < asked_all < len(strings)
    assert not dates._other_language_may_read("2021-05-R-017 For Immediate Release")
    assert dates._other_language_may_read("4 mars 2021") and dates._other_language_may_read("13 05 2021")


def test_a_prefiltered_pattern_finds_what_the_pattern_finds():
    """`rules.prefiltered`: the literals a match requires are read from the pattern, and the cheap test never
    turns away a text the pattern matches (case-insensitive look-alikes of ASCII letters included)."""
    from claimgraph.rules import Prefiltered, ascii_lookalikes, prefiltered, required

    pattern = re.compile(r"(?<!\w)(?:(?:the )?fall of (?:the )?(?:old town|harbour)|night (?:raid|strike)s?"
                         r"|(?-i:Accord)|(?:ten|12) days? (?:later|on)|\d+(?:st|nd) siege)(?![\w-])", re.IGNORECASE)
    assert required(pattern) == ((("fall of ", (("old town",), ("harbour",))), ("night ", (("raid",), ("strike",))),
                                  ("accord",), (" day", (("ten",), ("12",)), (("later",), ("on",))),
                                  (" siege", (("st",), ("nd",)))),)
    fast = prefiltered(pattern)
    assert isinstance(fast, Prefiltered)
    texts = ["The fall of the old town came late.", "After the FALL OF HARBOUR, nothing.", "a night strikes back",
             "The Accord held.", "the accord held", "ten days later", "12 day on", "ten weeks later", "the 3rd siege",
             "Night  raid", "fall of the new town", "", "ſiege of the 2nd kind", "the 2nd ſiege", "nIght raid",
             "the 2nd \u212aiege", "\u00e9t\u00e9: fall of harbour", "nightly raids", "the fall-of harbour"]
    for text in texts:
        assert (fast.search(text) is None) == (pattern.search(text) is None), text
    assert sum(pattern.search(t) is not None for t in texts) >= 8
    assert sum(pattern.search(t) is None for t in texts) >= 5
    # nothing required of a match: no prefilter
    assert prefiltered(re.compile(r"\d+|x")).pattern == r"\d+|x"
    # beyond the Basic Multilingual Plane no character matches an ASCII one under IGNORECASE
    ascii_any = re.compile(r"[\x00-\x7f]", re.IGNORECASE)
    assert {"\u017f", "\u212a"} <= ascii_lookalikes()
    assert not any(ascii_any.match(chr(i)) for i in range(0x10000, 0x110000))
