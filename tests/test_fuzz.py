"""The fuzz suite: hostile and broken documents through the real reader and the whole pipeline.

Two sources of inputs, both bounded in size (`MAX_BYTES`):

- a seeded mutator over the example articles and small generated documents (Markdown, HTML, text): byte
  flips, cuts, repeats and splices, and insertions of hostile pieces (bracket runs, citation markers, nested
  emphasis, control characters, huge numbers, impossible dates, odd URLs, odd charsets, console markup);
- Hypothesis, building documents from the same pieces (derandomized, so the normal run is repeatable).

Every input must give a `Document` or a typed error from `claimgraph/errors.py`; anything else is a crash, and
each test fails listing the crashes with their reproducers (seed and index, or Hypothesis's shrunk example).
The counts (inputs tried, documents, typed errors by kind, crashes, the slowest input) are printed.

A few hundred inputs in the normal run; `CLAIMGRAPH_FUZZ=long` runs many thousands (and allows larger inputs),
`CLAIMGRAPH_FUZZ_SEED=N` starts the mutator from another seed.
"""

from __future__ import annotations

import os
import random
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimgraph.errors import ClaimgraphError
from claimgraph.read import read, read_bytes

pytestmark = pytest.mark.model

LONG = os.environ.get("CLAIMGRAPH_FUZZ", "").lower() == "long"
SEED = int(os.environ.get("CLAIMGRAPH_FUZZ_SEED", "20261204"))
# Inputs per test. The normal run (about 300 inputs in all) keeps the suite well under a minute on a quiet
# machine: generated documents take ~0.05 s each through the pipeline, mutated examples up to ~0.3 s.
MUTANTS = 4000 if LONG else 150
HYPOTHESIS_EXAMPLES = 3000 if LONG else 120
# Inputs are cut to this size: the fuzzer looks for crashes, not for slowness (tests of each blow-up on its
# own bound their cost), and a bounded input keeps one pathological mutant from stalling the run.
MAX_BYTES = 64_000 if LONG else 12_000

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# ------------------------------------------------------------------------------------------------ pieces

# Hostile pieces, by family. Each names a kind of input that once broke a reader or a stage, or that a parser
# of this kind commonly mishandles. None is an article's text.
PIECES: dict[str, list[str]] = {
    "brackets": ["[[[[", "((((", "](", "[x](", "[^", "]]]]", "[](()", "[" * 40 + "(" * 40, "![", "[][]()",
                 "[a]: <", "<<<", "\\[", "[`", "```"],
    "markers": ["[1]", "[12][13][14]", "[^1]", "[^note]", "<sup>3</sup>", "¹²³", "[1-3]", "[1, 2]", "[0]",
                "[99999999999999999999]", "[n]", "(1)", "<sup><a href=#fn1>1</a></sup>", "[^1]: ",
                "".join(f"[{i}]" for i in range(1, 40))],
    "emphasis": ["*", "**", "_", "__", "***_", "*_" * 30, "~~", "`", "<em><strong>", "</em>", "*" * 33],
    "control": ["\x00", "\x01", "\x07", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u2029",
                "\u202e", "\u200b", "\ufeff", "\ufffd", "\r", "\r\n\r\n", "\t\t", "\U0001f4a3", "\u0301" * 20],
    "numbers": ["9" * 400, "1e999", "-0", "1,000,000,000,000,000,000,000", "0.000000000001", "NaN", "inf",
                "3/0", "10^308", "12.5.3", "1,2,3,4,5", "٣٤", "১২", "half a billion", "−5", "+7"],
    "dates": ["31 February 2024", "30/02/2023", "2024-13-45", "0 January 0000", "9999999-01-01",
              "32nd of March 1999", "on Feb 30", "Monday, 31 April 2025", "1 Jan 0001", "December 31, 9999",
              "29 February 2023", "00:99", "yesterday", "in the year 10000", "2024-02-30T25:61:61Z"],
    "urls": ["http://[::1]/", "http://[2002:a9fe:a9fe::]/x", "https://exa mple.com", "http://256.256.256.256/",
             "http://[v1.fe80::a+en1]/", "javascript:alert(1)", "http://%zz%/", "http://xn--/", "http://[/",
             "https://example.com:99999/", "file:///etc/passwd", "//example.com/a", "http://a.b/" + "x" * 300,
             "https://example.com/2024/02/31/story", "mailto:a@b", "http://例え.テスト/パス"],
    "charsets": ['<meta charset="undefined">', '<meta charset="x-no-such">', "<meta charset=utf-16>",
                 '<meta http-equiv="Content-Type" content="text/html; charset=unicode-escape">',
                 '<?xml version="1.0" encoding="ebcdic"?>', "<meta charset='utf-7'>+ADw-"],
    "markup": ["[bold red]x[/]", "[/]", "[link=file:///etc/passwd]x[/link]", "%s%n", "{0}", "{{ x }}",
               "<script>alert(1)</script>", "'; DROP TABLE claims; --", "=HYPERLINK(\"http://x\")", "$(id)"],
    "html": ["<a href=#fn1>1</a>", "<li id=fn1>", "<div>" * 60, "</div>" * 60, "<table><tr><td>", "<!--",
             "<![CDATA[", "&#0;", "&#1114112;", "&bogus;", "<p " + "a=1 " * 60 + ">", "<sup>", "</sup>",
             "<ol start=-5>", "<li value=99999999999999999999>", "<base href='javascript:x'>", "<svg><math>",
             "<h1></h1>", "<br>" * 30, "<a name=\"\x00\">", "<time datetime='2024-02-31'>"],
    "references": ["\n\n## References\n\n", "\n\nReferences\n\n1. ", "\n[1] ", "\n1. Author, “Title,” Outlet, "
                   "31 February 2024, https://example.com/2024/02/31/a.\n", "Ibid.", "Qur'an 999:999",
                   "Surah 2:0", "op. cit."],
    "words": ["said", "killed", "at least 14 people", "the ministry said", "according to", "reportedly",
              "Kabul", "Pakistan", "police", "attacked", "captured", "on Tuesday", "last week", "\n\n", " "],
}
ALL_PIECES = [piece for family in PIECES.values() for piece in family]

# ------------------------------------------------------------------------------------------------ the run


@pytest.fixture(scope="module")
def warm(pipeline):
    """The pipeline after the example articles: the gazetteer, the rules and dateparser's parser load lazily
    on first use (seconds each), which would otherwise be charged to whichever input comes first."""
    for name in ("clean-report.md", "op-ed-border-trade.md", "news-page.html"):
        pipeline.process(str(EXAMPLES / name))
    return pipeline


@dataclass
class Tally:
    """What a fuzz test saw: inputs tried, documents, typed errors by kind, crashes with reproducers."""

    name: str
    tried: int = 0
    documents: int = 0
    errors: Counter = field(default_factory=Counter)
    crashes: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")

    def report(self) -> str:
        kinds = ", ".join(f"{kind} {n}" for kind, n in self.errors.most_common()) or "none"
        return (f"fuzz {self.name}: {self.tried} inputs, {self.documents} documents, "
                f"{sum(self.errors.values())} typed errors ({kinds}), {len(self.crashes)} crashes; "
                f"slowest {self.slowest[0]:.2f} s ({self.slowest[1]})")


def run_one(pipeline, tally: Tally, data: bytes, source: str, fmt: str | None, label: str) -> None:
    """Read `data` as `source` and run every stage; tally the outcome. A crash is recorded, not raised, so
    that one run finds every crash."""
    tally.tried += 1
    start = time.perf_counter()
    try:
        pipeline.process_reading(read_bytes(data[:MAX_BYTES], source, fmt))
        tally.documents += 1
    except ClaimgraphError as exc:
        tally.errors[exc.kind] += 1
        if exc.source != source:
            tally.crashes.append(f"{label} ({fmt}): a typed error that does not name its input: {exc!r}")
    except Exception as exc:  # the point of the fuzzer: anything else is a bug
        tally.crashes.append(f"{label} ({fmt}): {type(exc).__name__}: {exc} at {_where(exc)}")
    took = time.perf_counter() - start
    if took > tally.slowest[0]:
        tally.slowest = (took, label)


def _where(exc: BaseException) -> str:
    """The innermost frame in claimgraph's own code (where the fix goes), and the innermost overall."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/claimgraph/" in f.filename and "/tests/" not in f.filename]
    where = [f"{Path(f.filename).name}:{f.lineno}" for f in (ours[-1:] + frames[-1:])]
    return " via ".join(dict.fromkeys(where))


def finish(tally: Tally, capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print("\n" + tally.report())
    assert tally.tried and not tally.crashes, "crashes:\n" + "\n".join(tally.crashes)


# ------------------------------------------------------------------------------------------------ generated


def generated(rng: random.Random) -> tuple[bytes, str]:
    """A small article-like document in a random format, with hostile pieces in it: (bytes, format)."""
    words = PIECES["words"]

    def sentence() -> str:
        parts = [rng.choice(words) for _ in range(rng.randint(3, 12))]
        for _ in range(rng.randint(0, 3)):
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(ALL_PIECES))
        return " ".join(parts).strip().capitalize() + rng.choice([".", ".", "?", "", "..."])

    paragraphs = [" ".join(sentence() for _ in range(rng.randint(1, 4))) for _ in range(rng.randint(1, 5))]
    title = sentence()
    refs = [f"{rng.choice(PIECES['references'])}{sentence()} {rng.choice(PIECES['urls'])} "
            f"{rng.choice(PIECES['dates'])}" for _ in range(rng.randint(0, 4))]
    fmt = rng.choice(["markdown", "html", "text"])
    if fmt == "markdown":
        text = f"# {title}\n\nBy {rng.choice(words)}\n\n" + "\n\n".join(paragraphs)
        if refs:
            text += "\n\n## References\n\n" + "\n".join(f"{i}. {r}" for i, r in enumerate(refs, 1))
    elif fmt == "html":
        head = rng.choice(["", *PIECES["charsets"]])
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        notes = "".join(f"<li id=fn{i}>{r}</li>" for i, r in enumerate(refs, 1))
        text = (f"<!doctype html><html><head>{head}<title>{title}</title></head><body><article><h1>{title}</h1>"
                f"{body}<ol>{notes}</ol></article></body></html>")
    else:
        text = title + "\n\n" + "\n\n".join(paragraphs) + ("\n\nReferences\n" + "\n".join(refs) if refs else "")
    return text.encode(rng.choice(["utf-8"] * 6 + ["cp1252", "utf-16"]), errors="replace"), fmt


# ------------------------------------------------------------------------------------------------ mutator


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to four random edits of `data`: insert a hostile piece, flip, cut, repeat or splice bytes."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(buf) + 1)
        op = rng.random()
        if op < 0.45:
            piece = rng.choice(ALL_PIECES) * rng.choice([1, 1, 1, 2, 8, 50])
            buf[at:at] = piece.encode("utf-8", errors="surrogatepass")
        elif op < 0.6 and buf:
            for _ in range(rng.randint(1, 8)):
                buf[rng.randrange(len(buf))] = rng.randrange(256)
        elif op < 0.75:
            del buf[at : at + rng.randint(1, 400)]
        elif op < 0.9 and buf:
            start = rng.randrange(len(buf))
            chunk = buf[start : start + rng.randint(1, 200)]
            buf[at:at] = chunk * rng.randint(2, 20)
        else:
            other = rng.randrange(len(buf) + 1)
            buf = buf[:at] + buf[other:]
        if len(buf) > MAX_BYTES:
            del buf[MAX_BYTES:]
    return bytes(buf)


def seeds() -> list[tuple[str, bytes, str | None]]:
    """The example articles (PDF included) and a few generated documents: (name, bytes, format)."""
    found = []
    for path in sorted(EXAMPLES.iterdir()):
        fmt = {".md": "markdown", ".html": "html", ".pdf": "pdf"}.get(path.suffix)
        if fmt:
            found.append((path.name, path.read_bytes(), fmt))
    rng = random.Random(SEED)
    for i in range(4):
        data, fmt = generated(rng)
        found.append((f"generated-{i}", data, fmt))
    return found


def test_mutated_examples(warm, capsys) -> None:
    tally = Tally("mutator")
    rng = random.Random(SEED)
    corpus = seeds()
    for i in range(MUTANTS):
        name, data, fmt = corpus[i % len(corpus)]
        mutant = mutate(data, rng)
        # mostly the format the seed is in; sometimes none (sniffed) or another, as a wrong extension would
        fmt_used = rng.choice([fmt, fmt, fmt, None, "text", "html", "markdown"])
        run_one(warm, tally, mutant, f"mutant-{i}.{name}", fmt_used,
                f"mutant {i} of {name} (CLAIMGRAPH_FUZZ_SEED={SEED})")
    finish(tally, capsys)


def test_generated_documents(warm, capsys) -> None:
    tally = Tally("generator")
    rng = random.Random(SEED + 1)
    for i in range(MUTANTS):
        data, fmt = generated(rng)
        run_one(warm, tally, data, f"generated-{i}", fmt, f"generated {i} (CLAIMGRAPH_FUZZ_SEED={SEED})")
    finish(tally, capsys)


def test_files_with_hostile_names(warm, tmp_path, capsys) -> None:
    """Through `read` from disk (the extension decides the reader): names with console markup, brackets,
    spaces and odd extensions, holding mutated bytes."""
    tally = Tally("files")
    rng = random.Random(SEED + 2)
    corpus = seeds()
    names = ["[bold]x[not bold].md", "[link=file:@etc]a[link].html", "a b (1).txt", "%s%n.md", "x.HTML",
             "-dash.md", "noext", "x.md.pdf", "Ω.markdown", "x.htm", "x.jpg", "report.tar.gz", "[1].pdf"]
    for i in range(max(20, MUTANTS // 8)):
        name = names[i % len(names)]
        path = tmp_path / f"{i}-{name}"
        path.write_bytes(mutate(corpus[i % len(corpus)][1], rng))
        tally.tried += 1
        start = time.perf_counter()
        try:
            warm.process_reading(read(str(path)))
            tally.documents += 1
        except ClaimgraphError as exc:
            tally.errors[exc.kind] += 1
            if exc.source != str(path):
                tally.crashes.append(f"file {path.name}: a typed error that does not name its input: {exc!r}")
        except Exception as exc:
            tally.crashes.append(f"file {path.name} (seed {SEED}): {type(exc).__name__}: {exc} at {_where(exc)}")
        tally.slowest = max(tally.slowest, (time.perf_counter() - start, path.name))
    finish(tally, capsys)


# ------------------------------------------------------------------------------------------------ Hypothesis

HYPOTHESIS_TALLY = Tally("hypothesis")

piece = st.one_of(st.sampled_from(ALL_PIECES), st.text(max_size=12))
document = st.tuples(
    st.lists(st.lists(piece, max_size=16).map(" ".join), min_size=1, max_size=6).map("\n\n".join),
    st.sampled_from(["markdown", "html", "text", None]),
    st.sampled_from(["utf-8"] * 6 + ["cp1252", "utf-16", "latin-1"]),  # UTF-16 without a BOM reads as binary
)


@settings(max_examples=HYPOTHESIS_EXAMPLES, deadline=None, derandomize=not LONG, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(document)
def hypothesis_document(pipeline, case: tuple[str, str | None, str]) -> None:
    text, fmt, encoding = case
    if fmt == "html":
        text = f"<html><body><p>{text}</p></body></html>"
    data = text.encode(encoding, errors="replace")
    before = len(HYPOTHESIS_TALLY.crashes)
    run_one(pipeline, HYPOTHESIS_TALLY, data, "hypothesis-input", fmt, f"hypothesis {data[:200]!r}")
    # raise here as well, so that Hypothesis shrinks a crash to its smallest form and prints it
    assert len(HYPOTHESIS_TALLY.crashes) == before, HYPOTHESIS_TALLY.crashes[-1]


def test_hypothesis_documents(warm, capsys) -> None:
    hypothesis_document(warm)
    finish(HYPOTHESIS_TALLY, capsys)
