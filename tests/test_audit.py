"""Each audit code firing and not firing, on small documents built by hand (structure given, not parsed),
so that these tests check the audit alone."""

from __future__ import annotations

import re

import pytest

from claimgraph.audit import audit
from claimgraph.document import Document
from claimgraph.nlp import parse
from claimgraph.records import Citation, Marker, PartialDate, Reading, Reference, Span

pytestmark = pytest.mark.model

_MARK = re.compile(r"\[(\d+)\]")


def build(paragraphs: list[str], refs: list[dict], published: str | None = None) -> Document:
    """A document whose body is `paragraphs` and whose reference list is `refs` (label, date, title, ...)."""
    lines = [
        f"[{r['label']}] {r.get('publisher', 'Outlet')} ({r.get('date', 'n.d.')}). {r['title']}. "
        f"{r.get('url', '')}".rstrip()
        for r in refs
    ]
    text = "\n\n".join(paragraphs + ["References"] + lines)
    doc = Document(Reading("test", "text", text))
    pos, paras = 0, []
    for p in paragraphs:
        paras.append(Span(pos, pos + len(p)))
        pos += len(p) + 2
    doc.paragraphs = paras
    doc.body = Span(0, paras[-1].end)
    pos += len("References") + 2
    references = []
    for r, line in zip(refs, lines, strict=True):
        references.append(
            Reference(
                r["label"],
                Span(pos, pos + len(line)),
                publisher=r.get("publisher", "Outlet"),
                date=PartialDate.from_iso(r["date"]) if r.get("date") else None,
                title=r["title"],
                url=r.get("url"),
                url_date=PartialDate.from_iso(r["url_date"]) if r.get("url_date") else None,
            )
        )
        pos += len(line) + 2
    doc.references = references
    labels = {r.label: i for i, r in enumerate(references)}
    body = text[: doc.body.end]
    doc.markers = [Marker(Span(m.start(), m.end()), (m.group(1),), "bracket") for m in _MARK.finditer(body)]
    doc.citations = [Citation(m.span, m.labels[0], labels.get(m.labels[0]), None) for m in doc.markers]
    doc.published = PartialDate.from_iso(published) if published else None
    return doc


def run(nlp, doc: Document) -> Document:
    parse(doc, nlp)
    audit(doc, nlp)
    return doc


def codes(doc: Document, severity: tuple[str, ...] = ("error", "warning", "info")) -> list[str]:
    return [f.code for f in doc.findings if f.severity in severity]


def only(doc: Document, code: str):
    found = [f for f in doc.findings if f.code == code]
    assert len(found) == 1, [(f.code, f.message) for f in doc.findings]
    return found[0]


def test_unresolved_marker(nlp):
    doc = run(
        nlp,
        build(
            ["Rain fell on Lahore in July 2022 [1]. Roads flooded [3]."],
            [{"label": "1", "date": "2022-07", "title": "Rain falls on Lahore"}],
            "2022-08",
        ),
    )
    f = only(doc, "citation.unresolved")
    assert f.severity == "error" and f.references == ("3",) and f.evidence.of(doc.text) == "[3]"


def test_unused_reference_with_and_without_a_place(nlp):
    paragraphs = [
        "Rain fell on Lahore in July 2022 [1].",
        "The Ravi river burst its banks near Shahdara and villagers fled to higher ground.",
    ]
    refs = [
        {"label": "1", "date": "2022-07", "title": "Rain falls on Lahore"},
        {"label": "2", "date": "2022-07", "title": "Ravi river bursts banks near Shahdara"},
        {"label": "3", "date": "2021-01", "title": "Cricket season opens in Karachi"},
    ]
    doc = run(nlp, build(paragraphs, refs, "2022-08"))
    unused = {f.references[0]: f for f in doc.findings if f.code == "reference.unused"}
    assert set(unused) == {"2", "3"}
    assert unused["2"].suggestion and unused["2"].suggestion.span.of(doc.text).startswith("The Ravi river")
    assert unused["3"].suggestion is None
    placed = only(doc, "reference.unused.suggested_place")
    assert placed.severity == "info" and placed.references == ("2",)


def test_predates_claim_fires_when_source_is_older_than_the_period(nlp):
    doc = run(
        nlp,
        build(
            ["In March 2023, the army lost many soldiers to attacks near Bannu [1]."],
            [{"label": "1", "date": "2022-05", "title": "Attacks near Bannu"}],
            "2023-06",
        ),
    )
    f = only(doc, "citation.predates_claim")
    assert f.references == ("1",) and "March 2023" in f.message


@pytest.mark.parametrize(
    "sentence",
    [
        "In March 2023, the army lost many soldiers to attacks near Bannu [1].",  # source after the period
        "The army plans to finish the new road near Bannu by 2030 [1].",  # a deadline, not a reported period
        "The army has fought near Bannu for years [1].",  # no period at all
    ],
)
def test_predates_claim_silent(nlp, sentence):
    doc = run(
        nlp, build([sentence], [{"label": "1", "date": "2023-04", "title": "Attacks near Bannu"}], "2023-06")
    )
    assert "citation.predates_claim" not in codes(doc)


SWAP_REFS = [
    {"label": "1", "date": "2023-02", "title": "Earthquake kills hundreds in Herat province villages"},
    {"label": "2", "date": "2023-02", "title": "Wheat prices soar in Kabul markets as imports fall"},
]


def test_swapped_citations_reported_as_a_swap(nlp):
    paragraphs = [
        "In February 2023, wheat prices in Kabul markets soared as imports fell [1].",
        "Days later, an earthquake flattened villages in Herat province, killing hundreds [2].",
    ]
    doc = run(nlp, build(paragraphs, SWAP_REFS, "2023-03"))
    found = [f for f in doc.findings if f.code == "citation.mismatch"]
    assert {(f.references, f.suggestion.references) for f in found} == {(("1",), ("2",)), (("2",), ("1",))}
    assert all("swapped" in f.message for f in found)


def test_correct_citations_raise_no_mismatch(nlp):
    paragraphs = [
        "In February 2023, wheat prices in Kabul markets soared as imports fell [2].",
        "Days later, an earthquake flattened villages in Herat province, killing hundreds [1].",
    ]
    doc = run(nlp, build(paragraphs, SWAP_REFS, "2023-03"))
    assert codes(doc, ("error", "warning")) == []


def test_single_mismatch_names_the_better_reference(nlp):
    paragraphs = [
        "In February 2023, wheat prices in Kabul markets soared as imports fell [3].",
        "Days later, an earthquake flattened villages in Herat province, killing hundreds [1].",
    ]
    refs = SWAP_REFS + [{"label": "3", "date": "2023-02", "title": "Football league season opens in Doha"}]
    doc = run(nlp, build(paragraphs, refs, "2023-03"))
    f = only(doc, "citation.mismatch")
    assert f.references == ("3",) and f.suggestion.references == ("2",) and "swapped" not in f.message


@pytest.mark.parametrize(
    ("date", "url_date", "fires"),
    [
        ("2022-03", "2021-03-14", True),
        ("2022-11", "2022-11-28", False),
        ("2024", "2024-01-17", False),
        ("2023-07-05", "2023-07-06", False),  # a day apart: a time-zone shift
        ("2023-07-05", "2023-07-07", True),
        ("2023-07-05", "2023-08-05", True),
    ],
)
def test_url_date_mismatch(nlp, date, url_date, fires):
    refs = [
        {
            "label": "1",
            "date": date,
            "url_date": url_date,
            "title": "Rain falls on Lahore",
            "url": "https://example.org/news/rain",
        }
    ]
    doc = run(nlp, build(["Rain fell on Lahore [1]."], refs, "2025-01"))
    assert ("reference.url_date_mismatch" in codes(doc)) is fires


def test_uncited_figure(nlp):
    paragraphs = [
        "The government pledged $40m for reconstruction in Herat. Donors met in Kabul [1].",
        "At least 30 civilians were killed in the shelling, officials said.",
        "More than 2,000 families were displaced by the quake [1].",
    ]
    refs = [{"label": "1", "date": "2023-10", "title": "Donors meet in Kabul as 2,000 families displaced"}]
    doc = run(nlp, build(paragraphs, refs, "2023-11"))
    f = only(doc, "claim.uncited_figure")
    assert f.severity == "warning" and f.evidence.of(doc.text).startswith("The government pledged $40m")


def test_uncited_figure_is_info_without_any_citation_apparatus(nlp):
    doc = run(nlp, build(["At least 30 civilians were killed in the shelling of Kunar."], []))
    assert only(doc, "claim.uncited_figure").severity == "info"


def test_date_inferred_from_references_and_recency(nlp):
    paragraphs = ["Last week, the two ministers met in Doha to discuss trade [1].", "Trade is growing [2]."]
    refs = [
        {"label": "1", "date": "2024-04-16", "title": "Ministers meet in Doha"},
        {"label": "2", "date": "2024-01", "title": "Trade is growing"},
    ]
    doc = run(nlp, build(paragraphs, refs))
    f = only(doc, "document.date_inferred")
    assert f.severity == "info" and f.evidence.of(doc.text) == "Last week"
    bounds = doc.published_inferred
    assert bounds.not_before == PartialDate(2024, 4, 20) and bounds.not_after == PartialDate(2024, 4, 29)


def test_date_inferred_only_when_no_date_is_stated(nlp):
    doc = run(
        nlp,
        build(
            ["Trade is growing [1]."],
            [{"label": "1", "date": "2024-01", "title": "Trade grows"}],
            "2024-02-01",
        ),
    )
    assert "document.date_inferred" not in codes(doc) and doc.published_inferred is None


def test_uncited_speculation(nlp):
    refs = [{"label": "1", "date": "2023-05", "title": "Market shelled"}]
    doc = run(nlp, build(["The army deliberately shelled the market so that traders would flee.",
                          "The army shelled the market on purpose, according to a rights group.",
                          "The army may have shelled the market to scare traders.",
                          "The army deliberately shelled the market [1]."], refs, "2023-06"))
    (f,) = [f for f in doc.findings if f.code == "claim.uncited_speculation"]
    assert f.severity == "warning" and f.evidence.of(doc.text).startswith("The army deliberately shelled the market so")


def test_framed_motive_is_info(nlp):
    doc = run(nlp, build(["It is in the interest of the smugglers that the border stays closed."], []))
    assert only(doc, "claim.uncited_speculation").severity == "info"


def test_parts_add_up_to_a_title_total(nlp):
    refs = [{"label": "1", "date": "2024-12", "title": "Violence kills 200 soldiers and civilians in 2024"}]
    doc = run(nlp, build(["In 2024, attacks killed 120 soldiers and 80 civilians [1]."], refs, "2025-01"))
    f = only(doc, "figure.consistent_total")
    assert f.severity == "info" and f.references == ("1",) and "120 + 80 = 200" in f.message


def test_parts_add_up_to_a_total_elsewhere(nlp):
    doc = run(nlp, build(["The raids killed 120 soldiers and 80 civilians.", "Some 200 people died in all."], []))
    assert only(doc, "figure.consistent_total").severity == "info"


def test_parts_contradict_a_stated_total(nlp):
    doc = run(nlp, build(["A total of 250 people were killed in the raids. Among the dead were 120 soldiers "
                          "and 80 civilians."], []))
    f = only(doc, "figure.inconsistent")
    assert f.severity == "warning" and f.evidence.of(doc.text) == "250 people"


def test_unrelated_figures_are_silent(nlp):
    doc = run(nlp, build(["The raids killed 12 soldiers and 30 civilians.", "The city has 2,000 residents."], []))
    assert not [f for f in doc.findings if f.code.startswith("figure.")]


def test_figures_attributed_in_prose_are_not_uncited(nlp):
    # news copy names its sources in prose: a reporting verb, a speaker, or a sentence carrying on the
    # attributed figures of the one before it
    paragraphs = [
        "The provincial health office confirmed that 41 people had been killed in the blast in Valdoria.",
        "Data from the Ostria Monitoring Group showed 690 deaths in the province last year. "
        "Among the dead were 300 children.",
        "The fighting displaced more than 5,000 families in Valdoria.",
    ]
    doc = run(nlp, build(paragraphs, [], "2023-11"))
    found = [f.evidence.of(doc.text) for f in doc.findings if f.code == "claim.uncited_figure"]
    assert found == ["The fighting displaced more than 5,000 families in Valdoria."]
