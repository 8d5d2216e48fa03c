"""How the readers behave: size and time limits, and whether private addresses may be fetched."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadOptions:
    """allow_private: fetch URLs whose host resolves to a private, loopback or otherwise non-public address.
    max_bytes: the largest input (file, stdin or HTTP body) read, in bytes.
    timeout: seconds allowed for fetching one URL, redirects included.
    """

    allow_private: bool = False
    max_bytes: int = 20_000_000
    timeout: float = 20.0


DEFAULT_OPTIONS = ReadOptions()
