"""Every error the library raises. Only the CLI and the web layer turn these into exit codes and HTTP answers.

Each error names the input it is about (`source`) so that a batch can report it and go on.
"""

from __future__ import annotations


def error_json(kind: str, message: str, source: str | None = None) -> dict:
    """The one JSON error shape, {"error": {"kind", "source", "message"}}: what the web API answers and what the
    CLI prints for a command run with `--json` (claimgraph.cli.output.fail). Every error body is built here."""
    return {"error": {"kind": kind, "source": source, "message": message}}


class ClaimgraphError(Exception):
    """Base class: something claimgraph could not do, with a message meant for the person running it."""

    #: short machine-readable kind, used in the one JSON error shape {"error": {"kind", "source", "message"}}
    kind = "error"

    def __init__(self, message: str, source: str | None = None):
        self.message = message
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)

    def as_dict(self) -> dict:
        """This error in the one JSON error shape (`error_json`)."""
        return error_json(self.kind, self.message, self.source)


class InputError(ClaimgraphError):
    """The input cannot be read as a document (bad input or usage: exit code 2)."""

    kind = "bad_input"


class SourceNotFound(InputError):
    """A path, folder or glob that names nothing readable."""

    kind = "not_found"


class UnsupportedFormat(InputError):
    """A file whose kind claimgraph does not read (by extension or content)."""

    kind = "unsupported_format"


class EmptyInput(InputError):
    """A document with no text in it once decoded and stripped of markup."""

    kind = "empty"


class BinaryInput(InputError):
    """Bytes that are not text and not a format we read (an image, an executable...)."""

    kind = "binary"


class InputTooLarge(InputError):
    """An input over the configured size limit."""

    kind = "too_large"


class InputTooComplex(InputError):
    """An input over the complexity budget (`claimgraph/budget.py`): too many attributes on one tag, markup
    nested too deep, too many reference entries. Such input is generated, not written, and would cost
    minutes or gigabytes."""

    kind = "too_complex"


class DecodeFailure(InputError):
    """Text whose encoding could not be determined, or a malformed HTML/PDF file."""

    kind = "undecodable"


class FetchRefused(InputError):
    """A URL we will not fetch: a private or loopback address without permission, or a non-http(s) scheme."""

    kind = "fetch_refused"


class FetchFailed(InputError):
    """A URL that could not be fetched: timeout, HTTP error, too large, connection refused."""

    kind = "fetch_failed"


class ModelUnavailable(ClaimgraphError):
    """The pinned spaCy pipeline is not installed."""

    kind = "model_unavailable"


class DataFileError(ClaimgraphError):
    """A bundled rules or gazetteer data file is malformed."""

    kind = "data_file"


class StoreError(ClaimgraphError):
    """The knowledge base cannot be opened or used: a bad URL, an unreachable server, a newer schema."""

    kind = "store"


class QueryError(ClaimgraphError):
    """A question the knowledge base cannot answer as asked: an unknown actor, a malformed date (exit 2)."""

    kind = "bad_query"


class DocumentTooSlow(InputError):
    """A document that took longer than the wall-clock budget per document (the batch goes on without it)."""

    kind = "too_slow"


class WorkersUnavailable(ClaimgraphError):
    """The worker processes could not start (the model failed to load in them) or keep dying: the batch stops."""

    kind = "workers_unavailable"


class NotFound(QueryError):
    """A document, actor or other record asked for by id that the knowledge base does not hold (HTTP 404)."""

    kind = "not_found"
