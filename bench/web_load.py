"""Page load times of `claimgraph serve` on a synthetic knowledge base of a few thousand documents, and how large a
network the network page still draws in reasonable time. Not part of `make test` (minutes on 2 cores).

    .venv/bin/python bench/web_load.py --documents 3000 --out /tmp/webload   # builds /tmp/webload/kb.db once

The documents are generated, not extracted (the model would take an hour for 3,000 on 2 cores): each is a short
report built from gazetteer actors and places, with hand-made claims (random PLOVER predicates between actors,
a date, sometimes a casualty figure that other reports of the same day contradict), written through the same
`document_rows` / `Store.write` path as `claimgraph ingest`. Server times are the wall time of one HTTP request
(the median of 3) from a client on the same machine; browser times are Playwright's time from navigation to the
page's own "drawn" marker in Debian's chromium.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path

ACTOR_TYPES = ("state", "government", "military", "armed_group", "political_org", "agency")


def synthetic_documents(n: int, actors: int, seed: int = 7):
    """`n` Documents with sentences, entity mentions and claims, from `actors` gazetteer actors."""
    from claimgraph.document import Document
    from claimgraph.entities import gazetteer
    from claimgraph.read import read_bytes
    from claimgraph.records import Claim, Entity, Mention, PartialDate, Quantity, Sentence, Span, TimeExpression
    from claimgraph.store.exporters import QUAD

    rng = random.Random(seed)
    gaz = gazetteer.load()
    pool = sorted((e for e in gaz.entries.values() if e.type in ACTOR_TYPES), key=lambda e: e.id)
    people = rng.sample(pool, min(actors, len(pool)))
    places = sorted((e for e in gaz.entries.values() if e.type == "place"), key=lambda e: e.id)[:200]
    predicates = sorted(QUAD)
    start = dt.date(2020, 1, 1)
    for i in range(n):
        day = start + dt.timedelta(days=rng.randrange(0, 5 * 365))
        parts, ents, claims = [], {}, []
        pos = 0
        sentences = []
        for _ in range(rng.randint(3, 6)):
            a, b = rng.sample(people, 2)
            place = rng.choice(places)
            pred = rng.choice(predicates)
            killed = rng.choice([None, None, rng.randint(2, 40)])
            sent = f"{a.name} {pred.lower().replace('_', ' ')} {b.name} in {place.name} on {day.isoformat()}."
            if killed:
                sent = sent[:-1] + f", and {killed} people were killed."
            at = pos
            for e in (a, b, place):
                k = sent.index(e.name)
                ents.setdefault(e.id, (e, []))[1].append(Span(at + k, at + k + len(e.name)))
            span = Span(at, at + len(sent))
            sentences.append(span)
            quantities = ()
            if killed:
                k = sent.index(f"{killed} people")
                quantities = (Quantity(Span(at + k, at + k + len(f"{killed} people")), float(killed), unit="people",
                                       what="killed", whom="people"),)
            d = sent.index(day.isoformat())
            claims.append(Claim(id=f"c{len(claims) + 1}", subject=(a.id,), predicate=pred, object=(b.id,),
                                evidence=span, sentence=len(sentences) - 1, place=(place.id,),
                                time=TimeExpression(Span(at + d, at + d + 10), day, day), quantities=quantities,
                                modality=rng.choice(["asserted", "reported"]), rule="bench:synthetic"))
            parts.append(sent)
            pos += len(sent) + 1
        text = " ".join(parts) + f" Report {i}."
        doc = Document(read_bytes(text.encode(), f"synthetic/{i:05d}.txt", "text"))
        doc.published = PartialDate.from_iso(day.isoformat())
        doc.paragraphs = [Span(0, len(text))]
        doc.body = Span(0, len(text))
        doc.sentences = [Sentence(s, 0) for s in sentences]
        doc.entities = [Entity(e.id, e.name, e.type, mentions=tuple(Mention(s, e.id, "gazetteer") for s in spans))
                        for e, spans in ents.values()]
        doc.claims = claims
        yield doc


def build(path: Path, n: int, actors: int) -> None:
    from claimgraph.store import Store, document_rows

    t0 = time.perf_counter()
    with Store(str(path)) as store:
        for k, doc in enumerate(synthetic_documents(n, actors)):
            store.write(document_rows(doc))
            if k % 500 == 499:
                print(f"  {k + 1} documents written ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
        store.regroup()
    print(f"built {path}: {n} documents in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def timed_get(url: str) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(3):
        t = time.perf_counter()
        with urllib.request.urlopen(url, timeout=600) as r:
            size = len(r.read())
        times.append(time.perf_counter() - t)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=3000)
    parser.add_argument("--actors", type=int, default=400)
    parser.add_argument("--out", type=Path, default=Path("/tmp/claimgraph-webload"))
    parser.add_argument("--edges", default="250,500,1000,2000,4000,8000", help="network sizes to draw")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "kb.db"
    if not path.exists():
        build(path, args.documents, args.actors)

    import uvicorn

    from claimgraph.web import create_app

    app = create_app(str(path))
    kb = app.state.web.kb
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    sock = __import__("socket").socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    server.config.port = port
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    stats = kb.stats()
    doc_id = kb.documents(limit=1)[0]["id"]
    actor = kb.actors(limit=1)[0]["id"]
    results: dict = {"kb": stats, "server": {}, "browser": {}}
    for name, path_ in [("home", "/"), ("documents", "/documents"), ("article", f"/documents/{doc_id}"),
                        ("actors", "/actors"), ("actor", f"/actors/{actor}"), ("disagreements", "/disagreements"),
                        ("search", "/search?q=killed"), ("api claims", "/api/v1/claims?limit=50"),
                        ("api timeline 5000", "/api/v1/timeline?limit=5000"),
                        ("api network 3000", "/api/v1/network?max_edges=3000"),
                        ("api document", f"/api/v1/documents/{doc_id}")]:
        secs, size = timed_get(base + path_)
        results["server"][name] = {"seconds": round(secs, 3), "bytes": size}
        print(f"server  {name:20s} {secs:7.3f} s {size:>9} bytes", flush=True)

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from web_support import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        for n in [int(x) for x in args.edges.split(",")]:
            t = time.perf_counter()
            page.goto(f"{base}/network?max_edges={n}", wait_until="domcontentloaded")
            page.wait_for_selector("#status[data-nodes]", timeout=600_000)
            drawn = time.perf_counter() - t
            edges = int(page.get_attribute("#status", "data-edges"))
            nodes = int(page.get_attribute("#status", "data-nodes"))
            # interaction: a filter round trip (predicate) on the same graph size
            t = time.perf_counter()
            page.evaluate("() => { window.claimgraphNetwork.fit(); return true; }")
            fit = time.perf_counter() - t
            results["browser"][f"network {n}"] = {"nodes": nodes, "edges": edges, "seconds": round(drawn, 2),
                                                  "fit_seconds": round(fit, 3)}
            print(f"browser network max_edges={n:<5} {nodes} nodes {edges} edges: drawn in {drawn:6.2f} s, "
                  f"fit {fit:.3f} s", flush=True)
            page.screenshot(path=str(args.out / f"network-{n}.png"))
        for name, path_ in [("timeline", "/timeline"), ("article", f"/documents/{doc_id}"), ("home", "/")]:
            t = time.perf_counter()
            page.goto(base + path_, wait_until="load")
            if name == "timeline":
                page.wait_for_selector("#status[data-items]", timeout=600_000)
            secs = time.perf_counter() - t
            results["browser"][name] = {"seconds": round(secs, 2)}
            print(f"browser {name:20s} {secs:7.2f} s", flush=True)
            page.screenshot(path=str(args.out / f"{name}.png"))
        browser.close()
    server.should_exit = True
    (args.out / "results.json").write_text(json.dumps(results, indent=1))
    print(json.dumps(results))


if __name__ == "__main__":
    main()
