"""Fetch a URL safely: article URLs come from untrusted documents and users.

Only http and https. The host is resolved first and every address it resolves to must be public, unless
private addresses are allowed; the connection then goes to the address that was checked (so a second DNS
answer cannot point it elsewhere). Redirects are followed by hand, each hop checked the same way. The
body is streamed and cut off past the size limit, and the whole fetch has one deadline.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from claimgraph.errors import FetchFailed, FetchRefused
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
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            if time.monotonic() > deadline:
                raise FetchFailed(f"timed out after {options.timeout:g} s following redirects", url)
            request = _pinned_request(client, current, url, options)
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


def _pinned_request(client: httpx.Client, current: str, source: str, options: ReadOptions) -> httpx.Request:
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
    address = _checked_address(host, port, source, options)
    headers = {"Host": target.netloc.decode("ascii")}
    extensions = {"sni_hostname": host} if target.scheme == "https" else {}
    return client.build_request("GET", target.copy_with(host=str(address)), headers=headers,
                                extensions=extensions)


def _checked_address(host: str, port: int, source: str, options: ReadOptions) -> IPAddress:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(f"could not resolve the host {host}", source) from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not options.allow_private:
        # every address must be public: a host resolving to both would let an attacker pick
        for address in addresses:
            why = non_public(address)
            if why:
                raise FetchRefused(f"{host} resolves to {address}, a {why} address; fetching it is refused "
                                   "unless private addresses are allowed (--allow-private)", source)
    return addresses[0]


def non_public(address: IPAddress) -> str | None:
    """Why `address` is not a public internet address ('loopback', 'private'...), or None when it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
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
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None
