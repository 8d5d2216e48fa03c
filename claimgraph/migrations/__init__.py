"""Alembic migrations of the knowledge base (`versions/`), applied by `claimgraph.store.open_store` on open.

No alembic.ini is needed: `claimgraph.store.engine.alembic_config()` builds the configuration in code, so the
migrations run from an installed package. To write a new revision during development:

    .venv/bin/python -m claimgraph.store.engine revision "what changes"
"""
