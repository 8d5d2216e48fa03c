"""Dates: single expressions, dates in URLs, dates in running text."""

from __future__ import annotations

import pytest

from claimgraph.records import PartialDate
from claimgraph.structure.dates import find_dates, month_number, parse_date, url_date


def pd(iso: str) -> PartialDate:
    return PartialDate.from_iso(iso)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("November 2022", "2022-11"),
        ("(November 2022)", "2022-11"),
        ("(2024)", "2024"),
        ("2024", "2024"),
        ("2020a", "2020"),
        ("2023, November 2", "2023-11-02"),
        ("(2020, March 5)", "2020-03-05"),
        ("5 Mar. 2020", "2020-03-05"),
        ("5 March 2020", "2020-03-05"),
        ("5th of March, 2020", "2020-03-05"),
        ("March 5, 2020", "2020-03-05"),
        ("Mar. 5, 2020", "2020-03-05"),
        ("March 5 2020", "2020-03-05"),
        ("2024-01-17", "2024-01-17"),
        ("2024/01/17", "2024-01-17"),
        ("2024-01", "2024-01"),
        ("2024-03-03T10:05:00Z", "2024-03-03"),
        ("2024-03-03T10:05:00+05:00", "2024-03-03"),
        ("Jan 2025", "2025-01"),
        ("Sept. 2019", "2019-09"),
        ("november 2022", "2022-11"),
        ("March 3, 2024 10:05 GMT", "2024-03-03"),
        ("Tuesday, 3 March 2024", "2024-03-03"),
        ("17/01/2024", "2024-01-17"),
        ("01/17/2024", "2024-01-17"),
        ("Spring 2020", "2020"),
        ("5 mars 2020", "2020-03-05"),
        ("13. März 2021", "2021-03-13"),
    ],
)
def test_parse_date_keeps_the_written_precision(text: str, expected: str) -> None:
    assert parse_date(text) == pd(expected)


@pytest.mark.parametrize(
    "text",
    ["", "n.d.", "(n.d.)", "nd", "undated", "no date", "05/07/2023", "31 February 2020", "hello world",
     "November", "the report of 2020 on the border", "2020 was a hard year for the people of the valley"],
)  # fmt: skip
def test_parse_date_rejects_non_dates(text: str) -> None:
    assert parse_date(text) is None


def test_month_year_is_not_padded_with_a_day() -> None:
    date = parse_date("February 2024")
    assert date is not None and date.day is None and date.precision == "month"


def test_month_number() -> None:
    assert month_number("Sept.") == 9
    assert month_number("march") == 3
    assert month_number("Smarch") is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example-news.com/news/2022/11/28/ceasefire-ends", "2022-11-28"),
        ("https://www.example-news.com/world/asia/raid-in-kurram-2024-01-17/", "2024-01-17"),
        ("https://example.org/reports/2023-07-05/border", "2023-07-05"),
        ("https://example.org/archive/20230705/border", "2023-07-05"),
        ("https://example.org/story_20230705_border.html", "2023-07-05"),
        ("https://example.org/a/story-20230705", "2023-07-05"),
        ("https://example.org/world/2023/jul/05/convoy", "2023-07-05"),
        ("https://example.org/world/2023/07/convoy-report", "2023-07"),
        ("https://example.org/world/2023/07/", "2023-07"),
        ("https://en.example.net/News/middle-east/2024/01/17/What-is-it-", "2024-01-17"),
        ("https://example.org/search?date=2023-07-05&q=x", "2023-07-05"),
        ("https://example.org/2019/1/9/short-form", "2019-01-09"),
    ],
)
def test_url_date(url: str, expected: str) -> None:
    assert url_date(url) == pd(expected)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.com/news/world-asia-67281691",  # an 8-digit id that is no date
        "https://www.example.com/a/some-story-/7919142.html",  # a 7-digit id
        "https://example.com/news/refugee-125010900988_1.html",  # a 12-digit id
        "https://example.com/a/202307051",  # 9 digits
        "https://example.com/a/20231399",  # month 13
        "https://example.com/1985/03/04/too-early",
        "https://example.com/2040/03/04/too-late",
        "https://20230705.example.com/story",  # the host is not read
        "https://example.com/story",
        "not a url at all",
    ],
)
def test_url_date_does_not_decode_ids(url: str) -> None:
    assert url_date(url) is None


def test_url_date_prefers_day_precision() -> None:
    assert url_date("https://example.com/2023/07/section/story-2023-07-05") == pd("2023-07-05")


def _found(text: str) -> list[tuple[str, str]]:
    return [(span.of(text), date.iso()) for span, date in find_dates(text)]


def test_find_dates_full_and_month_dates_with_spans() -> None:
    text = "On March 5, 2020 talks began; by 7 April 2020 they stalled, and in November 2022 the truce ended."
    assert _found(text) == [("March 5, 2020", "2020-03-05"), ("7 April 2020", "2020-04-07"),
                            ("November 2022", "2022-11")]  # fmt: skip


def test_find_dates_bare_years_that_stand_as_years() -> None:
    text = "In 2024 alone, losses rose; since 2019 to 2021 the rate fell (2020), mid-2021 too, and in 2023."
    assert [d for _, d in _found(text)] == ["2024", "2019", "2021", "2020", "2021", "2023"]


@pytest.mark.parametrize(
    "text",
    [
        "The attack killed 1,600 civilians.",
        "Budget for 2024-25 was cut.",
        "Militancy in the 1990s shaped it.",
        "Around 2000 fighters crossed.",
        "A total of $2000 was paid.",
        "Growth was 2000.5 units.",
        "They may 2020 not know.",
        "Code 2024x was used.",
    ],
)
def test_find_dates_ignores_numbers_that_are_not_years(text: str) -> None:
    assert _found(text) == []


def test_find_dates_seasons_give_only_their_year() -> None:
    text = "Fighting resumed in Spring 2020."
    assert _found(text) == [("2020", "2020")]


def test_find_dates_iso_and_apa_forms() -> None:
    text = "Filed 2024-01-17 and (2023, November 2)."
    assert _found(text) == [("2024-01-17", "2024-01-17"), ("2023, November 2", "2023-11-02")]


def test_find_dates_does_not_read_fiscal_year_as_month() -> None:
    assert _found("The 2011-12 budget.") == []


def test_dotted_numeric_dates_are_day_first() -> None:
    from claimgraph.structure.dates import parse_date

    assert parse_date("12.04.2025") == PartialDate(2025, 4, 12)
    assert parse_date("05.07.2023") == PartialDate(2023, 7, 5)
    assert parse_date("05/07/2023") is None  # slashes: either convention
