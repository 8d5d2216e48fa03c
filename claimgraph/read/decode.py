"""Bytes to text: what kind of bytes they are (binary, PDF, HTML) and which encoding they use.

Order of trust: a byte-order mark, then strict UTF-8, then an encoding the source declares (HTTP header or
<meta charset>), then charset-normalizer's guess.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from claimgraph.errors import BinaryInput, DecodeFailure, EmptyInput

_BOMS = (  # UTF-32 first: the UTF-32-LE mark starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (or a Word, Excel or EPUB file)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file"),
    (b"\x7fELF", "an executable program (ELF)"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"ID3", "an MP3 audio file"),
    (b"OggS", "an Ogg audio or video file"),
    (b"wOFF", "a web font"),
    (b"\x00asm", "a WebAssembly module"),
)

# WHATWG: documents labelled Latin-1 or ASCII are decoded as windows-1252 by every browser.
_ALIASES = dict.fromkeys(("iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"), "cp1252")
# Labels Python knows but no page may use: 'undefined' always fails, UTF-7 is refused by the WHATWG Encoding
# standard (it smuggles markup past filters), and the others are byte transforms rather than text encodings.
_REFUSED = {"undefined", "utf-7", "mbcs", "oem", "idna", "punycode", "raw-unicode-escape", "unicode-escape",
            "charmap"}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.I)
_HTML_START = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S
)


def binary_kind(data: bytes) -> str | None:
    """A plain-words name for non-text bytes ('a PNG image'), or None when the bytes may be text."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if any(data.startswith(bom) for bom, _ in _BOMS):
        return None  # UTF-16/32 text is full of NUL bytes
    if b"\x00" in data[:8192]:
        return "binary data (it contains NUL bytes)"
    return None


def is_pdf(data: bytes) -> bool:
    # The PDF header may sit anywhere in the first 1024 bytes (ISO 32000, 7.5.2 note).
    return b"%PDF-" in data[:1024]


def looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text[:4096]))


def meta_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first bytes, if any."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def resolve_charset(label: str | None) -> str | None:
    """The Python codec for a declared charset label (HTTP header or <meta>), or None when the label is
    missing, unknown, or names no usable text encoding ('undefined', 'x-user-defined', 'base64', 'utf-7').

    Any string may come in (it is the page's word); None means "ignore the declaration and detect".
    """
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if not label or len(label) > 40:
        return None
    label = _ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):  # ValueError: a label with a NUL byte
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _REFUSED:
        return None
    return info.name


def decode_text(data: bytes, source: str, declared: str | None = None) -> str:
    """Decode `data` to str, or raise EmptyInput, BinaryInput or DecodeFailure naming `source`."""
    if not data:
        raise EmptyInput("the input is empty (0 bytes)", source)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).lstrip("\ufeff")
            except UnicodeDecodeError as exc:
                raise DecodeFailure(f"the text starts with a {encoding} byte-order mark but is not valid "
                                    f"{encoding} ({exc.reason} at byte {exc.start})", source) from exc
    kind = binary_kind(data)
    if kind:
        raise BinaryInput(f"this is {kind}, not a text document", source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    encoding = resolve_charset(declared)
    if encoding:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeError, ValueError):
            pass  # a wrong declaration is common; fall through to detection
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is not None:
        # On a tie, windows-1252 wins: it is by far the most common legacy encoding (and the web's default).
        tie = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
        best = next((m for m in tie if m.encoding == "cp1252"), best)
    if best is None:
        raise DecodeFailure("could not work out the text encoding (it is not UTF-8, and no other encoding "
                            "fits these bytes)", source)
    return str(best)
