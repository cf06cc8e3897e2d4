"""The cache is an accelerator, never a dependency: with Redis down, full (errors on every
command, as maxmemory with noeviction answers writes) or slow (past the socket timeout), every
reader page answers 200 from a render, one warning is logged per interval, and /healthz says
so with a 200. Query strings a page does not read make no new entry."""

import logging
import socket
import threading
from contextlib import contextmanager

import pytest
from django.core.cache import cache

from editorial.reader.cache_backend import ResilientRedisCache
from tests.support.factories import make_published_issue
from tests.support.reader import add_revision
from tests.support.reader_servers import REDIS_URL, shared_redis_prefix

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/issues/",
    "/issues/2024/32/",
    "/issues/2024/32/r/1/",
    "/issues/2024/32.md",
    "/feed.xml",
    "/search/?q=%E6%A0%87%E9%A2%98",
    "/en/issues/2024/32/",
]


@pytest.fixture
def issue():
    issue = make_published_issue(2024, 32)
    add_revision(issue)
    return issue


def redis_cache(settings, location: str, **options) -> None:
    settings.DIGEST_CACHE_RETRY_SECONDS = 600  # one interval for the whole test
    settings.CACHES = {
        "default": {
            "BACKEND": "editorial.reader.cache_backend.ResilientRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "digest-test-failures",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2, **options},
        }
    }


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def fake_redis(answer: bytes | None):
    """A server on a loopback port that answers every command with `answer` (a RESP error
    line), or with nothing at all (None: a Redis that hangs)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()
    held = []

    def serve():
        server.settimeout(0.05)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            held.append(conn)
            threading.Thread(target=answer_all, args=(conn,), daemon=True).start()

    def answer_all(conn):
        conn.settimeout(0.05)
        while not stop.is_set():
            try:
                data = conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            if answer is not None:
                # One error reply per command in what arrived (a pipeline sends several).
                count = max(1, data.count(b"\r\n*") + (1 if data.startswith(b"*") else 0))
                conn.sendall(answer * count)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()


def assert_every_page_renders(client, caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="editorial.reader.cache_backend"):
        for _ in range(3):
            for page in PAGES:
                response = client.get(page)
                assert response.status_code == 200, page
    warnings = [r for r in caplog.records if r.name == "editorial.reader.cache_backend"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]  # once per interval
    assert "rendered without it" in warnings[0].getMessage()


def test_redis_down(settings, issue, caplog):
    redis_cache(settings, f"redis://127.0.0.1:{closed_port()}/0")
    from django.test import Client

    assert_every_page_renders(Client(), caplog)
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "down"}


def test_redis_full_answers_every_command_with_an_error(settings, issue, caplog):
    oom = b"-OOM command not allowed when used memory > 'maxmemory'.\r\n"
    with fake_redis(oom) as port:
        redis_cache(settings, f"redis://127.0.0.1:{port}/0")
        from django.test import Client

        assert_every_page_renders(Client(), caplog)
        assert Client().get("/healthz").json()["cache"] == "down"


def test_redis_that_does_not_answer(settings, issue, caplog):
    with fake_redis(None) as port:
        redis_cache(settings, f"redis://127.0.0.1:{port}/0", socket_timeout=0.05)
        from django.test import Client

        assert_every_page_renders(Client(), caplog)


def test_after_the_interval_the_cache_is_tried_again(settings, issue, caplog, monkeypatch):
    redis_cache(settings, f"redis://127.0.0.1:{closed_port()}/0")
    from django.test import Client

    assert_every_page_renders(Client(), caplog)
    clock = [10**9]
    monkeypatch.setattr("editorial.reader.cache_backend.time.monotonic", lambda: clock[0])
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="editorial.reader.cache_backend"):
        assert Client().get("/issues/2024/32/").status_code == 200
    assert len([r for r in caplog.records if r.name == "editorial.reader.cache_backend"]) == 1


def test_a_client_that_raises_is_a_miss(settings, issue, monkeypatch):
    """Whatever redis-py raises (here from the client itself) is a miss, not a 500."""
    from redis.exceptions import ResponseError

    redis_cache(settings, REDIS_URL)

    def refuse(*args, **kwargs):
        raise ResponseError("OOM command not allowed")

    monkeypatch.setattr("django.core.cache.backends.redis.RedisCacheClient.get", refuse)
    monkeypatch.setattr("django.core.cache.backends.redis.RedisCacheClient.set", refuse)
    monkeypatch.setattr("django.core.cache.backends.redis.RedisCacheClient.set_many", refuse)
    from django.test import Client

    for page in PAGES:
        assert Client().get(page).status_code == 200, page


def test_unknown_query_strings_make_no_new_entry(issue):
    """The local-memory cache of the test process: its keys after one visit stay the same
    however many query strings follow."""
    from django.test import Client

    client = Client()
    for page in ["/issues/2024/32/", "/issues/", "/feed.xml", "/"]:
        assert client.get(page).status_code == 200
    keys = set(cache._cache)
    first = client.get("/issues/2024/32/").content
    for n in range(20):
        response = client.get(f"/issues/2024/32/?cb={n}")
        assert response.status_code == 200
        assert response.content == first
        assert client.get(f"/issues/?utm_source=x&n={n}").status_code == 200
        assert client.get(f"/feed.xml?cb={n}").status_code == 200
    assert set(cache._cache) == keys


def test_unknown_query_strings_make_no_new_key_in_redis(settings, issue):
    with shared_redis_prefix() as (prefix, redis):
        settings.CACHES = {
            "default": {
                "BACKEND": "editorial.reader.cache_backend.ResilientRedisCache",
                "LOCATION": REDIS_URL,
                "KEY_PREFIX": prefix,
            }
        }
        from django.test import Client

        client = Client()
        assert client.get("/issues/2024/32/").status_code == 200
        keys = set(redis.scan_iter(f"{prefix}:*"))
        assert any(b":reader:response:" in key for key in keys)
        for n in range(20):
            assert client.get(f"/issues/2024/32/?cb={n}").status_code == 200
        assert set(redis.scan_iter(f"{prefix}:*")) == keys


def test_a_page_past_the_size_bound_is_not_kept(settings, issue):
    settings.DIGEST_PAGE_CACHE_MAX_BYTES = 1000
    from django.test import Client

    assert Client().get("/issues/2024/32/").status_code == 200
    assert not any(":reader:response:" in key for key in cache._cache)


def test_the_redis_backend_refuses_values_past_the_bound(settings):
    settings.DIGEST_PAGE_CACHE_MAX_BYTES = 1000
    backend = ResilientRedisCache(f"redis://127.0.0.1:{closed_port()}/0", {})
    # Refused before any connection is tried: no failure, no pause.
    backend.set("big", "x" * 2000)
    assert backend._paused_until == 0.0
