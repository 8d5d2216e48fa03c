"""The read stage: every format, every bad input, and SOURCE expansion. (URL fetching: test_fetch.py.)"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import pytest
from readers_support import canvas_pdf, check_reading, links, picture_pdf, texts

from claimgraph.errors import (
    BinaryInput,
    DecodeFailure,
    EmptyInput,
    FetchRefused,
    InputError,
    InputTooComplex,
    InputTooLarge,
    SourceNotFound,
    UnsupportedFormat,
)
from claimgraph.read import ReadOptions, expand_sources, read, read_bytes
from claimgraph.records import Reading, Span

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return str(path)


def span_texts(reading: Reading, spans: Iterable[Span]) -> list[str]:
    return [span.of(reading.text) for span in spans]


# ------------------------------------------------------------------------------------------------ Markdown

MARKDOWN = """\
# Border *clash* report

By **Jane Roe** and __Ali Khan__, with snake_case_name, 2*3*4 and 5 * 6 and a \\$5 fee.
A hard-wrapped line with `code *not em*`, [a link](https://example.org/a "Title"), an autolink
<https://auto.example/x>, an image ![alt text](img.png) and <b>inline HTML</b>.

Marker<sup>1</sup>, footnote[^1], caret^2^, bracket [1], &amp; entity, *one* _two_ ***three***.

Setext heading
--------------

- item one
  continues here
- item _two_
  * nested item
1. first reference
2) second reference

> quoted **text**
> more

```
code block *raw*
```

[^1]: Dawn, 2024, [Clash](https://dawn.example/2024/03/18/clash).
"""


@pytest.fixture(scope="module")
def markdown_reading() -> Reading:
    return read_bytes(MARKDOWN.encode(), "doc.md")


def test_markdown_blocks(markdown_reading: Reading) -> None:
    r = markdown_reading
    check_reading(r)
    assert r.format == "markdown"
    assert [(b.kind, b.level) for b in r.blocks] == [
        ("heading", 1), ("paragraph", 0), ("paragraph", 0), ("heading", 2),
        ("list_item", 1), ("list_item", 1), ("list_item", 2), ("list_item", 1), ("list_item", 1),
        ("quote", 0), ("code", 0), ("list_item", 1),
    ]
    assert texts(r, "heading") == ["Border clash report", "Setext heading"]
    assert texts(r, "list_item")[:5] == [
        "item one continues here", "item two", "nested item", "1. first reference", "2) second reference",
    ]
    assert texts(r, "quote") == ["quoted text more"]
    assert texts(r, "code") == ["code block *raw*"]


def test_markdown_inline(markdown_reading: Reading) -> None:
    r = markdown_reading
    first, second = texts(r, "paragraph")
    assert first == (
        "By Jane Roe and Ali Khan, with snake_case_name, 2*3*4 and 5 * 6 and a $5 fee. A hard-wrapped line "
        "with code *not em*, a link, an autolink https://auto.example/x, an image  and inline HTML."
    )
    assert second == "Marker1, footnote[1], caret2, bracket [1], & entity, one two three."
    assert links(r) == [
        ("a link", "https://example.org/a"),
        ("https://auto.example/x", "https://auto.example/x"),
        ("[1]", "#fn-1"),
        ("Clash", "https://dawn.example/2024/03/18/clash"),
    ]
    assert span_texts(r, r.superscripts) == ["1", "2"]
    sups = [s.start for s in r.superscripts]
    assert r.text[sups[0] - 6 : sups[0]] == "Marker"


def test_markdown_footnote_definition(markdown_reading: Reading) -> None:
    r = markdown_reading
    (anchor,) = r.anchors
    assert anchor.name == "fn-1"
    assert anchor.span.of(r.text) == "[1] Dawn, 2024, Clash."
    assert texts(r)[-1] == "[1] Dawn, 2024, Clash."


def test_markdown_reference_links_and_bracket_markers() -> None:
    r = read_bytes(b"See [the report][rep] and the claims [1][2].\n\n[rep]: https://r.example/x\n", "a.md")
    assert links(r) == [("the report", "https://r.example/x")]
    assert texts(r) == ["See the report and the claims [1][2].", "[rep]: https://r.example/x"]


def test_markdown_hard_break_and_crlf() -> None:
    r = read_bytes(b"first line  \r\nsecond line\r\nthird\r\n\r\nnext", "a.md")
    assert texts(r) == ["first line\nsecond line third", "next"]


def test_markdown_front_matter_is_metadata() -> None:
    r = read_bytes(b"---\ntitle: Border report\nauthor: Jane Roe and Ali Khan\ndate: 2024-03-20\n"
                   b"url: https://x.example/a\n---\n# Border report\n\nText.\n", "a.md")
    assert r.meta.title == "Border report"
    assert r.meta.authors == ("Jane Roe", "Ali Khan")
    assert r.meta.published == "2024-03-20"
    assert r.meta.url == "https://x.example/a"
    assert texts(r) == ["Border report", "Text."]


def test_markdown_list_interrupting_a_paragraph() -> None:
    r = read_bytes(b"Sources:\n1. Dawn, 2024.\n2. VOA, 2023.\n\nIn 2022 the\n2023. talks failed.", "a.md")
    assert texts(r) == ["Sources:", "1. Dawn, 2024.", "2. VOA, 2023.", "In 2022 the 2023. talks failed."]


def test_markdown_unclosed_markup_stays_literal() -> None:
    r = read_bytes(b"a **b and [c and `d and <e and *f", "a.md")
    assert texts(r) == ["a **b and [c and `d and <e and *f"]


def test_seed_article_reads_as_markdown() -> None:
    seed = next(iter(sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))), None)
    if seed is None:
        pytest.skip("the shared seed is not available")
    r = read(str(seed))
    check_reading(r)
    assert r.format == "markdown"  # a .txt with <https://...> autolinks, **bold** and \$ escapes
    assert "$35m" in r.text and "**" not in r.text and "<https" not in r.text
    references = [t for t in texts(r) if t.startswith("[1] ")]
    assert len(references) == 1 and "https://www.aljazeera.com/" in references[0]
    assert any(link.target.startswith("https://www.aljazeera.com/") for link in r.links)


# ------------------------------------------------------------------------------------------------ plain text


def test_txt_without_markdown_signals_is_plain(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "Title line\n\nFirst paragraph, wrapped\nover two lines.\n\n\n"
                                   "Second * paragraph with_underscores.\n")
    r = read(path)
    check_reading(r)
    assert r.format == "text"
    assert r.source == path
    assert texts(r) == ["Title line", "First paragraph, wrapped over two lines.",
                        "Second * paragraph with_underscores."]


def test_txt_with_markdown_signals_is_markdown(tmp_path: Path) -> None:
    r = read(write(tmp_path, "a.txt", "# Heading\n\nSome **bold** text.\n"))
    assert r.format == "markdown"
    assert texts(r) == ["Heading", "Some bold text."]


def test_plain_text_without_blank_lines_has_a_block_per_line() -> None:
    r = read_bytes(b"First line.\nSecond line.\n\n", "a.txt")
    assert texts(r) == ["First line.", "Second line."]


def test_plain_text_reference_list_becomes_items() -> None:
    r = read_bytes(b"Body text here.\n\nReferences\n[1] Dawn, 2024.\n[2] VOA,\n2023.\n", "a.txt")
    assert [(b.kind, b.span.of(r.text)) for b in r.blocks] == [
        ("paragraph", "Body text here."), ("paragraph", "References"),
        ("list_item", "[1] Dawn, 2024."), ("list_item", "[2] VOA, 2023."),
    ]


def test_plain_text_marker_at_a_line_start_does_not_split_a_paragraph() -> None:
    r = read_bytes(b"Officials said so.\n[2] The next sentence.\n\nOther.", "a.txt")
    assert texts(r) == ["Officials said so. [2] The next sentence.", "Other."]


def test_unicode_text_is_kept() -> None:
    urdu = "بلوچستان میں سیلاب سے ہزاروں خاندان بے گھر ہو گئے۔"
    arabic = "قال المسؤولون إن المعبر أعيد فتحه."
    r = read_bytes(f"{urdu}\n\n{arabic}\n".encode(), "a.txt")
    assert texts(r) == [urdu, arabic]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-32"])
def test_byte_order_marks(encoding: str) -> None:
    r = read_bytes("Chaman — crossing reopened.\n".encode(encoding), "a.txt")
    assert r.text == "Chaman — crossing reopened."


def test_legacy_encoding_is_detected() -> None:
    text = "Le passage frontalier a été rouvert mardi après une semaine de fermeture, ont dit les élus. " * 3
    r = read_bytes(text.encode("cp1252"), "a.txt")
    assert "été rouvert" in r.text and "après" in r.text


# ------------------------------------------------------------------------------------------------ HTML

FOOTNOTED_HTML = """<!doctype html>
<html><head><title>Clash at the crossing | The Daily</title>
<meta name="author" content="Jane Roe; Ali Khan">
<meta property="article:published_time" content="2024-03-20">
<meta property="og:site_name" content="The Daily">
<link rel="canonical" href="https://daily.example/2024/03/20/clash">
<script>document.write("never run")</script><style>p { color: red }</style></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Clash at the crossing</h1>
<p>Forces exchanged fire near the crossing on Monday, officials said.<sup><a href="#fn1">1</a></sup>
About 1,200 families fled <b>the area</b>.<a href="#cite_note-3">[3]</a></p>
<p>The ministry said <i>returns</i> would begin in April.<sup><a href="#fn2">2</a></sup>
See <a href="/reports/returns">the report</a> and <a href="javascript:alert(1)">this</a>.</p>
<p>Officials from both countries will meet next week to agree on rules for the crossing.</p>
<h2>Sources</h2>
<ol><li id="fn1">Dawn, 18 March 2024, "Clash at crossing", https://dawn.example/2024/03/18/clash</li>
<li id="fn2">Reuters, 19 March 2024, <a href="https://reuters.example/x">Returns plan</a></li>
<li id="cite_note-3">UNHCR, 2024, "Displacement update"</li></ol>
</article><footer>Copyright 2024 The Daily. <a href="/privacy">Privacy</a></footer></body></html>
"""


@pytest.fixture(scope="module")
def html_reading() -> Reading:
    return read_bytes(FOOTNOTED_HTML.encode(), "page.html")


def test_html_text_and_blocks(html_reading: Reading) -> None:
    r = html_reading
    check_reading(r)
    assert r.format == "html"
    assert texts(r, "heading") == ["Clash at the crossing", "Sources"]
    assert texts(r, "list_item") == [
        '1. Dawn, 18 March 2024, "Clash at crossing", https://dawn.example/2024/03/18/clash',
        "2. Reuters, 19 March 2024, Returns plan",
        '3. UNHCR, 2024, "Displacement update"',
    ]
    for boilerplate in ("Home", "Copyright", "Privacy", "never run", "color"):
        assert boilerplate not in r.text


def test_html_footnote_markers_links_and_anchors(html_reading: Reading) -> None:
    r = html_reading
    paragraph = texts(r, "paragraph")[0]
    assert paragraph.endswith("officials said.1 About 1,200 families fled the area.[3]")
    assert links(r)[:3] == [("1", "#fn1"), ("[3]", "#cite_note-3"), ("2", "#fn2")]
    assert span_texts(r, r.superscripts) == ["1", "2"]
    marker = r.links[0].span
    assert marker in r.superscripts
    anchors = {a.name: a.span.of(r.text) for a in r.anchors}
    assert anchors == {
        "fn1": 'Dawn, 18 March 2024, "Clash at crossing", https://dawn.example/2024/03/18/clash',
        "fn2": "Reuters, 19 March 2024, Returns plan",
        "cite_note-3": 'UNHCR, 2024, "Displacement update"',
    }


def test_html_links_resolved_and_unsafe_ones_dropped(html_reading: Reading) -> None:
    found = dict((target, text) for text, target in links(html_reading))
    assert found["https://daily.example/reports/returns"] == "the report"
    assert found["https://reuters.example/x"] == "Returns plan"
    assert not any(target.startswith("javascript") for target in found)


def test_html_metadata(html_reading: Reading) -> None:
    meta = html_reading.meta
    assert meta.title == "Clash at the crossing"
    assert meta.authors == ("Jane Roe", "Ali Khan")
    assert meta.published == "2024-03-20"
    assert meta.site == "The Daily"
    assert meta.url == "https://daily.example/2024/03/20/clash"


PARAGRAPHS = "".join(
    f"<p>Paragraph {i} about the border region and the return programme that officials described to "
    f"reporters on Monday, adding that more talks were planned.<sup class='reference' id='cite_ref-{i}'>"
    f"<a href='#cite_note-{i}'>[{i}]</a></sup></p>"
    for i in range(1, 4)
)


@pytest.mark.parametrize("sources", [
    # a Wikipedia-style reference list: trafilatura drops it as boilerplate
    "<h2>References</h2><div class='reflist'><ol class='references'>" + "".join(
        f"<li id='cite_note-{i}'><a href='#cite_ref-{i}'>^</a> <cite>Outlet {i}, 2024, "
        f"<a href='https://x.example/{i}'>Title {i}</a></cite></li>" for i in range(1, 5)) + "</ol></div>",
    # a reference list in an <aside>
    "<aside class='sources'><h2>References</h2><ol>" + "".join(
        f"<li id='cite_note-{i}'>Outlet {i}, 2024, Title {i}</li>" for i in range(1, 5)) + "</ol></aside>",
])
def test_html_reference_list_dropped_by_trafilatura_is_recovered(sources: str) -> None:
    page = f"<html><body><nav><a href='/'>Home</a></nav><main>{PARAGRAPHS}{sources}</main></body></html>"
    r = read_bytes(page.encode(), "wiki.html")
    check_reading(r)
    assert "References" in texts(r, "heading")
    items = texts(r, "list_item")
    expected = [f"{i}. Outlet {i}, 2024, Title {i}" for i in range(1, 5)]
    assert [item.replace("^ ", "") for item in items] == expected
    # the uncited fourth entry comes along with the list
    anchors = {a.name: a.span.of(r.text) for a in r.anchors}
    assert all(f"cite_note-{i}" in anchors for i in range(1, 5))
    assert [t for t, target in links(r) if target.startswith("#cite_note")] == ["[1]", "[2]", "[3]"]
    assert span_texts(r, r.superscripts) == ["[1]", "[2]", "[3]"]


def test_html_list_items_with_their_own_labels_are_not_renumbered() -> None:
    page = ("<html><body><article>" + PARAGRAPHS + "<h2>Notes</h2><ol><li id='cite_note-1'>[1] Dawn.</li>"
            "<li id='cite_note-2'>[2] VOA.</li></ol></article></body></html>")
    r = read_bytes(page.encode(), "a.html")
    assert texts(r, "list_item") == ["[1] Dawn.", "[2] VOA."]


def test_html_empty_anchor_element_stands_for_its_block() -> None:
    page = ("<html><body><article>" + PARAGRAPHS + "<p><a name='cite_note-1'></a>1. Outlet one, 2024.</p>"
            "</article></body></html>")
    r = read_bytes(page.encode(), "a.html")
    anchors = {a.name: a.span.of(r.text) for a in r.anchors}
    assert anchors["cite_note-1"] == "1. Outlet one, 2024."


def test_html_short_page_without_article_structure() -> None:
    r = read_bytes(b"<html><body><nav><a href='/'>Home</a></nav><p>Hello <b>world</b><sup>1</sup></p>"
                   b"<p>Second.</p><footer>(c)</footer></body></html>", "a.html")
    assert texts(r) == ["Hello world1", "Second."]
    assert span_texts(r, r.superscripts) == ["1"]


def test_malformed_html_is_recovered() -> None:
    r = read_bytes(b"<html><body><p>Unclosed <b>bold <div>text</p></span><li>x</html>", "bad.html")
    check_reading(r)
    assert "Unclosed bold text" in r.text


def test_html_with_no_text_is_empty() -> None:
    with pytest.raises(EmptyInput, match="no readable text") as err:
        read_bytes(b"<html><body><div id='root'></div><script>render()</script></body></html>", "spa.html")
    assert err.value.source == "spa.html"


def test_html_that_cannot_be_parsed() -> None:
    with pytest.raises(DecodeFailure, match="could not parse the HTML") as err:
        read_bytes(b"<!-- nothing but a comment -->", "c.html")
    assert err.value.source == "c.html"


def test_html_nested_past_the_parser_limit() -> None:
    page = "<html><body>" + "<div>" * 300 + "deep" + "</div>" * 300 + "</body></html>"
    # libxml2 stops at depth 256 and would drop the rest of the page: the budget refuses it by name
    with pytest.raises(InputTooComplex, match="deep.html: the markup nests 256 elements deep, over the limit"):
        read_bytes(page.encode(), "deep.html")


def test_html_declared_charset() -> None:
    arabic = "قال المسؤولون إن المعبر أعيد فتحه يوم الثلاثاء بعد أسبوع من الإغلاق"
    page = f'<html><head><meta charset="windows-1256"></head><body><p>{arabic}</p></body></html>'
    r = read_bytes(page.encode("cp1256"), "ar.html")
    assert r.text == arabic


def test_hostile_sentinel_like_characters_do_not_confuse_the_reader() -> None:
    page = "<html><body><p>Odd \U0001fb02 7\U0001fb07 glyphs and a <a href='#x'>link</a>.</p></body></html>"
    r = read_bytes(page.encode(), "odd.html")
    assert texts(r) == ["Odd 7 glyphs and a link."]
    assert links(r) == [("link", "#x")]


def test_example_news_page_keeps_its_planted_problems() -> None:
    r = read(str(EXAMPLES / "news-page.html"))
    check_reading(r)
    assert r.meta.title == "Crossing reopens after border clash as refugee returns resume"
    assert r.meta.authors == ("Saima Qureshi",)
    assert r.meta.published == "2024-03-20"
    for boilerplate in ("cookies", "Most read", "Subscribe", "All rights reserved", "Business\n"):
        assert boilerplate not in r.text
    markers = [target for text, target in links(r) if target.startswith("#")]
    assert markers == ["#fn1", "#fn2", "#fn3", "#fn4", "#fn6", "#fn7"]
    anchors = {a.name: a.span.of(r.text) for a in r.anchors}
    assert sorted(anchors) == ["fn1", "fn2", "fn3", "fn4", "fn5", "fn6"]  # no fn7; fn5 never cited
    assert "15 March 2024" in anchors["fn3"] and "/2024/03/13/" in anchors["fn3"]
    assert len(texts(r, "list_item")) == 6
    assert len(r.superscripts) == 6


# ------------------------------------------------------------------------------------------------ PDF


FIRST = "The displacement of families from the border villages continued through the week,"
SECOND = "placement camps filled up and the Indo-Pakistani talks on the crossing stalled again,"
THIRD = "A second paragraph starts after a gap and goes on for a while to fill the whole line"
PAGE_TWO = "Page two carries a paragraph that continues the report with more words to fill a line."
REFERENCE = "[1] Some Outlet (2 March 2024). A title. https://outlet.example/2024/03/02/a-title"


def test_pdf_text_layout_and_metadata(tmp_path: Path) -> None:
    pages = [
        [
            ("Border Report", 20, 0),
            (FIRST + " dis-", 11, 12),  # a word hyphenated across the line end
            (SECOND + " Indo-", 11, 0),  # a real hyphen at the line end
            ("Pakistani officials said more than 1,200 people had left.", 11, 0),
            (THIRD, 11, 12),
            ("and ends here.", 11, 0),
            ("1", 9, 40),  # a page number
        ],
        [
            (PAGE_TWO, 11, 0),
            ("References", 15, 12),
            (REFERENCE, 11, 6),
            ("[2] Other Outlet (4 March 2024). Another title.", 11, 0),
            ("Page 2 of 2", 9, 30),
        ],
    ]
    pdf = canvas_pdf(pages, title="Border Report", author="Jane Roe; Ali Khan")
    r = read(write(tmp_path, "report.pdf", pdf))
    check_reading(r)
    assert r.format == "pdf"
    assert [(b.kind, b.level, b.span.of(r.text)) for b in r.blocks] == [
        ("heading", 1, "Border Report"),
        ("paragraph", 0, FIRST + " displacement camps filled up and the Indo-Pakistani talks on the crossing "
                         "stalled again, Indo-Pakistani officials said more than 1,200 people had left."),
        ("paragraph", 0, THIRD + " and ends here."),
        ("paragraph", 0, PAGE_TWO),
        ("heading", 2, "References"),
        ("list_item", 1, REFERENCE),
        ("list_item", 1, "[2] Other Outlet (4 March 2024). Another title."),
    ]
    assert r.meta.title == "Border Report"
    assert r.meta.authors == ("Jane Roe", "Ali Khan")
    assert r.meta.published == "2024-03-18"


def test_pdf_marker_wrapped_to_a_line_start_stays_in_its_paragraph() -> None:
    pdf = canvas_pdf([[
        ("Officials in the province said the return programme would begin in April, according to the", 11, 0),
        ("[1] ministry, and that buses would carry families from the camps to the crossing each day.", 11, 0),
    ]])
    r = read_bytes(pdf, "a.pdf")
    assert [b.kind for b in r.blocks] == ["paragraph"]


def test_example_briefing_pdf() -> None:
    r = read(str(EXAMPLES / "briefing.pdf"))
    check_reading(r)
    assert r.meta.title == "Drought, Water and Displacement in the Helmand Basin"
    assert r.meta.authors == ("Leila Rahimi",)
    assert r.meta.published == "2024-06-05"
    assert texts(r, "heading") == [
        "Drought, Water and Displacement in the Helmand Basin", "Summary", "Recommendations", "References",
    ]
    refs = [t for t in texts(r, "list_item") if t.startswith("[")]
    assert [t[:3] for t in refs] == ["[1]", "[2]", "[3]", "[4]"]
    uncited = next(t for t in texts(r, "paragraph") if "about 1,200 families were displaced" in t)
    assert "[" not in uncited
    assert "5 June 2024" in texts(r, "paragraph")


def test_pdf_without_text_may_be_scanned() -> None:
    with pytest.raises(EmptyInput, match="scanned image") as err:
        read_bytes(picture_pdf(), "scan.pdf")
    assert err.value.source == "scan.pdf"


def test_encrypted_pdf() -> None:
    with pytest.raises(DecodeFailure, match="encrypted") as err:
        read_bytes(canvas_pdf([[("secret text", 11, 0)]], encrypt="password"), "locked.pdf")
    assert err.value.source == "locked.pdf"


@pytest.mark.parametrize("data", [
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
    canvas_pdf([[("Some text that is cut off", 11, 0)]])[:300],
    b"%PDF-1.7\n" + bytes(range(256)) * 4,
])
def test_corrupt_pdf(data: bytes) -> None:
    with pytest.raises(InputError) as err:
        read_bytes(data, "broken.pdf")
    assert isinstance(err.value, DecodeFailure | EmptyInput)
    assert err.value.source == "broken.pdf"


def test_pdf_extension_on_other_bytes(tmp_path: Path) -> None:
    with pytest.raises(DecodeFailure, match="not a PDF file but a PNG image"):
        read(write(tmp_path, "image.pdf", PNG))


# ------------------------------------------------------------------------------------------------ stdin


@pytest.mark.parametrize(("data", "fmt", "expected"), [
    (b"Plain words.\n\nMore words.", "text", "Plain words."),
    (b"# Title\n\nSome **bold** words.", "markdown", "Title"),
    (b"<!DOCTYPE html><html><body><p>Hello from a page.</p></body></html>", "html", "Hello from a page."),
    (canvas_pdf([[("Text from a PDF.", 11, 0)]]), "pdf", "Text from a PDF."),
])
def test_stdin_is_sniffed(data: bytes, fmt: str, expected: str) -> None:
    r = read("-", stdin=io.BytesIO(data))
    check_reading(r)
    assert r.source == "-"
    assert r.format == fmt
    assert texts(r)[0] == expected


def test_stdin_too_large() -> None:
    with pytest.raises(InputTooLarge) as err:
        read("-", ReadOptions(max_bytes=10), stdin=io.BytesIO(b"x" * 11))
    assert err.value.source == "-"


def test_read_bytes_with_a_format() -> None:
    assert read_bytes(b"# not a heading", "-", fmt="text").format == "text"
    assert read_bytes(b"plain", "x.html", fmt="markdown").format == "markdown"
    with pytest.raises(ValueError, match="unknown format"):
        read_bytes(b"x", "-", fmt="docx")


# ------------------------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(("name", "content", "error", "words"), [
    ("empty.txt", b"", EmptyInput, "empty"),
    ("blank.md", b"  \n\t\n  ", EmptyInput, "white space"),
    ("blank.html", b"\n\n", EmptyInput, "white space"),
    ("empty.pdf", b"", EmptyInput, "empty"),
    ("image.txt", PNG, BinaryInput, "PNG image"),
    ("program.md", b"\x7fELF\x02\x01\x01" + b"\x00" * 40, BinaryInput, "executable"),
    ("nul.txt", b"text\x00with NUL bytes", BinaryInput, "NUL"),
    ("noise.txt", bytes(range(128, 256)) * 4, DecodeFailure, "encoding"),
    ("image.png", PNG, UnsupportedFormat, "'.png' files are not supported"),
    ("archive.docx", b"PK\x03\x04" + b"\x00" * 40, UnsupportedFormat, "ZIP archive"),
    ("markup.md", b"<!-- only a comment -->", EmptyInput, "no text"),
])
def test_bad_input(tmp_path: Path, name: str, content: bytes, error: type, words: str) -> None:
    path = write(tmp_path, name, content)
    with pytest.raises(error, match=words) as err:
        read(path)
    assert err.value.source == path
    assert path in str(err.value)


def test_oversized_file(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", "word " * 100)
    with pytest.raises(InputTooLarge, match="over the 100 byte limit") as err:
        read(path, ReadOptions(max_bytes=100))
    assert err.value.source == path
    assert read(path, ReadOptions(max_bytes=500)).text.startswith("word word")


def test_missing_file(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.md")
    with pytest.raises(SourceNotFound, match="no such file") as err:
        read(path)
    assert err.value.source == path


def test_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedFormat, match="folder"):
        read(str(tmp_path))


def test_unknown_extension_holding_text_is_read(tmp_path: Path) -> None:
    r = read(write(tmp_path, "notes.log", "Crossing reopened on Tuesday.\n"))
    assert r.format == "text"
    assert read(write(tmp_path, "page.xhtml", FOOTNOTED_HTML)).format == "html"


def test_non_http_url_is_refused() -> None:
    with pytest.raises(FetchRefused, match="only http and https") as err:
        read("ftp://files.example/report.txt")
    assert err.value.source == "ftp://files.example/report.txt"


def test_errors_have_the_json_shape(tmp_path: Path) -> None:
    path = write(tmp_path, "empty.txt", b"")
    with pytest.raises(EmptyInput) as err:
        read(path)
    assert err.value.as_dict() == {"error": {"kind": "empty", "source": path, "message": err.value.message}}


# ------------------------------------------------------------------------------------------------ sources


def test_expand_sources(tmp_path: Path) -> None:
    for name in ("b.md", "a.txt", "sub/c.html", "sub/deeper/d.pdf", "sub/skip.json", ".hidden/e.md",
                 "sub/.f.md", "other/g.md", "other/h.txt"):
        write(tmp_path, name, "x")
    folder, other = str(tmp_path), str(tmp_path / "other")
    got = list(expand_sources([
        folder, f"{other}/*.md", "-", "https://example.org/a", str(tmp_path / "missing.md"),
        f"{other}/*.pdf", str(tmp_path / "sub/skip.json"),
    ]))
    paths = [g for g in got if isinstance(g, str)]
    assert paths == [
        f"{folder}/a.txt", f"{folder}/b.md", f"{folder}/other/g.md", f"{folder}/other/h.txt",
        f"{folder}/sub/c.html", f"{folder}/sub/deeper/d.pdf",
        f"{other}/g.md", "-", "https://example.org/a", str(tmp_path / "sub/skip.json"),
    ]
    errors = [g for g in got if not isinstance(g, str)]
    assert [type(e) for e in errors] == [SourceNotFound, SourceNotFound]
    assert [e.source for e in errors] == [str(tmp_path / "missing.md"), f"{other}/*.pdf"]
    assert got.index(errors[0]) == 9  # yielded in place: the batch goes on after it


def test_expand_sources_recursive_glob_and_empty_folder(tmp_path: Path) -> None:
    write(tmp_path, "x/one.md", "x")
    write(tmp_path, "x/y/two.md", "x")
    (tmp_path / "empty").mkdir()
    assert list(expand_sources([f"{tmp_path}/**/*.md"])) == [f"{tmp_path}/x/one.md", f"{tmp_path}/x/y/two.md"]
    (error,) = expand_sources([str(tmp_path / "empty")])
    assert isinstance(error, SourceNotFound) and "no .txt, .md" in error.message
