"""Inline citation markers: forms that are markers, forms that are not, and resolution to references."""

from __future__ import annotations

import pytest

from claimgraph.document import Document
from claimgraph.records import Anchor, Block, Link, Reading, Span
from claimgraph.structure import structure

REFS = [
    "References",
    "[1] Dawn, (March 2021). Curfew lifted in Bajaur. Available at: https://www.dawn.com/news/2021/03/15/curfew",
    "[2] Gulf News, (2024). Crossing reopens. Available at: https://gulfnews.com/world/crossing",
    "[3] Arab News, (2023). Port deal signed. Available at: https://www.arabnews.com/node/3",
    "[4] Tolo News, (2022). Talks stall. Available at: https://tolonews.com/4",
]


def build(
    *parts: str | tuple[str, str],
    links=(),
    superscripts=(),
    anchors=(),
) -> Document:
    text, blocks = "", []
    for part in parts:
        kind, body = ("paragraph", part) if isinstance(part, str) else part
        if text:
            text += "\n\n"
        blocks.append(Block(kind, Span(len(text), len(text) + len(body))))
        text += body
    reading = Reading("t", "text", text, tuple(blocks), tuple(links), tuple(superscripts), tuple(anchors))
    return Document(reading=reading)


def run(body: str, refs=REFS) -> Document:
    doc = build("A Short Title", body, *refs)
    structure(doc)
    return doc


def found(doc: Document) -> list[tuple[str, tuple[str, ...], str]]:
    return [(doc.span_text(m.span), m.labels, m.style) for m in doc.markers]


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("[1]", [("[1]", ("1",), "bracket")]),
        ("[1, 3]", [("[1, 3]", ("1", "3"), "bracket")]),
        ("[1,3]", [("[1,3]", ("1", "3"), "bracket")]),
        ("[1-3]", [("[1-3]", ("1", "2", "3"), "bracket")]),
        ("[1–3]", [("[1–3]", ("1", "2", "3"), "bracket")]),
        ("[1, 2-4]", [("[1, 2-4]", ("1", "2", "3", "4"), "bracket")]),
        ("[1][2]", [("[1]", ("1",), "bracket"), ("[2]", ("2",), "bracket")]),
        ("[^1]", [("[^1]", ("1",), "footnote")]),
        ("¹", [("¹", ("1",), "superscript")]),
        ("²³", [("²³", ("23",), "superscript")]),
        ("¹⁰", [("¹⁰", ("10",), "superscript")]),
        ("¹˒³", [("¹˒³", ("1", "3"), "superscript")]),
        ("¹⁻³", [("¹⁻³", ("1", "2", "3"), "superscript")]),
        ("[1-100]", [("[1-100]", ("1", "100"), "bracket")]),
    ],
)
def test_marker_forms(snippet: str, expected: list) -> None:
    doc = run(f"Troops crossed the river at dawn.{snippet} Then they withdrew.")
    assert found(doc) == expected


@pytest.mark.parametrize(
    "snippet",
    [
        "[TMQ: Fatir:10]",
        "[sic]",
        "[citation needed]",
        "[…]",
        "[...]",
        "[emphasis added]",
        "[2020]",
        "1.5",
        "km²",
        "10²",
        "[١]",
        "(2020)",
        "https://example.org/page[1]",
    ],
)
def test_not_markers(snippet: str) -> None:
    doc = run(f"Troops crossed the river {snippet} at dawn and withdrew.")
    assert doc.markers == []


def test_year_in_brackets_is_a_marker_when_a_reference_has_that_label() -> None:
    refs = ["References", "[2020] Dawn, (2020). Old report. https://www.dawn.com/x"]
    doc = run("The claim was old [2020].", refs)
    assert found(doc) == [("[2020]", ("2020",), "bracket")]


def test_citations_resolve_and_unresolved_is_none() -> None:
    doc = run("First claim [1]. Second claim [2, 7]. Third claim [3].")
    assert [(c.label, c.reference, c.sentence) for c in doc.citations] == [
        ("1", 0, None),
        ("2", 1, None),
        ("7", None, None),
        ("3", 2, None),
    ]
    assert all(doc.span_text(c.marker).startswith("[") for c in doc.citations)


def test_markers_outside_the_body_are_ignored() -> None:
    doc = build("A Title [1]", "Body claim here [2].", *REFS)
    structure(doc)
    assert found(doc) == [("[2]", ("2",), "bracket")]  # not the title's, not the entries' labels


def test_markers_in_the_seed_like_layout() -> None:
    doc = run("Losses rose sharply. [1] The truce broke down, which one side blames on the other. [2]. "
              'The verse reads "honor entirely belongs" [TMQ: Fatir:10].')  # fmt: skip
    assert [m.labels for m in doc.markers] == [("1",), ("2",)]


def test_superscript_spans_from_markup() -> None:
    body = "Troops crossed the river.12 Officials disputed it.3-4 Note the 2nd wave.nd"
    doc = build("A Short Title", body, *REFS)
    text = doc.text
    start = text.index("river.") + len("river.")
    s2 = text.index("it.") + 3
    s3 = text.index("wave.") + 5
    sups = (Span(start, start + 2), Span(s2, s2 + 3), Span(s3, s3 + 2))
    doc = build("A Short Title", body, *REFS, superscripts=sups)
    structure(doc)
    assert found(doc) == [("12", ("12",), "superscript"), ("3-4", ("3", "4"), "superscript")]


def test_bracketed_superscript_span_is_one_marker() -> None:
    body = "Troops crossed the river.[2] Then they left."
    doc = build("A Short Title", body, *REFS)
    i = doc.text.index("[2]")
    doc = build("A Short Title", body, *REFS, superscripts=(Span(i, i + 3),))
    structure(doc)
    assert found(doc) == [("[2]", ("2",), "superscript")]


def test_in_page_link_markers_take_the_reference_label() -> None:
    body = "Troops crossed the river.[a] Officials disputed it.[b]"
    doc = build("A Short Title", body, *REFS)
    text = doc.text
    e3 = text.index("[3] Arab")
    e1 = text.index("[1] Dawn")
    links = (Link(Span(text.index("[a]"), text.index("[a]") + 3), "#cite_note-x"),
             Link(Span(text.index("[b]"), text.index("[b]") + 3), "#note-y"))  # fmt: skip
    anchors = (Anchor("cite_note-x", Span(e3, e3 + 10)), Anchor("note-y", Span(e1, e1 + 3)))
    doc = build("A Short Title", body, *REFS, links=links, anchors=anchors)
    structure(doc)
    assert found(doc) == [("[a]", ("3",), "link"), ("[b]", ("1",), "link")]
    assert [c.reference for c in doc.citations] == [2, 0]


def test_in_page_link_to_unknown_anchor_with_number_text() -> None:
    body = "Troops crossed the river.5 Then they left."
    doc = build("A Short Title", body, *REFS)
    i = doc.text.index("river.") + len("river.")
    doc = build("A Short Title", body, *REFS, links=(Link(Span(i, i + 1), "#fn5"),))
    structure(doc)
    assert found(doc) == [("5", ("5",), "footnote")]
    assert doc.citations[0].reference is None


def test_link_to_a_reference_url_is_a_marker() -> None:
    body = "Reports say the crossing reopened last week, officials said."
    doc = build("A Short Title", body, *REFS)
    i = doc.text.index("crossing reopened")
    link = Link(Span(i, i + len("crossing reopened")), "http://gulfnews.com/world/crossing/?utm_source=x")
    other = Link(
        Span(doc.text.index("officials"), doc.text.index("officials") + 9), "https://example.org/else"
    )
    doc = build("A Short Title", body, *REFS, links=(link, other))
    structure(doc)
    assert found(doc) == [("crossing reopened", ("2",), "link")]


AUTHOR_DATE_REFS = [
    "References",
    "Khan, A. (2020). Fencing the frontier. Frontier Quarterly.",
    "Smith, J., & Jones, K. (2020). Ports and power. Maritime Review.",
    "Human Rights Watch. (2023). Abuses at the crossing. https://www.hrw.org/report/2023/x",
    "Noor, T., Ali, B., & Shah, C. (2019). Border economies. Steppe Books.",
]


@pytest.mark.parametrize(
    ("snippet", "labels"),
    [
        ("(Khan 2020)", ("Khan 2020",)),
        ("(Khan, 2020)", ("Khan 2020",)),
        ("(Smith and Jones, 2020)", ("Smith 2020",)),
        ("(Smith & Jones 2020)", ("Smith 2020",)),
        ("(Noor et al. 2019, p. 4)", ("Noor 2019",)),
        ("(Human Rights Watch 2023)", ("Human Rights Watch 2023",)),
        ("(Khan 2020; Noor et al., 2019)", ("Khan 2020", "Noor 2019")),
        ("(see Khan 2020)", ("Khan 2020",)),
        ("(Khan 2021)", ("Khan 2021",)),
    ],
)
def test_author_date_markers(snippet: str, labels: tuple[str, ...]) -> None:
    doc = run(f"The fence was finished early {snippet} and patrols began.", AUTHOR_DATE_REFS)
    assert found(doc) == [(snippet, labels, "author_date")]


def test_author_date_resolution() -> None:
    doc = run(
        "Fenced (Khan 2020). Disputed (Khan 2021). Reported (Human Rights Watch 2023).", AUTHOR_DATE_REFS
    )
    assert [(c.label, c.reference) for c in doc.citations] == [
        ("Khan 2020", 0),
        ("Khan 2021", None),
        ("Human Rights Watch 2023", 2),
    ]


def test_narrative_author_date_when_it_matches() -> None:
    doc = run("As Khan (2020) notes, the fence was finished; Brown (2020) disagrees.", AUTHOR_DATE_REFS)
    assert found(doc) == [("Khan (2020)", ("Khan 2020",), "author_date")]


def test_author_date_needs_an_author_date_list_or_a_match() -> None:
    doc = run("The fence was finished early (Brown 2020) and patrols began (Dawn 2021).")
    assert found(doc) == [("(Dawn 2021)", ("1",), "author_date")]  # Dawn, March 2021 is reference [1]


def test_parentheses_that_are_not_citations() -> None:
    doc = run("The group (founded in 2007) and the army (Pakistan Army) met (twice).", AUTHOR_DATE_REFS)
    assert doc.markers == []


def test_numbers_inside_other_script_quotations_are_not_markers() -> None:
    doc = run("He recited: «الْعِزَّةَ لِلَّهِ [10] جَمِيعًا» and then spoke of the ceasefire [1].")
    assert found(doc) == [("[1]", ("1",), "bracket")]


def test_marker_right_after_a_quotation_in_another_script_is_kept() -> None:
    doc = run("He recited «فَإِنَّ الْعِزَّةَ لِلَّهِ» [1] and left.")
    assert found(doc) == [("[1]", ("1",), "bracket")]
