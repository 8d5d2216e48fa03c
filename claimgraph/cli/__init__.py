"""The command line: a thin layer over the library that turns its errors into messages and exit codes.

The app is defined here, once, with the document commands (audit, extract, eval); the knowledge-base commands
(`claimgraph.cli.kb`) and `serve` (`claimgraph.cli.serve`) are registered on it below and never import it back.
Errors and exit codes: `claimgraph.cli.output` (0 ok; 1 findings at or above `--fail-on`; 2 bad input or usage).
"""

from __future__ import annotations

import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from claimgraph import __version__
from claimgraph.cli import kb as kb_commands
from claimgraph.cli import serve as serve_command
from claimgraph.cli.output import EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, fail, report_error, report_failure
from claimgraph.errors import ClaimgraphError, InputError
from claimgraph.read import ReadOptions
from claimgraph.runner import DEFAULT_BUDGET, Failure

__all__ = ["EXIT_BAD_INPUT", "EXIT_FINDINGS", "EXIT_OK", "app", "main", "report_error", "report_failure"]

app = typer.Typer(
    name="claimgraph",
    help="Read conflict and geopolitics reporting, audit its sourcing, and extract evidence-backed claims.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


class Half(StrEnum):
    a = "a"
    b = "b"


class FailOn(StrEnum):
    never = "never"
    error = "error"
    warning = "warning"


_FAIL_LEVELS = {"never": set(), "error": {"error"}, "warning": {"error", "warning"}}

AllowPrivate = Annotated[
    bool, typer.Option("--allow-private", help="Allow fetching URLs on private or loopback addresses.")
]


Workers = Annotated[int, typer.Option("--workers", "-w", min=1, help="Worker processes (one model load each).")]
Budget = Annotated[float, typer.Option(
    "--budget", min=0, help=f"Seconds allowed per document before it fails as too slow (0: no limit; "
                            f"default {DEFAULT_BUDGET:g}).")]
Debug = Annotated[bool, typer.Option("--debug", help="Show the Python traceback of unexpected failures.")]


def _pipeline(allow_private: bool, sources=None):
    from claimgraph.core import Pipeline  # the model loads here, after the arguments are known to be good

    return Pipeline(read_options=ReadOptions(allow_private=allow_private), sources=sources)


def _source_library(folder: Path | None, fetch: bool, db: str | None, allow_private: bool):
    """The library of cited documents for `audit --sources/--fetch-sources/--db`, or None (titles only).
    Sources read are kept in the knowledge base (--db, else $CLAIMGRAPH_DB, else ./claimgraph.db)."""
    if folder is None and not fetch and db is None:
        return None
    from claimgraph.sources.get import SourceLibrary
    from claimgraph.store.database import Store

    return SourceLibrary(folder, fetch, Store(db), ReadOptions(allow_private=allow_private))


def prepare_out(out: Path | None) -> None:
    """Create the folder `--out` writes into, before any work; a clear error (exit 2) when that cannot be."""
    if out is None:
        return
    if out.is_dir():
        raise InputError("is a folder; --out names the file to write", str(out))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create the folder for --out: {exc.strerror or exc}", str(out)) from None


def _write(out: Path | None, text: str) -> None:
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    tmp = out.with_name(out.name + ".part")
    tmp.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    tmp.replace(out)  # never leave a half-written report behind


def _version(value: bool) -> None:
    if value:
        print(f"claimgraph {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    pass


@app.command()
def audit(
    source: Annotated[
        str, typer.Argument(help="A file (.txt .md .html .htm .pdf), '-' for stdin, or an http(s) URL.")
    ],
    format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ReportFormat.text,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the report to this file.")] = None,
    fail_on: Annotated[
        FailOn, typer.Option("--fail-on", help="Exit 1 when a finding of this severity or worse is found.")
    ] = FailOn.never,
    claims: Annotated[
        bool, typer.Option("--claims", help="Also list the claims found, paragraph by paragraph.")
    ] = False,
    allow_private: AllowPrivate = False,
    sources: Annotated[Path | None, typer.Option(
        "--sources", help="A folder of saved copies of the cited documents (matched by URL: its manifest.json, "
                          "or a saved page's canonical URL): check each citation against its document.")] = None,
    fetch_sources: Annotated[bool, typer.Option(
        "--fetch-sources", help="Fetch cited documents not found in the knowledge base or --sources, and check "
                                "each citation against its document.")] = False,
    db: Annotated[str | None, typer.Option(
        "--db", help="Knowledge base that keeps cited documents between checks (default: $CLAIMGRAPH_DB, else "
                     "./claimgraph.db; used with --sources/--fetch-sources, or alone to check offline).")] = None,
    budget: Budget = DEFAULT_BUDGET,
    debug: Debug = False,
) -> None:
    """Report on one document: its references and what is wrong with its sourcing."""
    from claimgraph import report
    from claimgraph.contract import document_json
    from claimgraph.runner import DocumentJob, run_batch, tasks_of

    read_options = ReadOptions(allow_private=allow_private)
    try:
        prepare_out(out)
        tasks = tasks_of([source], read_options)
        if len(tasks) != 1:
            raise InputError(f"audit reads one document; this names {len(tasks)} (use `claimgraph extract` "
                             "for many)", source)
        library = _source_library(sources, fetch_sources, db, allow_private)
        try:
            pipeline = _pipeline(allow_private, library) if not isinstance(tasks[0], Failure) else None
            results = [result for _task, result in run_batch(tasks, DocumentJob(), budget=budget or None,
                                                             read_options=read_options, pipeline=pipeline)]
        finally:
            if library is not None:
                library.store.close()
    except ClaimgraphError as exc:
        raise fail(exc) from None
    doc = results[0]
    if isinstance(doc, Failure):
        report_failure(err, doc, debug)
        raise typer.Exit(EXIT_BAD_INPUT)
    if format is ReportFormat.json:
        _write(out, json.dumps(document_json(doc), ensure_ascii=False, indent=1))
    elif format is ReportFormat.markdown:
        _write(out, report.render_markdown(doc) + ("\n" + report.render_claims_markdown(doc) if claims else ""))
    elif format is ReportFormat.html:
        _write(out, report.render_html(doc))
    elif out is not None:
        console = Console(record=True, width=110, file=io.StringIO())
        report.render_console(doc, console)
        if claims:
            report.render_claims_console(doc, console)
        _write(out, console.export_text())
    else:
        report.render_console(doc, Console())
        if claims:
            report.render_claims_console(doc, Console())
    if any(f.severity in _FAIL_LEVELS[fail_on.value] for f in doc.findings):
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def extract(
    sources: Annotated[list[str], typer.Argument(help="Files, folders (recursive), globs, '-' or URLs.")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write JSON Lines to this file.")] = None,
    allow_private: AllowPrivate = False,
    workers: Workers = 1,
    budget: Budget = DEFAULT_BUDGET,
    debug: Debug = False,
    dask: Annotated[str | None, typer.Option(
        "--dask", metavar="ADDRESS|local:N", help="Extract on a Dask cluster (a scheduler address, or local:N "
                                                  "to start N local worker processes).")] = None,
) -> None:
    """Extract each document as one JSON object per line (the JSON contract of PRODUCT.md)."""
    from claimgraph.runner import JsonLineJob, run_batch, tasks_of

    read_options = ReadOptions(allow_private=allow_private)
    try:
        prepare_out(out)
    except ClaimgraphError as exc:
        raise fail(exc) from None
    tasks = tasks_of(sources, read_options)
    failures = 0
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    tmp = out.with_name(out.name + ".part") if out is not None else None
    try:
        sink = tmp.open("w", encoding="utf-8") if tmp is not None else sys.stdout
    except OSError as exc:
        raise fail(InputError(f"cannot write there: {exc.strerror or exc}", str(out))) from None
    try:
        with progress:
            bar = progress.add_task("extracting", total=len(tasks))
            if dask:
                from claimgraph.cluster import run_dask

                batch = run_dask(tasks, JsonLineJob(), dask, budget=budget or None, read_options=read_options)
            else:
                batch = run_batch(tasks, JsonLineJob(), workers=workers, budget=budget or None,
                                  read_options=read_options)
            for _task, result in batch:
                if isinstance(result, Failure):
                    failures += 1
                    report_failure(err, result, debug)
                else:
                    sink.write(result + "\n")
                    sink.flush()
                progress.advance(bar)
    except ClaimgraphError as exc:  # the workers could not start: nothing was extracted
        report_error(err, exc)
        if tmp is not None:
            sink.close()
            tmp.unlink(missing_ok=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except BaseException:
        if tmp is not None:
            sink.close()
            tmp.unlink(missing_ok=True)
        raise
    if tmp is not None:
        sink.close()
    if tmp is not None and out is not None:
        tmp.replace(out)  # what succeeded, all of it, or nothing half-written
    if failures:
        err.print(f"{failures} input(s) could not be extracted; the {len(tasks) - failures} other(s) were.",
                  highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command("eval")
def eval_(
    path: Annotated[str, typer.Argument(help="A gold set (seed .gold.json or .txt, isaf-*.jsonl, plover-*.jsonl, "
                                             "a re3d folder) or a folder holding several.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print the scores as one JSON object.")] = False,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most N records of each gold set.")] = None,
    workers: Annotated[int, typer.Option("--workers", min=1, help="Worker processes (one model load each).")] = 1,
    half: Annotated[Half | None, typer.Option("--half", help="Score only half 'a' or 'b' of each set (split by a "
                                                            "hash of the record id).")] = None,
    predictions: Annotated[Path | None, typer.Option(
        "--predictions", help="Write the source-support predictions of WiCE sets here: one JSON line per "
                              "record, {\"index\", \"label\", \"score\"}.")] = None,
    floors: Annotated[str | None, typer.Option(
        "--floors", help="Gate the scores on this floors file (bench/floors.json): exit 1 when one is below.")] = None,
) -> None:
    """Score the pipeline on gold datasets and print the scores."""
    from claimgraph.evaluate import evaluate, render, wice
    from claimgraph.evaluate.gate import check, load_floors, render_gate

    try:
        if floors is not None and (limit is not None or half is not None):
            raise ClaimgraphError("--floors gates the scores of whole sets: leave out --limit and --half")
        pinned = load_floors(floors) if floors is not None else None  # a bad floors file fails before the run
        result = evaluate(path, limit, workers, half=half.value if half is not None else None)
    except ClaimgraphError as exc:
        raise fail(exc, json_out) from None
    if predictions is not None:
        try:
            wice.write_predictions(predictions, result)
        except OSError as exc:
            raise fail(ClaimgraphError(f"cannot write the predictions: {exc.strerror}", str(predictions)),
                       json_out) from None
    for s in result["sections"]:
        s.pop("predictions", None)  # written with --predictions; too long for the table or --json
    gate = check(result, pinned) if pinned is not None else None
    if json_out:
        if gate is not None:
            result["gate"] = gate.as_dict()
        sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        render(result, Console())
        if gate is not None:
            render_gate(gate, Console(), floors)
    if gate is not None and not gate.passed:
        if json_out:
            Console(stderr=True).print(f"accuracy gate: {len(gate.failed)} score(s) below their floor or missing",
                                       highlight=False)
        raise typer.Exit(EXIT_FINDINGS)


kb_commands.register(app)
app.command()(serve_command.serve)


def main() -> None:
    """Entry point of the `claimgraph` script."""
    app()


if __name__ == "__main__":
    main()
