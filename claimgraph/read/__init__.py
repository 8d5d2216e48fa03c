"""The read stage: text, Markdown, HTML, PDF, stdin and URLs to a `Reading` (plain text plus layout).

    read(source, options, stdin)   a path, '-' or an http(s) URL
    read_bytes(data, source, fmt)  bytes already in memory
    expand_sources(args)           SOURCE arguments (files, folders, globs, '-', URLs) to single inputs
"""

from claimgraph.read.options import DEFAULT_OPTIONS, ReadOptions
from claimgraph.read.reader import FORMATS, read, read_bytes
from claimgraph.read.sources import EXTENSIONS, expand_sources

__all__ = ["DEFAULT_OPTIONS", "EXTENSIONS", "FORMATS", "ReadOptions", "expand_sources", "read", "read_bytes"]
