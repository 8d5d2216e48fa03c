"""What every command prints besides its answer: the one error printer of the CLI, failure lines, JSON.

Exit codes, the same for every command: 0 ok; 1 findings at or above `--fail-on` (or a score below its floor);
2 bad input or usage. Errors are typed (`claimgraph.errors`); each is printed here and nowhere else: one escaped
line on standard error, or, for a command run with `--json`, the one JSON error shape the web API answers with
(`claimgraph.errors.ClaimgraphError.as_dict`: {"error": {"kind", "source", "message"}}) on standard output, so
that a script reading the JSON reads the error too.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from claimgraph.errors import ClaimgraphError
from claimgraph.runner import Failure

EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT = 0, 1, 2


def stderr() -> Console:
    """A console on standard error (made when needed: tests swap the streams)."""
    return Console(stderr=True)


def print_json(value: Any, indent: int | None = 1) -> None:
    """`value` as JSON on standard output (non-ASCII kept as it is)."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=indent) + "\n")


def report_error(console: Console, exc: ClaimgraphError) -> None:
    """One line on `console`: the source and the message, escaped (a name with '[...]' prints as itself)."""
    where = f"{exc.source}: " if exc.source else ""
    console.print(f"[bold red]error[/]: {escape(where)}{escape(exc.message)}", highlight=False)


def fail(exc: ClaimgraphError, json_out: bool = False, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    """Print `exc` (with `json_out`, as the JSON error shape on standard output; else one line on standard error)
    and return the exit to raise: `raise fail(exc, json_out) from None`."""
    if json_out:
        print_json(exc.as_dict())
    else:
        report_error(stderr(), exc)
    return typer.Exit(code)


def report_failure(console: Console, failure: Failure, debug: bool = False) -> None:
    """One line per failed input (never a traceback unless `debug`): source, message, kind and stage."""
    console.print(f"[bold red]error[/]: {escape(failure.source)}: {escape(failure.message)} "
                  f"[dim]({escape(failure.kind)}, {escape(failure.stage)})[/]", highlight=False)
    if debug and failure.traceback:
        console.print(failure.traceback, markup=False, highlight=False, end="")
