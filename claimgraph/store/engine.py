"""Database URLs, engines and migrations.

- `resolve_url(value)`: `--db` value, else `CLAIMGRAPH_DB`, else `./claimgraph.db`. A plain path is a SQLite file;
  `postgresql://` and `postgres://` use psycopg 3.
- `make_engine(url)`: SQLite with foreign keys on, WAL, `synchronous=NORMAL` (a commit survives a killed process;
  only a power cut can lose the last ones), a 60 s busy timeout, and real transactions (pysqlite's implicit
  BEGIN is replaced by ours, so DDL in a migration is transactional too), a 64 MiB page cache per connection
  (`SQLITE_CACHE_KB`). PostgreSQL as it comes.
- `migrate(engine)`: upgrade to the newest Alembic revision, in one transaction, under a lock (BEGIN IMMEDIATE
  on SQLite, an advisory lock on PostgreSQL) so that two processes opening a new database do not race.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from claimgraph.errors import StoreError

DEFAULT_PATH = "claimgraph.db"
ENV_VAR = "CLAIMGRAPH_DB"
_PG_LOCK = 0x636C6D67  # advisory lock id for migrations ("clmg")


def resolve_url(value: str | None = None) -> str:
    """The SQLAlchemy URL for a `--db` value (None: `CLAIMGRAPH_DB`, else ./claimgraph.db)."""
    value = (value or os.environ.get(ENV_VAR) or DEFAULT_PATH).strip()
    if value.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + value.split("://", 1)[1]
    if value.startswith(("postgresql+", "sqlite:")):
        return value
    if "://" in value:
        raise StoreError(f"unsupported database URL {value!r} (use a file path, sqlite:///PATH or postgresql://...)")
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def make_engine(url: str) -> sa.Engine:
    try:
        parsed = sa.make_url(url)
    except sa.exc.ArgumentError as exc:
        raise StoreError(f"bad database URL: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            folder = Path(parsed.database).parent
            if not folder.is_dir():
                raise StoreError(f"the folder {folder} does not exist", source=parsed.database)
        engine = sa.create_engine(parsed, connect_args={"timeout": 60})
        _sqlite_events(engine)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(parsed, pool_pre_ping=True)
    raise StoreError(f"unsupported database {parsed.get_backend_name()!r}: SQLite or PostgreSQL")


#: Each SQLite connection's page cache (KiB; SQLite's default is 2 MiB). A question on a million-claim base
#: reads thousands of index and table pages (an actor's 10,000 claims, their documents); with the default
#: cache each is read through the operating system again on every asking: 5,000 claims of one actor took 240
#: ms of which 30 ms in system calls, 80 ms warm with 64 MiB (sqlite3 shell on the 450k-claim bench_kb base,
#: loaded machine). Pooled connections keep theirs between questions (the web server, the bench); the memory
#: is taken as pages are read, up to this. The writer sets a larger one (loader.SQLITE_CACHE_KB).
SQLITE_CACHE_KB = 65536


def _sqlite_events(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves (see _begin)
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA busy_timeout = 60000")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn) -> None:
        immediate = conn.get_execution_options().get("claimgraph_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writing(conn: sa.Connection) -> sa.Connection:
    """The connection, marked so that its next transaction takes the write lock at once (SQLite)."""
    return conn.execution_options(claimgraph_write=True)


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """Alembic's configuration built in code (no alembic.ini): works from an installed package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("claimgraph") / "migrations"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(conn: sa.Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: sa.Engine) -> None:
    """Bring the database to the newest schema (creating it when empty)."""
    head = head_revision()
    script = ScriptDirectory.from_config(alembic_config())
    with engine.connect() as conn:  # the usual case, no lock needed (and a read-only file opens too)
        if current_revision(conn) == head:
            return
    with engine.connect() as raw:
        conn = writing(raw)
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK})")
            current = current_revision(conn)
            if current == head:
                return
            if current is not None:
                try:
                    script.get_revision(current)
                except Exception:  # alembic raises several kinds for an unknown revision
                    raise StoreError(
                        f"the database is at schema revision {current!r}, unknown to this claimgraph "
                        "(made by a newer version?)", source=display_url(str(engine.url))) from None
            command.upgrade(alembic_config(conn), "head")


def open_engine(url: str | None = None, migrate_schema: bool = True) -> sa.Engine:
    """An engine on the resolved URL, migrated to the newest schema; connection problems raise StoreError."""
    resolved = resolve_url(url)
    engine = make_engine(resolved)
    try:
        if migrate_schema:
            migrate(engine)
        else:
            with engine.connect():
                pass
    except sa.exc.OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig) if exc.orig is not None else str(exc)
        raise StoreError(f"cannot open the database: {reason.strip()}", source=display_url(resolved)) from None
    return engine


def _revision_cli(argv: list[str]) -> None:
    """`python -m claimgraph.store.engine revision "message"`: a new empty revision file (development)."""
    if len(argv) != 2 or argv[0] != "revision":
        print('usage: python -m claimgraph.store.engine revision "message"', file=sys.stderr)
        raise SystemExit(2)
    command.revision(alembic_config(), message=argv[1])


if __name__ == "__main__":
    _revision_cli(sys.argv[1:])
