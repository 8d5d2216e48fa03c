"""The bundled rule sets (YAML files in `claimgraph/data/`), loaded once and validated lightly.

Every rule file carries a `version`; extracted items record the versions of the rules that made them
(`rules_version()`), so a stored claim can be traced to the rules in force when it was extracted.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
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


def _word_list(name: str, key: str) -> tuple[str, ...]:
    data = load(name)
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise DataFileError(f"'{key}' must be a list of non-empty strings (got {type(value).__name__})",
                            source=f"claimgraph/data/{name}.yaml")
    return tuple(value)


@functools.cache
def word_list(name: str, key: str) -> tuple[str, ...]:
    """A word list of a rule file in its file order (for vocabularies whose order is shown: modality kinds).
    The same checks as `words`."""
    return _word_list(name, key)


@functools.cache
def word_map(name: str, key: str) -> dict[str, str]:
    """A mapping of words to words of a rule file (`key` of `claimgraph/data/<name>.yaml`), e.g. predicate ->
    quad class. Raises DataFileError naming the file and the key when it is not a mapping of strings.
    Treat the result as read-only (cached)."""
    data = load(name)
    value = data.get(key)
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) and k and v
                                              for k, v in value.items()):
        raise DataFileError(f"'{key}' must be a mapping of non-empty strings (got {type(value).__name__})",
                            source=f"claimgraph/data/{name}.yaml")
    return dict(value)


@functools.cache
def words(name: str, key: str) -> frozenset[str]:
    """A word list of a rule file: `key` of `claimgraph/data/<name>.yaml`, a list of strings, as a frozenset.

    The one typed accessor for word lists, so that every list lives in one file and one place. Raises
    DataFileError naming the file and the key when the key is missing or is not a list of strings (YAML 1.1
    reads an unquoted `on`/`no` as a boolean: such an entry is reported, not silently dropped)."""
    return frozenset(_word_list(name, key))


def alternation(words: Iterable[str], loose_stops: bool = False) -> str:
    """Rule words as one regular-expression alternation (no group): each escaped, longest first (so that "a total
    of" wins over "total"), a space matching any run of spaces; with `loose_stops`, a full stop inside a word
    may be left out or followed by a space ("n.d" matches "nd" and "n. d")."""
    out = []
    for w in sorted(words, key=lambda w: (-len(w), w)):
        pattern = re.escape(w).replace(r"\ ", r"\s+")
        out.append(pattern.replace(r"\.", r"\.?\s?") if loose_stops else pattern)
    return "|".join(out)


#: What a text must contain for a pattern to match: all of these clauses, each a literal (the text holds it) or
#: a tuple of alternatives (one of them holds, each again a tuple of clauses).
Clauses = tuple[Any, ...]


def _expression(clauses: Clauses) -> str:
    """`clauses` as one Python boolean expression over the text `t` (literals written with repr)."""
    parts = [f"{clause!r} in t" if clause.__class__ is str
             else "(" + " or ".join(_expression(alt) for alt in clause) + ")" for clause in clauses]
    return "(" + " and ".join(parts) + ")"


def _test(clauses: Clauses) -> Callable[[str], bool]:
    """`clauses` compiled into one function of the text: a tree of `in` tests that Python evaluates without a
    call per clause (walking the tree in Python cost as much as the pattern search it was to spare)."""
    return eval("lambda t: " + _expression(clauses))  # noqa: S307 - built from repr'd literals and and/or only


class Prefiltered:
    """A compiled pattern behind a cheap test: `search(text)` is the pattern's, but returns None at once when
    `text` lacks what every match must contain (`required`: literals, and for an alternation what one of its
    alternatives needs).

    Why: Python's `re` tries every alternative at every position of the text (a leading look-behind such as
    `(?<!\\w)` also turns off its first-character scan), so a union of a few dozen rule patterns costs about
    0.1 ms a sentence even when, as in most sentences, nothing matches, while `in` on the lower-cased text is a
    fast substring search (timex's two unions on the 3,138 sentences of the 60,000-word bench corpus: 0.41 s
    of searching before, 0.15 after). Exact: a match contains what its alternative requires, so a text
    without it cannot match. The lower-cased comparison stands for IGNORECASE; a text
    goes to the pattern directly when it holds a character that IGNORECASE matches to an ASCII one
    (`ascii_lookalikes`: the long s, the Kelvin sign...)."""

    __slots__ = ("regex", "clauses", "ignorecase", "_may_match")

    def __init__(self, regex: re.Pattern[str], clauses: Clauses) -> None:
        self.regex = regex
        self.clauses = clauses
        self.ignorecase = bool(regex.flags & re.IGNORECASE)
        self._may_match = _test(clauses)

    def search(self, text: str, *args: int) -> re.Match[str] | None:
        if (text.isascii() or not self.ignorecase or ascii_lookalikes().isdisjoint(text)) and not self._may_match(
                text.lower() if self.ignorecase else text):
            return None
        return self.regex.search(text, *args)

    def finditer(self, text: str, *args: int) -> Iterator[re.Match[str]]:
        if (text.isascii() or not self.ignorecase or ascii_lookalikes().isdisjoint(text)) and not self._may_match(
                text.lower() if self.ignorecase else text):
            return iter(())
        return self.regex.finditer(text, *args)


@functools.cache
def ascii_lookalikes() -> frozenset[str]:
    """The characters beyond ASCII that IGNORECASE matches to an ASCII character ("ſ" to "s", the Kelvin sign
    to "k", "İ" to "i"): a text holding one may match a literal that its lower case does not contain. Read from
    `re` itself over the Basic Multilingual Plane (a test checks that no character beyond it matches)."""
    ascii_any = re.compile(r"[\x00-\x7f]", re.IGNORECASE)
    return frozenset(chr(i) for i in range(0x80, 0x10000) if ascii_any.match(chr(i)))


def required(pattern: re.Pattern[str]) -> Clauses:
    """What every match of `pattern` contains (`Clauses`), read from the parsed pattern: each run of plain
    characters in sequence (lower-cased under IGNORECASE), descending into groups, alternations and repeats of
    at least one; runs shorter than two characters or not ASCII, and parts that may be absent, require nothing.
    An empty tuple: nothing is required."""
    from re import _constants as c
    from re import _parser

    fold = bool(pattern.flags & re.IGNORECASE)

    def needs(sequence: Any) -> Clauses:
        clauses: list[Any] = []
        run = ""

        def close() -> None:
            if len(run) >= 2 and run.isascii():
                clauses.append(run.lower() if fold else run)

        for op, arg in sequence:
            if op is c.LITERAL:
                run += chr(arg)
                continue
            close()
            run = ""
            if op is c.SUBPATTERN and not arg[1] & re.IGNORECASE:  # "(?i:...)" inside: literals compare as written
                clauses.extend(needs(arg[-1]))
            elif op in (c.MAX_REPEAT, c.MIN_REPEAT) and arg[0] >= 1:
                clauses.extend(needs(arg[2]))
            elif op is c.BRANCH:
                alternatives = tuple(needs(alternative) for alternative in arg[1])
                if all(alternatives):  # an alternative that needs nothing makes the whole branch need nothing
                    clauses.append(alternatives)
        close()
        # literals first, longest first (the likeliest to be missing), then alternations
        return tuple(sorted(clauses, key=lambda x: (x.__class__ is not str, -len(x) if x.__class__ is str else 0)))

    return needs(_parser.parse(pattern.pattern, pattern.flags))


def prefiltered(pattern: re.Pattern[str]) -> re.Pattern[str] | Prefiltered:
    """`pattern` behind its prefilter (`Prefiltered`) when something is required of a match, else `pattern`."""
    clauses = required(pattern)
    if pattern.flags & re.IGNORECASE:
        ascii_lookalikes()  # built with the rules, not in a document
    return Prefiltered(pattern, clauses) if clauses else pattern


#: The rule files whose versions identify a run of the pipeline.
RULE_FILES = ("audit", "entities", "events", "modality", "quantities", "roles", "scripture", "structure",
              "support", "timex")


def rules_version() -> str:
    """One string naming every rule file's version, e.g. 'audit@2026.11.1+structure@2026.11.1'."""
    return "+".join(f"{name}@{load(name)['version']}" for name in RULE_FILES)
