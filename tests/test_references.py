"""Reference lists: finding the section, labels, and parsing entries in the usual citation styles."""

from __future__ import annotations

import pytest
from builders import blocks_doc

from claimgraph.document import Document
from claimgraph.records import Anchor, Link, PartialDate, Reading, Span
from claimgraph.structure import structure
from claimgraph.structure.references import parse_entry, publisher_from_url, split_label


def make_doc(*parts: str | tuple[str, str], links=(), anchors=(), fmt: str = "text") -> Document:
    return blocks_doc(*parts, fmt=fmt, links=links, anchors=anchors)


def entry(text: str):
    return parse_entry(text, "1", Span(0, len(text)))


def pd(iso: str) -> PartialDate:
    return PartialDate.from_iso(iso)


BODY = "Clashes on the frontier displaced thousands of families over the winter months this year. [1]"


# ------------------------------------------------------------------------------------------------ styles


def test_harvard_with_markdown_italics_and_angle_url() -> None:
    r = entry(
        "Dawn, (March 2021). Curfew lifted in Bajaur after week of raids. *Dawn*. "
        "Available at: <https://www.dawn.com/news/2021/03/15/curfew-lifted-bajaur>"
    )
    assert r.publisher == "Dawn"
    assert r.date == pd("2021-03")
    assert r.title == "Curfew lifted in Bajaur after week of raids"
    assert r.url == "https://www.dawn.com/news/2021/03/15/curfew-lifted-bajaur"
    assert r.url_date == pd("2021-03-15")
    assert r.authors == ()


def test_harvard_with_markdown_already_stripped() -> None:
    r = entry(
        "Arab News, (June 2023). Gulf states weigh new port deal. Arab News. "
        "Available at: https://www.arabnews.com/node/2023/06/09/gulf-ports"
    )
    assert (r.publisher, r.date, r.title) == ("Arab News", pd("2023-06"), "Gulf states weigh new port deal")
    assert r.url == "https://www.arabnews.com/node/2023/06/09/gulf-ports"


def test_harvard_title_keeps_question_mark() -> None:
    r = entry(
        "Gulf News, (2024). Who runs the crossing at Chaman?. *Gulf News*. Available at: https://gulfnews.com/x"
    )
    assert r.title == "Who runs the crossing at Chaman?"
    assert r.date == pd("2024")


def test_outlet_named_as_author_and_in_italics_is_the_publisher() -> None:
    r = entry(
        "Khyber Courier (September 2023). Torkham reopens after closure; lorries stranded. *Khyber Courier*. "
        "Available at: <https://khybercourier.example/news/2023/09/15/torkham-reopens>"
    )
    assert r.authors == () and r.publisher == "Khyber Courier"
    assert r.title == "Torkham reopens after closure; lorries stranded"


def test_outlet_named_as_author_and_in_the_url_host() -> None:
    r = entry(
        "Frontier Ledger (9 September 2022). Convoys reach Dadu. https://frontierledger.example/2022/09/09/x"
    )
    assert r.authors == () and r.publisher == "Frontier Ledger" and r.date == pd("2022-09-09")


def test_outlet_only_entry_takes_publisher_not_title() -> None:
    r = entry("Dawn. Available at: https://www.dawn.com/news/1234567")
    assert r.publisher == "Dawn" and r.title is None and r.url == "https://www.dawn.com/news/1234567"


def test_apa_persons() -> None:
    r = entry(
        "Qureshi, S., & Noor, T. (2020, March 5). Border markets reopen after talks. "
        "Frontier Quarterly. https://example.org/border-markets"
    )
    assert r.authors == ("Qureshi, S.", "Noor, T.")
    assert r.date == pd("2020-03-05")
    assert r.title == "Border markets reopen after talks"
    assert r.publisher == "Frontier Quarterly"
    assert r.url == "https://example.org/border-markets"


def test_apa_organisation() -> None:
    r = entry(
        "BBC News. (2023, November 2). Families leave camps near Quetta. https://www.bbc.co.uk/news/x-123"
    )
    assert r.authors == ()
    assert r.publisher == "BBC News"
    assert r.title == "Families leave camps near Quetta"
    assert r.date == pd("2023-11-02")


def test_apa_no_date() -> None:
    r = entry("Karimi, F. (n.d.). Notes on the Wakhan corridor. Steppe Books.")
    assert r.date is None and r.authors == ("Karimi, F.",)
    assert r.title == "Notes on the Wakhan corridor" and r.publisher == "Steppe Books"


def test_chicago() -> None:
    r = entry('Ahmed, Sara. "Water and the Indus Treaty." The Diplomat, March 5, 2020. '
              "https://thediplomat.com/2020/03/water-indus/.")  # fmt: skip
    assert r.authors == ("Ahmed, Sara",)
    assert r.title == "Water and the Indus Treaty"
    assert r.publisher == "The Diplomat"
    assert r.date == pd("2020-03-05")
    assert r.url == "https://thediplomat.com/2020/03/water-indus/"
    assert r.url_date == pd("2020-03")


def test_mla_with_access_date() -> None:
    r = entry('Malik, John. "Convoys on the Karakoram." Eastern Monitor, 5 Mar. 2020, '
              "https://example.com/convoys. Accessed 6 Mar. 2020.")  # fmt: skip
    assert r.authors == ("Malik, John",)
    assert r.title == "Convoys on the Karakoram"
    assert r.publisher == "Eastern Monitor"
    assert r.date == pd("2020-03-05")
    assert r.accessed == pd("2020-03-06")
    assert r.url == "https://example.com/convoys"


def test_wikipedia_with_backlinks_and_retrieved() -> None:
    r = entry('^ a b "Clashes at the Torkham crossing". Khaama Press. 5 March 2020. Retrieved 6 March 2020.')
    assert r.title == "Clashes at the Torkham crossing"
    assert r.publisher == "Khaama Press"
    assert r.date == pd("2020-03-05")
    assert r.accessed == pd("2020-03-06")


def test_wikipedia_author_and_archive() -> None:
    r = entry('Rahman, Ali (12 June 2021). "Gwadar port expansion". Business Recorder. '
              "Archived from the original on 1 July 2021. Retrieved 2 July 2021.")  # fmt: skip
    assert r.authors == ("Rahman, Ali",)
    assert r.date == pd("2021-06-12")
    assert r.accessed == pd("2021-07-02")
    assert r.publisher == "Business Recorder"


def test_archive_date_never_becomes_publication_date() -> None:
    r = entry('"Port talks". Example Herald. Archived from the original on 1 July 2021.')
    assert r.date is None and r.accessed == pd("2021-07-01")


def test_bare_url() -> None:
    r = entry("https://www.reuters.com/world/asia-pacific/strikes-near-border-2024-01-17/")
    assert r.publisher == "Reuters"
    assert r.title is None and r.date is None
    assert r.url_date == pd("2024-01-17")


def test_outlet_dash_title() -> None:
    r = entry("Tolo News – Kabul talks stall over trade route (2023)")
    assert (r.publisher, r.title, r.date) == ("Tolo News", "Kabul talks stall over trade route", pd("2023"))


def test_chicago_author_date_book() -> None:
    r = entry("Jones, Mary. 2019. The Long Border. Oxford: Example Press.")
    assert r.authors == ("Jones, Mary",)
    assert r.date == pd("2019")
    assert r.title == "The Long Border"
    assert r.publisher == "Example Press"


def test_organisation_report() -> None:
    r = entry("International Crisis Group (2022) Pakistan: Shoring up the Frontier. Asia Report No. 325.")
    assert r.publisher == "International Crisis Group"
    assert r.title == "Pakistan: Shoring up the Frontier"
    assert r.date == pd("2022")


def test_journal_article_two_authors() -> None:
    r = entry('Lee, K. and Park, S. (2018) "Maritime routes", Journal of Ports, 12(3), pp. 44–60.')
    assert r.authors == ("Lee, K.", "Park, S.")
    assert r.title == "Maritime routes" and r.publisher == "Journal of Ports" and r.date == pd("2018")


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("Available at: <https://example.org/a/b>.", "https://example.org/a/b"),
        ("(https://example.org/a/b).", "https://example.org/a/b"),
        ("See https://example.org/a/b, then.", "https://example.org/a/b"),
        ("[Report](https://example.org/wiki/Foo_(bar)).", "https://example.org/wiki/Foo_(bar)"),
        ("www.example.org/x.", "http://www.example.org/x"),
    ],
)
def test_url_trailing_punctuation_is_stripped(raw: str, url: str) -> None:
    assert entry("Example Herald. Title here. " + raw).url == url


def test_publisher_from_url() -> None:
    assert publisher_from_url("https://www.aljazeera.com/news/x") == "Al Jazeera"
    assert publisher_from_url("https://www.voanews.com/a/x.html") == "VOA"
    assert publisher_from_url("https://www.bbc.co.uk/news/x") == "BBC"
    assert publisher_from_url("https://english.alarabiya.net/News/x") == "Al Arabiya"
    assert publisher_from_url("https://news.example.co.uk/x") == "example.co.uk"
    assert publisher_from_url("https://sub.example.com/x") == "example.com"


def test_publisher_falls_back_to_url_domain() -> None:
    r = entry("Smith, J. (2021). A title with no outlet. https://www.dawn.com/news/555")
    assert r.publisher == "Dawn"


# ------------------------------------------------------------------------------------------------ labels


@pytest.mark.parametrize(
    ("line", "label", "rest"),
    [
        ("[1] Text", "1", "Text"),
        ("[12] Text", "12", "Text"),
        ("1. Text", "1", "Text"),
        ("1) Text", "1", "Text"),
        ("(1) Text", "1", "Text"),
        ("^1 Text", "1", "Text"),
        ("¹ Text", "1", "Text"),
        ("¹⁰ Text", "10", "Text"),
        ("[^1]: Text", "1", "Text"),
        ("[^3] Text", "3", "Text"),
        ("1 Text", "1", "Text"),
        ('^ a b "Text"', None, '"Text"'),
        ("- [2] Text", "2", "Text"),
        ("2020. Text", None, "2020. Text"),
        ("Smith, J. (2020)", None, "Smith, J. (2020)"),
    ],
)
def test_split_label(line: str, label: str | None, rest: str) -> None:
    got, offset = split_label(line)
    assert got == label and line[offset:] == rest


# ------------------------------------------------------------------------------------------------ section


ENTRIES = [
    "[1] Dawn, (March 2021). Curfew lifted in Bajaur. *Dawn*. Available at: https://www.dawn.com/news/1",
    "[2] Gulf News, (2024). Crossing reopens. *Gulf News*. Available at: https://gulfnews.com/2",
]


@pytest.mark.parametrize(
    "heading",
    ["References", "Reference:", "REFERENCES", "Sources", "Source:", "Notes", "Endnotes", "Footnotes",
     "Bibliography", "Works cited", "Works Cited:", "Citations", "**References**", "**Sources:**"],
)  # fmt: skip
def test_reference_headings(heading: str) -> None:
    doc = make_doc("A Title Here", BODY, heading, *ENTRIES)
    structure(doc)
    assert [r.label for r in doc.references] == ["1", "2"]
    assert doc.body is not None and doc.text[doc.body.end :].lstrip().startswith(heading)


def test_markdown_heading_block() -> None:
    doc = make_doc(("heading", "A Title Here"), BODY, ("heading", "Bibliography"), *ENTRIES, fmt="markdown")
    structure(doc)
    assert len(doc.references) == 2


def test_further_reading_is_not_a_reference_list() -> None:
    doc = make_doc(
        "A Title Here",
        "Body text without markers, and nothing more to say here.",
        "Further reading",
        "Dawn, (March 2021). Curfew lifted in Bajaur. Available at: https://www.dawn.com/news/1",
    )
    structure(doc)
    assert doc.references == []
    assert doc.body == Span(doc.text.index("Body"), len(doc.text))


def test_further_reading_ends_the_reference_list() -> None:
    doc = make_doc("A Title Here", BODY, "References", *ENTRIES, "Further reading",
                   "[3] Some other book (2001). https://example.org/book")  # fmt: skip
    structure(doc)
    assert [r.label for r in doc.references] == ["1", "2"]


def test_entries_in_one_block_one_per_line_with_continuations() -> None:
    block = (
        "References:\n"
        "[1] Dawn, (March 2021). Curfew lifted in Bajaur. *Dawn*.\n"
        "Available at: https://www.dawn.com/news/1\n"
        "[2] Gulf News, (2024). Crossing reopens. *Gulf News*.\n"
        "https://gulfnews.com/2"
    )
    doc = make_doc("A Title Here", BODY, block)
    structure(doc)
    assert [(r.label, r.url) for r in doc.references] == [
        ("1", "https://www.dawn.com/news/1"),
        ("2", "https://gulfnews.com/2"),
    ]
    assert doc.text[doc.references[0].span.start :].startswith("[1] Dawn")


def test_reference_spans_cover_the_entries() -> None:
    doc = make_doc("A Title Here", BODY, "References", *ENTRIES)
    structure(doc)
    for ref, raw in zip(doc.references, ENTRIES, strict=True):
        assert doc.span_text(ref.span) == raw


def test_headingless_numbered_run_at_the_end() -> None:
    doc = make_doc(
        "A Title Here",
        BODY + " More followed [2].",
        "1. Dawn, (March 2021). Curfew lifted in Bajaur. https://www.dawn.com/news/1",
        "2. Smith, J. (2020). Border markets reopen. Frontier Quarterly.",
    )
    structure(doc)
    assert [r.label for r in doc.references] == ["1", "2"]
    assert doc.body is not None and doc.body.end <= doc.references[0].span.start


def test_headingless_requires_reference_like_entries() -> None:
    doc = make_doc("A Title Here", "The plan had steps.", "1. Pack the car", "2. Drive north")
    structure(doc)
    assert doc.references == []


def test_author_date_list_gets_author_year_labels() -> None:
    doc = make_doc(
        "A Title Here",
        "The border was fenced (Khan 2020) and monitored (Human Rights Watch 2023).",
        "References",
        "Khan, A. (2020). Fencing the frontier. Frontier Quarterly.",
        "Human Rights Watch. (2023). Abuses at the crossing. https://www.hrw.org/report/2023/01/05/x",
        "Smith, J., & Noor, T. (2019, May 2). A third paper. Some Journal.",
        "World Bank. (2022). Trade corridors in South Asia. Example University Press.",
    )
    structure(doc)
    assert [r.label for r in doc.references] == [
        "Khan 2020",
        "Human Rights Watch 2023",
        "Smith 2019",
        "World Bank 2022",
    ]
    assert doc.references[3].publisher == "Example University Press"


def test_wikipedia_list_without_numbers_is_numbered_by_position() -> None:
    doc = make_doc(
        "A Title Here",
        BODY,
        ("heading", "References"),
        ("list_item", '^ "Clashes at the crossing". Khaama Press. 5 March 2020. Retrieved 6 March 2020.'),
        ("list_item", '^ a b "Port talks resume". Example Herald. 7 March 2020.'),
    )
    structure(doc)
    assert [(r.label, r.title) for r in doc.references] == [("1", "Clashes at the crossing"),
                                                            ("2", "Port talks resume")]  # fmt: skip


def test_html_footnote_targets_without_heading() -> None:
    body = "Fighting spread to the valley last spring.1 Officials disputed the toll.2"
    e1 = "Dawn, (2021). Valley fighting. https://www.dawn.com/news/1"
    e2 = "Gulf News, (2021). Toll disputed. https://gulfnews.com/2"
    doc = make_doc("A Title Here", body, ("list_item", e1), ("list_item", e2), fmt="html")
    text = doc.text
    links = (Link(Span(text.index(".1") + 1, text.index(".1") + 2), "#fn1"),
             Link(Span(text.index(".2") + 1, text.index(".2") + 2), "#fn2"))  # fmt: skip
    anchors = (Anchor("fn1", Span(text.index(e1), text.index(e1) + len(e1))),
               Anchor("fn2", Span(text.index(e2), text.index(e2) + len(e2))))  # fmt: skip
    doc = Document(reading=Reading("t", "html", text, doc.reading.blocks, links=links, anchors=anchors))
    structure(doc)
    assert [r.label for r in doc.references] == ["1", "2"]
    assert [(c.label, c.reference) for c in doc.citations] == [("1", 0), ("2", 1)]


def test_heading_in_middle_followed_by_prose_is_not_taken_over_a_later_list() -> None:
    doc = make_doc(
        "A Title Here",
        BODY,
        "Notes",
        "The author travelled to the border in 2019 and spoke to several traders who described the trade. "
        "That part of the essay continues with a long discussion of the markets and their history, in prose.",
        "References",
        *ENTRIES,
    )
    structure(doc)
    assert [r.label for r in doc.references] == ["1", "2"]
    assert doc.body is not None and "long discussion" in doc.span_text(doc.body)


def test_prose_after_the_list_is_not_an_entry() -> None:
    about = (
        "Sana Qureshi is a journalist based in Peshawar who has covered the frontier for a decade. "
        "She previously worked for several outlets in the region and abroad, mostly on trade."
    )
    doc = make_doc("A Title Here", BODY, "References", *ENTRIES, about)
    structure(doc)
    assert [r.label for r in doc.references] == ["1", "2"]
    assert all("journalist" not in doc.span_text(r.span) for r in doc.references)


def test_unlabelled_capitalised_line_is_not_glued_to_the_previous_entry() -> None:
    block = (
        "Sources:\n[1] Dawn, (2021). Curfew lifted. https://www.dawn.com/news/1\n"
        "Gulf News (2024) Crossing reopens."
    )
    doc = make_doc("A Title Here", BODY, block)
    structure(doc)
    assert (
        doc.span_text(doc.references[0].span)
        == "[1] Dawn, (2021). Curfew lifted. https://www.dawn.com/news/1"
    )
