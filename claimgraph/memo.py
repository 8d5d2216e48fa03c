"""Memos of one document: pure functions of a text that several stages ask about the same text.

The claims stage and the audit both scan each sentence for numbers (`quantities.scan`); the number scan and
the period finder both look for dates in it (`dates.find_dates`); a date line and a title can be the same
line (`dates._dateparser`). Measured on the bench's gold texts (427 documents, each once), 50% of the scans
and 67% of the date searches repeat one already made for the same document.

`per_document` caches such a function; `clear` empties every such cache, and the pipeline calls it when a
document's stages start, so that a cache only ever serves the document it was filled by: no cache grows
with a batch, and a benchmark whose corpus repeats its texts is not sped up by the repetition. Outside the
pipeline the caches stay bounded (`MAXSIZE` entries each, least recently used dropped first).

Only for functions whose result depends on their arguments alone and is immutable, or a list of immutable
items: a list is kept as a tuple and handed back as a new list each time, so a caller that changes the list
it got never changes what the next caller gets.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

#: Entries per cached function: more than the sentences of a long report; a document with more distinct texts
#: only loses some of its hits, never a result.
MAXSIZE = 4096

_caches: list[Any] = []


def per_document(func: F) -> F:
    """`func` with its results remembered for equal positional arguments until `clear`."""

    @functools.lru_cache(maxsize=MAXSIZE)
    def cached(*args: Any) -> tuple[bool, Any]:
        result = func(*args)
        return (True, tuple(result)) if isinstance(result, list) else (False, result)

    @functools.wraps(func)
    def memoised(*args: Any, **kwargs: Any) -> Any:
        if kwargs:
            return func(*args, **kwargs)
        was_list, result = cached(*args)
        return list(result) if was_list else result

    _caches.append(cached)
    memoised.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return memoised  # type: ignore[return-value]


def clear() -> None:
    """Forget every remembered result (a new document starts)."""
    for cache in _caches:
        cache.cache_clear()
