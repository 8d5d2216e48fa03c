"""The bundled rule sets (YAML files in `claimgraph/data/`), loaded once and validated lightly.

Every rule file carries a `version`; extracted items record the versions of the rules that made them
(`rules_version()`), so a stored claim can be traced to the rules in force when it was extracted.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib import resources
from typing import Any

import yaml

from claimgraph.errors import DataFileError

#: libyaml's parser with PyYAML's safe constructor when PyYAML was built with it (the same data, about 6x
#: faster: the gazetteer took 6.8 s of a worker's 9 s start on the 2-core machine with the pure-Python one).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)



class DuplicateKey(yaml.constructor.ConstructorError):
    """A mapping that names one key twice (YAML keeps the last silently: a rule would vanish unseen)."""

    def __init__(self, key: object, mark: yaml.Mark):
        super().__init__(None, None, f"the key {key!r} appears twice in one mapping (line {mark.line + 1})", mark)
        self.key = key


class UniqueKeyLoader(SAFE_LOADER):  # type: ignore[misc, valid-type]
    """SAFE_LOADER that refuses a mapping with a repeated key (every rule and gazetteer file is read with it)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: set = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=deep)
            try:
                if key in seen:
                    raise DuplicateKey(key, key_node.start_mark)
                seen.add(key)
            except TypeError:  # an unhashable key: the base constructor reports it
                break
        return super().construct_mapping(node, deep=deep)


def parse(text: str, source: str) -> Any:
    """A rule or gazetteer file's text as data, read with UniqueKeyLoader. Raises DataFileError naming `source`
    and, for a repeated key, the key and its line."""
    try:
        return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except DuplicateKey as exc:
        raise DataFileError(f"duplicate key {exc.key!r} (line {exc.problem_mark.line + 1}): YAML would keep only "
                            "the last one", source=source) from None
    except yaml.YAMLError as exc:
        raise DataFileError(f"cannot parse: {exc}", source=source) from exc


#: Where the rule files live (a package resource directory; tests point it elsewhere).
DATA_DIR = resources.files("claimgraph") / "data"


@functools.cache
def load(name: str) -> dict[str, Any]:
    """The rule file `claimgraph/data/<name>.yaml` as a dict (cached; treat it as read-only)."""
    path = DATA_DIR / f"{name}.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"cannot load rule file: {exc}", source=str(path)) from exc
    data = parse(text, str(path))
    if not isinstance(data, dict) or "version" not in data:
        raise DataFileError("a rule file must be a mapping with a 'version'", source=str(path))
    return data


@functools.cache
def words(name: str, key: str) -> frozenset[str]:
    """A word list of a rule file: `key` of `claimgraph/data/<name>.yaml`, a list of strings, as a frozenset.

    The one typed accessor for word lists, so that every list lives in one file and one place. Raises
    DataFileError naming the file and the key when the key is missing or is not a list of strings (YAML 1.1
    reads an unquoted `on`/`no` as a boolean: such an entry is reported, not silently dropped)."""
    data = load(name)
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise DataFileError(f"'{key}' must be a list of non-empty strings (got {type(value).__name__})",
                            source=f"claimgraph/data/{name}.yaml")
    return frozenset(value)


def alternation(words: Iterable[str], loose_stops: bool = False) -> str:
    """Rule words as one regular-expression alternation (no group): each escaped, longest first (so that "a total
    of" wins over "total"), a space matching any run of spaces; with `loose_stops`, a full stop inside a word
    may be left out or followed by a space ("n.d" matches "nd" and "n. d")."""
    out = []
    for w in sorted(words, key=lambda w: (-len(w), w)):
        pattern = re.escape(w).replace(r"\ ", r"\s+")
        out.append(pattern.replace(r"\.", r"\.?\s?") if loose_stops else pattern)
    return "|".join(out)


#: The rule files whose versions identify a run of the pipeline.
RULE_FILES = ("audit", "entities", "events", "modality", "quantities", "roles", "scripture", "structure",
              "support", "timex")


def rules_version() -> str:
    """One string naming every rule file's version, e.g. 'audit@2026.11.1+structure@2026.11.1'."""
    return "+".join(f"{name}@{load(name)['version']}" for name in RULE_FILES)
