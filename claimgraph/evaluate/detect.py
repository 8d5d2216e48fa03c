"""Recognise which gold format a path holds (see ../shared/data/README.md).

- seed: a `*.gold.json` file, a text (`.txt`/`.md`) with a sibling `<stem>.gold.json`, or a folder of them;
- isaf: a `isaf*.jsonl` file (or any .jsonl whose first record has `gold.min_killed`);
- plover: a `plover*.jsonl` file (or any .jsonl whose first record has `event` and `textInfo`);
- wice: a `wice*.jsonl` file (or any .jsonl whose first record has `claim` and an `evidence` list);
- re3d: a folder with documents.json + entities.json + relations.json, or a folder whose subfolders are;
- a folder holding several of these (at any depth up to `MAX_DEPTH`): each is evaluated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from claimgraph.errors import SourceNotFound, UnsupportedFormat

KINDS = ("seed", "isaf", "plover", "re3d", "wice")
RE3D_FILES = ("documents.json", "entities.json", "relations.json")
GOLD_SUFFIX = ".gold.json"
TEXT_SUFFIXES = (".txt", ".md")
MAX_DEPTH = 3


@dataclass(frozen=True)
class GoldSource:
    """One gold set to score.

    kind: 'seed', 'isaf', 'plover' or 're3d'.
    path: the file or folder it was found at.
    files: for seeds, the gold files (one per document); for re3d, the document folders; else (path,).
    """

    kind: str
    path: Path
    files: tuple[Path, ...]

    @property
    def name(self) -> str:
        return self.path.name or str(self.path)


def seed_text_path(gold_path: Path) -> Path | None:
    """The text a seed gold file describes: its `seed` field, else `<stem>.txt`/`.md` beside it."""
    try:
        named = json.loads(gold_path.read_text(encoding="utf-8")).get("seed")
    except (OSError, ValueError, AttributeError):
        named = None
    candidates = [gold_path.with_name(named)] if isinstance(named, str) and named else []
    stem = gold_path.name[: -len(GOLD_SUFFIX)]
    candidates += [gold_path.with_name(stem + s) for s in TEXT_SUFFIXES]
    return next((c for c in candidates if c.is_file()), None)


def _jsonl_kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.startswith("isaf"):
        return "isaf"
    if name.startswith("plover"):
        return "plover"
    if name.startswith("wice"):
        return "wice"
    try:
        with path.open(encoding="utf-8-sig") as f:
            first = json.loads(next((line for line in f if line.strip()), "{}"))
    except (OSError, ValueError):
        return None
    if not isinstance(first, dict):
        return None
    if isinstance(first.get("gold"), dict) and "min_killed" in first["gold"]:
        return "isaf"
    if "event" in first and "textInfo" in first:
        return "plover"
    if "claim" in first and isinstance(first.get("evidence"), list):
        return "wice"
    return None


def _is_re3d_folder(path: Path) -> bool:
    return all((path / f).is_file() for f in RE3D_FILES)


def _re3d_folders(path: Path) -> tuple[Path, ...]:
    if _is_re3d_folder(path):
        return (path,)
    subs = sorted(p for p in path.iterdir() if p.is_dir() and _is_re3d_folder(p))
    return tuple(subs)


def _detect_file(path: Path) -> GoldSource | None:
    name = path.name.lower()
    if name.endswith(GOLD_SUFFIX):
        return GoldSource("seed", path, (path,)) if seed_text_path(path) else None
    if path.suffix.lower() in TEXT_SUFFIXES:
        gold = path.with_name(path.stem + GOLD_SUFFIX)
        return GoldSource("seed", gold, (gold,)) if gold.is_file() else None
    if path.suffix.lower() == ".jsonl":
        kind = _jsonl_kind(path)
        return GoldSource(kind, path, (path,)) if kind else None
    return None


def _detect_dir(path: Path, depth: int) -> list[GoldSource]:
    re3d = _re3d_folders(path)
    if re3d:
        return [GoldSource("re3d", path, re3d)]
    found: list[GoldSource] = []
    seeds = tuple(sorted(p for p in path.glob("*" + GOLD_SUFFIX) if p.is_file() and seed_text_path(p)))
    if seeds:
        found.append(GoldSource("seed", path, seeds))
    for p in sorted(path.glob("*.jsonl")):
        src = _detect_file(p)
        if src:
            found.append(src)
    if depth < MAX_DEPTH:
        for sub in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")):
            found.extend(_detect_dir(sub, depth + 1))
    return found


def detect(path: str | Path) -> list[GoldSource]:
    """Every gold set at `path`. Raises SourceNotFound / UnsupportedFormat (bad input) when there is none."""
    p = Path(path)
    if not p.exists():
        raise SourceNotFound("no such file or folder", str(path))
    if p.is_dir():
        found = _detect_dir(p, 0)
    else:
        one = _detect_file(p)
        found = [one] if one else []
    if not found:
        raise UnsupportedFormat(
            "no gold set recognised here: expected a seed *.gold.json (beside its .txt), isaf-*.jsonl, "
            "plover-*.jsonl, a re3d folder (documents.json, entities.json, relations.json), or a folder "
            "holding some of these", str(path))
    return found


def jsonl_records(source: GoldSource, limit: int | None = None):
    """(line number, record) of a JSON Lines gold file, blank lines skipped, at most `limit` records.

    Line numbers are the records' keys: some sets repeat their ids."""
    import json

    taken = 0
    with source.path.open(encoding="utf-8-sig") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            if limit is not None and taken >= limit:
                return
            taken += 1
            yield lineno, json.loads(line)
