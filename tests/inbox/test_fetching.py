"""The safe fetcher against servers the tests start on 127.0.0.1 (the only address the setting
lets them reach); DNS answers are played by a fake resolver."""

import socket
import threading
import time
import zlib

import pytest

from editorial.inbox.fetching import (
    MAX_BYTES,
    FetchError,
    addresses,
    decode_html,
    extract_page,
    fetch_page,
)
from tests.support.page_servers import WECHAT_ARTICLE, html, local_server, redirect, stall

LOOPBACK = ["127.0.0.1"]


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.DIGEST_FETCH_ALLOWED_ADDRESSES = LOOPBACK
    settings.DIGEST_FETCH_ALLOWED_PORTS = range(1, 65536)  # the servers listen on any free port
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


class SlowDNS:
    """A resolver whose names in `slow` answer only once released (the test's end at the
    latest); other names answer 127.0.0.1 at once. Counts the lookups of each name."""

    def __init__(self):
        self.release = threading.Event()
        self.asked: list[str] = []

    def __call__(self, host, port, *args, **kwargs):
        self.asked.append(host)
        if host.startswith("slow"):
            self.release.wait(30)
            raise socket.gaierror("gave up")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    def dns_threads(self) -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "digest-dns"]


@pytest.fixture
def slow_dns(monkeypatch, settings):
    settings.DIGEST_FETCH_DNS_TIMEOUT = 0.2
    resolver = SlowDNS()
    monkeypatch.setattr(addresses, "getaddrinfo", resolver)
    monkeypatch.setattr(addresses, "lookups", addresses.Lookups(limit=16))
    yield resolver
    resolver.release.set()
    for thread in resolver.dns_threads():
        thread.join(10)
    assert addresses.lookups.pending() == 0


def fetch_failure(url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch_page(url)
    return caught.value


def test_a_resolver_that_hangs_is_timed_out(slow_dns):
    assert fetch_failure("http://slow-dns.example/").code == "dns_timeout"
    assert fetch_failure("http://slow-dns.example/").message == (
        "the site's name took too long to look up"
    )


def test_slow_names_do_not_hold_up_a_fast_one(slow_dns):
    """Twelve names whose DNS never answers, asked at once: each fetch gives up at the DNS
    timeout while its lookup goes on; a fast name still resolves (it is not queued behind them)
    and its page is fetched."""
    failures = []
    fetches = [
        threading.Thread(target=lambda n=n: failures.append(fetch_failure(f"http://slow-{n}.x/")))
        for n in range(12)
    ]
    for fetch in fetches:
        fetch.start()
    for fetch in fetches:
        fetch.join(10)
    assert sorted(f.code for f in failures) == ["dns_timeout"] * 12
    assert addresses.lookups.pending() == 12  # still looking up, each on one thread
    assert len(slow_dns.dns_threads()) == 12
    with local_server({"/": html("<title>fast</title>")}) as server:
        page = fetch_page(f"http://fast.example:{server.port}/")
    assert "fast" in page.html
    assert addresses.lookups.pending() == 12  # the fast lookup is done


def test_a_name_being_looked_up_takes_no_second_thread(slow_dns):
    failures = []
    fetches = [
        threading.Thread(target=lambda: failures.append(fetch_failure("http://slow.example/")))
        for _ in range(6)
    ]
    for fetch in fetches:
        fetch.start()
    for fetch in fetches:
        fetch.join(10)
    assert [f.code for f in failures] == ["dns_timeout"] * 6
    assert slow_dns.asked == ["slow.example"]
    assert len(slow_dns.dns_threads()) == 1
    # Asked in other case, through another scheme and port: the same lookup.
    assert fetch_failure("https://SLOW.example:8443/").code == "dns_timeout"
    assert slow_dns.asked == ["slow.example"]


def test_past_the_bound_a_new_name_is_refused_at_once(slow_dns, monkeypatch):
    """With every lookup thread taken by names that do not answer, one more name is refused
    without waiting (and without a thread); a name already pending still joins its lookup.
    Once the lookups end, their threads are gone and names resolve again."""
    monkeypatch.setattr(addresses, "lookups", addresses.Lookups(limit=4))
    for n in range(4):
        assert fetch_failure(f"http://slow-{n}.example/").code == "dns_timeout"
    refused = fetch_failure("http://fast.example/")
    assert refused.code == "dns_busy"
    assert "too many site names" in refused.message
    assert "fast.example" not in slow_dns.asked
    assert fetch_failure("http://slow-0.example/").code == "dns_timeout"  # joins, not refused
    assert len(slow_dns.dns_threads()) == 4
    slow_dns.release.set()
    for thread in slow_dns.dns_threads():
        thread.join(10)
    assert addresses.lookups.pending() == 0
    assert slow_dns.dns_threads() == []
    target = addresses.resolve_target("http", "fast.example", None)
    assert target.address == "127.0.0.1"


def test_dns_waits_only_within_the_fetch_deadline(slow_dns, settings):
    """A DNS timeout longer than what is left of the fetch: the lookup is waited for until the
    deadline only, also on a redirect's hop (a fast first hop, then a slow name)."""
    settings.DIGEST_FETCH_DNS_TIMEOUT = 30
    settings.DIGEST_FETCH_TOTAL_TIMEOUT = 0.4
    started = time.monotonic()
    assert fetch_failure("http://slow-first.example/").code == "dns_timeout"
    assert time.monotonic() - started < 0.4 + 1  # the deadline, and a loaded machine's slack
    with local_server({"/go": redirect("http://slow-second.example/")}) as server:
        started = time.monotonic()
        assert fetch_failure(f"http://fast.example:{server.port}/go").code == "dns_timeout"
    assert time.monotonic() - started < 0.4 + 1
    assert slow_dns.asked == ["slow-first.example", "fast.example", "slow-second.example"]


def test_a_fetch_past_its_deadline_does_not_look_up(slow_dns):
    with pytest.raises(FetchError) as caught:
        addresses.resolve_target("http", "fast.example", None, deadline=time.monotonic() - 1)
    assert caught.value.code == "timeout"
    assert slow_dns.asked == []


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

    from editorial.inbox.fetching.addresses import Target
    from editorial.inbox.fetching.transport import PinnedTransport

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


def test_a_server_trickling_its_headers_is_cut_off_by_the_deadline(settings):
    """httpx's timeouts apply to each read: one header line a second never lets one expire.
    The fetch ends at its deadline while the server is still sending headers (it would send
    them for a minute, then an answer, if nothing cut it off)."""
    settings.DIGEST_FETCH_TOTAL_TIMEOUT = 0.5
    sending, answered = threading.Event(), threading.Event()

    def trickle_headers(handler, server):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
        handler.wfile.flush()
        sending.set()
        for n in range(600):  # a line every 0.1 s for a minute, unless released
            if server.release.wait(0.1):
                return
            handler.wfile.write(b"X-Slow-%d: 1\r\n" % n)
            handler.wfile.flush()
        handler.wfile.write(b"Content-Length: 6\r\n\r\n<html>")
        answered.set()

    with local_server({"/": trickle_headers}) as server, pytest.raises(FetchError) as caught:
        try:
            fetch_page(server.url("/"))
        finally:
            cut_off_while_sending = sending.is_set() and not answered.is_set()
    assert caught.value.code == "timeout"
    assert cut_off_while_sending


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


# Decoding as browsers do (WHATWG Encoding): the byte-order mark first, the wider codecs behind
# the labels pages use, and labels that name no text encoding ignored.
PAGE_TEXT = "<html><head><title>{}</title></head><body><p>{}</p></body></html>"


@pytest.mark.parametrize(
    ("text", "codec", "content_type"),
    [
        # A byte-order mark wins over the header (reported: a UTF-8 BOM losing to iso-8859-1).
        ("深入理解 Raft", "utf-8-sig", "text/html; charset=iso-8859-1"),
        ("深入理解 Raft", "utf-16", "text/html; charset=utf-8"),
        # Shift_JIS is decoded as Windows-932: ① is an NEC extension.
        ("①クラウド入門", "cp932", "text/html; charset=shift_jis"),
        ("①クラウド入門", "cp932", "text/html; charset=x-sjis"),
        # Big5 as Big5-HKSCS, EUC-KR as Windows-949, GBK and GB2312 as GB 18030.
        ("香港增補字符集：嘅", "big5hkscs", "text/html; charset=big5"),
        ("똠방각하", "cp949", "text/html; charset=euc-kr"),
        ("云计算技术动态 €", "gb18030", "text/html; charset=gb2312"),
        ("Café crème", "cp1252", "text/html; charset=latin1"),
    ],
)
def test_pages_decode_as_browsers_decode_them(text, codec, content_type):
    body = PAGE_TEXT.format(text, text).encode(codec)
    assert f"<title>{text}</title>" in decode_html(body, content_type)


@pytest.mark.parametrize("label", ["base64", "rot13", "hex", "uu_codec", "zlib", "nonsense"])
def test_a_label_that_is_no_text_encoding_falls_back(label):
    text = "云计算技术动态：容器安全的十个实践。" * 20
    body = PAGE_TEXT.format("标题", text).encode("utf-8")
    assert text in decode_html(body, f"text/html; charset={label}")


def test_a_meta_tag_saying_utf16_means_utf8():
    body = '<meta charset="utf-16"><title>微服务</title>'.encode()
    assert "<title>微服务</title>" in decode_html(body, "text/html")


def test_deflate_bodies_zlib_wrapped_and_raw():
    """RFC 9110's deflate is zlib-wrapped; many servers send raw deflate, which browsers read
    too (reported: a raw-deflate page "could not be read")."""
    page = PAGE_TEXT.format("深入理解 Raft", "正文").encode()
    raw = zlib.compressobj(wbits=-15)
    headers = {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "deflate"}
    routes = {
        "/zlib": (200, headers, zlib.compress(page)),
        "/raw": (200, headers, raw.compress(page) + raw.flush()),
    }
    with local_server(routes) as server:
        for path in routes:
            assert "<title>深入理解 Raft</title>" in fetch_page(server.url(path)).html, path


@pytest.mark.parametrize("url", ["http://example.com:22/", "https://example.com:6379/x"])
def test_only_the_web_ports_by_default(settings, url):
    settings.DIGEST_FETCH_ALLOWED_PORTS = frozenset({80, 443})
    with pytest.raises(FetchError) as caught:
        fetch_page(url)
    assert caught.value.code == "port"
    assert "80 and 443" in caught.value.message


def test_the_ports_setting_reads_ports_and_ranges(monkeypatch):
    from digest.environment import MissingSetting
    from digest.settings import env_ports

    monkeypatch.setenv("DIGEST_FETCH_ALLOWED_PORTS", "80, 443,8000-8002")
    assert env_ports("DIGEST_FETCH_ALLOWED_PORTS", "80,443") == {80, 443, 8000, 8001, 8002}
    for wrong in ("http", "0", "70000", "9-1"):
        monkeypatch.setenv("DIGEST_FETCH_ALLOWED_PORTS", wrong)
        with pytest.raises(MissingSetting):
            env_ports("DIGEST_FETCH_ALLOWED_PORTS", "80,443")
