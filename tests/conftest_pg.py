"""A real PostgreSQL for the tests: Debian's server binaries, a cluster in a temporary directory, a unix socket
there and a free port; stopped and removed at the end of the session.

Import the fixtures into a test module (`from conftest_pg import pg_url, postgres_server  # noqa: F401`).
Running as root, the server runs as the `postgres` user (PostgreSQL refuses root). `make test` installs the
server when it is missing; without it these tests fail with a message saying how to install it.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

_counter = itertools.count()


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if not found:
        pytest.fail("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: "
                    "`apt-get install -y postgresql` (make test does it), or deselect with -m 'not postgres'")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server():
    """{'host': socket directory, 'port': port} of a running throwaway server."""
    bindir = _bindir()
    base = Path(tempfile.mkdtemp(prefix="claimgraph-pg-"))
    prefix: list[str] = []
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.fail("running as root needs a 'postgres' user to run the server (apt-get install postgresql)")
        os.chown(base, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    data, log, port = base / "data", base / "server.log", _free_port()

    def run(*args: str) -> None:
        done = subprocess.run([*prefix, *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            server_log = log.read_text(errors="replace") if log.exists() else ""
            pytest.fail(f"{' '.join(args[:2])} failed: {done.stdout}\n{done.stderr}\n{server_log}")

    run(str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C",
        "--no-sync")
    options = f"-k {base} -p {port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off " \
              "-c full_page_writes=off"
    run(str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start")
    try:
        yield {"host": str(base), "port": port}
    finally:
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=120)
        shutil.rmtree(base, ignore_errors=True)


def new_database(server: dict) -> str:
    """A fresh empty database on the server; its postgresql:// URL."""
    import psycopg

    name = f"kb_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(host=server["host"], port=server["port"], user="postgres", dbname="postgres",
                         autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"postgresql://postgres@/{name}?host={server['host']}&port={server['port']}"


@pytest.fixture
def pg_url(postgres_server) -> str:
    """The URL of a fresh database for one test."""
    return new_database(postgres_server)
