"""The CLI's layers: one app with the knowledge-base commands registered on it (no module importing it back),
one error printer, and the one JSON error shape (the web API's) for every command run with --json."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from kb_support import invoke

import claimgraph.cli
from claimgraph.errors import QueryError, error_json

CLI = Path(claimgraph.cli.__file__).parent


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function (`from a import b` counts as a and a.b)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def test_no_cli_module_imports_the_app_back():
    modules = sorted(p for p in CLI.glob("*.py") if p.name not in ("__init__.py", "__main__.py"))
    assert {p.stem for p in modules} >= {"kb", "output", "serve"}
    for path in modules:
        back = {m for m in _imports(path) if m in ("claimgraph.cli", "claimgraph.cli.app", "claimgraph.cli.main")}
        assert not back, f"{path.name} imports {back}"
    # the one app has every command, the knowledge-base ones registered once
    names = [c.name or c.callback.__name__ for c in claimgraph.cli.app.registered_commands]
    assert sorted(names) == sorted(set(names))
    assert {"audit", "extract", "eval", "ingest", "actors", "claims", "timeline", "disagreements", "export",
            "serve"} <= set(names)


def test_one_error_printer_for_the_whole_cli():
    """Only `claimgraph.cli.output` writes an error line; the commands raise `fail(...)`."""
    for path in CLI.glob("*.py"):
        if path.name != "output.py":
            assert "[bold red]error" not in path.read_text(encoding="utf-8"), path.name


def test_the_json_error_shape_is_built_in_one_place():
    assert QueryError("bad date", "--since").as_dict() == error_json("bad_query", "bad date", "--since") == {
        "error": {"kind": "bad_query", "source": "--since", "message": "bad date"}}


def test_ingest_with_json_prints_errors_in_the_api_shape(tmp_path):
    result = invoke("ingest", str(tmp_path), "--db", "mysql://nowhere/kb", "--json")
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "store" and "unsupported database URL" in error["message"]
    result = invoke("ingest", str(tmp_path), "--db", "mysql://nowhere/kb")  # without --json: a line on stderr
    assert result.exit_code == 2 and result.stdout == "" and result.stderr.startswith("error: ")


def test_eval_with_json_prints_errors_in_the_api_shape(tmp_path):
    result = invoke("eval", str(tmp_path / "no-such-set.jsonl"), "--json")
    assert result.exit_code == 2
    assert set(json.loads(result.stdout)["error"]) == {"kind", "source", "message"}


def test_python_dash_m_runs_the_one_app():
    import subprocess
    import sys

    for module in ("claimgraph", "claimgraph.cli"):
        done = subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True, text=True,
                              timeout=120, check=False)
        assert done.returncode == 0 and done.stdout.startswith("claimgraph "), (module, done.stderr)
