"""Alembic environment: runs on the connection `claimgraph.store.engine` hands over (config.attributes), or,
from the alembic command line, on the URL given as `-x db=URL` (default: the CLAIMGRAPH_DB / ./claimgraph.db)."""

from __future__ import annotations

from alembic import context

from claimgraph.store.schema import metadata


def _include_name(name, type_, parent_names) -> bool:
    """Leave out what the schema module does not describe: FTS5 tables, PostgreSQL search vectors."""
    if type_ == "table" and name and ("_fts" in name or name == "alembic_version"):
        return False
    return not (name or "").endswith("search_vector")  # the column and its GIN index


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        include_name=_include_name,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # the alembic command line
    from claimgraph.store.engine import make_engine, resolve_url

    engine = make_engine(resolve_url(context.get_x_argument(as_dictionary=True).get("db")))
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()
