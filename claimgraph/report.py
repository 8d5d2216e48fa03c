"""Human-readable audit reports of one document: a Rich console report, Markdown, and a standalone HTML page.

Article text is hostile input: Rich markup in it is escaped, Markdown special characters are escaped, and
HTML is escaped with `html.escape`.
"""

from __future__ import annotations

import html
import re

from rich.console import Console, Group
from rich.markup import escape as rich_escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from claimgraph.document import Document
from claimgraph.records import SEVERITIES, Finding

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_QUOTE_CHARS = 240


def _quote(doc: Document, f: Finding) -> str:
    return doc.excerpt(f.evidence, _QUOTE_CHARS)


def _passage(f: Finding) -> str:
    text = " ".join(f.source.text.split()) if f.source else ""
    return text if len(text) <= _QUOTE_CHARS else text[: _QUOTE_CHARS - 1].rstrip() + "\u2026"


def _where(f: Finding) -> str:
    """Where the quoted passage is: the cited document's id and the passage's offsets in its text."""
    s = f.source
    return f"document {s.document}, characters {s.span.start}\u2013{s.span.end}" if s else ""


def _by_severity(doc: Document) -> dict[str, list[Finding]]:
    return {sev: [f for f in doc.findings if f.severity == sev] for sev in SEVERITIES}


def _published(doc: Document) -> str:
    if doc.published:
        return doc.published.human()
    if doc.published_inferred:
        b = doc.published_inferred
        lo = b.not_before.human() if b.not_before else "?"
        hi = b.not_after.human() if b.not_after else "?"
        return f"not stated (inferred: {lo} \u2013 {hi})"
    return "not stated"


def summary(doc: Document) -> str:
    counts = {sev: len(fs) for sev, fs in _by_severity(doc).items()}
    return ", ".join(f"{n} {sev}{'s' if n != 1 else ''}" for sev, n in counts.items())


def render_console(doc: Document, console: Console) -> None:
    """The Rich report: document, references table, findings grouped by severity."""
    title = doc.title.of(doc.text) if doc.title else "(untitled)"
    head = Table.grid(padding=(0, 2))
    head.add_row("[bold]Source[/]", rich_escape(doc.source))
    head.add_row("[bold]Authors[/]", rich_escape(", ".join(doc.authors) or "not stated"))
    head.add_row("[bold]Published[/]", rich_escape(_published(doc)))
    head.add_row("[bold]Document id[/]", doc.id)
    head.add_row("[bold]Sentences[/]", f"{len(doc.sentences)} in {len(doc.paragraphs)} paragraphs")
    console.print(Panel(head, title=rich_escape(title), title_align="left"))

    refs = Table(title=f"References ({len(doc.references)})", show_lines=False, expand=True)
    for col in ("#", "publisher", "date", "title", "URL date", "cited"):
        refs.add_column(col, overflow="fold")
    cited: dict[str, int] = {}
    for c in doc.citations:
        if c.reference is not None:
            cited[doc.references[c.reference].label] = cited.get(doc.references[c.reference].label, 0) + 1
    for r in doc.references:
        n = cited.get(r.label, 0)
        refs.add_row(
            rich_escape(r.label),
            rich_escape(r.publisher or ""),
            r.date.iso() if r.date else "",
            rich_escape(r.title or ""),
            r.url_date.iso() if r.url_date else "",
            f"{n}\u00d7" if n else "[yellow]never[/]",
        )
    console.print(refs)

    groups = _by_severity(doc)
    console.print(f"[bold]Findings:[/] {summary(doc)}")
    for sev in SEVERITIES:
        for f in groups[sev]:
            body = [Text(f.message), Text("\u201c" + _quote(doc, f) + "\u201d", style="italic dim")]
            if f.references:
                shown = []
                for label in f.references:
                    ref = doc.reference(label)
                    shown.append(
                        f"[{label}] "
                        + (
                            f"{ref.publisher or ''} ({ref.date.iso() if ref.date else 'n.d.'}) "
                            f"{ref.title or ''}"
                            if ref
                            else "(no such entry)"
                        )
                    )
                body.append(Text("References: " + "; ".join(shown), style="dim"))
            if f.source:
                body.append(Text(f"Source [{f.source.reference}] says ({_where(f)}): \u201c"
                                 + _passage(f) + "\u201d", style="blue"))
            if f.suggestion:
                body.append(Text("Suggestion: " + f.suggestion.message, style="green"))
            console.print(Panel(Group(*body), title=f"[{_STYLE[sev]}]{sev}[/] {f.code}", title_align="left"))


def claim_line(doc: Document, claim) -> str:
    """"Taliban government —AGREE→ Iran [asserted; 2023-03; $35m; cites 4]" in plain words."""
    names = {e.id: e.name for e in doc.entities}

    def who(ids) -> str:
        return " and ".join(names.get(i, i) for i in ids) or "(unnamed)"

    predicate = claim.predicate + (f"/{claim.mode}" if claim.mode else "")
    if claim.negated:
        predicate = "not " + predicate
    parts = [claim.modality + (f" by {names.get(claim.attributed_to, claim.attributed_to)}"
                               if claim.attributed_to else "")]
    if claim.time and (claim.time.start or claim.time.end):
        parts.append(f"{claim.time.start or '…'} to {claim.time.end or '…'}")
    if claim.place:
        parts.append("in " + who(claim.place))
    parts += [q.span.of(doc.text) for q in claim.quantities]
    if claim.citations:
        parts.append("cites " + ", ".join(f"[{c}]" for c in claim.citations))
    obj = f" → {who(claim.object)}" if claim.object else ""
    return f"{who(claim.subject)} —{predicate}{obj}  ({'; '.join(parts)})"


def claims_by_paragraph(doc: Document) -> list[tuple[int, list]]:
    """(paragraph index, its claims in text order), for paragraphs that have claims."""
    out: dict[int, list] = {}
    for c in sorted(doc.claims, key=lambda c: c.evidence):
        out.setdefault(doc.sentences[c.sentence].paragraph, []).append(c)
    return sorted(out.items())


def render_claims_console(doc: Document, console: Console) -> None:
    console.print(f"[bold]Claims:[/] {len(doc.claims)} in {len(claims_by_paragraph(doc))} paragraphs")
    for para, claims in claims_by_paragraph(doc):
        body = []
        for c in claims:
            body.append(Text(claim_line(doc, c)))
            body.append(Text("  “" + " ".join(c.evidence.of(doc.text).split()) + "”", style="italic dim"))
        console.print(Panel(Group(*body), title=f"paragraph {para + 1}", title_align="left"))


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def render_claims_markdown(doc: Document) -> str:
    lines = [f"## Claims ({len(doc.claims)})", ""]
    for para, claims in claims_by_paragraph(doc):
        lines += [f"### Paragraph {para + 1}", ""]
        for c in claims:
            lines.append(f"- {_md(claim_line(doc, c))}: “{_md(c.evidence.of(doc.text))}”")
        lines.append("")
    return "\n".join(lines)


def render_markdown(doc: Document) -> str:
    title = doc.title.of(doc.text) if doc.title else "(untitled)"
    lines = [
        f"# Sourcing audit: {_md(title)}",
        "",
        f"- Source: {_md(doc.source)}",
        f"- Authors: {_md(', '.join(doc.authors) or 'not stated')}",
        f"- Published: {_md(_published(doc))}",
        f"- Document id: `{doc.id}`",
        "",
        f"## References ({len(doc.references)})",
        "",
        "| # | publisher | date | title | URL date |",
        "|---|---|---|---|---|",
    ]
    for r in doc.references:
        lines.append(
            f"| {_md(r.label)} | {_md(r.publisher or '')} | {r.date.iso() if r.date else ''} | "
            f"{_md(r.title or '')} | {r.url_date.iso() if r.url_date else ''} |"
        )
    lines += ["", f"## Findings ({summary(doc)})", ""]
    for sev in SEVERITIES:
        for f in _by_severity(doc)[sev]:
            lines.append(f"### {sev}: `{f.code}`")
            lines.append("")
            lines.append(_md(f.message))
            lines.append("")
            lines.append(f"> {_md(_quote(doc, f))}")
            if f.references:
                lines += ["", "References: " + ", ".join(f"\\[{_md(r)}\\]" for r in f.references)]
            if f.source:
                lines += ["", f"Source \\[{_md(f.source.reference)}\\] says ({_md(_where(f))}):", "",
                          f"> {_md(_passage(f))}"]
            if f.suggestion:
                lines += ["", f"Suggestion: {_md(f.suggestion.message)}"]
            lines.append("")
    return "\n".join(lines)


def render_html(doc: Document) -> str:
    e = html.escape
    title = doc.title.of(doc.text) if doc.title else "(untitled)"
    rows = "".join(
        f"<tr><td>{e(r.label)}</td><td>{e(r.publisher or '')}</td><td>{e(r.date.iso() if r.date else '')}</td>"
        f"<td>{e(r.title or '')}</td><td>{e(r.url_date.iso() if r.url_date else '')}</td></tr>"
        for r in doc.references
    )
    items = "".join(
        f'<li class="{e(f.severity)}"><strong>{e(f.severity)}</strong> <code>{e(f.code)}</code>: {e(f.message)}'
        f"<blockquote>{e(_quote(doc, f))}</blockquote>"
        + (f'<p class="source">Source [{e(f.source.reference)}] says ({e(_where(f))}):</p>'
           f'<blockquote class="source">{e(_passage(f))}</blockquote>' if f.source else "")
        + (f"<p>Suggestion: {e(f.suggestion.message)}</p>" if f.suggestion else "")
        + "</li>"
        for sev in SEVERITIES
        for f in _by_severity(doc)[sev]
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Sourcing audit: {e(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}.error{color:#a00}"
        ".warning{color:#a60}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .4rem}"
        "</style></head><body>"
        f"<h1>Sourcing audit: {e(title)}</h1>"
        f"<p>Source: {e(doc.source)}<br>Authors: {e(', '.join(doc.authors) or 'not stated')}<br>"
        f"Published: {e(_published(doc))}<br>Document id: {e(doc.id)}</p>"
        f"<h2>References ({len(doc.references)})</h2><table><tr><th>#</th><th>publisher</th><th>date</th>"
        f"<th>title</th><th>URL date</th></tr>{rows}</table>"
        f"<h2>Findings ({e(summary(doc))})</h2><ul>{items}</ul></body></html>"
    )
