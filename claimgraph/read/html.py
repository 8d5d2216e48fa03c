"""HTML to a Reading: trafilatura removes the boilerplate, and we keep what it would lose.

trafilatura decides well what is article and what is navigation, but depending on the extraction path it
takes it drops <sup> formatting, link targets, element ids and, often, the reference list itself (a list
of links looks like boilerplate to it). So before handing the page over we write sentinel characters into
the text of every <sup>, <a href> and id-carrying element (plus the number of each <ol> item): they are
ordinary printable characters, so they survive in whatever text trafilatura keeps, and decoding them
afterwards gives back superscripts, links and anchors with exact offsets. Footnote targets that
trafilatura dropped altogether are then read from the page ourselves and appended at the end.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

import lxml.etree
import lxml.html
import trafilatura

from claimgraph.budget import check_depth, check_markup
from claimgraph.errors import DecodeFailure
from claimgraph.read.builder import Builder
from claimgraph.records import Anchor, Link, Reading, SourceMeta, Span

# Sentinels: printable characters from the Symbols for Legacy Computing block, never seen in articles
# (any already in the page are removed first). Each mark is KIND + decimal index + END.
SUP_OPEN, SUP_CLOSE, LINK_OPEN, LINK_CLOSE, ANCHOR_OPEN, ANCHOR_CLOSE, NUMBER, END, BREAK = (
    chr(0x1FB00 + k) for k in range(9)
)
_ALL = SUP_OPEN + SUP_CLOSE + LINK_OPEN + LINK_CLOSE + ANCHOR_OPEN + ANCHOR_CLOSE + NUMBER + END + BREAK
_STRIP = str.maketrans("", "", _ALL)
_TOKEN = re.compile(rf"([{_ALL[:7]}])(\d+){END}|{BREAK}|\s+|[^\s{_ALL}]+|[{_ALL}]")

_DROP = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "canvas", "math")
_BOILERPLATE = ("nav", "header", "footer", "aside", "form", "button", "select", "textarea", "menu")
_UNSAFE_SCHEMES = re.compile(r"^\s*(?:javascript|vbscript|data):", re.I)
_MARKER_TEXT = re.compile(r"\s*[\[(]?\s*(?:\d{1,3}|[a-z]|[ivx]{1,4}|[*†‡§¶]{1,3})\s*[\])]?\s*", re.I)
_LABELLED = re.compile(r"\s*(?:\[\d+\]|\(\d+\)|\d+[.)])")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>", re.I)
_CHARACTER_REFERENCE = re.compile(r"&#([xX][0-9A-Fa-f]+|[0-9]+);?")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_HEADINGS = {f"h{k}": k for k in range(1, 7)}
_NOTE_MAX_CHARS = 2000
_REFERENCE_WORDS = re.compile(
    r"(?<![a-z])(?:foot-?notes?|end-?notes?|notes|references?|reflist|sources|bibliography|citations|works-cited)"
    r"(?![a-z])",
    re.I,
)
_REFERENCE_HEADING = re.compile(
    r"(?:sources|references|notes|footnotes|endnotes|bibliography|citations|works cited)\b", re.I
)


@dataclass
class _Marks:
    """What the sentinels stand for, by index."""

    link_targets: list[str] = field(default_factory=list)
    anchor_names: list[str] = field(default_factory=list)
    notes: list[lxml.html.HtmlElement] = field(default_factory=list)  # footnote-like link targets
    sups: int = 0


@dataclass(frozen=True)
class _RawBlock:
    kind: str
    level: int
    raw: str  # text with sentinels


def read_html(text: str, source: str, url: str | None = None) -> Reading:
    """Read an HTML page; `url` is where it was fetched from (for metadata and relative links).

    Raises DecodeFailure (naming `source`) for a page lxml or trafilatura cannot handle, InputTooComplex
    for one over the markup budget (see `claimgraph.budget`)."""
    check_markup(text, source)
    try:
        return _read_html(text, source, url)
    except (ValueError, lxml.etree.LxmlError) as exc:
        # lxml refuses some strings the parser let through (e.g. a control character written as an entity);
        # the page is then unreadable as a whole, which the caller reports for this file and goes on
        raise DecodeFailure(f"the HTML could not be processed ({_short(exc)})", source) from exc


def _short(exc: Exception) -> str:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return message[:200]


def _read_html(text: str, source: str, url: str | None) -> Reading:
    root, fatal = _parse(text, source)
    check_depth(_depth(root), source)  # libxml2 stops at depth 256 and drops the rest: say so
    # No copies for trafilatura: its metadata reader (and htmldate's) copies a tree before pruning it, and
    # `extract` copies a tree it is given before cleaning it (trafilatura 2.3: `bare_extraction`), so `root` is
    # left as it was; a copy of ours on top cost the tree once more (measured: 41 -> 35 MB peak on a 1 MB page).
    meta = _metadata(root, url)
    base = url or meta.url
    for bad in list(root.iter(*_DROP)):
        bad.drop_tree()
    marks = _mark(root, base)
    blocks = _trafilatura_blocks(root, url)
    if len(blocks) <= 1:
        # trafilatura found no structure (a short or odd page) and may have flattened the whole body,
        # navigation included, into one paragraph: our own walk does better there
        walked = _walk_body(copy.deepcopy(root))
        if walked and len(walked) >= len(blocks):
            blocks = walked
    blocks += _missing_notes(root, marks, blocks)
    builder = Builder()
    _decode(blocks, marks, builder)
    if fatal and not builder.blocks:
        raise DecodeFailure(f"the HTML is too broken to read ({fatal})", source)
    return builder.reading(source, "html", meta, "the HTML page has no readable text (if its text is "
                           "written by JavaScript, claimgraph cannot see it: it runs no scripts)")


def _parse(text: str, source: str) -> tuple[lxml.html.HtmlElement, str | None]:
    """The parsed page, and the parser's fatal error if it gave up part way (e.g. on absurdly deep
    nesting, a resource limit that protects us); anything after that point is lost."""
    text = _XML_DECLARATION.sub("", text).translate(_STRIP)  # lxml refuses str with an encoding declaration
    # Characters XML cannot hold make lxml refuse any later edit of the node holding them: browsers show
    # form feed and vertical tab as white space and drop the others.
    text = _NOT_XML.sub(lambda m: " " if m.group() in "\x0b\x0c" else "", text)
    text = _CHARACTER_REFERENCE.sub(_xml_reference, text)
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise DecodeFailure(f"could not parse the HTML ({exc})", source) from exc
    fatal = next((e.message for e in parser.error_log if e.level_name == "FATAL"), None)
    return root, fatal


def _xml_reference(m: re.Match[str]) -> str:
    """A numeric character reference left as it is, unless it names a character XML cannot hold."""
    digits = m.group(1)
    if len(digits) > 8:
        return "\ufffd"  # past U+10FFFF whatever it says: what a browser shows
    code = int(digits[1:], 16) if digits[:1] in "xX" else int(digits)
    if code > 0x10FFFF or code == 0:
        return "\ufffd"
    if code in (0x0B, 0x0C):
        return " "
    return "" if _NOT_XML.match(chr(code)) else m.group()


def _depth(root: lxml.html.HtmlElement) -> int:
    """How deep the elements nest (the root is 1), without recursion."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        el, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in el)
    return deepest


def _metadata(root: lxml.html.HtmlElement, url: str | None) -> SourceMeta:
    # Only the page's own markup: extensive date search would guess a date from the text, and the
    # structure stage must be able to tell a stated date from an inferred one.
    doc = trafilatura.extract_metadata(root, default_url=url, extensive=False)
    authors = tuple(a.strip() for a in (doc.author or "").split(";") if a.strip())
    return SourceMeta(
        title=doc.title or None,
        authors=authors,
        published=doc.date or None,
        url=doc.url or url,
        site=doc.sitename or None,
    )


# ------------------------------------------------------------------------------------------------ marking


def _mark(root: lxml.html.HtmlElement, base: str | None) -> _Marks:
    """Write the sentinels into the tree; return what their indices stand for."""
    marks = _Marks()
    targeted: dict[str, list[str]] = {}
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if href.startswith("#") and len(href) > 1:
            targeted.setdefault(href[1:], []).append(a.text_content())
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        name = el.get("id") or (el.get("name") if el.tag == "a" else None)
        if name and (name in targeted or el.tag == "li"):
            index = len(marks.anchor_names)
            marks.anchor_names.append(name)
            if any(_MARKER_TEXT.fullmatch(t) for t in targeted.get(name, ())) and (
                len(el.text_content()) <= _NOTE_MAX_CHARS
            ):
                marks.notes.append(el)
            _wrap(el, f"{ANCHOR_OPEN}{index}{END}", f"{ANCHOR_CLOSE}{index}{END}")
    for el in root.iter("sup"):
        _wrap(el, f"{SUP_OPEN}{marks.sups}{END}", f"{SUP_CLOSE}{marks.sups}{END}")
        marks.sups += 1
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or _UNSAFE_SCHEMES.match(href):
            continue
        index = len(marks.link_targets)
        marks.link_targets.append(href if href.startswith("#") or not base else urljoin(base, href))
        _wrap(a, f"{LINK_OPEN}{index}{END}", f"{LINK_CLOSE}{index}{END}")
    for ol in root.iter("ol"):
        _number(ol)
    for br in root.iter("br"):
        br.tail = BREAK + (br.tail or "")
    return marks


def _wrap(el: lxml.html.HtmlElement, opening: str, closing: str) -> None:
    el.text = opening + (el.text or "")
    if len(el):
        el[-1].tail = (el[-1].tail or "") + closing
    else:
        el.text += closing


def _number(ol: lxml.html.HtmlElement) -> None:
    """Write each item's number in front of it, as a browser shows it: '1. ' is how a reference list's
    labels reach the plain text. Items that spell out their own label are left alone."""
    n = _int(ol.get("start"), 1)
    for li in ol.iterchildren("li"):
        n = _int(li.get("value"), n)
        if not _LABELLED.match(_plain(li.text_content())):
            li.text = f"{NUMBER}{n}{END}" + (li.text or "")
        n += 1


def _int(value: str | None, default: int) -> int:
    # ASCII digits only ('²'.isdigit() is true), and no more than a list can hold: '<ol start="999...">'
    # with thousands of digits is refused by int() itself
    value = (value or "").strip()
    return int(value) if re.fullmatch(r"[0-9]{1,9}", value) else default


# ------------------------------------------------------------------------------------------------ blocks


def _trafilatura_blocks(root: lxml.html.HtmlElement, url: str | None) -> list[_RawBlock]:
    xml = trafilatura.extract(
        root,
        url=url,
        output_format="xml",
        include_links=True,
        include_formatting=True,
        include_tables=False,
        include_comments=False,
        favor_recall=True,
    )
    if not xml:
        return []
    doc = lxml.etree.fromstring(xml.encode("utf-8"))
    walker = _Walker(_xml_role)
    for main in doc.iter("main"):
        walker.walk(main)
    return walker.blocks


def _walk_body(root: lxml.html.HtmlElement) -> list[_RawBlock]:
    """Our own reading of the page, for when trafilatura finds no article (a short or odd page)."""
    body = root.find("body")
    if body is None:
        body = root
    for bad in list(body.iter(*_BOILERPLATE)):
        bad.drop_tree()
    walker = _Walker(_html_role)
    walker.walk(body)
    return walker.blocks


def _missing_notes(root: lxml.html.HtmlElement, marks: _Marks, blocks: list[_RawBlock]) -> list[_RawBlock]:
    """Reference lists trafilatura dropped, read from the page ourselves, each after the heading just
    above it. A whole list comes along (so that entries nobody cites are kept too); blocks already in
    the output are skipped."""
    kept = {_plain(b.raw) for b in blocks}
    extra: list[_RawBlock] = []
    for container in _reference_lists(root, marks):
        walker = _Walker(_html_role)
        walker.walk_element(container)
        missing = [b for b in walker.blocks if _plain(b.raw) not in kept]
        if not missing:
            continue
        heading = _heading_before(container)
        if heading is not None and _plain(heading.text_content()) not in kept:
            walker = _Walker(_html_role)
            walker.walk_element(heading)
            missing = walker.blocks + missing
        extra += missing
        kept.update(_plain(b.raw) for b in missing)
    return extra


def _reference_lists(root: lxml.html.HtmlElement, marks: _Marks) -> list[lxml.html.HtmlElement]:
    """Lists holding footnote targets, and lists that say they are references, in document order."""
    found = [_note_container(el) for el in marks.notes]
    found += [lst for lst in root.iter("ol", "ul") if _is_reference_list(lst)]
    order = {el: k for k, el in enumerate(root.iter())}
    return sorted({el: None for el in found if el in order}, key=order.__getitem__)


def _is_reference_list(lst: lxml.html.HtmlElement) -> bool:
    heading = _heading_before(lst)
    if heading is not None and _REFERENCE_HEADING.match(_plain(heading.text_content())):
        return True
    if lst.tag != "ol" and not any(li.get("id") for li in lst.iterchildren("li")):
        return False
    for el in (lst, *list(lst.iterancestors())[:3]):
        if _REFERENCE_WORDS.search(f"{el.get('class', '')} {el.get('id', '')}"):
            return True
    return False


def _note_container(el: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    for ancestor in el.iterancestors():
        if ancestor.tag in ("ol", "ul", "dl"):
            return ancestor
        if ancestor.tag in ("body", "html"):
            break
    parent = el.getparent()
    return el if parent is None or parent.tag in ("body", "html") else parent


def _heading_before(el: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    node = el
    for _ in range(3):  # the heading may sit beside the list or beside a wrapper around it
        prev = node.getprevious()
        while prev is not None and not isinstance(prev.tag, str):
            prev = prev.getprevious()
        if prev is not None:
            return prev if prev.tag in _HEADINGS else None
        node = node.getparent()
        if node is None:
            return None
    return None


_XML_ROLES = {
    "p": "block", "main": "block", "list": "list", "item": "item", "quote": "quote", "lb": "break",
    "graphic": "skip", "table": "skip",
}


def _xml_role(el: lxml.etree._Element) -> tuple[str, int]:
    """trafilatura's XML vocabulary."""
    if el.tag == "head":
        rend = el.get("rend", "")
        return "heading", int(rend[1]) if re.fullmatch(r"h[1-6]", rend) else 2
    if el.tag == "code":  # trafilatura marks both code blocks and inline code this way
        return ("code" if "\n" in "".join(el.itertext()) else "inline"), 0
    return _XML_ROLES.get(el.tag, "inline"), 0


_HTML_BLOCKS = {
    "p", "div", "section", "article", "main", "header", "footer", "aside", "figure", "figcaption",
    "address", "details", "summary", "center", "body", "table", "tr", "td", "th", "tbody", "thead", "hr",
}


def _html_role(el: lxml.html.HtmlElement) -> tuple[str, int]:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in _HEADINGS:
        return "heading", _HEADINGS[tag]
    if tag in ("ol", "ul", "dl", "menu"):
        return "list", 0
    if tag in ("li", "dt", "dd"):
        return "item", 0
    if tag == "blockquote":
        return "quote", 0
    if tag == "pre":
        return "code", 0
    if tag in ("img", "video", "audio", "picture", "source", "input"):
        return "skip", 0
    return ("block", 0) if tag in _HTML_BLOCKS else ("inline", 0)


class _Walker:
    """Turns an element tree into raw blocks (text still holding sentinels), in reading order.

    Inside a heading or list item, paragraphs are run together: '<li><p>Dawn, 2024</p></li>' is one item.
    """

    def __init__(self, role_of: Callable[[lxml.etree._Element], tuple[str, int]]) -> None:
        self.role_of = role_of
        self.blocks: list[_RawBlock] = []

    def walk_element(self, el: lxml.etree._Element) -> None:
        role, level = self.role_of(el)
        if role in ("inline", "break", "skip"):
            role = "block"
        self._child(el, role, level, "paragraph", 0, 0)

    def walk(self, el: lxml.etree._Element, kind: str = "paragraph", level: int = 0, depth: int = 0) -> None:
        buf = [el.text or ""]
        for child in el:
            if not isinstance(child.tag, str):
                buf.append(child.tail or "")
                continue
            role, child_level = self.role_of(child)
            inline_here = role == "block" and kind in ("heading", "list_item")
            if role == "skip":
                pass
            elif role == "break":
                buf.append(BREAK)
            elif role == "inline" or inline_here:
                buf.append(" " if inline_here else "")
                buf.append(self._text(child))
                buf.append(" " if inline_here else "")
            else:
                self._flush(buf, kind, level)
                buf = []
                self._child(child, role, child_level, kind, level, depth)
            buf.append(child.tail or "")
        self._flush(buf, kind, level)

    def _child(
        self, child: lxml.etree._Element, role: str, level: int, kind: str, parent_level: int, depth: int
    ) -> None:
        if role == "heading":
            self.walk(child, "heading", level, depth)
        elif role == "list":
            self.walk(child, kind, parent_level, depth + 1)
        elif role == "item":
            self.walk(child, "list_item", max(depth, 1), max(depth, 1))
        elif role == "quote":
            self.walk(child, "quote", 0, depth)
        elif role == "code":
            self.blocks.append(_RawBlock("code", 0, "".join(child.itertext())))
        else:
            self.walk(child, "quote" if kind == "quote" else "paragraph", 0, depth)

    def _text(self, el: lxml.etree._Element) -> str:
        parts = [el.text or ""]
        for child in el:
            if isinstance(child.tag, str):
                role, _ = self.role_of(child)
                if role == "break":
                    parts.append(BREAK)
                elif role == "inline":
                    parts.append(self._text(child))
                elif role != "skip":  # a block inside inline markup still stands apart from its neighbours
                    parts.append(f" {self._text(child)} ")
            parts.append(child.tail or "")
        return "".join(parts)

    def _flush(self, buf: list[str], kind: str, level: int) -> None:
        raw = "".join(buf)
        if raw.strip():
            self.blocks.append(_RawBlock(kind, level, raw))


def _plain(raw: str) -> str:
    """A raw block's visible text, white space collapsed (for 'is this already in the output?')."""
    text = re.sub(rf"[{_ALL[:7]}]\d+{END}", "", raw).translate(_STRIP)
    return " ".join(text.split())


# ------------------------------------------------------------------------------------------------ decoding


def _decode(blocks: list[_RawBlock], marks: _Marks, builder: Builder) -> None:
    """Write the blocks' visible text into `builder`, turning sentinel pairs into spans.

    White space is collapsed as a browser does (code keeps its own). A span opens at the next visible
    character, which may be in a later block for an element wrapping several, and ends after the last
    visible character before its closing mark.
    """
    opened: dict[tuple[str, int], int | None] = {}
    anchors: list[tuple[int, int, int]] = []
    for block in blocks:
        base = builder.next_offset
        out: list[str] = []
        length = 0
        pending = ""  # white space seen since the last visible character, emitted only before the next
        for m in _TOKEN.finditer(block.raw):
            token, mark = m.group(), m.group(1)
            after = ""
            if mark == NUMBER:
                token, after = f"{m.group(2)}.", " "
            elif mark:
                key = (mark, int(m.group(2)))
                if mark in (SUP_OPEN, LINK_OPEN, ANCHOR_OPEN):
                    opened[key] = None
                else:
                    end = base + length if length else builder.length
                    _close(key, end, opened, marks, builder, anchors)
                continue
            elif token == BREAK:
                pending = "\n"
                continue
            elif token.isspace():
                pending = pending + token if block.kind == "code" else pending or " "
                continue
            elif token in _ALL:
                continue  # half of a pair whose other half trafilatura dropped
            if length and pending:
                out.append(pending)
                length += len(pending)
            for key, start in opened.items():
                if start is None:
                    opened[key] = base + length
            out.append(token)
            length += len(token)
            pending = after
        builder.add(block.kind, "".join(out), block.level)
    for index, start, end in anchors:
        span: Span | None = Span(start, end)
        if start == end:  # an empty target such as <a id="fn1"></a> stands for the block it starts
            block = builder.block_at(start)
            span = block.span if block else None
        if span:
            builder.anchors.append(Anchor(marks.anchor_names[index], span))


def _close(
    key: tuple[str, int],
    end: int,
    opened: dict[tuple[str, int], int | None],
    marks: _Marks,
    builder: Builder,
    anchors: list[tuple[int, int, int]],
) -> None:
    mark, index = key
    opening = (chr(ord(mark) - 1), index)  # each closing sentinel follows its opening one
    if opening not in opened:
        return
    start = opened.pop(opening)
    if mark == ANCHOR_CLOSE:
        anchors.append((index, end if start is None else start, end))
    elif start is not None and start < end:
        if mark == LINK_CLOSE:
            builder.links.append(Link(Span(start, end), marks.link_targets[index]))
        else:
            builder.superscripts.append(Span(start, end))
