"""`claimgraph serve` over HTTP (a real uvicorn server on 127.0.0.1, no browser): pages, security headers,
escaping of a hostile article, the JSON API (pagination, the document contract, errors), read-only mode and
the upload route, the OpenAPI document, the vendored files."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest_pg import pg_url, postgres_server  # noqa: F401  (fixtures)
from web_support import PROBE, build_kb, free_port, get_json, http, live_server, multipart

from claimgraph.web import create_app

pytestmark = pytest.mark.network
ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "claimgraph" / "web" / "static"


@pytest.fixture(scope="module")
def kb_path(tmp_path_factory):
    return build_kb(tmp_path_factory.mktemp("web") / "kb.db")


@pytest.fixture(scope="module")
def server(kb_path):
    with live_server(create_app(str(kb_path))) as base:
        yield base


def _doc_ids(base: str) -> dict[str, str]:
    _, body = get_json(f"{base}/api/v1/documents")
    return {d["source"]: d["id"] for d in body["items"]}


def _pages(base: str) -> list[str]:
    ids = _doc_ids(base)
    return ["/", "/documents", "/actors", "/actors/TTP", "/network", "/timeline", "/disagreements",
            "/search?q=attacked", "/api/docs", *(f"/documents/{i}" for i in ids.values())]


def test_every_page_answers_with_a_strict_content_security_policy(server):
    for path in _pages(server):
        status, headers, body = http("GET", server + path)
        assert status == 200, path
        csp = headers["content-security-policy"]
        script_src = re.search(r"script-src ([^;]*)", csp).group(1)
        assert script_src.strip() == "'self'", csp  # no inline script, no eval, no other origin
        assert headers["x-content-type-options"] == "nosniff"
        html = body.decode()
        # every script is a file served by us: no inline <script>, no CDN
        for tag in re.findall(r"<script\b[^>]*>", html):
            src = re.search(r'\bsrc="([^"]+)"', tag)
            assert src and src.group(1).startswith("/static/"), (path, tag)
        assert not re.search(r"<(link|img)\b[^>]*(href|src)=\"(https?:)?//", html), path


def test_the_hostile_article_is_escaped_everywhere(server):
    hostile = _doc_ids(server)["hostile.html"]
    for path in [f"/documents/{hostile}", "/", "/documents", "/search?q=attacked", "/search?q=raid",
                 "/actors/TTP", "/disagreements"]:
        _, _, body = http("GET", server + path)
        html = body.decode()
        assert f"<script>{PROBE}" not in html and "onerror=\"" not in html and "onload=\"" not in html, path
        assert 'href="javascript:' not in html.lower(), path
    _, _, body = http("GET", f"{server}/documents/{hostile}")
    html = body.decode()
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html  # shown as text, so a reader sees it
    assert "javascript:window.__pwned=1" in html  # the bad reference URL is shown, not linked


def test_the_article_text_is_cut_into_spans_by_offset(server, kb_path):
    hostile = _doc_ids(server)["hostile.html"]
    _, doc = get_json(f"{server}/api/v1/documents/{hostile}")
    text = doc["document"]["text"]
    _, _, body = http("GET", f"{server}/documents/{hostile}")
    html = body.decode()
    block = re.search(r'<div class="text" id="text">(.*?)</div>\n</article>', html, re.S).group(1)
    import html as html_lib

    plain = html_lib.unescape(re.sub(r"<[^>]+>", "", block))
    assert plain == text  # every character once, in order: spans were added, nothing dropped or doubled
    finding = doc["findings"][0]
    marked = re.findall(r'data-ann="([^"]*)"[^>]*>([^<]*)<', block)
    assert any("f0" in ann.split() and html_lib.unescape(t) == finding["evidence"]["text"] for ann, t in marked)


def test_the_api_pages_through_lists(server):
    status, first = get_json(f"{server}/api/v1/claims?limit=2")
    assert status == 200 and len(first["items"]) == 2 and first["next"]
    _, second = get_json(first["next"])
    assert second["offset"] == 2 and second["items"]
    keys = [c["key"] for c in first["items"] + second["items"]]
    assert len(keys) == len(set(keys))
    _, everything = get_json(f"{server}/api/v1/claims?limit=500")
    assert [c["key"] for c in everything["items"]][:len(keys)] == keys and everything["next"] is None


def test_repeated_filters_are_ored_and_aliases_resolve(server):
    _, ttp = get_json(f"{server}/api/v1/claims?actor=TTP&limit=500")
    _, afg = get_json(f"{server}/api/v1/claims?actor=AFG&limit=500")
    _, both = get_json(f"{server}/api/v1/claims?actor=TTP&actor=AFG&limit=500")
    assert {c["key"] for c in both["items"]} == {c["key"] for c in ttp["items"]} | {c["key"] for c in afg["items"]}
    # "Pakistani Taliban" is a gazetteer alias of TTP that no stored document uses
    _, alias = get_json(f"{server}/api/v1/claims?actor=Pakistani%20Taliban&limit=500")
    assert {c["key"] for c in alias["items"]} == {c["key"] for c in ttp["items"]} and ttp["items"]


def test_the_document_is_the_json_contract(server):
    hostile = _doc_ids(server)["hostile.html"]
    status, doc = get_json(f"{server}/api/v1/documents/{hostile}")
    assert status == 200
    assert set(doc) >= {"document", "entities", "claims", "references", "sentences", "findings"}
    text = doc["document"]["text"]
    for c in doc["claims"]:
        assert text[c["evidence"]["start"]:c["evidence"]["end"]] == c["evidence"]["text"]
        assert set(c) >= {"id", "subject", "predicate", "object", "mode", "negated", "modality", "attributed_to",
                          "time", "place", "quantities", "citations", "evidence"}
    for e in doc["entities"]:
        for m in e["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]
    ref = doc["references"][0]
    assert ref["url"] == f"javascript:{PROBE}" and ref["cited_at"]  # stored as written; the page never links it
    assert [f["code"] for f in doc["findings"]] == ["citation.unresolved", "reference.unused"]


def test_errors_have_one_json_shape_and_no_internals(server):
    for path, status, kind in [
        ("/api/v1/claims?predicate=NOPE", 400, "bad_query"),
        ("/api/v1/documents/nope", 404, "not_found"),
        ("/api/v1/actors/Nobody%20At%20All", 400, "bad_query"),
        ("/api/v1/claims?limit=0", 422, "bad_request"),
        ("/api/v1/claims?since=yesterday", 400, "bad_query"),
        ("/api/v1/disagreements?what=nope", 400, "bad_query"),
        ("/api/v1/nothing-here", 404, "not_found"),
    ]:
        got, headers, body = http("GET", server + path)
        assert got == status, path
        assert headers["content-type"].startswith("application/json")
        error = json.loads(body)["error"]
        assert set(error) == {"kind", "source", "message"} and error["kind"] == kind, path
        assert "Traceback" not in body.decode() and "/work/" not in body.decode() and "/tmp/" not in body.decode()
    _, body = get_json(f"{server}/api/v1/claims?predicate=NOPE")
    assert "ASSAULT" in body["error"]["message"]  # the valid values are listed


def test_search_says_what_it_ranked(server, monkeypatch):
    """Search ranks the newest KnowledgeBase.SEARCH_NEWEST matches: the API says how many it ranked and
    whether that bound left older matches out, and the page says so when it did."""
    from claimgraph.store.kb import KnowledgeBase

    _, found = get_json(f"{server}/api/v1/search?q=attacked")
    assert len(found["sentences"]) >= 2 and found["claims"]
    assert found["ranked"]["sentences"] == {"ranked": len(found["sentences"]),
                                            "newest": KnowledgeBase.SEARCH_NEWEST, "newest_only": False}
    status, _, html = http("GET", f"{server}/search?q=attacked")
    assert status == 200 and "Ranked among the newest" not in html.decode()
    monkeypatch.setattr(KnowledgeBase, "SEARCH_NEWEST", 1)
    _, cut = get_json(f"{server}/api/v1/search?q=attacked")
    assert cut["ranked"]["sentences"] == {"ranked": 1, "newest": 1, "newest_only": True}
    assert len(cut["sentences"]) == 1 and cut["sentences"][0] in found["sentences"]
    status, _, html = http("GET", f"{server}/search?q=attacked")
    assert "Ranked among the newest 1 matching sentences." in html.decode()


def test_pred_mode_filters(server):
    _, some = get_json(f"{server}/api/v1/claims?predicate=ASSAULT&limit=500")
    _, none = get_json(f"{server}/api/v1/claims?predicate=ASSAULT/firearms&limit=500")
    assert some["items"] and none["items"] == []


def test_read_only_by_default(server, kb_path):
    def count() -> int:
        with contextlib.closing(sqlite3.connect(kb_path)) as con:
            return con.execute("SELECT count(*) FROM documents").fetchone()[0]

    before = count()
    body, ctype = multipart("file", "new.txt", b"The TTP attacked a post in Bannu.")
    status, _, answer = http("POST", f"{server}/api/v1/documents", body, {"Content-Type": ctype})
    assert status == 405 and json.loads(answer)["error"]["kind"] == "method_not_allowed"
    status, _, _ = http("POST", f"{server}/ingest", body, {"Content-Type": ctype})
    assert status == 404  # the upload form does not exist either
    assert count() == before


def test_the_served_database_refuses_writes(kb_path):
    from claimgraph.web.app import open_store

    store = open_store(str(kb_path))
    try:
        with pytest.raises(sa.exc.OperationalError, match="readonly"), store.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM kb_info"))
    finally:
        store.close()


#: a wire digest of two dispatches (a separator line between them), each with its own dateline, a reference list
DIGEST = """Patrol Detains Suspects

KABUL, Afghanistan (Feb. 16, 2011) – Afghan forces detained two men in Kandahar yesterday, officials said [1].

The men were questioned. Insurgents killed 12 civilians in Helmand on Monday, the ministry said.

----

Update on the Patrol

KABUL, Afghanistan (Feb. 19) – The Taliban attacked a checkpoint in Kandahar yesterday, killing three police officers.

References

[1] Ministry of Interior. "Two detained". 2011. https://example.org/a
"""


@pytest.mark.model
def test_api_document_is_the_extract_contract(tmp_path, pipeline):
    """GET /api/v1/documents/{id} rebuilds from the tables what `extract` writes, dispatches included. Compared
    field by field where both can be: entity ids are the knowledge base's (local ones canonicalised, see
    claimgraph.store.rows), `attributed_to` is a name there, and the stored claim time keeps no span."""
    from claimgraph.contract import document_json
    from claimgraph.read import read_bytes
    from claimgraph.store import Store, document_rows
    from claimgraph.store.rows import canonical_entity_id

    doc = pipeline.process_reading(read_bytes(DIGEST.encode(), "digest.md", "markdown"))
    extracted = document_json(doc)
    assert [d["date"] for d in extracted["document"]["dispatches"]] == ["2011-02-16", "2011-02-19"]
    with Store(str(tmp_path / "kb.db")) as store:
        store.write(document_rows(doc))
        store.regroup()
    with live_server(create_app(str(tmp_path / "kb.db"))) as base:
        status, served = get_json(f"{base}/api/v1/documents/{doc.id}")
        page = http("GET", f"{base}/documents/{doc.id}")[2].decode()
    assert status == 200
    # the article page lists the dispatches, each marking its part of the text
    second = extracted["document"]["dispatches"][1]
    assert "Dispatches (2)" in page and f'href="/documents/{doc.id}?hl={second["start"]}-{second["end"]}"' in page
    assert {k: served["document"][k] for k in extracted["document"]} == extracted["document"]
    for part in ("sentences", "references", "findings"):
        assert served[part] == extracted[part], part
    kb_id = {e["id"]: canonical_entity_id(e["id"], e["name"], e["type"], doc.id) for e in extracted["entities"]}
    assert {kb_id[e["id"]]: (e["name"], e["type"], e["wikidata"], e["country"], e["mentions"])
            for e in extracted["entities"]} == \
        {e["id"]: (e["name"], e["type"], e["wikidata"], e["country"], e["mentions"]) for e in served["entities"]}
    names = {e["id"]: e["name"] for e in extracted["entities"]}

    def comparable(claim: dict, ids=lambda xs: xs, who=lambda x: x) -> dict:
        return {"id": claim["id"], "subject": ids(claim["subject"]), "object": ids(claim["object"]),
                "place": ids(claim["place"]), "attributed_to": who(claim["attributed_to"]),
                "time": claim["time"] and {k: claim["time"][k] for k in ("text", "start", "end")},
                "quantities": [(q["text"], q["start"], q["end"], q["value"], q["what"]) for q in claim["quantities"]],
                **{k: claim[k] for k in ("predicate", "mode", "negated", "modality", "citations", "evidence", "rule",
                                         "sentence")}}

    assert extracted["claims"]
    assert [comparable(c, ids=lambda xs: [kb_id[x] for x in xs], who=lambda x: names.get(x, x))
            for c in extracted["claims"]] == [comparable(c) for c in served["claims"]]


def test_upload_is_size_limited(tmp_path, monkeypatch):
    from claimgraph.read import options

    path = build_kb(tmp_path / "kb.db")
    monkeypatch.setattr(options, "DEFAULT_OPTIONS", options.ReadOptions(max_bytes=100))
    with live_server(create_app(str(path), allow_ingest=True)) as base:
        body, ctype = multipart("file", "big.txt", b"x" * 101)
        status, _, answer = http("POST", f"{base}/api/v1/documents", body, {"Content-Type": ctype})
        assert status == 413 and json.loads(answer)["error"] == {
            "kind": "too_large", "source": "big.txt", "message": "over the size limit of 100 bytes"}
        body, ctype = multipart("file", "empty.txt", b"   ")
        status, _, answer = http("POST", f"{base}/api/v1/documents", body, {"Content-Type": ctype})
        assert status == 400 and json.loads(answer)["error"]["kind"] == "empty"


@pytest.mark.model
def test_upload_ingests_with_allow_ingest(tmp_path):
    path = build_kb(tmp_path / "kb.db")
    with live_server(create_app(str(path), allow_ingest=True)) as base:
        text = (ROOT / "examples" / "kb-casualties-a.md").read_bytes()
        body, ctype = multipart("file", "kb-casualties-a.md", text)
        status, _, answer = http("POST", f"{base}/api/v1/documents", body, {"Content-Type": ctype})
        assert status == 201, answer
        doc_id = json.loads(answer)["id"]
        status, doc = get_json(f"{base}/api/v1/documents/{doc_id}")
        assert status == 200 and doc["claims"]


def test_openapi_document(server):
    status, spec = get_json(f"{server}/openapi.json")
    assert status == 200
    assert spec["openapi"].startswith("3.") and spec["info"]["title"] == "claimgraph" and spec["info"]["version"]
    paths = spec["paths"]
    for p in ("/api/v1/documents", "/api/v1/documents/{doc_id}", "/api/v1/actors", "/api/v1/actors/{actor_id}",
              "/api/v1/claims", "/api/v1/timeline", "/api/v1/disagreements", "/api/v1/search", "/api/v1/network",
              "/api/v1/network/edge", "/api/v1/stats"):
        assert "get" in paths[p], p
    assert "post" not in paths["/api/v1/documents"]  # no write route on a read-only server
    assert all(p.startswith("/api/v1/") for p in paths)  # the HTML pages are not in the API
    schemas = spec.get("components", {}).get("schemas", {})
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', json.dumps(spec))
    assert refs and all(r in schemas for r in refs)  # every reference resolves
    for ops in paths.values():
        for op in ops.values():
            assert op["responses"] and op["summary"]
            for param in op.get("parameters", []):
                assert {"name", "in", "schema"} <= set(param) and param["in"] in ("query", "path")


def test_vendored_files_match_their_record():
    record = json.loads((STATIC / "vendor" / "VENDOR.json").read_text())
    for pkg in record["packages"]:
        assert pkg["integrity"].startswith("sha512-") and pkg["license"] and pkg["version"]
        assert any(name.split("/")[-1].startswith("LICENSE") for name in pkg["files"])
        for name, info in pkg["files"].items():
            data = (STATIC / "vendor" / name).read_bytes()
            if "sha256" in info:
                assert hashlib.sha256(data).hexdigest() == info["sha256"], name


def test_serve_command(kb_path, tmp_path):
    env = {**os.environ, "COLUMNS": "300"}
    missing = subprocess.run([sys.executable, "-m", "claimgraph.cli", "serve", "--db", str(tmp_path / "none.db")],
                             capture_output=True, text=True, timeout=120, env=env)
    assert missing.returncode == 2 and "no knowledge base here" in missing.stderr
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "claimgraph.cli", "serve", "--db", str(kb_path), "--port",
                             str(port)], stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stderr.readline()
        assert f"http://127.0.0.1:{port}/" in line and "read-only" in line
        import time

        for _ in range(200):
            try:
                status, _, body = http("GET", f"http://127.0.0.1:{port}/api/v1/stats")
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200 and json.loads(body)["latest_documents"] == 3
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        proc.stderr.close()


@pytest.mark.postgres
def test_serving_postgres_is_read_only_and_answers_like_sqlite(pg_url, kb_path):  # noqa: F811
    from kb_support import doc_a, doc_b
    from web_support import hostile_doc

    from claimgraph.store import Store, document_rows
    from claimgraph.web.app import open_store

    with Store(pg_url) as store:
        for doc in (doc_a(), doc_b(), hostile_doc()):
            store.write(document_rows(doc))
        store.regroup()
    ro = open_store(pg_url)
    try:
        with pytest.raises(sa.exc.InternalError, match="read-only transaction"), ro.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM kb_info"))
    finally:
        ro.close()
    with live_server(create_app(pg_url)) as pg, live_server(create_app(str(kb_path))) as lite:
        for path in ("/api/v1/claims?limit=500", "/api/v1/disagreements", "/api/v1/network",
                     "/api/v1/actors/TTP", "/api/v1/timeline?actor=PAK"):
            _, a = get_json(pg + path)
            _, b = get_json(lite + path)
            assert a == b, path
        _, found = get_json(pg + "/api/v1/search?q=attacked")
        assert found["sentences"] and found["claims"]
        status, _, _ = http("GET", pg + "/")
        assert status == 200
