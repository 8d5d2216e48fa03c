"""The structure stage end to end: title, byline, date, body, paragraphs; and its rules file."""

from __future__ import annotations

import pytest
from builders import blocks_doc

from claimgraph import rules as rule_files
from claimgraph.document import Document
from claimgraph.errors import DataFileError
from claimgraph.read import read_bytes
from claimgraph.records import PartialDate, Reading, SourceMeta, Span
from claimgraph.structure import _rules, rules_version, structure


def build(*parts: str | tuple[str, str], meta: SourceMeta | None = None, fmt: str = "text") -> Document:
    return blocks_doc(*parts, meta=meta, fmt=fmt)


def run(*parts: str | tuple[str, str], meta: SourceMeta | None = None) -> Document:
    doc = build(*parts, meta=meta)
    structure(doc)
    return doc


P1 = "Shelling resumed along the northern frontier on Tuesday, forcing hundreds of families to leave."
P2 = "Officials in the provincial capital said talks would resume once the crossing reopened."


def pd(iso: str) -> PartialDate:
    return PartialDate.from_iso(iso)


# ------------------------------------------------------------------------------------------------ title


def test_title_is_the_first_short_block() -> None:
    doc = run("Shelling Resumes on the Frontier", P1, P2)
    assert doc.span_text(doc.title) == "Shelling Resumes on the Frontier"


def test_title_from_heading_block() -> None:
    doc = run(("heading", "Frontier talks stall"), P1, ("heading", "Background"), P2)
    assert doc.span_text(doc.title) == "Frontier talks stall"
    assert [doc.span_text(p) for p in doc.paragraphs] == [P1, P2]


def test_title_from_meta_when_found_in_text() -> None:
    meta = SourceMeta(title="Frontier talks stall | Example Herald")
    doc = run("Menu", "Frontier talks stall", P1, meta=meta)
    assert doc.span_text(doc.title) == "Frontier talks stall"


def test_meta_title_inside_a_paragraph_is_not_the_title() -> None:
    doc = run("Frontier talks stall", P1, meta=SourceMeta(title="northern frontier"))
    assert doc.span_text(doc.title) == "Frontier talks stall"
    assert [doc.span_text(p) for p in doc.paragraphs] == [P1]


def test_meta_title_not_in_text_falls_back() -> None:
    doc = run("Frontier talks stall", P1, meta=SourceMeta(title="Something else entirely"))
    assert doc.span_text(doc.title) == "Frontier talks stall"


def test_no_title_when_text_starts_with_prose() -> None:
    doc = run(P1, P2)
    assert doc.title is None
    assert doc.paragraphs == [Span(0, len(P1)), Span(len(P1) + 2, len(P1) + 2 + len(P2))]


# ------------------------------------------------------------------------------------------------ byline


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Sana Qureshi", ("Sana Qureshi",)),
        ("BY SANA QURESHI", None),  # all capitals: not split into names (kept out of authors)
        ("By Sana Qureshi and Omar Baig", ("Sana Qureshi", "Omar Baig")),
        ("By Sana Qureshi, Omar Baig & Lina Haddad", ("Sana Qureshi", "Omar Baig", "Lina Haddad")),
        ("Sana Qureshi, Staff Writer", ("Sana Qureshi",)),
        ("Written by Abdul Rahman al-Hakim", ("Abdul Rahman al-Hakim",)),
        ("By Sana Qureshi | Published March 3, 2024", ("Sana Qureshi",)),
        ("By Sana Qureshi, Reuters", ("Sana Qureshi",)),
        ("By Sana Qureshi in Peshawar", ("Sana Qureshi",)),
        ("By Sana Qureshi, Centre for Border and Water Studies (an institute)", ("Sana Qureshi",)),
        ("By Sana Qureshi and Omar Baig, Frontier Research Group", ("Sana Qureshi", "Omar Baig")),
    ],
)
def test_bylines(line: str, authors: tuple[str, ...] | None) -> None:
    doc = run("Shelling Resumes on the Frontier", line, P1)
    if authors is None:
        assert doc.paragraphs[0] != doc.byline
        return
    assert doc.authors == authors
    assert doc.byline is not None and doc.span_text(doc.byline) == line
    assert all(doc.span_text(p) != line for p in doc.paragraphs)


def test_byline_date_is_used() -> None:
    doc = run("Shelling Resumes on the Frontier", "By Sana Qureshi | Published March 3, 2024", P1)
    assert doc.published == pd("2024-03-03")


def test_byline_after_a_date_line() -> None:
    doc = run("Shelling Resumes on the Frontier", "3 March 2024", "By Sana Qureshi", P1)
    assert doc.authors == ("Sana Qureshi",) and doc.published == pd("2024-03-03")
    assert [doc.span_text(p) for p in doc.paragraphs] == [P1]


def test_meta_authors_when_no_byline() -> None:
    doc = run("Shelling Resumes on the Frontier", P1, meta=SourceMeta(authors=("Sana Qureshi",)))
    assert doc.authors == ("Sana Qureshi",) and doc.byline is None


def test_sentence_starting_with_by_is_no_byline() -> None:
    doc = run("Shelling Resumes on the Frontier", "By 2024, the fence was finished.", P1)
    assert doc.byline is None and doc.authors == ()


# ------------------------------------------------------------------------------------------------ date


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Published 3 March 2024", "2024-03-03"),
        ("Published: 3 March 2024", "2024-03-03"),
        ("March 3, 2024 10:05 GMT", "2024-03-03"),
        ("2024-03-03", "2024-03-03"),
        ("Tuesday, 3 March 2024", "2024-03-03"),
        ("Posted on March 2024", "2024-03"),
        ("Published 3 March 2024 | Updated 5 March 2024", "2024-03-03"),
        ("Updated 5 March 2024", "2024-03-05"),
        ("3 March 2024 · 5 min read", "2024-03-03"),
    ],
)
def test_date_lines(line: str, date: str) -> None:
    doc = run("Shelling Resumes on the Frontier", line, P1)
    assert doc.published == pd(date)
    assert [doc.span_text(p) for p in doc.paragraphs] == [P1]


def test_meta_published_wins() -> None:
    doc = run("Shelling Resumes", "Published 3 March 2024", P1,
              meta=SourceMeta(published="2024-03-02T22:15:00+00:00"))  # fmt: skip
    assert doc.published == pd("2024-03-02")


def test_press_release_dateline() -> None:
    doc = run("Shelling Resumes", "KABUL, Afghanistan (June 25, 2010) — Officials said the road reopened.")
    assert doc.published == pd("2010-06-25")
    assert len(doc.paragraphs) == 1


def test_dateline_on_its_own_line_after_a_release_header() -> None:
    doc = run("Patrol Detains Suspects", "2011-08-S-072", "For Immediate Release",
              "KABUL, Afghanistan (Aug. 3, 2011) A combined force detained two suspects today.")  # fmt: skip
    assert doc.published == pd("2011-08-03")


def test_dateline_year_from_the_release_number() -> None:
    doc = run("Patrol Detains Suspects", "2012-08-S-027", "KABUL, Afghanistan (August 14)",
              "A combined force detained two suspects yesterday.")  # fmt: skip
    assert doc.published == pd("2012-08-14")


def test_dateline_after_header_text_run_together() -> None:
    doc = run("Forces Target Leaders Joint Command 2010-12-S-242 For Immediate Release KABUL, Afghanistan (Dec. 5)"
              " - Forces detained five suspects.", "The operation ended at dawn.")  # fmt: skip
    assert doc.published == pd("2010-12-05")


def test_date_in_a_release_title() -> None:
    doc = run("May 15: Operations in Eastern Afghanistan", "2010-05-CA-061 For Immediate Release",
              "In Kandahar last night, a joint force searched a compound.")  # fmt: skip
    assert doc.published == pd("2010-05-15")
    doc = run("Morning Operational Update June 17, 2011", "A combined force captured a leader.")
    assert doc.published == pd("2011-06-17")


# ------------------------------------------------------------------------------------------- dispatches


def dispatch_texts(doc: Document) -> list[tuple[str, str | None]]:
    return [(doc.span_text(d.span).split("\n")[0][:30], d.date.iso() if d.date else None) for d in doc.dispatches]


def test_an_article_is_one_dispatch_over_all_its_text() -> None:
    doc = run("Shelling Resumes", "KABUL, Afghanistan (June 25, 2010) — Officials said the road reopened.", P1)
    assert [(d.span, d.date) for d in doc.dispatches] == [(Span(0, len(doc.text)), pd("2010-06-25"))]


def test_a_separator_line_splits_dispatches_and_each_has_its_dateline() -> None:
    doc = run("Patrol Detains Suspects", "KABUL, Afghanistan (Feb. 16, 2011) – A patrol detained two men today.",
              "The men were questioned.", "----", "Update on the Patrol",
              "KABUL, Afghanistan (Feb. 19) – Officials confirmed the men were released.")  # fmt: skip
    assert dispatch_texts(doc) == [("Patrol Detains Suspects", "2011-02-16"), ("Update on the Patrol", "2011-02-19")]
    first, second = doc.dispatches
    assert "----" not in doc.span_text(first.span) + doc.span_text(second.span)
    assert doc.anchor_date(second.span.start + 5) == pd("2011-02-19").first_day()
    assert doc.anchor_date(first.span.start + 5) == doc.anchor_date() == pd("2011-02-16").first_day()


def test_a_second_dateline_after_running_text_starts_a_dispatch() -> None:
    doc = run("2012-07-S-024", "KABUL, Afghanistan (July 14, 2012) — A force detained a leader today.",
              "He was questioned.",
              "2012-07-S-028 KABUL, Afghanistan (July 16) — Officials confirmed the arrest.")  # fmt: skip
    assert [d for _, d in dispatch_texts(doc)] == ["2012-07-14", "2012-07-16"]


def test_a_dispatch_without_dateline_is_dated_by_its_title_line() -> None:
    doc = run("July 7: Operations in Balkh", "2010-07-CA-035 For Immediate Release", "A force detained a man.",
              "* * *", "July 9: Operations in Helmand", "A force captured a commander.")  # fmt: skip
    assert [d for _, d in dispatch_texts(doc)] == ["2010-07-07", "2010-07-09"]


def test_a_dateline_opening_the_body_does_not_split() -> None:
    doc = run("Patrol Detains Suspects", "2011-08-S-072", "For Immediate Release",
              "KABUL, Afghanistan (Aug. 3, 2011) A combined force detained two suspects today.", P1)  # fmt: skip
    assert len(doc.dispatches) == 1


def test_parenthesised_outlet_is_not_a_date() -> None:
    doc = run("Border Talks", "PESHAWAR, Pakistan (Reuters) - Talks resumed on the border crossing.")
    assert doc.published is None


def test_dateline_without_year_is_left() -> None:
    doc = run("Shelling Resumes", "PAKTIKA PROVINCE, Afghanistan – Patrols began on June 25.")
    assert doc.published is None


def test_no_stated_date_gives_none() -> None:
    doc = run("Shelling Resumes", "In 2024 alone, shelling displaced many.", P1)
    assert doc.published is None


def test_dates_in_running_text_are_not_publication_dates() -> None:
    doc = run("Shelling Resumes", "On 3 March 2024, shelling resumed along the northern frontier for hours.")
    assert doc.published is None


# ------------------------------------------------------------------------------------------------ body


def test_body_ends_at_the_reference_section() -> None:
    doc = run(
        "Shelling Resumes",
        "By Sana Qureshi",
        P1 + " [1]",
        P2,
        "References",
        "[1] Dawn, (2024). Shelling resumes. Available at: https://www.dawn.com/news/2024/03/03/x",
    )
    assert doc.body is not None
    assert doc.span_text(doc.body) == P1 + " [1]\n\n" + P2
    assert [doc.span_text(p) for p in doc.paragraphs] == [P1 + " [1]", P2]
    assert doc.references[0].url_date == pd("2024-03-03")
    assert [(c.label, c.reference) for c in doc.citations] == [("1", 0)]


def test_body_is_the_whole_text_without_references() -> None:
    doc = run("Shelling Resumes", P1, P2)
    assert doc.body is not None and doc.span_text(doc.body) == P1 + "\n\n" + P2
    assert doc.references == [] and doc.markers == [] and doc.citations == []


def test_list_items_and_quotes_are_paragraphs_headings_are_not() -> None:
    doc = run("Shelling Resumes", P1, ("heading", "What we know"), ("list_item", "Three villages emptied."),
              ("quote", "We had nowhere to go."), ("code", "x = 1"))  # fmt: skip
    assert [doc.span_text(p) for p in doc.paragraphs] == [
        P1,
        "Three villages emptied.",
        "We had nowhere to go.",
    ]


def test_blocks_missing_are_split_at_blank_lines() -> None:
    text = "Shelling Resumes\n\nBy Sana Qureshi\n\n" + P1 + "\n\n\n" + P2 + "\n"
    doc = Document(reading=Reading("t", "text", text))
    structure(doc)
    assert doc.span_text(doc.title) == "Shelling Resumes"
    assert doc.authors == ("Sana Qureshi",)
    assert [doc.span_text(p) for p in doc.paragraphs] == [P1, P2]


def test_empty_text() -> None:
    doc = Document(reading=Reading("t", "text", ""))
    structure(doc)
    assert doc.title is None and doc.body == Span(0, 0) and doc.paragraphs == [] and doc.references == []


def test_leading_blank_lines_and_crlf() -> None:
    text = (
        "\r\n\r\nShelling Resumes\r\n\r\nBy Sana Qureshi\r\n\r\n" + P1 + " [1]\r\n\r\nReference:\r\n\r\n"
        "[1] Dawn, (2024). Shelling resumes. Available at: <https://www.dawn.com/news/1>\r\n"
    )
    doc = Document(reading=Reading("t", "text", text))
    structure(doc)
    assert doc.span_text(doc.title) == "Shelling Resumes"
    assert doc.authors == ("Sana Qureshi",)
    assert [r.url for r in doc.references] == ["https://www.dawn.com/news/1"]
    assert [c.reference for c in doc.citations] == [0]


def test_full_article() -> None:
    """An article in the shape such pieces take: title, byline, running text, markers, a reference list."""
    doc = run(
        "Water, Ports and the Frontier: A Regional Reading",
        "By Farah Naz",
        "The dispute over river flows sharpened in 2023 as dams upstream filled. [1] Traders at the port "
        "reported a fall in freight of around 40 percent over the season. [2]",
        "In March 2024, the two governments agreed to a joint survey [3], though neither side published "
        "its terms.",
        "Reference:",
        "[1] Example Herald, (May 2023). Dams fill upstream as talks stall. *Example Herald*. "
        "Available at: <https://www.example-herald.com/news/2023/05/12/dams-fill>",
        "[2] Arab News, (2024). Port freight falls. *Arab News*. Available at: https://www.arabnews.com/node/77",
        "[3] Dawn, (March 2024). Governments agree joint river survey. *Dawn*. "
        "Available at: <https://www.dawn.com/news/1820001>",
    )
    assert doc.authors == ("Farah Naz",)
    assert doc.published is None
    assert len(doc.paragraphs) == 2
    assert [(r.label, r.publisher, r.date and r.date.iso(), r.url_date and r.url_date.iso())
            for r in doc.references] == [("1", "Example Herald", "2023-05", "2023-05-12"),
                                         ("2", "Arab News", "2024", None),
                                         ("3", "Dawn", "2024-03", None)]  # fmt: skip
    assert [(c.label, c.reference) for c in doc.citations] == [("1", 0), ("2", 1), ("3", 2)]


# ------------------------------------------------------------------------------------------------ rules


def test_rules_version_is_a_string() -> None:
    assert isinstance(rules_version(), str) and rules_version()


def test_outlet_map_has_real_outlets() -> None:
    outlets = _rules.rules()["outlets"]
    assert outlets["aljazeera.com"] == "Al Jazeera" and outlets["dawn.com"] == "Dawn"
    assert len(outlets) >= 80


@pytest.mark.parametrize(
    "content",
    ["not: [a, mapping", "version: 1\n", "- a list\n", "version: '1'\nreference_headings: nope\n"],
)
def test_malformed_rules_file_raises(tmp_path, monkeypatch, content: str) -> None:
    (tmp_path / "structure.yaml").write_text(content, encoding="utf-8")
    monkeypatch.setattr(rule_files, "DATA_DIR", tmp_path)
    rule_files.load.cache_clear()
    _rules.rules.cache_clear()
    try:
        with pytest.raises(DataFileError):
            _rules.rules()
    finally:
        monkeypatch.undo()
        rule_files.load.cache_clear()
        _rules.rules.cache_clear()


# ------------------------------------------------------------------------------------------------ news headers


def test_a_masthead_with_its_date_is_a_date_line_not_the_title() -> None:
    doc = run("The Velmora Courier, January 1, 2025", "Shelling Resumes on the Frontier", P1)
    assert doc.published == pd("2025-01-01")
    assert doc.span_text(doc.title) == "Shelling Resumes on the Frontier"
    assert [doc.span_text(p) for p in doc.paragraphs] == [P1]


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Published 2 January 2025 / Updated 3 January 2025", "2025-01-02"),
        ("Published 02.01.2025, Updated 03.01.2025", "2025-01-02"),
        ("Lina Haddad and Omar Baig | 12.04.2025 - Update : 13.04.2025", "2025-04-12"),
    ],
)
def test_news_date_lines_with_updates_and_authors(line: str, date: str) -> None:
    doc = run("Shelling Resumes on the Frontier", line, P1)
    assert doc.published == pd(date)
    assert [doc.span_text(p) for p in doc.paragraphs] == [P1]


def test_a_date_under_the_byline() -> None:
    doc = run("Shelling Resumes on the Frontier", "By Sana Qureshi", "January 3, 2025", P1)
    assert doc.published == pd("2025-01-03") and doc.authors == ("Sana Qureshi",)


def test_a_wire_dateline_without_its_year_takes_the_year_the_opening_states() -> None:
    doc = run("Shelling Resumes", "VELMORA, Jan 4 (Examplewire) - Shelling resumed on Tuesday, the heaviest"
              " since fighting began in 2024 and went on into 2025.", P2)  # fmt: skip
    assert doc.published == pd("2025-01-04")
    doc = run("Shelling Resumes", "VELMORA, Examplia, Dec 10, (EW): Shelling resumed in the north in 2024.")
    assert doc.published == pd("2024-12-10")
    # no year anywhere: the day alone is not a publication date
    assert run("Shelling Resumes", "VELMORA, Jan 4 (Examplewire) - Shelling resumed on Tuesday.").published is None


@pytest.mark.parametrize(
    "first",
    [
        "Shelling resumed along the northern frontier on Tuesday, forcing families to leave, residents said",
        "Shelling resumed along the frontier! Families left on foot",
        " ".join(["Shelling resumed along the northern frontier and"] * 5),
    ],
)
def test_a_first_line_that_reads_as_a_sentence_is_body_not_title(first: str) -> None:
    doc = run(first, P2)
    assert doc.title is None
    assert [doc.span_text(p) for p in doc.paragraphs] == [first, P2]


def test_a_one_line_text_is_body() -> None:
    doc = run("Shelling resumed along the northern frontier, officials say")
    assert doc.title is None and len(doc.paragraphs) == 1
    # a headline that attributes in the present tense stays a title
    doc = run("Shelling resumed along the northern frontier, officials say", P1)
    assert doc.span_text(doc.title) == "Shelling resumed along the northern frontier, officials say"


def test_reads_as_body() -> None:
    from claimgraph.structure.layout import reads_as_body

    assert reads_as_body("The army said the town fell.")
    assert reads_as_body("“The town fell,” he said.”")
    assert not reads_as_body("Town falls to rebels, army says")
    assert not reads_as_body("Rebels Advance on Velmora, Says Gen.")
    assert reads_as_body("Town falls to rebels", only_block=True)


def test_a_markdown_thematic_break_splits_dispatches_as_a_plain_separator_does() -> None:
    text = ("# July 7: Operations in the North\n\nA **combined force** detained a man.\n\n---\n\n"
            "# July 9: Operations in the South\n\nA combined force captured a commander.\n")
    reading = read_bytes(text.encode(), "digest.md")
    assert reading.format == "markdown"
    doc = Document(reading=reading)
    structure(doc)
    assert [t for t, _ in dispatch_texts(doc)] == ["July 7: Operations in the Nort", "July 9: Operations in the Sout"]
