"""Shared fixtures. The spaCy pipeline is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="session")
def nlp():
    from claimgraph.nlp import load

    return load()


@pytest.fixture(scope="session")
def pipeline(nlp):
    from claimgraph.core import Pipeline

    return Pipeline(nlp=nlp)
