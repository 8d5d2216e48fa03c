"""Fetching URLs: address checks, redirects, limits and Content-Type dispatch, against a local server."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from readers_support import Route, canvas_pdf, check_reading, local_server, texts

from claimgraph.errors import FetchFailed, FetchRefused
from claimgraph.read import ReadOptions, read
from claimgraph.read import fetch as fetch_module
from claimgraph.read.fetch import embedded_ipv4, non_public

LOCAL = ReadOptions(allow_private=True, timeout=5.0)
PAGE = (b"<!doctype html><html><head><title>Local page</title></head><body><article>"
        b"<h1>Local page</h1><p>Officials said the crossing reopened.<sup><a href='#fn1'>1</a></sup></p>"
        b"<ol><li id='fn1'>Dawn, 2024.</li></ol></article></body></html>")
HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.mark.parametrize(("address", "why"), [
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"), ("172.16.0.1", "private"),
    ("192.168.1.1", "private"), ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
    ("0.0.0.0", "unspecified"), ("::", "unspecified"), ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "loopback"), ("100.64.0.1", "non-public"), ("240.0.0.1", "private"),
    ("fc00::1", "private"), ("8.8.8.8", None), ("2001:4860:4860::8888", None),
])
def test_non_public_addresses(address: str, why: str | None) -> None:
    assert non_public(ipaddress.ip_address(address)) == why


@pytest.mark.parametrize(("address", "why", "inside"), [
    # 6to4 (2002::/16): the IPv4 address is bits 16-47
    ("2002:a9fe:a9fe::", "link-local", "169.254.169.254"), ("2002:7f00:1::1", "loopback", "127.0.0.1"),
    ("2002:c0a8:101::", "private", "192.168.1.1"), ("2002:808:808::", None, "8.8.8.8"),
    # Teredo (2001::/32): the client is the last 32 bits, inverted; the server is bits 32-63
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback", "127.0.0.1"),
    ("2001:0:4136:e378:8000:63bf:5601:5601", "link-local", "169.254.169.254"),
    ("2001:0:a00:1:8000:63bf:f7f7:f7f7", "private", "10.0.0.1"),  # a private Teredo server
    # NAT64, well-known prefix: the IPv4 address alone decides (RFC 6052 forbids non-global ones there)
    ("64:ff9b::7f00:1", "loopback", "127.0.0.1"), ("64:ff9b::a9fe:a9fe", "link-local", "169.254.169.254"),
    ("64:ff9b::a00:1", "private", "10.0.0.1"), ("64:ff9b::808:808", None, "8.8.8.8"),
    # NAT64, local-use prefix: every RFC 6052 place is checked (here the /96 and the /56 layouts)
    ("64:ff9b:1::7f00:1", "loopback", "127.0.0.1"), ("64:ff9b:1:c0:a8:101::", "private", "192.168.1.1"),
])
def test_embedded_ipv4_is_checked(address: str, why: str | None, inside: str) -> None:
    ip = ipaddress.ip_address(address)
    assert ipaddress.ip_address(inside) in [v4 for _, v4 in embedded_ipv4(ip)]
    assert non_public(ip) == why


def test_refusal_names_the_embedded_address(monkeypatch: pytest.MonkeyPatch) -> None:
    def resolves_to_6to4(host: str, port: int, **_: object) -> list:
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2002:a9fe:a9fe::1", port, 0, 0))]

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", resolves_to_6to4)
    with pytest.raises(FetchRefused, match=r"2002:a9fe:a9fe::1 \(6to4 of 169.254.169.254\), a link-local"):
        read("http://metadata.example/latest/")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://files.example/a.txt", "gopher://x.example/"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchRefused, match="only http and https"):
        read(url, LOCAL)


ROUTES = {
    "/page.html": Route(body=PAGE, headers=HTML),
    "/doc.pdf": Route(body=canvas_pdf([[("Text of a fetched PDF.", 11, 0)]]),
                      headers={"Content-Type": "application/pdf"}),
    "/notes": Route(body=b"# Notes\n\nSome *notes*.", headers={"Content-Type": "text/markdown"}),
    "/plain": Route(body=b"Some **bold** claim.", headers={"Content-Type": "text/plain"}),
    "/unlabelled": Route(body=PAGE, headers={"Content-Type": "application/octet-stream"}),
    "/arabic": Route(body="<html><body><p>أعيد فتح المعبر يوم الثلاثاء بعد أسبوع من الإغلاق</p></body></html>"
                     .encode("cp1256"), headers={"Content-Type": "text/html; charset=windows-1256"}),
    "/redirect": Route(302, headers={"Location": "/hop"}),
    "/hop": Route(301, headers={"Location": "page.html"}),
    "/loop": Route(302, headers={"Location": "/loop"}),
    "/to-metadata": Route(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}),
    "/to-file": Route(302, headers={"Location": "file:///etc/passwd"}),
    "/big": Route(body=b"x" * 5000, headers={"Content-Type": "text/plain"}),
    "/big-chunked": Route(body=b"y" * 1000, chunks=50, headers={"Content-Type": "text/plain"}),
    "/gone": Route(410, b"gone", {"Content-Type": "text/plain"}),
    "/error": Route(500, b"oops", {"Content-Type": "text/plain"}),
    "/slow": Route(body=b"late", delay=2.0, headers={"Content-Type": "text/plain"}),
}


@pytest.fixture(scope="module")
def url() -> Iterator[Callable[[str], str]]:
    with local_server(ROUTES) as url:
        yield url


@pytest.mark.network
def test_loopback_is_refused_without_permission(url: Callable[[str], str]) -> None:
    page = url("/page.html")
    for target in (page, page.replace("127.0.0.1", "localhost"), page.replace("127.0.0.1", "[::1]")):
        with pytest.raises(FetchRefused, match="loopback") as err:
            read(target)
        assert err.value.source == target


@pytest.mark.network
def test_fetched_with_permission(url: Callable[[str], str]) -> None:
    r = read(url("/page.html"), LOCAL)
    check_reading(r)
    assert r.format == "html"
    assert r.source == url("/page.html")
    assert r.meta.url == url("/page.html")
    assert texts(r) == ["Local page", "Officials said the crossing reopened.1", "1. Dawn, 2024."]
    assert [a.name for a in r.anchors] == ["fn1"]


@pytest.mark.network
@pytest.mark.parametrize(("path", "fmt", "first"), [
    ("/doc.pdf", "pdf", "Text of a fetched PDF."),
    ("/notes", "markdown", "Notes"),
    ("/plain", "markdown", "Some bold claim."),  # text/plain is sniffed like a .txt file
    ("/unlabelled", "html", "Local page"),
    ("/arabic", "html", "أعيد فتح المعبر يوم الثلاثاء بعد أسبوع من الإغلاق"),
])
def test_content_type_dispatch(url: Callable[[str], str], path: str, fmt: str, first: str) -> None:
    r = read(url(path), LOCAL)
    assert (r.format, texts(r)[0]) == (fmt, first)


@pytest.mark.network
def test_redirects_are_followed_to_the_final_url(url: Callable[[str], str]) -> None:
    r = read(url("/redirect"), LOCAL)
    assert r.source == url("/redirect")
    assert r.meta.url == url("/page.html")


@pytest.mark.network
def test_redirect_loop(url: Callable[[str], str]) -> None:
    with pytest.raises(FetchFailed, match="too many redirects"):
        read(url("/loop"), LOCAL)


@pytest.mark.network
def test_redirect_to_a_private_address_is_refused(
    url: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Let the local server pass for a public host, so that only the redirect's target is checked.
    def loopback_is_public(address: fetch_module.IPAddress) -> str | None:
        return None if address == ipaddress.ip_address("127.0.0.1") else non_public(address)

    monkeypatch.setattr(fetch_module, "non_public", loopback_is_public)
    assert read(url("/page.html")).format == "html"
    with pytest.raises(FetchRefused, match="169.254.169.254, a link-local address") as err:
        read(url("/to-metadata"))
    assert err.value.source == url("/to-metadata")
    with pytest.raises(FetchRefused, match="only http and https"):
        read(url("/to-file"))


@pytest.mark.network
@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_oversized_response(url: Callable[[str], str], path: str) -> None:
    with pytest.raises(FetchFailed, match="byte limit"):
        read(url(path), ReadOptions(allow_private=True, max_bytes=4000))


@pytest.mark.network
@pytest.mark.parametrize(("path", "status"), [("/missing", "404 Not Found"), ("/gone", "410 Gone"),
                                              ("/error", "500 Internal Server Error")])
def test_http_errors(url: Callable[[str], str], path: str, status: str) -> None:
    with pytest.raises(FetchFailed, match=f"HTTP {status}") as err:
        read(url(path), LOCAL)
    assert err.value.source == url(path)


@pytest.mark.network
def test_timeout(url: Callable[[str], str]) -> None:
    with pytest.raises(FetchFailed, match="timed out"):
        read(url("/slow"), ReadOptions(allow_private=True, timeout=0.3))


@pytest.mark.network
def test_connection_refused() -> None:
    with local_server({}) as closed_url:
        target = closed_url("/x")
    with pytest.raises(FetchFailed, match="could not fetch"):
        read(target, LOCAL)


def test_unresolvable_host() -> None:
    with pytest.raises(FetchFailed, match="could not resolve"):
        read("http://no-such-host.invalid/page", LOCAL)


@pytest.mark.network
@pytest.mark.parametrize("charset", ["undefined", "x-no-such-charset", "rot13", "unicode-escape", '""'])
def test_unknown_http_charset_is_sniffed(charset: str) -> None:
    # 'undefined' is a Python codec that raises on every input; the others are not page encodings. The body is
    # not UTF-8, so the declared charset matters: it must be ignored and the bytes sniffed (as windows-1252).
    text = ("Le café a rouvert après la trêve, a déclaré le préfet à la presse. Les élèves sont rentrés à "
            "l’école mercredi.")
    body = f"<html><body><p>{text}</p></body></html>".encode("cp1252")
    with local_server({"/p": Route(body=body, headers={"Content-Type": f"text/html; charset={charset}"})}) as url:
        r = read(url("/p"), LOCAL)
    assert texts(r) == [text]


@pytest.mark.network
def test_one_deadline_covers_the_headers() -> None:
    """A server that sends one header line at a time, each well within the timeout, is cut at the overall
    deadline while the headers are still coming, not once they are all in."""
    lines, gap = 20, 0.25  # 5 s of headers against a 1 s deadline
    server = socket.create_server(("127.0.0.1", 0))
    sent: list[int] = []

    def trickle() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            try:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n")
                for i in range(lines):
                    time.sleep(gap)
                    conn.sendall(b"X-Slow-%d: yes\r\n" % i)
                    sent.append(i)
                conn.sendall(b"Content-Length: 5\r\n\r\nhello")
            except OSError:
                pass  # the client hung up: what this test wants

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        with pytest.raises(FetchFailed, match="timed out after 1 s fetching"):
            read(f"http://127.0.0.1:{server.getsockname()[1]}/slow", ReadOptions(allow_private=True, timeout=1.0))
        thread.join()
    finally:
        server.close()
    assert len(sent) < lines  # the connection was closed before the server got to the end of its headers


def test_the_deadline_covers_name_resolution(monkeypatch: pytest.MonkeyPatch) -> None:
    """A resolver that does not answer (getaddrinfo cannot be interrupted) is left behind at the deadline."""
    release = threading.Event()
    calls: list[str] = []

    def stuck_resolver(host: str, port: int, **_: object) -> list:
        calls.append(host)
        release.wait(30)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(fetch_module.socket, "getaddrinfo", stuck_resolver)
    try:
        with pytest.raises(FetchFailed, match="timed out after 0.5 s resolving the host slow.example") as err:
            read("http://slow.example/page", ReadOptions(allow_private=True, timeout=0.5))
        assert err.value.source == "http://slow.example/page" and calls == ["slow.example"]
    finally:
        release.set()  # let the abandoned resolver thread finish
