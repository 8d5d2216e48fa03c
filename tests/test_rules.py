"""The rule files: one typed loader that refuses a repeated key, every file counted in `rules_version`, each
word list in one place, and the lists that used to be Python (totals, references, quantities) read from data."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from claimgraph import rules
from claimgraph.errors import DataFileError


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """Rule files read from `tmp_path` (caches cleared before and after)."""
    monkeypatch.setattr(rules, "DATA_DIR", tmp_path)
    rules.load.cache_clear()
    rules.words.cache_clear()
    yield tmp_path
    rules.load.cache_clear()
    rules.words.cache_clear()


def test_a_repeated_key_is_an_error_naming_the_file_and_key(data_dir):
    (data_dir / "top.yaml").write_text('version: "1"\nwords: [a]\nother: 1\nwords: [b]\n', encoding="utf-8")
    with pytest.raises(DataFileError, match=r"duplicate key 'words' \(line 4\)") as err:
        rules.load("top")
    assert err.value.source.endswith("top.yaml")
    (data_dir / "nested.yaml").write_text('version: "1"\ncategories:\n  killed: {verbs: [kill], verbs: [slay]}\n',
                                          encoding="utf-8")
    with pytest.raises(DataFileError, match="duplicate key 'verbs'"):
        rules.load("nested")
    (data_dir / "fine.yaml").write_text('version: "1"\na: {x: 1}\nb: {x: 2}\n', encoding="utf-8")
    assert rules.load("fine") == {"version": "1", "a": {"x": 1}, "b": {"x": 2}}  # one key per mapping is fine


def test_the_gazetteer_refuses_a_repeated_key_too():
    text = "version: '1'\nentities:\n  - {id: X, name: Example, type: state, name: Other}\n"
    with pytest.raises(DataFileError, match="duplicate key 'name'") as err:
        rules.parse(text, "states.yaml")
    assert err.value.source == "states.yaml"


def test_every_rule_file_is_counted_in_rules_version():
    files = {p.name.removesuffix(".yaml") for p in rules.DATA_DIR.iterdir() if p.name.endswith(".yaml")}
    assert files == set(rules.RULE_FILES)
    assert all(f"{name}@{rules.load(name)['version']}" in rules.rules_version() for name in files)


def test_each_word_list_is_in_one_place():
    where = defaultdict(list)
    for name in rules.RULE_FILES:
        for key, value in rules.load(name).items():
            if isinstance(value, list) and value and all(isinstance(w, str) for w in value):
                where[frozenset(value)].append(f"{name}.{key}")
    assert not [places for places in where.values() if len(places) > 1]


def test_alternation_is_longest_first_with_loose_spaces_and_stops():
    pattern = re.compile(rf"^(?:{rules.alternation(['total', 'a total of'])})", re.I)
    assert pattern.match("A  total of 40").group() == "A  total of"
    loose = re.compile(rf"^(?:{rules.alternation(['n.d'], loose_stops=True)})$")
    assert all(loose.match(s) for s in ("n.d", "nd", "n. d")) and not loose.match("n-d")


def test_lists_once_in_python_are_read_from_data():
    from claimgraph.claims.quantities import lexicon, parse_number
    from claimgraph.structure.references import normalise_url

    assert {"in all", "a total of"} <= rules.words("audit", "total_words")
    assert rules.words("structure", "tracking_parameters") >= {"utm_"}
    assert normalise_url("https://www.example.org/a/?utm_source=x&id=3&fbclid=y") == "example.org/a?id=3"
    lex = lexicon()
    assert lex.group_multipliers <= set(lex.multipliers) and "a" in lex.numeral_articles
    assert parse_number("a dozen") == 12 and parse_number("two hundred and five") == 205
    assert parse_number("two thousand three hundred") == 2300


def test_a_group_multiplier_must_be_a_multiplier(data_dir):
    source = rules.resources.files("claimgraph") / "data" / "quantities.yaml"
    text = source.read_text(encoding="utf-8").replace("group_multipliers: [hundred, dozen]",
                                                      "group_multipliers: [hundred, score]")
    (data_dir / "quantities.yaml").write_text(text, encoding="utf-8")
    from claimgraph.claims import quantities

    quantities.lexicon.cache_clear()
    try:
        with pytest.raises(DataFileError, match="'group_multipliers' must be in 'multipliers'"):
            quantities.lexicon()
    finally:
        quantities.lexicon.cache_clear()
