"""The read stage's entry points: any SOURCE (path, '-', URL) or bytes to a Reading."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from typing import BinaryIO

from claimgraph.errors import DecodeFailure, EmptyInput, InputTooLarge, SourceNotFound, UnsupportedFormat
from claimgraph.read.decode import binary_kind, decode_text, is_pdf, looks_like_html, meta_charset
from claimgraph.read.fetch import fetch
from claimgraph.read.html import read_html
from claimgraph.read.markdown import read_markdown, read_plain, read_textual
from claimgraph.read.options import DEFAULT_OPTIONS, ReadOptions
from claimgraph.read.pdf import read_pdf
from claimgraph.read.sources import EXTENSIONS, FORMAT_BY_EXTENSION, is_url
from claimgraph.records import Reading

FORMATS = ("text", "markdown", "html", "pdf")


def read(source: str, options: ReadOptions = DEFAULT_OPTIONS, stdin: BinaryIO | None = None) -> Reading:
    """Read a file path, '-' (standard input) or an http(s) URL.

    Raises an InputError subclass naming `source` when the input cannot be read as a document.
    """
    if source == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        return _read_data(_read_limited(stream, source, options.max_bytes), source, None)
    if is_url(source):
        fetched = fetch(source, options)
        return _read_data(fetched.data, source, fetched.hint, url=fetched.url, charset=fetched.charset)
    return _read_data(_read_file(source, options.max_bytes), source, _hint(source))


def read_bytes(data: bytes, source: str, fmt: str | None = None) -> Reading:
    """Read bytes already in memory. `fmt` is 'text', 'markdown', 'html' or 'pdf'; None sniffs it from
    the bytes and from the extension of `source`."""
    if fmt is not None and fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return _read_data(data, source, fmt or _hint(source))


def _hint(source: str) -> str | None:
    ext = os.path.splitext(source)[1].lower()
    if ext in FORMAT_BY_EXTENSION:
        return FORMAT_BY_EXTENSION[ext]
    # a file named with some other extension: sniff it, but only accept text (see _read_data)
    return "unknown" if ext and source != "-" and not is_url(source) else None


def _read_file(source: str, limit: int) -> bytes:
    if not os.path.exists(source):
        raise SourceNotFound("no such file", source)
    if os.path.isdir(source):
        raise UnsupportedFormat("this is a folder; name the files in it, or pass it as a SOURCE to expand",
                                source)
    if not os.path.isfile(source):
        raise UnsupportedFormat("not a regular file", source)
    size = os.path.getsize(source)
    if size > limit:
        raise InputTooLarge(f"the file is {size:,} bytes, over the {limit:,} byte limit", source)
    try:
        with open(source, "rb") as f:
            return _read_limited(f, source, limit)
    except PermissionError as exc:
        raise SourceNotFound("permission denied: the file cannot be opened", source) from exc
    except OSError as exc:
        raise SourceNotFound(f"the file cannot be read ({exc.strerror})", source) from exc


def _read_limited(stream: BinaryIO, source: str, limit: int) -> bytes:
    data = stream.read(limit + 1)  # one byte more tells us the input is over the limit
    if len(data) > limit:
        raise InputTooLarge(f"the input is over the {limit:,} byte limit", source)
    return data


def _read_data(data: bytes, source: str, hint: str | None, *, url: str | None = None,
               charset: str | None = None) -> Reading:
    """Dispatch on the format hint: a format name, 'textual' (.txt), 'unknown' (another extension), or
    None (sniff everything: stdin, URLs without a useful Content-Type)."""
    if not data:
        raise EmptyInput("the input is empty (0 bytes)", source)
    if hint == "pdf" or (hint in (None, "unknown") and is_pdf(data)):
        if not is_pdf(data):
            kind = binary_kind(data)
            raise DecodeFailure("this is not a PDF file" + (f" but {kind}" if kind else " (no %PDF- header)"),
                                source)
        return read_pdf(data, source)
    if hint == "unknown":
        kind = binary_kind(data)
        if kind:
            ext = os.path.splitext(source)[1]
            raise UnsupportedFormat(f"'{ext}' files are not supported (this is {kind}); claimgraph reads "
                                    f"{', '.join(sorted(EXTENSIONS))}", source)
    text = decode_text(data, source, charset or meta_charset(data))
    if not text.strip():
        raise EmptyInput("the input contains only white space", source)
    if hint == "html" or (hint in (None, "unknown") and looks_like_html(text)):
        reading = read_html(text, source, url)
    elif hint == "markdown":
        reading = read_markdown(text, source)
    elif hint == "text":
        reading = read_plain(text, source)
    else:
        reading = read_textual(text, source)
    return replace(reading, meta=replace(reading.meta, url=url)) if url else reading
