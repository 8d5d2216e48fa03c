"""Getting the documents an article cites: from the knowledge base, a folder of saved copies, or the web.

    library = SourceLibrary(folder="saved/", fetch=False, store=Store(db), read_options=ReadOptions())
    got = library.get("https://example.org/news/2024/05/report")   # a CitedSource, or Unavailable (why)

Order: the knowledge base first (a source read once is kept there by content hash, with the URLs it was
found at, so a second check is offline); then the folder (`--sources DIR`), matched by URL through its
manifest (`manifest.json`: {"URL": "file name", ...}) or, for saved HTML pages, by the page's canonical
URL or og:url; then, only when asked (`--fetch-sources`), the web, through the reader's guarded fetcher
(public addresses only unless allowed, size and time limits, every redirect checked). Every document is
read by the same readers as an article (HTML via trafilatura, PDF, text, Markdown).

URLs are compared normalised: scheme (http/https), case of the host, a leading "www.", the fragment,
tracking parameters (utm_*) and a trailing slash do not count.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import sqlalchemy as sa

from claimgraph.document import content_id
from claimgraph.errors import DecodeFailure, InputError, SourceNotFound
from claimgraph.read import ReadOptions, read

MANIFEST = "manifest.json"

#: Query parameters that only track a click and never change the page.
_TRACKING = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid")


def normalise_url(url: str) -> str:
    """The key a URL is matched by (see the module's docstring)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    host = host[4:] if host.startswith("www.") else host
    port = f":{parts.port}" if parts.port and parts.port not in (80, 443) else ""
    query = urlencode(sorted((k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                             if not k.lower().startswith(_TRACKING)))
    path = parts.path.rstrip("/") or ""
    return f"{host}{port}{path}" + (f"?{query}" if query else "")


@dataclass(frozen=True)
class CitedSource:
    """A cited document, read.

    url: the URL the reference gives.
    document: the content hash of its text (the same id a document of the knowledge base would have).
    text: its plain text.
    format: 'html', 'pdf', 'text' or 'markdown'.
    title: its title, when the reader found one.
    origin: 'knowledge base', 'folder' or 'fetched'.
    location: the file it was read from, or the URL fetched (after redirects).
    """

    url: str
    document: str
    text: str
    format: str
    title: str | None
    origin: str
    location: str


@dataclass(frozen=True)
class Unavailable:
    """A cited document that could not be read, and why (in words, for the finding)."""

    url: str
    why: str


class SourceLibrary:
    """Where cited documents come from; answers are cached per URL for the library's life."""

    def __init__(self, folder: str | Path | None = None, fetch: bool = False, store=None,
                 read_options: ReadOptions | None = None) -> None:
        self.folder = Path(folder) if folder is not None else None
        self.fetch = fetch
        self.store = store
        self.read_options = read_options or ReadOptions()
        self._cache: dict[str, CitedSource | Unavailable] = {}
        self._index: dict[str, Path] | None = None
        self._manifest_entries: dict[str, Path] | None = None
        if self.folder is not None and not self.folder.is_dir():
            raise SourceNotFound("--sources must name a folder of saved source documents", str(self.folder))

    # -- the folder ------------------------------------------------------------------------------------------

    def _manifest_index(self) -> dict[str, Path]:
        """Normalised URL -> file, from the folder's manifest (read once)."""
        if self._manifest_entries is None:
            manifest = self.folder / MANIFEST
            self._manifest_entries = self._manifest(manifest) if manifest.is_file() else {}
        return self._manifest_entries

    def _canonical_index(self) -> dict[str, Path]:
        """Normalised URL -> file, from the canonical URL (or og:url) of each saved HTML page (read once, and
        only when a URL is not in the manifest)."""
        if self._index is not None:
            return self._index
        index: dict[str, Path] = {}
        for path in sorted(self.folder.rglob("*")):
            if path.suffix.lower() not in (".html", ".htm") or not path.is_file():
                continue
            try:
                url = read(str(path), self.read_options).meta.url
            except InputError:
                continue  # an unreadable page is reported if and when a citation names it
            if url:
                index.setdefault(normalise_url(url), path)
        self._index = index
        return index

    def _in_folder(self, key: str) -> Path | None:
        if self.folder is None:
            return None
        return self._manifest_index().get(key) or self._canonical_index().get(key)

    def _manifest(self, manifest: Path) -> dict[str, Path]:
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise DecodeFailure(f"the sources manifest is not valid JSON: {exc}", str(manifest)) from None
        if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
            raise DecodeFailure('the sources manifest must be one JSON object {"URL": "file name", ...}',
                                str(manifest))
        out = {}
        root = self.folder.resolve()
        for url, name in data.items():
            path = (self.folder / name).resolve()
            if root not in path.parents:
                raise DecodeFailure(f"the manifest names {name!r}, outside the sources folder", str(manifest))
            out[normalise_url(url)] = path
        return out

    # -- the knowledge base ----------------------------------------------------------------------------------

    def _stored(self, key: str, url: str) -> CitedSource | None:
        if self.store is None:
            return None
        from claimgraph.store import schema as t

        d, u = t.source_documents, t.source_urls
        with self.store.engine.connect() as conn:
            row = conn.execute(
                sa.select(d.c.id, d.c.text, d.c.format, d.c.title, u.c.location)
                .join(u, u.c.source_document_id == d.c.id).where(u.c.url == key)
            ).first()
        if row is None:
            return None
        return CitedSource(url, row.id, row.text, row.format, row.title, "knowledge base", row.location)

    def _keep(self, key: str, got: CitedSource) -> None:
        if self.store is None:
            return
        from claimgraph.store import schema as t
        from claimgraph.store.engine import writing

        d, u = t.source_documents, t.source_urls
        now = dt.datetime.now(dt.UTC)
        with self.store.engine.connect() as raw:
            conn = writing(raw)
            with conn.begin():
                if conn.scalar(sa.select(d.c.id).where(d.c.id == got.document)) is None:
                    conn.execute(sa.insert(d).values(id=got.document, format=got.format, title=got.title,
                                                     char_count=len(got.text), text=got.text, stored_at=now))
                conn.execute(sa.delete(u).where(u.c.url == key))
                conn.execute(sa.insert(u).values(url=key, source_document_id=got.document, origin=got.origin,
                                                 location=got.location, stored_at=now))

    # -- getting one -----------------------------------------------------------------------------------------

    def get(self, url: str) -> CitedSource | Unavailable:
        """The document at `url`, or why it could not be had."""
        key = normalise_url(url)
        if key in self._cache:
            return self._cache[key]
        got = self._get(url, key)
        self._cache[key] = got
        return got

    def _get(self, url: str, key: str) -> CitedSource | Unavailable:
        stored = self._stored(key, url)
        if stored is not None:
            return stored
        why = []
        path = self._in_folder(key)
        if path is not None:
            got = self._read(url, str(path), "folder")
            if isinstance(got, CitedSource):
                self._keep(key, got)
                return got
            why.append(got.why)
        elif self.folder is not None:
            why.append(f"no saved copy in {self.folder} (not in its {MANIFEST}, and no saved page gives this "
                       "URL as its canonical address)")
        if self.fetch and not url.lower().startswith(("http://", "https://")):
            why.append("only http and https URLs are fetched")  # a reference never names a local file to read
        elif self.fetch:
            got = self._read(url, url, "fetched")
            if isinstance(got, CitedSource):
                self._keep(key, got)
                return got
            why.append(got.why)
        elif not why:
            why.append("not in the knowledge base; give --sources DIR or --fetch-sources to read it")
        else:
            why.append("not fetched (--fetch-sources not given)")
        return Unavailable(url, "; ".join(why))

    def _read(self, url: str, where: str, origin: str) -> CitedSource | Unavailable:
        try:
            reading = read(where, self.read_options)
        except InputError as exc:
            what = "the saved copy" if origin == "folder" else "fetching it"
            return Unavailable(url, f"{what} failed: {exc.message}")
        location = reading.meta.url if origin == "fetched" and reading.meta.url else where
        return CitedSource(url, content_id(reading.text), reading.text, reading.format, reading.meta.title,
                           origin, location)

