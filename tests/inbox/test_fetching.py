"""The safe fetcher against servers the tests start on 127.0.0.1 (the only address the setting
lets them reach); DNS answers are played by a fake resolver."""

import socket
import threading

import pytest

from editorial.fetching import (
    MAX_BYTES,
    FetchError,
    addresses,
    decode_html,
    extract_page,
    fetch_page,
)
from tests.inbox.servers import WECHAT_ARTICLE, html, local_server, redirect, stall

LOOPBACK = ["127.0.0.1"]


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.DIGEST_FETCH_ALLOWED_ADDRESSES = LOOPBACK
    settings.DIGEST_FETCH_TOTAL_TIMEOUT = 10


def fake_dns(monkeypatch, answers: dict):
    """Resolve names from `answers` (name -> list of addresses, or a list of such lists played
    one per call); count the calls."""
    calls = []

    def resolver(host, port, *args, **kwargs):
        calls.append(host)
        found = answers[host]
        if found and isinstance(found[0], list):
            found = found[min(len(calls), len(found)) - 1]
        family = {True: socket.AF_INET6, False: socket.AF_INET}
        return [(family[":" in a], socket.SOCK_STREAM, 6, "", (a, port)) for a in found]

    monkeypatch.setattr(addresses, "getaddrinfo", resolver)
    return calls


def test_a_page_is_fetched_and_decoded():
    with local_server({"/": html("<title>你好</title><p>正文</p>")}) as server:
        page = fetch_page(server.url("/"))
    assert "你好" in page.html
    assert not page.truncated


@pytest.mark.parametrize(
    "private",
    [
        "http://10.0.0.5/",
        "http://192.168.1.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.2/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://167772161/",
        "http://0x0a.0.0.1/",
    ],
)
def test_a_redirect_to_a_private_address_is_refused(private):
    with local_server({"/go": redirect(private)}) as server, pytest.raises(FetchError) as caught:
        fetch_page(server.url("/go"))
    assert caught.value.code in {"address", "invalid"}
    assert [hit[1] for hit in server.hits] == ["/go"]


def test_an_address_outside_the_list_is_refused_even_on_loopback(settings):
    settings.DIGEST_FETCH_ALLOWED_ADDRESSES = []
    with local_server({"/": html("<p>x</p>")}) as server, pytest.raises(FetchError) as caught:
        fetch_page(server.url("/"))
    assert caught.value.code == "address"
    assert "address not allowed" in caught.value.message
    assert server.hits == []


@pytest.mark.parametrize(
    "answer",
    [["10.1.2.3"], ["127.0.0.1", "192.168.0.7"], ["::1"], ["fd12::1"], ["::ffff:10.0.0.1"]],
)
def test_a_host_whose_dns_answer_is_private_is_refused(monkeypatch, answer):
    fake_dns(monkeypatch, {"intranet.example": answer})
    with pytest.raises(FetchError) as caught:
        fetch_page("http://intranet.example/")
    assert caught.value.code == "address"


def test_a_name_that_does_not_resolve_says_so(monkeypatch):
    def nowhere(*args, **kwargs):
        raise socket.gaierror("no such name")

    monkeypatch.setattr(addresses, "getaddrinfo", nowhere)
    with pytest.raises(FetchError) as caught:
        fetch_page("http://nowhere.example/")
    assert caught.value.code == "dns"


def test_a_resolver_that_hangs_is_timed_out(monkeypatch, settings):
    settings.DIGEST_FETCH_CONNECT_TIMEOUT = 0.2
    stuck = threading.Event()

    def hanging(*args, **kwargs):
        stuck.wait(30)
        raise socket.gaierror("gave up")

    monkeypatch.setattr(addresses, "getaddrinfo", hanging)
    try:
        with pytest.raises(FetchError) as caught:
            fetch_page("http://slow-dns.example/")
    finally:
        stuck.set()
    assert caught.value.code == "timeout"


def test_rebinding_between_check_and_connect_is_impossible(monkeypatch):
    """The name answers the allowed address first and a private one afterwards: the fetch
    resolves once and connects to the address it checked, keeping the name in Host."""
    calls = fake_dns(monkeypatch, {"rebind.example": [["127.0.0.1"], ["10.9.9.9"]]})
    with local_server({"/": html("<title>checked</title>")}) as server:
        page = fetch_page(f"http://rebind.example:{server.port}/")
    assert "checked" in page.html
    assert calls == ["rebind.example"]
    assert server.hits == [("GET", "/", f"rebind.example:{server.port}")]


def test_the_pinned_connection_goes_nowhere_else():
    """The transport refuses to connect to any host but the one it was pinned for."""
    import httpcore
    import httpx

    from editorial.fetching.addresses import Target
    from editorial.fetching.transport import PinnedTransport

    transport = PinnedTransport(Target("http", "a.example", 80, "127.0.0.1"))
    with httpx.Client(transport=transport) as client, pytest.raises(httpx.ConnectError):
        client.get("http://b.example/")
    assert issubclass(httpx.ConnectError, httpx.HTTPError)
    assert httpcore.ConnectError


def test_redirects_are_followed_and_checked_each_time():
    routes = {f"/r{n}": redirect(f"/r{n + 1}") for n in range(5)}
    routes["/r5"] = html("<title>end</title>")
    with local_server(routes) as server:
        page = fetch_page(server.url("/r0"))
    assert page.url.endswith("/r5")
    routes = {f"/r{n}": redirect(f"/r{n + 1}") for n in range(7)}
    with local_server(routes) as server, pytest.raises(FetchError) as caught:
        fetch_page(server.url("/r0"))
    assert caught.value.code == "redirects"
    assert len(server.hits) == 6


def test_a_body_over_the_limit_is_cut():
    big = b"<html><body>" + b"a" * (MAX_BYTES + 500_000) + b"</body></html>"
    with local_server({"/": (200, {"Content-Type": "text/html"}, big)}) as server:
        page = fetch_page(server.url("/"))
    assert page.truncated
    assert len(page.html.encode()) == MAX_BYTES


def test_a_slow_server_is_timed_out(settings):
    settings.DIGEST_FETCH_TOTAL_TIMEOUT = 0.3
    with local_server({"/": stall}) as server, pytest.raises(FetchError) as caught:
        fetch_page(server.url("/"))
    assert caught.value.code == "timeout"
    assert caught.value.message == "timed out"


def test_a_trickling_server_is_cut_off_by_the_deadline(settings):
    settings.DIGEST_FETCH_TOTAL_TIMEOUT = 0.3

    def trickle(handler, server):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        handler.wfile.write(b"<html>")
        handler.wfile.flush()
        server.release.wait(30)

    with local_server({"/": trickle}) as server, pytest.raises(FetchError) as caught:
        fetch_page(server.url("/"))
    assert caught.value.code == "timeout"


def test_a_gbk_page_is_decoded():
    text = (
        "<html><head><title>云计算技术动态：容器安全</title></head>"
        "<body><p>正文内容，简体中文。</p></body></html>"
    )
    routes = {
        "/header": (200, {"Content-Type": "text/html; charset=GBK"}, text.encode("gbk")),
        "/meta": (
            200,
            {"Content-Type": "text/html"},
            text.replace("<head>", '<head><meta charset="gb2312">').encode("gbk"),
        ),
        "/guess": (200, {"Content-Type": "text/html"}, (text * 5).encode("gbk")),
    }
    with local_server(routes) as server:
        for path in routes:
            page = fetch_page(server.url(path))
            assert "云计算技术动态：容器安全" in page.html, path


def test_decoding_falls_back_without_crashing():
    assert decode_html(b"<p>caf\xe9</p>", "text/html; charset=nonsense")
    assert "é" in decode_html("<p>café</p>".encode(), "text/html; charset=utf-8")


def test_a_wechat_like_article_gives_title_and_description():
    with local_server({"/s/AbCdEf": html(WECHAT_ARTICLE)}) as server:
        page = fetch_page(server.url("/s/AbCdEf"))
    meta = extract_page(page.html, page.url)
    assert meta.title == "云原生网关的演进：从 Ingress 到 Gateway API"
    assert meta.description == "本文主要介绍了 Gateway API 的设计与落地实践。"
    assert meta.site_name == "云计算技术动态"
    assert str(meta.published_on) == "2024-08-05"
    assert "Gateway API 将网关的职责拆分为" in meta.main_text


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/pdf", b"%PDF-1.7"),
        ("image/png", b"\x89PNG\r\n"),
        ("application/json", b"{}"),
        ("", b"\x00\x01binary"),
    ],
)
def test_what_is_not_html_is_refused(content_type, body):
    headers = {"Content-Type": content_type} if content_type else {}
    with local_server({"/f": (200, headers, body)}) as server, pytest.raises(FetchError) as caught:
        fetch_page(server.url("/f"))
    assert caught.value.code == "not_html"
    assert caught.value.message == "not a web page"


@pytest.mark.parametrize(
    ("status", "code"), [(404, "not_found"), (410, "gone"), (500, "http"), (403, "http")]
)
def test_error_statuses_are_failures_in_words(status, code):
    with (
        local_server({"/": html("<p>no</p>", status=status)}) as server,
        pytest.raises(FetchError) as caught,
    ):
        fetch_page(server.url("/"))
    assert caught.value.code == code


@pytest.mark.parametrize("url", ["ftp://example.com/", "file:///etc/passwd", "gopher://x/", "nope"])
def test_only_http_and_https(url):
    with pytest.raises(FetchError) as caught:
        fetch_page(url)
    assert caught.value.code in {"scheme", "invalid"}


def test_a_closed_port_is_unreachable():
    with local_server({}) as server:
        port = server.port
    with pytest.raises(FetchError) as caught:
        fetch_page(f"http://127.0.0.1:{port}/")
    assert caught.value.code == "unreachable"


def test_environment_proxies_are_ignored(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://10.0.0.1:3128")
    monkeypatch.setenv("ALL_PROXY", "http://10.0.0.1:3128")
    with local_server({"/": html("<title>direct</title>")}) as server:
        assert "direct" in fetch_page(server.url("/")).html
