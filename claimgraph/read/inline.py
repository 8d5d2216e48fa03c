"""Markdown inline markup to plain text, keeping the offsets of links and superscripts.

A small converter rather than a Markdown library, because libraries render HTML and lose positions. It
covers what articles use: backslash escapes, emphasis, code spans, links, autolinks, images (dropped),
inline HTML tags (stripped; <sup> and <a href> kept as spans), entities, footnote references and ^sup^.

Emphasis follows CommonMark's flanking rules (which already leave snake_case_name alone), with one
deliberate difference: a `*` run between two letters or digits is never emphasis, so "2*3*4" stays.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from array import array
from dataclasses import dataclass, field

_ASCII_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_PLAIN = re.compile(r"[^\\`!\[<&*_^\n]+")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>")
_EMAIL = re.compile(r"<([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)>")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^<>]*?)?)\s*/?>", re.S)
_HREF = re.compile(r"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_CARET_SUP = re.compile(r"\^([^\s^]+)\^")
_CITATION_TEXT = re.compile(r"[\d\s,;–-]+")
# Bounds that keep hostile input near linear: link text nesting, and how far back a closing '*' looks
# for its opener. Real articles come nowhere near them.
_MAX_NESTING = 8
_MAX_LOOKBACK = 200


@dataclass
class _Delim:
    """A run of `*` or `_`; `count` shrinks as emphasis consumes it, what is left stays literal."""

    char: str
    count: int
    can_open: bool
    can_close: bool
    length: int = field(init=False)  # the run's original length, for CommonMark's "rule of 3"

    def __post_init__(self) -> None:
        self.length = self.count


@dataclass(frozen=True)
class _Open:
    kind: str  # 'link' or 'sup'
    target: str = ""


@dataclass(frozen=True)
class _Close:
    kind: str


_Node = str | _Delim | _Open | _Close


@dataclass
class Rendered:
    """Plain text of one block and the spans found in it (offsets into `text`)."""

    text: str
    links: list[tuple[int, int, str]] = field(default_factory=list)
    superscripts: list[tuple[int, int]] = field(default_factory=list)


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def render_inline(source: str, definitions: dict[str, str] | None = None) -> Rendered:
    """Render one block's Markdown source (lines joined by '\\n') to plain text."""
    nodes = _Parser(definitions or {}).parse(source)
    return _flatten(nodes)


class _Parser:
    def __init__(self, definitions: dict[str, str]) -> None:
        self.definitions = definitions
        self.depth = 0

    def parse(self, s: str) -> list[_Node]:
        nodes: list[_Node] = []
        i, n = 0, len(s)
        pairs = _Source(s)
        while i < n:
            m = _PLAIN.match(s, i)
            if m:
                nodes.append(m.group())
                i = m.end()
                continue
            i = self._special(s, i, nodes, pairs)
        _resolve_emphasis(nodes)
        return nodes

    def _special(self, s: str, i: int, nodes: list[_Node], pairs: _Source) -> int:
        """Handle the markup character at s[i]; return the index after what was consumed."""
        c = s[i]
        if c == "\\":
            nxt = s[i + 1 : i + 2]
            if nxt == "\n":
                nodes.append("\n")  # hard line break
                return i + 2
            if nxt and nxt in _ASCII_PUNCT:
                nodes.append(nxt)
                return i + 2
        elif c == "\n":
            nodes.append(" ")  # soft line break
            return i + 1
        elif c == "`":
            return self._code(s, i, nodes)
        elif c == "!" and s.startswith("[", i + 1):
            link = self._link(s, i + 1, pairs)
            if link:
                return link[1]  # images are dropped, alt text and all
        elif c == "[":
            return self._bracket(s, i, nodes, pairs)
        elif c == "<":
            return self._angle(s, i, nodes)
        elif c == "&":
            m = _ENTITY.match(s, i)
            if m:
                nodes.append(html.unescape(m.group()))
                return m.end()
        elif c in "*_":
            return self._delimiter(s, i, nodes)
        elif c == "^":
            m = _CARET_SUP.match(s, i)
            if m:
                nodes += [_Open("sup"), m.group(1), _Close("sup")]
                return m.end()
        nodes.append(c)
        return i + 1

    @staticmethod
    def _code(s: str, i: int, nodes: list[_Node]) -> int:
        j = i
        while j < len(s) and s[j] == "`":
            j += 1
        run = j - i
        fence = s[i:j]
        while True:
            k = s.find(fence, j)
            if k < 0:
                nodes.append(fence)  # no closing run: the backticks are literal
                return i + run
            if s[k + run : k + run + 1] != "`" and s[k - 1] != "`":
                break
            j = k + run
        content = s[i + run : k].replace("\n", " ")
        if content.startswith(" ") and content.endswith(" ") and content.strip():
            content = content[1:-1]
        nodes.append(content)
        return k + run

    def _bracket(self, s: str, i: int, nodes: list[_Node], pairs: _Source) -> int:
        m = _FOOTNOTE_REF.match(s, i)
        if m:
            label = m.group(1)
            nodes += [_Open("link", f"#fn-{label}"), f"[{label}]", _Close("link")]
            return m.end()
        link = self._link(s, i, pairs) if self.depth < _MAX_NESTING else None
        if not link:
            nodes.append("[")
            return i + 1
        inner, end, target = link
        self.depth += 1
        nodes += [_Open("link", target), *self.parse(s[inner[0] : inner[1]]), _Close("link")]
        self.depth -= 1
        return end

    def _link(self, s: str, i: int, pairs: _Source) -> tuple[tuple[int, int], int, str] | None:
        """Parse `[text](dest "title")` or `[text][label]` at s[i] == '['; ((start, end) of the text,
        end, target) or None. The text is not sliced here: nested brackets would make that quadratic."""
        j = pairs.pairs.get(i, -1)
        if j < 0:
            return None
        inner = (i + 1, j)
        if s.startswith("(", j + 1):
            dest = pairs.destination(j + 2)
            if dest:
                return inner, dest[1], dest[0]
        elif s.startswith("[", j + 1):
            k = pairs.find("]", j + 2)
            label = (s[j + 2 : k] if k > j + 2 else s[i + 1 : j] if k > 0 else "").strip().lower()
            # "[1][2]" is two citation markers, not a link, even when a definition is labelled 2
            if label in self.definitions and not _CITATION_TEXT.fullmatch(s, i + 1, j):
                return inner, k + 1, self.definitions[label]
        return None

    @staticmethod
    def _angle(s: str, i: int, nodes: list[_Node]) -> int:
        m = _AUTOLINK.match(s, i)
        if m:
            nodes += [_Open("link", m.group(1)), m.group(1), _Close("link")]
            return m.end()
        m = _EMAIL.match(s, i)
        if m:
            nodes += [_Open("link", "mailto:" + m.group(1)), m.group(1), _Close("link")]
            return m.end()
        m = _COMMENT.match(s, i)
        if m:
            return m.end()
        m = _TAG.match(s, i)
        if not m:
            nodes.append("<")
            return i + 1
        closing, name = m.group(1), m.group(2).lower()
        if name == "br":
            nodes.append("\n")
        elif name == "sup":
            nodes.append(_Close("sup") if closing else _Open("sup"))
        elif name == "a":
            href = _HREF.search(m.group(3) or "")
            if closing:
                nodes.append(_Close("link"))
            elif href:
                nodes.append(_Open("link", html.unescape(next(g for g in href.groups() if g is not None))))
        return m.end()

    @staticmethod
    def _delimiter(s: str, i: int, nodes: list[_Node]) -> int:
        c = s[i]
        j = i
        while j < len(s) and s[j] == c:
            j += 1
        before = s[i - 1] if i > 0 else " "
        after = s[j] if j < len(s) else " "
        left = not after.isspace() and (not _is_punct(after) or before.isspace() or _is_punct(before))
        right = not before.isspace() and (not _is_punct(before) or after.isspace() or _is_punct(after))
        if c == "_":
            can_open = left and (not right or _is_punct(before))
            can_close = right and (not left or _is_punct(after))
        elif before.isalnum() and after.isalnum():
            can_open = can_close = False  # 2*3*4: arithmetic, not emphasis
        else:
            can_open, can_close = left, right
        nodes.append(_Delim(c, j - i, can_open, can_close))
        return j


class _Source:
    """One string being parsed, with what makes its link parsing linear.

    pairs: the index of the matching ']' for every '[' that has one (escaped brackets do not count).
    A link destination runs to the first white space or to the ')' that closes it; scanning for it from
    every '[' is quadratic on input such as '[[[[...](((('. So the unescaped parentheses and white space
    are indexed once, and each destination is found by bisection.
    """

    def __init__(self, s: str) -> None:
        self.s = s
        self.pairs: dict[int, int] = {}
        stack: list[int] = []
        for m in re.finditer(r"\\.|[\[\]]", s, re.S):
            if m.group() == "[":
                stack.append(m.start())
            elif m.group() == "]" and stack:
                self.pairs[stack.pop()] = m.start()
        self._indexed = False
        self._found: dict[tuple[str, int], int] = {}

    def _index(self) -> None:
        # An escape takes the next character whatever it is (white space or a parenthesis included), as the
        # destination scan always did; a destination starts after '(' or white space, never inside an escape.
        self._parens = array("l")  # positions of unescaped '(' and ')'
        self._depths = array("l")  # nesting depth after each of them
        self._closers: dict[int, array] = {}  # depth before a ')' -> positions of such ')'
        self._spaces = array("l")  # positions of unescaped white space
        depth = 0
        for m in re.finditer(r"\\.|[()]|\s", self.s, re.S):
            c = m.group()
            if c == "(":
                depth += 1
            elif c == ")":
                self._closers.setdefault(depth, array("l")).append(m.start())
                depth -= 1
            elif c.isspace():
                self._spaces.append(m.start())
                continue
            else:
                continue
            self._parens.append(m.start())
            self._depths.append(depth)
        self._indexed = True

    def find(self, char: str, start: int) -> int:
        """`s.find(char, start)`, remembered: several brackets may ask from the same place."""
        key = (char, start)
        if key not in self._found:
            self._found[key] = self.s.find(char, start)
        return self._found[key]

    def destination(self, i: int) -> tuple[str, int] | None:
        """Parse a link destination and optional title after '('; return (url, index after ')')."""
        s, n = self.s, len(self.s)
        while i < n and s[i] in " \t\n":
            i += 1
        if i < n and s[i] == "<":
            k = self.find(">", i)
            if k < 0:
                return None
            url, i = s[i + 1 : k], k + 1
        else:
            if not self._indexed:
                self._index()
            start = i
            before = bisect.bisect_left(self._parens, i)
            depth = self._depths[before - 1] if before else 0
            space = bisect.bisect_left(self._spaces, i)
            i = self._spaces[space] if space < len(self._spaces) else n
            closers = self._closers.get(depth)
            if closers is not None:
                k = bisect.bisect_left(closers, start)
                if k < len(closers) and closers[k] < i:
                    i = closers[k]  # the ')' that brings the depth back below where it started
            url = s[start:i]
        while i < n and s[i] in " \t\n":
            i += 1
        if i < n and s[i] in "\"'(":
            close = ")" if s[i] == "(" else s[i]
            k = self.find(close, i + 1)
            if k < 0:
                return None
            i = k + 1
            while i < n and s[i] in " \t\n":
                i += 1
        if i >= n or s[i] != ")":
            return None
        url = html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", url))
        return url, i + 1


def _resolve_emphasis(nodes: list[_Node]) -> None:
    """Match delimiter runs as CommonMark's "process emphasis" does; matched characters disappear."""
    delims = [n for n in nodes if isinstance(n, _Delim)]
    for ci, closer in enumerate(delims):
        while closer.can_close and closer.count:
            opener_index = _find_opener(delims, ci, closer)
            if opener_index is None:
                break
            opener = delims[opener_index]
            use = 2 if opener.count >= 2 and closer.count >= 2 else 1
            opener.count -= use
            closer.count -= use
            for between in delims[opener_index + 1 : ci]:
                between.can_open = between.can_close = False


def _find_opener(delims: list[_Delim], ci: int, closer: _Delim) -> int | None:
    for oi in range(ci - 1, max(ci - _MAX_LOOKBACK, 0) - 1, -1):
        opener = delims[oi]
        if opener.char != closer.char or not opener.can_open or not opener.count:
            continue
        # CommonMark's "rule of 3" keeps *a**b* from pairing the wrong runs
        both = opener.can_close or closer.can_open
        if both and (opener.length + closer.length) % 3 == 0 and (opener.length % 3 or closer.length % 3):
            continue
        return oi
    return None


def _flatten(nodes: list[_Node]) -> Rendered:
    parts: list[str] = []
    pos = 0
    out = Rendered("")
    stacks: dict[str, list[tuple[int, str]]] = {"link": [], "sup": []}
    for node in nodes:
        if isinstance(node, str):
            piece = node
        elif isinstance(node, _Delim):
            piece = node.char * node.count
        elif isinstance(node, _Open):
            stacks[node.kind].append((pos, node.target))
            continue
        else:
            if stacks[node.kind]:
                start, target = stacks[node.kind].pop()
                if start < pos:
                    if node.kind == "link":
                        out.links.append((start, pos, target))
                    else:
                        out.superscripts.append((start, pos))
            continue
        parts.append(piece)
        pos += len(piece)
    out.text = "".join(parts)
    return out
