"""The article text as segments for the article page: plain text cut at every annotation boundary, each piece
carrying the annotations that cover it. The template writes each piece escaped (Jinja2 autoescape) inside a
<span> whose classes and `data-ann` come from here: no HTML from the article ever reaches the page, and spans
never need to nest, so overlapping annotations (a figure inside a claim inside a finding) are all kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Annotation:
    """One highlighted range of the text."""

    #: first character (offset into the document text)
    start: int
    #: one past the last character
    end: int
    #: what it is: 'ent', 'claim', 'qty', 'cite', 'cite-unresolved', 'finding-error', 'finding-warning',
    #: 'finding-info', 'hit' (a search hit)
    kind: str
    #: the ids the page's controls point at (e.g. 'f3' for a finding, 'c2' for a claim, 'r1' for a reference)
    ids: tuple[str, ...] = ()
    #: a hover title (plain text; escaped by the template)
    title: str | None = None
    #: where the piece links to (an actor's page), or None
    href: str | None = None


@dataclass
class Segment:
    """A run of text and the annotations over all of it."""

    text: str
    start: int
    kinds: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    href: str | None = None

    @property
    def css(self) -> str:
        return " ".join(sorted(set(self.kinds)))

    @property
    def ann(self) -> str:
        return " ".join(dict.fromkeys(self.ids))

    @property
    def title(self) -> str:
        return " · ".join(dict.fromkeys(self.titles))


def segments(text: str, annotations: list[Annotation]) -> list[Segment]:
    """`text` cut at every annotation's start and end; ranges outside the text are clipped, empty ones dropped."""
    n = len(text)
    anns = [a for a in annotations if 0 <= a.start < a.end and a.start < n]
    cuts = sorted({0, n, *(a.start for a in anns), *(min(a.end, n) for a in anns)})
    by_start: dict[int, list[Annotation]] = {}
    for a in anns:
        by_start.setdefault(a.start, []).append(a)
    open_: list[Annotation] = []
    out = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        open_ = [a for a in open_ if a.end > lo] + by_start.get(lo, [])
        seg = Segment(text[lo:hi], lo)
        for a in open_:
            seg.kinds.append(a.kind)
            seg.ids.extend(a.ids)
            if a.title:
                seg.titles.append(a.title)
            if a.href and seg.href is None:
                seg.href = a.href
        out.append(seg)
    return out


def document_annotations(doc: dict[str, Any], highlight: tuple[int, int] | None = None) -> list[Annotation]:
    """The annotations of one document (the JSON contract from `KnowledgeBase.document`)."""
    from urllib.parse import quote

    anns: list[Annotation] = []
    for e in doc["entities"]:
        for m in e["mentions"]:
            anns.append(Annotation(m["start"], m["end"], "ent", (f"e:{e['id']}",), f"{e['name']} ({e['type']})",
                                   "/actors/" + quote(e["id"], safe=":")))
    for i, c in enumerate(doc["claims"]):
        cid = f"c{i}"
        anns.append(Annotation(c["evidence"]["start"], c["evidence"]["end"], "claim", (cid,)))
        for q in c["quantities"]:
            anns.append(Annotation(q["start"], q["end"], "qty", (cid,), q.get("what") or None))
    labels = {r["label"]: f"r{i}" for i, r in enumerate(doc["references"])}
    for m in doc.get("citations", []):
        rid = labels.get(m["label"])
        anns.append(Annotation(m["start"], m["end"], "cite" if rid else "cite-unresolved",
                               (rid,) if rid else (), f"reference {m['label']}" if rid else "no such reference"))
    for i, f in enumerate(doc["findings"]):
        fid = f"f{i}"
        anns.append(Annotation(f["evidence"]["start"], f["evidence"]["end"], f"finding-{f['severity']}", (fid,),
                               f["code"]))
        sug = (f.get("suggestion") or {}).get("evidence")
        if sug:
            anns.append(Annotation(sug["start"], sug["end"], "suggestion", (fid,)))
    for i, r in enumerate(doc["references"]):
        anns.append(Annotation(r["start"], r["end"], "ref", (f"r{i}",)))
    if highlight:
        anns.append(Annotation(highlight[0], highlight[1], "hit", ("hit",)))
    return anns


def safe_url(url: str | None) -> str | None:
    """`url` when it is an http(s) address (the only kind the page links to), else None: a `javascript:` or
    `data:` URL from an article is shown as text, never made a link."""
    if not url:
        return None
    low = url.strip().lower()
    return url.strip() if low.startswith(("http://", "https://")) else None
