"""The structure stage's rules (`claimgraph/data/structure.yaml`), checked for shape once and cached."""

from __future__ import annotations

from functools import cache
from typing import Any

from claimgraph import rules as rule_files
from claimgraph.errors import DataFileError

DATA_FILE = "structure.yaml"

_LISTS = (
    "reference_headings",
    "section_enders",
    "accessed_words",
    "url_lead_ins",
    "abbreviations",
    "organisation_words",
    "byline_roles",
    "byline_lead_ins",
    "date_line_lead_ins",
    "update_lead_ins",
    "separator_marks",
    "superscript_units",
    "citation_lead_ins",
    "dateparser_languages",
    "year_cues",
    "year_joiners",
    "seasons",
    "second_level_suffixes",
    "not_publisher_words",
    "locator_abbreviations",
    "identifier_schemes",
    "name_particles",
    "tracking_parameters",
)


@cache
def rules() -> dict[str, Any]:
    """The parsed rules file. Raises DataFileError when it is missing or malformed."""
    data = dict(rule_files.load("structure"))  # a copy: the outlets map is normalised below
    if not isinstance(data.get("version"), str):
        raise DataFileError("rules file needs a mapping with a string 'version'", source=str(DATA_FILE))
    for key in _LISTS:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise DataFileError(f"'{key}' must be a list of strings", source=str(DATA_FILE))
    outlets = data.get("outlets")
    if not isinstance(outlets, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in outlets.items()
    ):
        raise DataFileError("'outlets' must map domains to names", source=str(DATA_FILE))
    for key in ("url_years", "text_years"):
        value = data.get(key)
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int) for v in value)):
            raise DataFileError(f"'{key}' must be [first, last]", source=str(DATA_FILE))
    if not isinstance(data.get("max_marker_range"), int):
        raise DataFileError("'max_marker_range' must be an integer", source=str(DATA_FILE))
    data["outlets"] = {k.lower(): v for k, v in outlets.items()}
    return data


def version() -> str:
    """The rules' version string (kept with every record the stage makes)."""
    return rules()["version"]


def word_set(key: str) -> frozenset[str]:
    """A list rule as a lower-case set."""
    return _word_set(key)


@cache
def _word_set(key: str) -> frozenset[str]:
    rules()  # the file's shape checked first
    return frozenset(w.lower() for w in rule_files.words("structure", key))
