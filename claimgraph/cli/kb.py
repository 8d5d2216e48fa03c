"""Knowledge-base commands: ingest, actors, claims, timeline, disagreements, export.

Registered on the one app by `claimgraph.cli` (`register(app)`), which this module never imports. Thin over
`claimgraph.store` (ingest),
`claimgraph.store.kb.KnowledgeBase` (questions) and `claimgraph.store.exporters` (exports). Exit codes as everywhere:
0 ok, 2 bad input or usage (including an ingest in which some documents failed: the others are stored).
Errors go through `claimgraph.cli.output.fail`: with `--json`, as the one JSON error shape on standard output.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from claimgraph.cli.output import EXIT_BAD_INPUT, fail, print_json, stderr
from claimgraph.errors import ClaimgraphError, InputError
from claimgraph.runner import DEFAULT_BUDGET

Db = Annotated[str | None, typer.Option(
    "--db", help="Database: a SQLite file path or postgresql://... (default: $CLAIMGRAPH_DB, else ./claimgraph.db).")]
JsonOut = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Limit = Annotated[int | None, typer.Option("--limit", min=1, help="At most N rows.")]
Many = list[str] | None  # a repeatable option: its values are OR-ed, never silently dropped (README)


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    graphml = "graphml"
    gexf = "gexf"
    parquet = "parquet"


def _open_store(db: str | None, must_exist: bool):
    """The Store for --db; a SQLite file that does not exist is an error for questions (not for ingest)."""
    import sqlalchemy as sa

    from claimgraph.store import Store, StoreError, resolve_url

    url = resolve_url(db)
    parsed = sa.make_url(url)
    if must_exist and parsed.get_backend_name() == "sqlite" and parsed.database \
            and not Path(parsed.database).exists():
        raise StoreError("no knowledge base here: run `claimgraph ingest` first", source=parsed.database)
    return Store(url)


@contextmanager
def _kb(db: str | None) -> Iterator[Any]:
    from claimgraph.store.kb import KnowledgeBase

    store = _open_store(db, must_exist=True)
    try:
        yield KnowledgeBase(store)
    finally:
        store.close()


def _names(entities: list[dict[str, Any]]) -> str:
    return ", ".join(e["name"] for e in entities)


def _doc_label(doc: dict[str, Any]) -> str:
    parts = [doc.get("title") or doc.get("source") or doc["id"]]
    extra = ", ".join(p for p in (doc.get("outlet"), doc.get("published")) if p)
    return f"{parts[0]} ({extra})" if extra else parts[0]


def _who_says(values: list[dict[str, Any]]) -> str:
    """'the ministry says 31, the group says 40 (The Daily Example)': each value with who reported it, else the
    outlet or document that printed it."""
    parts = []
    for v in values:
        doc = v["document"]
        printed = doc.get("outlet") or doc.get("title") or doc.get("source") or doc["id"]
        who = v.get("told_by")
        parts.append(f"{who} says {v['text']} ({printed})" if who else f"{printed} says {v['text']}")
    return "; ".join(parts)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


#: below this many columns a table of many columns would break words; rows are printed as blocks instead
WIDE_ENOUGH = 120


def _print_rows(title: str, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A table on a wide terminal; on a narrow one (or a pipe of 80 columns), each row as a block of
    "column: value" lines, wrapped at spaces, so that no word is cut in two."""
    console = Console()
    if console.width >= WIDE_ENOUGH:
        table = Table(title=escape(title), title_justify="left", show_lines=True)
        for col in columns:
            table.add_column(col, overflow="fold")
        for row in rows:
            table.add_row(*(escape(v) for v in row))
        console.print(table)
        return
    console.print(f"[bold]{escape(title)}[/]", highlight=False)
    width = max(len(c) for c in columns)
    for row in rows:
        console.print(Text("─" * min(console.width, 40), style="dim"))
        for col, value in zip(columns, row, strict=True):
            if value:
                line = Text(f"{col:>{width}}  ", style="bold")
                line.append(value)  # Text, not markup: the value is shown as it is
                console.print(line, highlight=False, overflow="fold", soft_wrap=False)


# -- commands ----------------------------------------------------------------------------------------------------


def ingest(
    sources: Annotated[list[str], typer.Argument(help="Files, folders (recursive), globs, '-' or URLs.")],
    db: Db = None,
    workers: Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes (one model each).")] = 1,
    allow_private: Annotated[bool, typer.Option("--allow-private",
                                                help="Allow fetching URLs on private or loopback addresses.")] = False,
    json_out: JsonOut = False,
    budget: Annotated[float, typer.Option(
        "--budget", min=0, help=f"Seconds allowed per document before it fails as too slow (0: no limit; "
                                f"default {DEFAULT_BUDGET:g}).")] = DEFAULT_BUDGET,
    debug: Annotated[bool, typer.Option("--debug", help="Show the Python traceback of unexpected failures.")]
    = False,
    dask: Annotated[str | None, typer.Option(
        "--dask", metavar="ADDRESS|local:N", help="Extract on a Dask cluster (a scheduler address, or local:N "
                                                  "to start N local worker processes); this process writes.")]
    = None,
) -> None:
    """Extract documents into the knowledge base (one transaction per document; reruns skip stored ones)."""
    from claimgraph.read import ReadOptions
    from claimgraph.store import ADDED, UNCHANGED, VERSION
    from claimgraph.store import ingest as run_ingest

    err = stderr()
    progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        TextColumn("{task.fields[status]}"), console=err, transient=True,
                        disable=not err.is_terminal)
    tally = {ADDED: 0, VERSION: 0, UNCHANGED: 0, "failed": 0}
    try:
        store = _open_store(db, must_exist=False)
    except ClaimgraphError as exc:
        raise fail(exc, json_out) from None
    try:
        with progress:
            task = progress.add_task("ingesting", total=None, status="")

            def on_start(total: int) -> None:
                progress.update(task, total=total)

            def on_document(source: str, status: str) -> None:
                tally[status] = tally.get(status, 0) + 1
                progress.update(task, advance=1, status=(
                    f"{tally[ADDED]} added, {tally[VERSION]} new versions, {tally[UNCHANGED]} unchanged, "
                    f"{tally['failed']} failed"))

            result = run_ingest(sources, store, workers=workers, read_options=ReadOptions(allow_private=allow_private),
                                on_start=on_start, on_document=on_document, budget=budget or None,
                                dask=dask)
    except ClaimgraphError as exc:
        raise fail(exc, json_out) from None
    finally:
        store.close()
    if json_out:
        print_json(result.as_dict())
    else:
        g = result.grouping
        err.print(f"{result.total} document(s) in {result.seconds:.1f} s: {result.added} added, "
                  f"{result.new_versions} new version(s), {result.unchanged} unchanged, {len(result.failed)} failed "
                  f"— {g.get('events', 0)} events, {g.get('measures', 0)} measures, "
                  f"{g.get('disagreements', 0)} disagreements in {escape(store.url)}", highlight=False)
    if result.failed:
        table = Table(title="Not ingested", title_justify="left")
        table.add_column("source", overflow="fold")
        table.add_column("problem")
        table.add_column("stage")
        table.add_column("why", overflow="fold")
        for f in result.failed:
            table.add_row(escape(f.source), escape(f.kind), escape(f.stage), escape(f.message))
        err.print(table)
        if debug:
            for f in result.failed:
                if f.traceback:
                    err.print(f"{f.source}:\n{f.traceback}", markup=False, highlight=False, end="")
        err.print(f"{len(result.failed)} input(s) could not be ingested; the others were stored.", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT)


def actors(
    db: Db = None,
    type_: Annotated[list[str] | None, typer.Option("--type", help="Entity type(s) to list (repeatable; "
                                                                   "default: every acting type).")] = None,
    limit: Limit = None,
    json_out: JsonOut = False,
) -> None:
    """Actors across all documents: how often and where they are named, under which names."""
    from claimgraph.store.kb import ENTITY_TYPES, QueryError

    try:
        for t in type_ or []:
            if t not in ENTITY_TYPES:
                raise QueryError(f"unknown entity type {t!r} (one of {', '.join(ENTITY_TYPES)})")
        with _kb(db) as kb:
            rows = kb.actors(types=type_ or None, limit=limit) if type_ else kb.actors(limit=limit)
    except ClaimgraphError as exc:
        raise fail(exc, json_out) from None
    if json_out:
        print_json(rows)
        return
    records = []
    for r in rows:
        aliases = ", ".join(a["alias"] for a in r["aliases"] if a["alias"] != r["name"])
        records.append((r["id"], r["name"], r["type"], str(r["documents"]), str(r["mentions"]),
                        str(r["claims_as_subject"]), str(r["claims_as_object"]), aliases))
    _print_rows(f"Actors ({len(rows)})", ("id", "name", "type", "docs", "mentions", "as subject", "as object",
                                          "also called"), records)


def claims(
    db: Db = None,
    actor: Annotated[Many, typer.Option("--actor", help="An actor (id, name or alias, the gazetteer's too) as "
                                                        "subject or object; repeat for any of several.")] = None,
    predicate: Annotated[Many, typer.Option("--predicate", help="PLOVER type or relation, e.g. ASSAULT, or with a "
                                                                "mode: COERCE/deport; repeatable.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="From this date (YYYY, YYYY-MM or YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this date (inclusive).")] = None,
    place: Annotated[Many, typer.Option("--place", help="Where (an entity id, name or alias); repeatable.")] = None,
    modality: Annotated[Many, typer.Option("--modality", help="asserted, reported, quoted, speculative or "
                                                              "opinion; repeatable.")] = None,
    source: Annotated[Many, typer.Option("--source", help="A document id, or part of its path, URL, title or "
                                                          "outlet; repeatable.")] = None,
    limit: Limit = None,
    json_out: JsonOut = False,
) -> None:
    """Claims across documents, filtered, in time order, each with its evidence."""
    try:
        with _kb(db) as kb:
            rows = kb.claims(actor=actor, predicate=predicate, since=since, until=until, place=place,
                             modality=modality, source=source, limit=limit)
    except ClaimgraphError as exc:
        raise fail(exc, json_out) from None
    if json_out:
        print_json(rows)
        return
    columns = ("when", "who", "did", "to whom", "where", "how many", "said", "source", "evidence")
    records = []
    for c in rows:
        when = (c["time"] or {}).get("start") or c["document"]["published"] or ""
        did = ("NOT " if c["negated"] else "") + c["predicate"] + (f"/{c['mode']}" if c["mode"] else "")
        said = c["modality"] + (f" ({c['attributed_to']})" if c["attributed_to"] else "")  # a name, not an id
        records.append((when, _names(c["subject"]), did, _names(c["object"]), _names(c["place"]),
                        ", ".join(q["text"] for q in c["quantities"]), said, _doc_label(c["document"]),
                        c["evidence"]["text"]))
    _print_rows(f"Claims ({len(rows)})", columns, records)


def timeline(
    actor: Annotated[list[str], typer.Option("--actor", help="The actor (id, name or alias); repeat for any of "
                                                             "several.")],
    with_: Annotated[Many, typer.Option("--with", help="Only events shared with this other actor; repeatable.")]
    = None,
    predicate: Annotated[Many, typer.Option("--predicate", help="Only this PLOVER type or relation (PRED or "
                                                                "PRED/mode); repeatable.")] = None,
    db: Db = None,
    limit: Limit = None,
    json_out: JsonOut = False,
) -> None:
    """An actor's events (or a pair's) in time order, each with every document that reports it."""
    try:
        with _kb(db) as kb:
            rows = kb.timeline(actor, with_=with_, predicate=predicate, limit=limit)
    except ClaimgraphError as exc:
        raise fail(exc, json_out) from None
    if json_out:
        print_json(rows)
        return
    title = f"Timeline of {' or '.join(actor)}" + (f" with {' or '.join(with_)}" if with_ else "") + \
        f" ({len(rows)} events)"
    records = []
    for e in rows:
        start, end = e["time"]["start"], e["time"]["end"]
        when = (start if start == end or not end else f"{start or '…'} – {end}") if (start or end) else \
            (f"reported {e['first_reported']}" if e["first_reported"] else "undated")
        sources = "\n".join(f"{_doc_label(s['document'])} [{s['modality']}]" for s in e["sources"])
        records.append((when, e["label"], str(e["claims"]), sources))
    _print_rows(title, ("when", "event", "claims", "reported by"), records)


def disagreements(
    db: Db = None,
    what: Annotated[Many, typer.Option("--what", help="Only figures of this kind (killed, injured, ...); "
                                                      "repeatable.")] = None,
    contradictions: Annotated[bool, typer.Option("--contradictions",
                                                 help="Only values that cannot all be true.")] = False,
    limit: Limit = None,
    json_out: JsonOut = False,
) -> None:
    """Figures reported differently by different sources, side by side."""
    try:
        with _kb(db) as kb:
            rows = kb.disagreements(what=what, contradictions_only=contradictions, limit=limit)
    except ClaimgraphError as exc:
        raise fail(exc, json_out) from None
    if json_out:
        print_json(rows)
        return
    console = Console()
    if not rows:
        console.print("No disagreements: every figure reported more than once agrees.")
        return
    for m in rows:
        verdict = "ranges overlap" if m["compatible"] else "contradiction"
        _print_rows(f"{m['label']} — {m['distinct_values']} values, {m['documents']} documents, {verdict}",
                    ("value", "as reported", "source", "said by", "sentence"),
                    [(_number(v["value"]), v["text"], _doc_label(v["document"]), v["attributed_to"] or "",
                      v["sentence"] or "") for v in m["values"]])
        console.print(escape(_who_says(m["values"])), highlight=False)


def export(
    format: Annotated[ExportFormat, typer.Option("--format", "-f", help="What to write.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="A file (jsonl, graphml, gexf; default: standard "
                                                                 "output) or a folder (csv, parquet; default: "
                                                                 "./claimgraph-export).")] = None,
    db: Db = None,
    all_versions: Annotated[bool, typer.Option("--all-versions",
                                               help="Include superseded versions of documents.")] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print what was written as JSON (and errors as the "
                                                          "JSON error shape) instead of lines.")] = False,
) -> None:
    """Export the actor network (graphml, gexf) or the flat tables (jsonl, csv, parquet)."""
    from claimgraph.store import exporters

    try:
        store = _open_store(db, must_exist=True)
        try:
            store.ensure_grouped()
            written = exporters.export(store, format.value, out, stdout=sys.stdout, all_versions=all_versions)
        finally:
            store.close()
    except ClaimgraphError as exc:
        raise fail(exc, json_out) from None
    except OSError as exc:
        raise fail(InputError(f"cannot write there: {exc.strerror or exc}", str(out)), json_out) from None
    if json_out:
        if written or out is not None:  # to standard output, the export itself is the answer
            print_json({"format": format.value, "written": [str(p) for p in written]})
        return
    for path in written:
        stderr().print(f"wrote {escape(str(path))}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add the knowledge-base commands to the main Typer app (`claimgraph.cli` calls this once)."""
    app.command()(ingest)
    app.command()(actors)
    app.command()(claims)
    app.command()(timeline)
    app.command()(disagreements)
    app.command()(export)
