"""Datasette metadata for a knowledge base: labels, descriptions and facets of every table and view
(`datasette-metadata.json`, written for a file named claimgraph.db), keyed to the file's own name.

    python -m claimgraph.web.datasette KB.db > metadata.json
    datasette KB.db --metadata metadata.json
"""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any


def metadata(db_path: str | Path = "claimgraph.db") -> dict[str, Any]:
    """The shipped metadata with its database entry named as Datasette names `db_path` (the file's stem)."""
    data = json.loads((resources.files("claimgraph") / "web" / "datasette-metadata.json").read_text("utf-8"))
    tables = data["databases"].pop("claimgraph")
    data["databases"][Path(db_path).stem] = tables
    return data


if __name__ == "__main__":
    sys.stdout.write(json.dumps(metadata(sys.argv[1] if len(sys.argv) > 1 else "claimgraph.db"), indent=1) + "\n")
