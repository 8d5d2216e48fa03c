"""Fetching URLs: address checks, redirects, limits and Content-Type dispatch, against a local server."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterator

import pytest
from readers_support import Route, canvas_pdf, check_reading, local_server, texts

from claimgraph.errors import FetchFailed, FetchRefused
from claimgraph.read import ReadOptions, read
from claimgraph.read import fetch as fetch_module
from claimgraph.read.fetch import non_public

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
