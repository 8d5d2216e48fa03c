"""The web layer: `claimgraph serve`'s pages and JSON API, over the same library functions as the CLI
(`claimgraph.store.kb.KnowledgeBase`).

- `app.create_app(db, allow_ingest=False)`: the FastAPI application (read-only database unless allowed to ingest).
- `api`: the JSON API under `/api/v1/` (paginated; errors in the one shape of `claimgraph.errors`).
- `pages`: the server-rendered HTML pages (Jinja2, autoescape on); `markup`: the article text as escaped
  segments with annotations added by character offset (never HTML from the article).
- `static/`: our scripts and styles; `static/vendor/`: cytoscape.js and vis-timeline as released on npm
  (`VENDOR.json` records versions, licences and tarball hashes).
"""

from __future__ import annotations

from typing import Any


def create_app(*args: Any, **kwargs: Any):
    """`claimgraph.web.app.create_app` (imported here on first use, so that the CLI starts without FastAPI)."""
    from claimgraph.web.app import create_app as make

    return make(*args, **kwargs)


__all__ = ["create_app"]
