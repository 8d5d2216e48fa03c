"""Expand the SOURCE arguments of the command line into the inputs to read, in a stable order."""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterator

from claimgraph.errors import InputError, SourceNotFound

#: how each supported extension is read; 'textual' is text that may turn out to be Markdown. A file with
#: another extension is sniffed when named explicitly, and skipped when found in a folder.
FORMAT_BY_EXTENSION = {
    ".txt": "textual", ".md": "markdown", ".markdown": "markdown",
    ".html": "html", ".htm": "html", ".pdf": "pdf",
}
EXTENSIONS = frozenset(FORMAT_BY_EXTENSION)

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_GLOB = re.compile(r"[*?\[]")


def is_url(source: str) -> bool:
    return bool(_URL.match(source))


def expand_sources(args: list[str]) -> Iterator[str | InputError]:
    """Each argument in turn: '-' and URLs as they are, a file as itself, a folder as every supported file
    under it (recursively, sorted, hidden files skipped), a glob pattern as its matches (sorted).

    A name that matches nothing yields a SourceNotFound instead of raising it, so a batch goes on.
    """
    for arg in args:
        if arg == "-" or is_url(arg):
            yield arg
        elif os.path.isdir(arg):
            found = _folder(arg)
            yield from found or [SourceNotFound("the folder holds no .txt, .md, .html or .pdf files", arg)]
        elif os.path.exists(arg):
            yield arg
        elif _GLOB.search(arg):
            found = _glob(arg)
            yield from found or [SourceNotFound("the pattern matches no files", arg)]
        else:
            yield SourceNotFound("no such file or folder", arg)


def _folder(folder: str) -> list[str]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in EXTENSIONS:
                found.append(os.path.join(root, name))
    return sorted(found)


def _glob(pattern: str) -> list[str]:
    found: list[str] = []
    for match in sorted(glob.glob(pattern, recursive=True)):
        if os.path.isdir(match):
            found += _folder(match)
        elif os.path.isfile(match):
            found.append(match)
    return list(dict.fromkeys(found))  # a folder and a file inside it may both match
