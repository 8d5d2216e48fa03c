"""Helpers for the knowledge-base tests: documents and claims built by hand, the shared dev texts as files,
the CLI with the knowledge-base commands mounted."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from claimgraph.document import Document
from claimgraph.read import read_bytes
from claimgraph.records import Claim, Entity, Mention, PartialDate, Quantity, Sentence, Span, TimeExpression

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_b6429a14c6e6ff87.txt"
ISAF = SHARED / "data" / "isaf-dev.jsonl"
EXAMPLE_A = ROOT / "examples" / "kb-casualties-a.md"
EXAMPLE_B = ROOT / "examples" / "kb-casualties-b.md"


def write_isaf(folder: Path, n: int = 20, start: int = 0) -> list[Path]:
    """The first `n` ISAF dev records (from `start`) as .txt files in `folder` (read from ../shared, never
    copied into the repository); skips the test where that folder is missing, as the other gold-data tests do."""
    if not ISAF.exists():
        pytest.skip(f"{ISAF} not found: the shared gold data lies beside the repository")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    with ISAF.open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i < start:
                continue
            if i >= start + n:
                break
            path = folder / f"isaf-{i:03d}.txt"
            path.write_text(json.loads(line)["text"], encoding="utf-8")
            paths.append(path)
    return paths


def next_ids_from(store, first: int) -> None:
    """PostgreSQL: the next sentence and claim stored take ids from `first` on (their id sequences moved),
    so that a test's rows fall in the search blocks it wants (KnowledgeBase.SEARCH_BLOCK)."""
    import sqlalchemy as sa

    with store.engine.begin() as conn:
        for table in ("sentences", "claims"):
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v, false)"),
                         {"t": table, "v": first})


def make_doc(text: str, source: str = "test.txt", published: str | None = None,
             entities: dict[str, tuple[str, str, list[str]]] | None = None,
             claims: list[dict] | None = None) -> Document:
    """A Document without the model: sentences split at '. ', entities linked by exact surface forms.

    entities: id -> (name, type, [surface forms]); every occurrence of a surface form is a mention.
    claims: dicts with subject/object/place (ids), predicate, anchor (a substring of the evidence sentence)
        and optional time (start, end ISO dates), quantities ([(surface, value, what, whom, extras)]), modality,
        negated, mode, attributed_to (who tells it).
    """
    doc = Document(read_bytes(text.encode("utf-8"), source, "text"))
    doc.published = PartialDate.from_iso(published) if published else None
    doc.paragraphs = [Span(0, len(text))]
    doc.body = Span(0, len(text))
    pos = 0
    for m in re.finditer(r"[^.]+\.?", text):
        span = Span(m.start() + len(m.group()) - len(m.group().lstrip()), m.end())
        if span.end > span.start and text[span.start:span.end].strip():
            doc.sentences.append(Sentence(span, 0))
        pos = m.end()
    assert pos == len(text) or text[pos:].strip() == ""
    for eid, (name, etype, forms) in (entities or {}).items():
        mentions = []
        for form in forms:
            for m in re.finditer(re.escape(form), text):
                mentions.append(Mention(Span(m.start(), m.end()), eid, "gazetteer"))
        doc.entities.append(Entity(eid, name, etype, mentions=tuple(sorted(mentions, key=lambda m: m.span))))
    for i, c in enumerate(claims or []):
        at = text.index(c["anchor"])
        sent = doc.sentence_at(at)
        span = doc.sentences[sent].span
        time = None
        if c.get("time"):
            start, end = c["time"]
            t_at = text.index(c.get("time_text", c["anchor"]))
            time = TimeExpression(Span(t_at, t_at + len(c.get("time_text", c["anchor"]))),
                                  dt.date.fromisoformat(start) if start else None,
                                  dt.date.fromisoformat(end) if end else None)
        quantities = []
        for surface, value, what, whom, *extra in c.get("quantities", []):
            q_at = text.index(surface, span.start)
            quantities.append(Quantity(Span(q_at, q_at + len(surface)), float(value), what=what, whom=whom,
                                       unit="people", **(extra[0] if extra else {})))
        doc.claims.append(Claim(
            id=f"c{i + 1}", subject=tuple(c.get("subject", ())), predicate=c["predicate"],
            object=tuple(c.get("object", ())), evidence=span, sentence=sent, mode=c.get("mode"),
            negated=c.get("negated", False), modality=c.get("modality", "asserted"), time=time,
            attributed_to=c.get("attributed_to"), place=tuple(c.get("place", ())), quantities=tuple(quantities),
            citations=tuple(c.get("citations", ())),
            rule="test"))
    return doc


ENTITIES = {
    "TTP": ("Tehreek-e-Taliban Pakistan", "armed_group", ["TTP", "Tehrik-i-Taliban Pakistan"]),
    "PAK": ("Pakistan", "state", ["Pakistan", "Islamabad"]),
    "AFG": ("Afghanistan", "state", ["Afghanistan", "Kabul"]),
    "BANNU": ("Bannu", "place", ["Bannu"]),
    "PESHAWAR": ("Peshawar", "place", ["Peshawar"]),
    "local:person:daniel-okoro": ("Daniel Okoro", "person", ["Daniel Okoro"]),
}


def doc_a(source="a.txt"):
    """Two short reports of one attack (hand-built claims): one event, a disputed death toll."""
    text = ("The TTP attacked a police post in Bannu on Tuesday. Police said 14 people were killed. "
            "Daniel Okoro said Pakistan blamed Afghanistan.")
    return make_doc(text, source, "2025-03-04", ENTITIES, [
        {"subject": ["TTP"], "predicate": "ASSAULT", "object": ["PAK"], "place": ["BANNU"],
         "anchor": "The TTP attacked", "time": ("2025-03-04", "2025-03-04"), "time_text": "on Tuesday"},
        {"predicate": "ASSAULT", "place": ["BANNU"], "anchor": "14 people", "time": ("2025-03-04", "2025-03-04"),
         "quantities": [("14 people", 14, "killed", "people")], "modality": "reported"},
        {"subject": ["PAK"], "predicate": "DISAPPROVE", "object": ["AFG"], "anchor": "Pakistan blamed",
         "modality": "reported"},
    ])


def doc_b(source="b.txt"):
    text = ("Tehrik-i-Taliban Pakistan fighters stormed a police post in Bannu on 4 March. Officials said "
            "21 people were killed. Daniel Okoro was not available for comment.")
    return make_doc(text, source, "2025-03-05", ENTITIES, [
        {"subject": ["TTP"], "predicate": "ASSAULT", "object": ["PAK"], "place": ["BANNU"],
         "anchor": "fighters stormed", "time": ("2025-03-04", "2025-03-04"), "time_text": "on 4 March"},
        {"predicate": "ASSAULT", "place": ["BANNU"], "anchor": "21 people", "time": ("2025-03-04", "2025-03-04"),
         "quantities": [("21 people", 21, "killed", "people")], "modality": "reported"},
    ])


def with_casualty_claims(doc: Document) -> Document:
    """The example articles' death tolls as claims, added when the claims stage did not produce them (it is
    being built; this is what it should produce: killed 14 / 21 people in Bannu on 4 March 2025)."""
    if any(q.what == "killed" for c in doc.claims for q in c.quantities):
        return doc
    match = re.search(r"\b(14|21) people\b", doc.text)
    assert match, "not an example casualty article"
    sent = doc.sentence_at(match.start())
    places = tuple(e.id for e in doc.entities if e.id == "BANNU")
    day = re.search(r"on Tuesday|on 4 March", doc.text)
    doc.claims.append(Claim(
        id="t1", subject=(), predicate="ASSAULT", object=(), evidence=doc.sentences[sent].span, sentence=sent,
        mode="explosive", modality="reported",
        time=TimeExpression(Span(day.start(), day.end()), dt.date(2025, 3, 4), dt.date(2025, 3, 4)),
        place=places,
        quantities=(Quantity(Span(match.start(), match.end()), float(match.group(1)), unit="people", what="killed",
                             whom="people"),),
        rule="test:hand-built"))
    return doc


def kb_app():
    from claimgraph.cli import app

    return app


def invoke(*args: str):
    """Run a claimgraph command in-process; returns typer's Result."""
    from typer.testing import CliRunner

    return CliRunner().invoke(kb_app(), list(args), env={"COLUMNS": "200"}, catch_exceptions=False)
