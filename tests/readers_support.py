"""Helpers for the reader tests: invariants every Reading must hold, PDFs made with reportlab, and a local
HTTP server for the fetch tests."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from reportlab.pdfgen.canvas import Canvas

from claimgraph.records import Reading

# ------------------------------------------------------------------------------------------------ readings


def check_reading(reading: Reading) -> None:
    """The contract of every reader: spans index into the text, blocks are in order, trimmed, and
    separated by a blank line."""
    text = reading.text
    assert text == text.strip() and text
    blocks = reading.blocks
    assert blocks, "a reading has blocks"
    for block in blocks:
        covered = block.span.of(text)
        assert covered and covered == covered.strip(), block
        assert block.kind in ("heading", "paragraph", "list_item", "quote", "code"), block
    for a, b in zip(blocks, blocks[1:], strict=False):
        assert text[a.span.end : b.span.start] == "\n\n", (a, b)
    assert blocks[0].span.start == 0 and blocks[-1].span.end == len(text)
    spans = [link.span for link in reading.links] + list(reading.superscripts)
    spans += [anchor.span for anchor in reading.anchors]
    for span in spans:
        assert 0 <= span.start < span.end <= len(text), span


def texts(reading: Reading, kind: str | None = None) -> list[str]:
    return [b.span.of(reading.text) for b in reading.blocks if kind is None or b.kind == kind]


def links(reading: Reading) -> list[tuple[str, str]]:
    return [(link.span.of(reading.text), link.target) for link in reading.links]


# ------------------------------------------------------------------------------------------------ PDFs

Line = tuple[str, float, float]  # text, font size, extra space above it (points)


def canvas_pdf(pages: list[list[Line]], title: str | None = None, author: str | None = None,
               encrypt: str | None = None) -> bytes:
    """A PDF whose lines are placed one by one, so tests control line breaks, sizes and gaps."""
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1, encrypt=encrypt)
    if title:
        canvas.setTitle(title)
    if author:
        canvas.setAuthor(author)
    canvas.setDateFormatter(lambda *_: "D:20240318120000+00'00'")
    for lines in pages:
        y = 780.0
        for text, size, gap in lines:
            y -= gap + size * 1.2
            canvas.setFont("Helvetica", size)
            canvas.drawString(72, y, text)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def picture_pdf() -> bytes:
    """A PDF with a drawing and no text, like a scanned page."""
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.rect(100, 100, 300, 400, fill=1)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


# ------------------------------------------------------------------------------------------------ HTTP


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    chunks: int = 0  # when > 0, send `body` this many times without a Content-Length
    delay: float = 0.0


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, Route] = {}
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        route = self.routes.get(self.path, Route(404, b"not found", {"Content-Type": "text/plain"}))
        if route.delay:
            time.sleep(route.delay)
        try:
            self.send_response(route.status)
            for key, value in route.headers.items():
                self.send_header(key, value)
            if route.chunks:
                self.send_header("Connection", "close")
                self.end_headers()
                for _ in range(route.chunks):
                    self.wfile.write(route.body)
            else:
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading, as it should past the size limit

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output quiet


@contextmanager
def local_server(routes: dict[str, Route]) -> Iterator[Callable[[str], str]]:
    """Serve `routes` on 127.0.0.1 (a free port) in a thread; yields a function path -> full URL."""
    handler = type("Handler", (_Handler,), {"routes": routes})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        yield lambda path: f"http://127.0.0.1:{port}{path}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
