"""Plain text and Markdown to a Reading.

Markdown blocks (headings, lists, quotes, fenced code, footnote definitions, paragraphs) are found line by
line here; their inline markup is rendered by `inline.render_inline`, which keeps offsets.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import yaml

from claimgraph.read.builder import Builder
from claimgraph.read.inline import render_inline
from claimgraph.records import Reading, SourceMeta

_MARKDOWN_SIGNALS = re.compile(
    r"\*\*\S[^\n]*?\*\*"  # **strong**
    r"|__\S[^\n]*?__"  # __strong__
    r"|<https?://[^\s>]+>"  # <https://...> autolink
    r"|\\[\\`*_{}\[\]()#+.!$-]"  # \$ \* ... backslash escapes
    r"|\[[^\]\n]+\]\([^)\s]+[^)\n]*\)"  # [text](url)
    r"|^#{1,6}[ \t]+\S"  # ATX heading
    r"|\[\^[^\]\s]+\]",  # [^1] footnote
    re.M,
)

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_FENCE = re.compile(r"^( {0,3})(`{3,}(?=[^`]*$)|~{3,})")  # a backtick fence's info string has no backticks
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_ITEM = re.compile(r"^([ \t]*)([-*+]|(\d{1,9})[.)])(?:[ \t]+(.*)|[ \t]*)$")
_QUOTE = re.compile(r"^ {0,3}> ?(.*)$")
_QUOTES = re.compile(r"^(?: {0,3}> ?)+(.*)$")
_MAX_QUOTE_DEPTH = 8  # deeper quotes are flattened: recursion on hostile input must stay bounded
_FOOTNOTE = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]*(.*)$")
_DEFINITION = re.compile(  # [label]: url "optional title"
    r"""^ {0,3}\[([^\]^][^\]]*)\]:[ \t]*<?([^\s>]+)>?(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^)]*\)))?[ \t]*$"""
)
_PLAIN_ITEM = re.compile(r"^\s*(?:[-*•◦▪‣–]\s+\S|\(?\d{1,3}[.)]\s+\S|\[\d{1,3}\]\s*\S)")


def looks_like_markdown(text: str) -> bool:
    return bool(_MARKDOWN_SIGNALS.search(text))


def normalise(text: str) -> str:
    """Unix line ends; form feeds and Unicode line separators become line breaks; other controls go."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2029", "\n\n")
    text = text.translate({0x0B: "\n", 0x0C: "\n\n", 0x85: "\n", 0x2028: "\n"})
    return _CONTROL.sub("", text)


def read_textual(text: str, source: str) -> Reading:
    """A .txt file or stdin: Markdown when it shows Markdown markup, plain text otherwise."""
    return read_markdown(text, source) if looks_like_markdown(text) else read_plain(text, source)


# ------------------------------------------------------------------------------------------------ plain


def read_plain(text: str, source: str) -> Reading:
    """Blocks are separated by blank lines; a text without any blank line has one block per line.

    Within a block, lines are joined with a space, except that a run of two or more lines starting with
    list markers ('1.', '[1]', '-', '•') is split into list items: a reference list typed line by line.
    """
    text = normalise(text).strip()
    builder = Builder()
    if not re.search(r"\n[ \t]*\n", text):
        for line in text.split("\n"):
            item = bool(_PLAIN_ITEM.match(line))
            builder.add("list_item" if item else "paragraph", line, int(item))
    else:
        for chunk in re.split(r"\n[ \t]*\n", text):
            _plain_chunk(builder, [line.strip() for line in chunk.split("\n") if line.strip()])
    return builder.reading(source, "text", SourceMeta(), "the text is empty or only white space")


def _plain_chunk(builder: Builder, lines: list[str]) -> None:
    if sum(1 for line in lines if _PLAIN_ITEM.match(line)) < 2:
        builder.add("paragraph", " ".join(lines))
        return
    kind, group = "paragraph", []
    for line in lines:
        if _PLAIN_ITEM.match(line):
            builder.add(kind, " ".join(group), int(kind == "list_item"))
            kind, group = "list_item", [line]
        else:
            group.append(line)
    builder.add(kind, " ".join(group), int(kind == "list_item"))


# ------------------------------------------------------------------------------------------------ markdown


@dataclass
class _Block:
    kind: str
    level: int = 0
    lines: list[str] = field(default_factory=list)
    label: str = ""  # footnote label


def read_markdown(text: str, source: str) -> Reading:
    lines = normalise(text).split("\n")
    meta, lines = _front_matter(lines)
    definitions = {}
    for line in lines:
        m = _DEFINITION.match(line)
        if m:
            definitions[m.group(1).strip().lower()] = m.group(2)
    builder = Builder()
    for block in _parse_blocks(lines):
        if block.kind == "code":
            builder.add("code", "\n".join(block.lines))
            continue
        rendered = render_inline(_join(block.lines), definitions)
        if block.kind != "footnote":
            builder.add(block.kind, rendered.text, block.level, rendered.links, rendered.superscripts)
            continue
        prefix = f"[{block.label}] "
        n = len(prefix)
        builder.add(
            "list_item",
            prefix + rendered.text,
            block.level,
            [(s + n, e + n, t) for s, e, t in rendered.links],
            [(s + n, e + n) for s, e in rendered.superscripts],
            [(f"fn-{block.label}", 0, n + len(rendered.text))],
        )
    return builder.reading(source, "markdown", meta, "the Markdown has no text once markup is removed")


def _join(lines: list[str]) -> str:
    """Join a block's lines; a line ending in two spaces is a hard break (rendered as a newline)."""
    out = []
    for k, line in enumerate(lines):
        stripped = line.rstrip()
        if k < len(lines) - 1 and line.endswith("  ") and not stripped.endswith("\\"):
            stripped += "\\"
        out.append(stripped)
    return "\n".join(out)


def _starts_block(line: str) -> bool:
    return bool(
        _FENCE.match(line) or _ATX.match(line) or _RULE.match(line) or _QUOTE.match(line)
        or _FOOTNOTE.match(line) or _DEFINITION.match(line) or _interrupting_item(line)
    )


def _interrupting_item(line: str) -> bool:
    """A list item may start right under a paragraph line ('Sources:' then '1. ...'), unless it is an
    empty marker or a long number such as a year wrapped to the start of a line."""
    m = _ITEM.match(line)
    return bool(m and m.group(4) and (m.group(3) is None or len(m.group(3)) <= 3))


def _parse_blocks(lines: list[str], depth: int = 0) -> list[_Block]:
    out: list[_Block] = []
    para: list[str] = []
    indents: list[int] = []  # indentation of the enclosing list items, for nesting levels
    i, n = 0, len(lines)

    def flush() -> None:
        if para:
            out.append(_Block("paragraph", 0, para[:]))
            para.clear()

    while i < n:
        line = lines[i]
        if not line.strip():
            flush()
            i += 1
            continue
        item = _ITEM.match(line)
        if not item and not para and not line[:1].isspace():
            indents.clear()  # an unindented block after a blank line ends any list
        if m := _FENCE.match(line):
            flush()
            i = _fenced(lines, i, m.group(2), out)
        elif m := _ATX.match(line):
            flush()
            out.append(_Block("heading", len(m.group(1)), [m.group(2) or ""]))
            i += 1
        elif para and (m := _SETEXT.match(line)):
            out.append(_Block("heading", 1 if m.group(1)[0] == "=" else 2, para[:]))
            para.clear()
            i += 1
        elif _RULE.match(line):
            # A thematic break is kept as its own marks, as plain text keeps it: in a digest it is what splits
            # one dispatch from the next (structure.dispatches.is_separator).
            flush()
            out.append(_Block("paragraph", 0, [line.strip()]))
            i += 1
        elif _QUOTE.match(line):
            flush()
            i = _quote(lines, i, out, depth)
        elif m := _FOOTNOTE.match(line):
            flush()
            i, rest = _continuation(lines, i + 1)
            out.append(_Block("footnote", 1, [m.group(2), *rest], m.group(1)))
        elif _DEFINITION.match(line):
            flush()  # kept visible: a list of '[1]: https://...' lines is often the reference list
            out.append(_Block("list_item", 1, [line.strip()]))
            i += 1
        elif item and (not para or _interrupting_item(line)) and item.group(4) is not None:
            flush()
            indent = len(item.group(1).expandtabs(4))
            while indents and indents[-1] >= indent:
                indents.pop()
            indents.append(indent)
            first = item.group(4) if item.group(3) is None else f"{item.group(2)} {item.group(4)}"
            i, rest = _continuation(lines, i + 1)
            out.append(_Block("list_item", len(indents), [first, *rest]))
        else:
            para.append(line.lstrip())
            i += 1
    flush()
    return out


def _continuation(lines: list[str], i: int) -> tuple[int, list[str]]:
    """Lines that continue a list item or footnote: non-blank, starting no block of their own."""
    rest = []
    while i < len(lines) and lines[i].strip() and not _starts_block(lines[i]) and not _ITEM.match(lines[i]):
        rest.append(lines[i].lstrip())
        i += 1
    return i, rest


def _fenced(lines: list[str], i: int, fence: str, out: list[_Block]) -> int:
    closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
    body = []
    i += 1
    while i < len(lines) and not closing.match(lines[i]):
        body.append(lines[i])
        i += 1
    out.append(_Block("code", 0, body))
    return i + 1


def _quote(lines: list[str], i: int, out: list[_Block], depth: int) -> int:
    marker = _QUOTE if depth < _MAX_QUOTE_DEPTH else _QUOTES
    inner: list[str] = []
    while i < len(lines):
        m = marker.match(lines[i])
        if m:
            inner.append(m.group(1))
        elif lines[i].strip() and inner and inner[-1].strip() and not _starts_block(lines[i]):
            inner.append(lines[i])  # lazy continuation of the quoted paragraph
        else:
            break
        i += 1
    for block in _parse_blocks(inner, depth + 1):
        if block.kind != "code":
            block.kind, block.level = "quote", 0
        out.append(block)
    return i


# Front matter is the page's word, so bounded: at most this many lines and characters, and YAML's
# anchors and aliases (which can make a few lines stand for a huge tree) never reach str().
_FRONT_MATTER_LINES = 200
_FRONT_MATTER_CHARS = 20_000


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader, except that a timestamp that is no real date ("2023-02-30") stays a string."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def _scalar(value: object) -> bool:
    return isinstance(value, str | int | float)


def _front_matter(lines: list[str]) -> tuple[SourceMeta, list[str]]:
    """YAML front matter ('---' ... '---' at the top) gives title, author, date, url and site."""
    if not lines or lines[0].strip() != "---":
        return SourceMeta(), lines
    end = next((k for k in range(1, min(len(lines), _FRONT_MATTER_LINES)) if lines[k].strip() in ("---", "...")),
               None)
    if end is None:
        return SourceMeta(), lines
    block = "\n".join(lines[1:end])
    if len(block) > _FRONT_MATTER_CHARS:
        return SourceMeta(), lines  # no article's metadata is this long: read it as text
    try:
        data = yaml.load(block, Loader=_FrontMatterLoader)  # noqa: S506 - a SafeLoader subclass
    except (yaml.YAMLError, ValueError, RecursionError):
        return SourceMeta(), lines
    if not isinstance(data, dict):
        return SourceMeta(), lines

    def field_(*keys: str) -> str | None:
        for key in keys:
            value = data.get(key)
            if isinstance(value, dt.date | dt.datetime):
                return value.isoformat()
            if _scalar(value) and value != "":
                return str(value)
        return None

    authors = data.get("authors", data.get("author"))
    if isinstance(authors, str):
        authors = [a.strip() for a in re.split(r";|\band\b", authors) if a.strip()]
    if isinstance(authors, list):
        authors = [a for a in authors if _scalar(a)]  # a nested list (or an alias bomb) is no author
    meta = SourceMeta(
        title=field_("title"),
        authors=tuple(str(a) for a in authors) if isinstance(authors, list) else (),
        published=field_("date", "published"),
        url=field_("url", "source_url", "canonical_url"),
        site=field_("site", "publisher", "outlet"),
    )
    return meta, lines[end + 1 :]
