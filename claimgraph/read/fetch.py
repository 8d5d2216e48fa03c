"""Fetch a URL safely: article URLs come from untrusted documents and users.

Only http and https. The host is resolved first and every address it resolves to must be public, unless
private addresses are allowed; the connection then goes to the address that was checked (so a second DNS
answer cannot point it elsewhere). An IPv6 address that carries an IPv4 address (IPv4-mapped, 6to4, Teredo,
NAT64) is refused when the IPv4 address inside it would be. Redirects are followed by hand, each hop checked
the same way. The body is streamed and cut off past the size limit.

The whole fetch has one deadline (`ReadOptions.timeout`): name resolution, connecting, the TLS handshake, the
headers and the body of every hop. httpx's own timeouts apply to each socket operation, so a server that sends
one header line every few seconds would never trip them; here every read and write on the socket waits at most
until the deadline (a network backend that clamps httpcore's per-operation timeout), and name resolution runs
in a helper thread that is abandoned at the deadline.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import httpcore
import httpx

from claimgraph.errors import FetchFailed, FetchRefused
from claimgraph.read.decode import resolve_charset
from claimgraph.read.options import ReadOptions

MAX_REDIRECTS = 5
USER_AGENT = "claimgraph/0.1 (+https://github.com/claimgraph)"
_REDIRECT_CODES = {301, 302, 303, 307, 308}
_FORMATS = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "text/plain": "textual",
}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")


@dataclass(frozen=True)
class Fetched:
    """data: the body. url: the final URL after redirects. hint: the format its Content-Type names
    ('html', 'pdf', 'markdown', 'textual' for text/plain, or None). charset: the declared charset."""

    data: bytes
    url: str
    hint: str | None
    charset: str | None


def fetch(url: str, options: ReadOptions) -> Fetched:
    deadline = time.monotonic() + options.timeout
    current = url
    with httpx.Client(
        timeout=options.timeout,
        follow_redirects=False,
        trust_env=False,  # a proxy from the environment would bypass the address check
        headers={"User-Agent": USER_AGENT},
        transport=_DeadlineTransport(deadline),
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            if time.monotonic() > deadline:
                raise FetchFailed(f"timed out after {options.timeout:g} s following redirects", url)
            request = _pinned_request(client, current, url, options, deadline)
            try:
                response = client.send(request, stream=True)
            except httpx.TimeoutException as exc:
                raise FetchFailed(f"timed out after {options.timeout:g} s fetching {current}", url) from exc
            except httpx.HTTPError as exc:
                raise FetchFailed(f"could not fetch {current}: {exc}", url) from exc
            try:
                location = response.headers.get("location")
                if response.status_code in _REDIRECT_CODES and location:
                    current = urljoin(current, location.strip())
                    continue
                if response.status_code >= 400:
                    raise FetchFailed(f"the server answered HTTP {response.status_code} "
                                      f"{response.reason_phrase} for {current}", url)
                data = _body(response, url, options, deadline)
            finally:
                response.close()
            mime, _, params = response.headers.get("content-type", "").partition(";")
            return Fetched(data, current, _FORMATS.get(mime.strip().lower()), _charset(params))
    raise FetchFailed(f"too many redirects (more than {MAX_REDIRECTS})", url)


def _pinned_request(client: httpx.Client, current: str, source: str, options: ReadOptions,
                    deadline: float) -> httpx.Request:
    """A GET for `current` sent to the checked address of its host, with the original Host header and
    TLS server name, so that certificates are still verified against the host name."""
    try:
        target = httpx.URL(current)
    except httpx.InvalidURL as exc:
        raise FetchRefused(f"not a valid URL: {current}", source) from exc
    if target.scheme not in ("http", "https"):
        raise FetchRefused(f"only http and https URLs are fetched, not {target.scheme}:", source)
    host = target.raw_host.decode("ascii")  # IDNA-encoded, as DNS and TLS want it
    if not host:
        raise FetchRefused(f"the URL has no host: {current}", source)
    port = target.port or (443 if target.scheme == "https" else 80)
    address = _checked_address(host, port, source, options, deadline)
    headers = {"Host": target.netloc.decode("ascii")}
    extensions = {"sni_hostname": host} if target.scheme == "https" else {}
    return client.build_request("GET", target.copy_with(host=str(address)), headers=headers,
                                extensions=extensions)


def _checked_address(host: str, port: int, source: str, options: ReadOptions, deadline: float) -> IPAddress:
    infos = _resolve(host, port, source, options, deadline)
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not options.allow_private:
        # every address must be public: a host resolving to both would let an attacker pick
        for address in addresses:
            why = non_public(address)
            if why:
                inside = "".join(f" ({kind} of {v4})" for kind, v4 in embedded_ipv4(address))
                raise FetchRefused(f"{host} resolves to {address}{inside}, a {why} address; fetching it is "
                                   "refused unless private addresses are allowed (--allow-private)", source)
    return addresses[0]


def _resolve(host: str, port: int, source: str, options: ReadOptions, deadline: float) -> list[Any]:
    """getaddrinfo within the deadline. It cannot be interrupted, so it runs in a daemon thread that is left
    to finish on its own (the resolver's own timeouts end it) when the deadline passes first."""
    outcome: dict[str, Any] = {}

    def resolve() -> None:
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:  # socket.gaierror is an OSError
            outcome["error"] = exc

    worker = threading.Thread(target=resolve, name="claimgraph-resolve", daemon=True)
    worker.start()
    worker.join(max(0.0, deadline - time.monotonic()))
    if worker.is_alive():
        raise FetchFailed(f"timed out after {options.timeout:g} s resolving the host {host}", source)
    if "error" in outcome or not outcome.get("infos"):
        raise FetchFailed(f"could not resolve the host {host}", source) from outcome.get("error")
    return outcome["infos"]


# The NAT64 prefixes (RFC 6052, RFC 8215) and where RFC 6052 puts the IPv4 address for each prefix length:
# (prefix length, the bit ranges holding its 32 bits, high to low). Bits 64-71 (the "u" octet) are skipped.
_NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_RFC6052_LAYOUTS = (
    (32, ((32, 64),)),
    (40, ((40, 64), (72, 80))),
    (48, ((48, 64), (72, 88))),
    (56, ((56, 64), (72, 96))),
    (64, ((72, 104),)),
    (96, ((96, 128),)),
)


def _bits(value: int, start: int, end: int) -> tuple[int, int]:
    """Bits start..end (from the top) of a 128-bit value, and how many there are."""
    return (value >> (128 - end)) & ((1 << (end - start)) - 1), end - start


def embedded_ipv4(address: IPAddress) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address carries, each with the mechanism that carries it: IPv4-mapped
    (::ffff:0:0/96), 6to4 (2002::/16), Teredo (2001::/32: its server and its client, the client's bits
    de-obfuscated) and NAT64 (64:ff9b::/96; for the local-use 64:ff9b:1::/48 the place of the IPv4 address is
    a local choice, so every RFC 6052 place is taken). Empty for an IPv4 address or a plain IPv6 one."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    found: list[tuple[str, ipaddress.IPv4Address]] = []
    if address.ipv4_mapped:
        found.append(("IPv4-mapped", address.ipv4_mapped))
    if address.sixtofour:
        found.append(("6to4", address.sixtofour))
    if address.teredo:
        server, client = address.teredo
        found += [("Teredo client", client), ("Teredo server", server)]
    if address in _NAT64_WELL_KNOWN:
        found.append(("NAT64", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)))
    elif address in _NAT64_LOCAL:
        value = int(address)
        for _, ranges in _RFC6052_LAYOUTS[2:]:  # a /48 prefix holds the IPv4 address at /48 or longer
            v4 = 0
            for start, end in ranges:
                bits, width = _bits(value, start, end)
                v4 = (v4 << width) | bits
            candidate = ipaddress.IPv4Address(v4)
            if ("NAT64", candidate) not in found:
                found.append(("NAT64", candidate))
    return found


def non_public(address: IPAddress) -> str | None:
    """Why `address` is not a public internet address ('loopback', 'private'...), or None when it is.

    An IPv6 address carrying an IPv4 address (see `embedded_ipv4`) is refused for the reason the IPv4 address
    would be: the packets end up there (6to4 and Teredo relays, a NAT64 gateway). For the well-known NAT64
    prefix the IPv4 address decides alone: RFC 6052 (3.1) forbids it for non-global IPv4 addresses, and on an
    IPv6-only network with DNS64 every IPv4-only site resolves into it. For the local-use NAT64 prefix, whose
    layout is a local choice, an address is refused when any RFC 6052 place holds a loopback, private or
    link-local address (0.0.0.0/8 does not count there: the zero bits of another layout). Other addresses,
    and those whose embedded IPv4 passes, are judged as IPv6 addresses."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    elif isinstance(address, ipaddress.IPv6Address):
        local_nat64 = address in _NAT64_LOCAL
        for _, v4 in embedded_ipv4(address):
            if local_nat64 and v4 in _THIS_NETWORK:
                continue
            why = non_public(v4)
            if why:
                return why
        if address in _NAT64_WELL_KNOWN:
            return None
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("non-public", not address.is_global),
    )
    return next((why for why, hit in checks if hit), None)


def _body(response: httpx.Response, source: str, options: ReadOptions, deadline: float) -> bytes:
    limit = options.max_bytes
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchFailed(f"the response is {int(declared):,} bytes, over the {limit:,} byte limit", source)
    body = bytearray()
    try:
        for chunk in response.iter_bytes():
            body += chunk  # counted after decompression, so a small gzip bomb stops here too
            if len(body) > limit:
                raise FetchFailed(f"the response is larger than the {limit:,} byte limit", source)
            if time.monotonic() > deadline:
                raise FetchFailed(f"timed out after {options.timeout:g} s reading the response", source)
    except httpx.TimeoutException as exc:
        raise FetchFailed(f"timed out after {options.timeout:g} s reading the response", source) from exc
    except httpx.HTTPError as exc:
        raise FetchFailed(f"the connection failed while reading the response: {exc}", source) from exc
    return bytes(body)


def _charset(params: str) -> str | None:
    """The charset a Content-Type declares, if it names a text encoding a page can be in (see
    `decode.resolve_charset`). Anything else ('undefined', 'x-unknown', 'rot13'...) is dropped here, so that the
    page's own <meta charset> or, failing that, sniffing decides, as if the header named none."""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            return resolve_charset(value)
    return None


# ------------------------------------------------------------------------------------------------ the deadline


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation waits at most until the deadline."""

    def __init__(self, stream: httpcore.NetworkStream, deadline: float):
        self._stream = stream
        self._deadline = deadline

    def _left(self, timeout: float | None, error: type[Exception]) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise error("the fetch deadline passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        stream = self._stream.start_tls(ssl_context, server_hostname, self._left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(stream, self._deadline)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's socket backend with every connection's operations bounded by one deadline."""

    def __init__(self, deadline: float):
        self._backend = httpcore.SyncBackend()
        self._deadline = deadline

    def _left(self, timeout: float | None) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ConnectTimeout("the fetch deadline passed")
        return left if timeout is None else min(timeout, left)

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(host, port, self._left(timeout), local_address, socket_options)
        return _DeadlineStream(stream, self._deadline)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Any = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not fetched")

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(min(seconds, max(0.0, self._deadline - time.monotonic())))


class _DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool that uses `_DeadlineBackend`. httpx takes no network backend,
    so the pool it builds is replaced by one built the same way with the backend (trust_env=False, no proxy:
    see `fetch`); test_fetch's slow-header test fails if this stops working."""

    def __init__(self, deadline: float):
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(trust_env=False),
                                             network_backend=_DeadlineBackend(deadline))
