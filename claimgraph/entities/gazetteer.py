"""The curated gazetteer (`claimgraph/data/gazetteer/*.yaml`): canonical entities and every name they go by.

Names are compared folded: case, diacritics, hyphens, apostrophes, periods and spaces ignored
("Tehreek-e-Taliban" = "Tehreek e Taliban" = "TEHREEK-E-TALIBAN"), except short all-capital acronyms, which
must match case too ("US" is not "us", "IS" is not "is"). Loading validates the files; problems such as one
name on two entities are reported as `GazetteerIssue`s, never silently merged.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any

from claimgraph import rules
from claimgraph.errors import DataFileError

#: Every entity type: `actor_types` and `other_types` of data/entities.yaml.
ENTITY_TYPES = rules.words("entities", "actor_types") | rules.words("entities", "other_types")
#: Acronyms up to this length match case-sensitively.
ACRONYM_MAX = 6
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015'\u2018\u2019`\u02bc.]+")


def fold(text: str) -> str:
    """The comparison key of a name: lower case, no diacritics, no separators."""
    if text.isascii():  # most words: NFKD leaves ASCII as it is and no ASCII character is a combining mark
        return _SEPARATORS.sub("", text).casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SEPARATORS.sub("", plain).casefold()


@functools.cache
def boundaries(name: str) -> frozenset[int]:
    """Positions in `fold(name)` where the name has a word boundary (a space or hyphen)."""
    out, pos = set(), 0
    for part in _SEPARATORS.split(name):
        pos += len(fold(part))
        out.add(pos)
    return frozenset(out)


def is_acronym(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return 1 < len(letters) <= ACRONYM_MAX and all(c.isupper() for c in letters) and " " not in name.strip()


@dataclass(frozen=True)
class Name:
    """One way an entity is named.

    text: as written in the gazetteer.
    entity: the entity's id.
    kind: 'name', 'alias', 'demonym' or 'metonym'.
    start, end: validity of a metonym ("Kabul" stands for the Taliban government from 2021-08-15).
    """

    text: str
    entity: str
    kind: str
    start: dt.date | None = None
    end: dt.date | None = None

    def valid_on(self, day: dt.date | None) -> bool:
        if day is None:
            return self.end is None  # undated text: the name's present meaning
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class GazEntry:
    """A canonical entity of the gazetteer (fields as in the YAML files; see docs in data/gazetteer/)."""

    id: str
    name: str
    type: str
    wikidata: str | None
    country: str | None
    parent: str | None
    facet_of: str | None
    names: tuple[Name, ...]
    source: str
    start: dt.date | None = None
    earlier_type: str | None = None

    def type_on(self, day: dt.date | None, called_government: bool) -> str:
        """The entity's type in a text of `day`: a movement that later became a government (the Taliban) is an
        armed group in text before that date, and in undated text that never calls it a government."""
        if self.earlier_type and self.start:
            before = day < self.start if day else not called_government
            if before:
                return self.earlier_type
        return self.type


@dataclass(frozen=True)
class GazetteerIssue:
    """A problem found while loading: what, where."""

    file: str
    entity: str
    problem: str


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise DataFileError(f"bad date {value!r} in {where}") from exc


class Gazetteer:
    """Entities by id, and an index from folded names to the names that fold to them."""

    def __init__(self, files: dict[str, str]) -> None:
        """`files` maps a file name to its YAML text."""
        self.entries: dict[str, GazEntry] = {}
        self.issues: list[GazetteerIssue] = []
        self.versions: dict[str, str] = {}
        for fname, text in sorted(files.items()):
            self._load(fname, text)
        self._check_links()
        self.index: dict[str, list[Name]] = {}
        self._index()
        self.max_words = max((len(n.text.split()) + n.text.count("-") for ns in self.index.values() for n in ns),
                             default=1)

    def _load(self, fname: str, text: str) -> None:
        data = rules.parse(text, fname)  # a repeated key is an error, not a silently lost name
        if not isinstance(data, dict) or "version" not in data or not isinstance(data.get("entities"), list):
            raise DataFileError("a gazetteer file needs 'version' and a list of 'entities'", source=fname)
        self.versions[fname] = str(data["version"])
        for raw in data["entities"]:
            if not isinstance(raw, dict) or not raw.get("id") or not raw.get("name"):
                self.issues.append(GazetteerIssue(fname, str(raw)[:40], "entry without id or name"))
                continue
            eid = str(raw["id"])
            if eid in self.entries:
                self.issues.append(GazetteerIssue(fname, eid, f"duplicate id (also in {self.entries[eid].source})"))
                continue
            etype = raw.get("type")
            if etype not in ENTITY_TYPES:
                self.issues.append(GazetteerIssue(fname, eid, f"unknown type {etype!r}"))
                continue
            wikidata = raw.get("wikidata")
            if wikidata is not None and not re.fullmatch(r"Q[1-9]\d*", str(wikidata)):
                self.issues.append(GazetteerIssue(fname, eid, f"malformed Wikidata id {wikidata!r}"))
                wikidata = None
            names = [Name(str(raw["name"]), eid, "name")]
            names += [Name(str(a), eid, "alias") for a in raw.get("aliases") or []]
            names += [Name(str(d), eid, "demonym") for d in raw.get("demonyms") or []]
            for m in raw.get("metonyms") or []:
                m = m if isinstance(m, dict) else {"name": m}
                where = f"{fname}:{eid}"
                names.append(Name(str(m["name"]), eid, "metonym", _date(m.get("from"), where),
                                  _date(m.get("until"), where)))
            earlier = raw.get("earlier_type")
            if earlier is not None and earlier not in ENTITY_TYPES:
                self.issues.append(GazetteerIssue(fname, eid, f"unknown earlier_type {earlier!r}"))
                earlier = None
            self.entries[eid] = GazEntry(eid, str(raw["name"]), etype, wikidata, raw.get("country"),
                                         raw.get("parent"), raw.get("facet_of"), tuple(names), fname,
                                         _date(raw.get("from"), f"{fname}:{eid}"), earlier)

    def _check_links(self) -> None:
        for e in self.entries.values():
            for field in ("country", "parent", "facet_of"):
                target = getattr(e, field)
                if target is not None and target not in self.entries:
                    self.issues.append(GazetteerIssue(e.source, e.id, f"{field} {target!r} is not an entity"))

    def _index(self) -> None:
        owners: dict[str, set[str]] = {}
        for e in self.entries.values():
            for n in e.names:
                key = fold(n.text)
                if not key:
                    continue
                self.index.setdefault(key, []).append(n)
                if n.kind != "metonym":
                    owners.setdefault(key, set()).add(e.id)
        for key, ids in sorted(owners.items()):
            if len(ids) > 1:
                names = sorted({n.text for n in self.index[key] if n.entity in ids})
                self.issues.append(GazetteerIssue(
                    ",".join(sorted({self.entries[i].source for i in ids})), ",".join(sorted(ids)),
                    f"the name {' / '.join(names)} belongs to {len(ids)} entities"))

    def lookup(self, surface: str, day: dt.date | None = None) -> list[Name]:
        """Names matching `surface` (folded; acronyms case-sensitively), metonyms valid on `day` only."""
        out = []
        for n in self.index.get(fold(surface), []):
            if is_acronym(n.text) and surface.replace(".", "") != n.text.replace(".", ""):
                continue
            if n.kind == "metonym" and not n.valid_on(day):
                continue
            out.append(n)
        return out

    def state_of(self, eid: str) -> str | None:
        """The state an entity belongs to (itself for a state)."""
        e = self.entries.get(eid)
        if e is None:
            return None
        return e.id if e.type == "state" else e.country

    @property
    def version(self) -> str:
        """One version when every file agrees, else each file's."""
        if len(set(self.versions.values())) == 1:
            return next(iter(self.versions.values()))
        return ",".join(f"{k.removesuffix('.yaml')}:{v}" for k, v in sorted(self.versions.items()))


@functools.cache
def load() -> Gazetteer:
    """The bundled gazetteer (loaded once)."""
    folder = resources.files("claimgraph") / "data" / "gazetteer"
    files = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.name.endswith(".yaml")}
    return Gazetteer(files)
