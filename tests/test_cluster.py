"""Extraction on a Dask cluster: partitions, and a LocalCluster of 2 workers giving the same knowledge base (and
the same JSON Lines) as 2 local worker processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claimgraph.cluster import PARTITIONS_PER_WORKER, partitions
from claimgraph.runner import Task

ROOT = Path(__file__).resolve().parents[1]


def test_partitions_are_consecutive_bounded_and_several_per_worker(tmp_path):
    tasks = [Task(f"t{i}", b"x" * size) for i, size in enumerate([10, 10, 500, 10, 10, 10, 10, 10])]
    groups = partitions(tasks, workers=1, limit=100)
    assert [i for g in groups for i in g] == list(range(8))  # every task once, in order
    assert all(sum(len(tasks[i].data) for i in g) <= 100 or len(g) == 1 for g in groups)
    assert [2] in groups  # an input over the limit goes alone
    small = partitions(tasks[:4], workers=2)  # 530 bytes for 2 workers: split, not one 4 MB partition
    assert len(small) >= 2
    missing = partitions([Task(str(tmp_path / "gone.md"))], workers=1)
    assert missing == [[0]]
    even = partitions([Task(f"e{i}", b"x" * 100) for i in range(64)], workers=2)  # a small corpus: cut finer
    assert len(even) == 2 * PARTITIONS_PER_WORKER and {len(g) for g in even} == {2}


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "claimgraph.cli", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=900, env={**os.environ, "COLUMNS": "200"})


def _kb(db: Path) -> dict:
    """Everything the knowledge base holds, as comparable data (the export tables plus row counts)."""
    from claimgraph.store import Store
    from claimgraph.store.exporters import tables

    with Store(str(db)) as store:
        out = {name: sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)
               for name, rows in tables(store).items()}
        out["counts"] = store.counts()
        out["documents"] = {d: store.document_counts(d) for d in sorted(store.document_ids())}
    return out


@pytest.mark.model
@pytest.mark.dask
def test_ingest_on_a_local_dask_cluster_equals_two_worker_processes(tmp_path):
    from kb_support import write_isaf

    docs = tmp_path / "docs"
    write_isaf(docs, 10)
    (docs / "empty.txt").write_text("\n", encoding="utf-8")
    local, dask = tmp_path / "local.db", tmp_path / "dask.db"
    by_workers = _cli("ingest", str(docs), "--db", str(local), "--workers", "2", "--json")
    by_dask = _cli("ingest", str(docs), "--db", str(dask), "--dask", "local:2", "--json")
    assert by_workers.returncode == by_dask.returncode == 2  # the empty file, in both
    summary = json.loads(by_dask.stdout)
    assert summary["added"] == 10 and [f["kind"] for f in summary["failed"]] == ["empty"]
    assert _kb(dask) == _kb(local)
    again = _cli("ingest", str(docs), "--db", str(dask), "--dask", "local:2", "--json")  # resumable, idempotent
    assert json.loads(again.stdout)["unchanged"] == 10 and _kb(dask) == _kb(local)


@pytest.mark.model
@pytest.mark.dask
def test_dask_workers_whose_model_does_not_load_stop_the_batch_with_one_clear_line():
    examples = ROOT / "examples"
    done = subprocess.run([sys.executable, "-m", "claimgraph.cli", "extract", str(examples / "clean-report.md"),
                           str(examples / "op-ed-border-trade.md"), "--dask", "local:2"], capture_output=True,
                          text=True, cwd=ROOT, timeout=900,
                          env={**os.environ, "COLUMNS": "300", "CLAIMGRAPH_MODEL": "no_such_model"})
    assert done.returncode == 2 and done.stdout == ""
    assert "Dask workers could not start" in done.stderr and "no_such_model" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.model
@pytest.mark.dask
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_killing_an_ingest_on_a_local_cluster_leaves_no_worker_behind(tmp_path):
    """The LocalCluster's worker processes die with the ingest that started them (distributed's nanny holds a
    pipe to each: when the parent goes, the pipe closes and the worker exits), as process-pool workers do."""
    from test_runner import assert_killed_ingest_leaves_no_worker

    assert_killed_ingest_leaves_no_worker(tmp_path, "--dask", "local:2")


@pytest.mark.dask
def test_local_cluster_workers_run_without_the_statistical_profiler():
    """local:N starts no dashboard, so its workers do not sample their task threads' stacks (see client_for)."""
    import dask

    from claimgraph.cluster import client_for

    def profiling() -> bool:
        return bool(dask.config.get("distributed.worker.profile.enabled"))

    with client_for("local:1") as client:
        assert client.run(profiling) == {w: False for w in client.scheduler_info()["workers"]}
    assert profiling()  # this process's configuration is left as it was
