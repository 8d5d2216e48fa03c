"""Helpers for the web tests: a small knowledge base built by hand (no model), a hostile article, a live
`claimgraph serve` app on 127.0.0.1 (uvicorn in a thread), plain HTTP calls, and Debian's chromium."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kb_support import ENTITIES, doc_a, doc_b, make_doc

from claimgraph.records import Citation, Finding, Reference, Span, Suggestion
from claimgraph.store import Store, document_rows

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

#: every way an article could try to run script in the page; each sets window.__pwned or opens a dialog
PROBE = "window.__pwned=1"
HOSTILE_TITLE = f"Raid report <script>{PROBE}</script><img src=x onerror=\"{PROBE}\">"
HOSTILE_BYLINE = f"<svg onload=\"{PROBE}\"></svg>By <script>alert(1)</script>"


def hostile_doc(source: str = "hostile.html"):
    """An article whose title, byline, body, reference titles and URLs carry markup that would run if any of it
    reached the page as HTML; with hand-built claims, citations (one unresolved) and findings."""
    body = (f"{HOSTILE_TITLE}\n\nThe TTP attacked <img src=x onerror=\"{PROBE}\"> a police post in Bannu [1]. "
            f"<a href=\"javascript:{PROBE}\">Read more</a> Pakistan blamed Afghanistan [2]. "
            f"<script>{PROBE};alert('x')</script> Officials said 9 people were killed.\n\n")
    ref_text = f"[1] <b onmouseover=\"{PROBE}\">Evil Times</b>. \"<img src=x onerror=alert(1)>\". javascript:{PROBE}"
    text = body + ref_text
    doc = make_doc(text, source, "2025-03-06", ENTITIES, [
        {"subject": ["TTP"], "predicate": "ASSAULT", "object": ["PAK"], "place": ["BANNU"],
         "anchor": "The TTP attacked", "citations": ["1"]},
        {"subject": ["PAK"], "predicate": "DISAPPROVE", "object": ["AFG"], "anchor": "Pakistan blamed",
         "citations": ["2"]},
    ])
    doc.title = Span(0, len(HOSTILE_TITLE))
    doc.authors = (HOSTILE_BYLINE,)
    ref_at = text.index("[1] <b")
    doc.references = [Reference("1", Span(ref_at, len(text)), publisher=f"<i onclick=\"{PROBE}\">Evil</i>",
                                title=f"<img src=x onerror=\"{PROBE}\">", url=f"javascript:{PROBE}")]
    m1, m2 = text.index("[1]."), text.index("[2]")
    doc.citations = [Citation(Span(m1, m1 + 3), "1", 0, doc.sentence_at(m1)),
                     Citation(Span(m2, m2 + 3), "2", None, doc.sentence_at(m2))]
    doc.findings = [
        Finding("citation.unresolved", "error", f"marker [2] names no reference <script>{PROBE}</script>",
                Span(m2, m2 + 3), ("2",)),
        Finding("reference.unused", "warning", "a <b>bold</b> claim", Span(m1, m1 + 3), ("1",),
                Suggestion(f"<img src=x onerror=\"{PROBE}\">", ("1",))),
    ]
    return doc


def build_kb(path: Path, extra: list | None = None) -> Path:
    """A SQLite knowledge base of the two example reports of one attack (a disputed toll) and the hostile
    article, plus `extra` documents."""
    with Store(str(path)) as store:
        for doc in [doc_a(), doc_b(), hostile_doc(), *(extra or [])]:
            store.write(document_rows(doc))
        store.regroup()
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def live_server(app) -> Iterator[str]:
    """`app` served by uvicorn on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(400):  # wait for it to listen (at most ~20 s on a loaded machine)
        if server.started:
            break
        if not thread.is_alive():
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def http(method: str, url: str, data: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one request; an HTTP error status is returned, not raised."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def get_json(url: str) -> tuple[int, Any]:
    status, _, body = http("GET", url)
    return status, json.loads(body)


def multipart(field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "claimgraphtestboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"
