"""A publication and a correction show within a second (each process keeps the publication
state that long, DIGEST_READER_STATE_SECONDS) and a scheduled time at once, through the
full-response cache of real servers: one gunicorn with several worker processes (each its own
local-memory cache), and two gunicorns sharing one Redis."""

import time
from contextlib import ExitStack

from tests.support.reader_servers import Site, anonymous_get, gunicorn, shared_redis_prefix
from tests.support.soak import soak_database

LISTS = ["/", "/issues/", "/en/issues/", "/feed.xml"]  # every visible issue, or the newest
ISSUE = ["/issues/2026/1/", "/en/issues/2026/1/", "/feed.xml"]  # the issue's entries
# Requests per page and server: with two worker processes, enough that each has answered (and
# cached) the page before the change, and each answers after it.
ROUNDS = 6


def pages(ports, paths) -> dict[tuple[int, str], list[str]]:
    seen = {}
    for port in ports:
        for path in paths:
            bodies = []
            for _ in range(ROUNDS):
                status, headers, body = anonymous_get(port, path)
                assert status == 200, (port, path, status)
                assert "Set-Cookie" not in headers and "public" in headers["Cache-Control"]
                bodies.append(body)
            seen[(port, path)] = bodies
    return seen


# The servers' DIGEST_READER_STATE_SECONDS (tests/support/reader_servers.py).
WITHIN_SECONDS = 1.0


def assert_shows_within_a_second(ports, paths, change, text: str):
    """`text` is on none of the pages, from any worker, until `change`; every request started
    more than WITHIN_SECONDS after it returned shows it, on every page and server (asked until
    each has answered ROUNDS such requests)."""
    for key, bodies in pages(ports, paths).items():
        assert all(text not in b for b in bodies), key
    change()
    changed = time.time()
    after = dict.fromkeys(((port, path) for port in ports for path in paths), 0)
    deadline = changed + 60
    while min(after.values()) < ROUNDS:
        for port, path in after:
            started = time.time()
            status, _, body = anonymous_get(port, path)
            assert status == 200, (port, path, status)
            if started > changed + WITHIN_SECONDS:
                assert text in body, (port, path, round(started - changed, 3))
                after[(port, path)] += 1
        assert time.time() < deadline


def assert_scheduled_shows_at_once(site, ports):
    """An issue scheduled a few seconds ahead: every response finished before its time lacks
    it, every request started after its time shows it (no waiting beyond the requests)."""
    at = time.time() + 4
    site.schedule(3, at)
    answered_after = set()
    deadline = at + 60
    while len(answered_after) < len(ports):
        for port in ports:
            started = time.time()
            _, _, body = anonymous_get(port, "/issues/")
            if time.time() < at:
                assert "/issues/2026/3/" not in body
            if started > at:
                assert "/issues/2026/3/" in body, port
                answered_after.add(port)
        assert time.time() < deadline


def exercise(site, ports):
    assert_shows_within_a_second(ports, LISTS, lambda: site.publish(2), "/issues/2026/2/")
    assert_shows_within_a_second(
        ports, ISSUE, lambda: site.correct("服务器间的更正"), "服务器间的更正"
    )
    assert_scheduled_shows_at_once(site, ports)


def test_one_server_with_several_workers(tmp_path):
    with soak_database(tmp_path) as url:
        site = Site(url)
        with gunicorn(site.env, tmp_path / "gunicorn.log") as port:
            exercise(site, [port])


def test_two_servers_sharing_redis(tmp_path):
    with shared_redis_prefix() as (prefix, redis), soak_database(tmp_path) as url:
        site = Site(url, REDIS_URL="redis://127.0.0.1:6379/0", CACHE_KEY_PREFIX=prefix)
        with ExitStack() as stack:
            ports = [
                stack.enter_context(gunicorn(site.env, tmp_path / f"gunicorn-{n}.log"))
                for n in (1, 2)
            ]
            # The first server's pages are in Redis, and the second answers with them.
            first = anonymous_get(ports[0], "/issues/2026/1/")[2]
            assert any(b":reader:response:" in key for key in redis.scan_iter(f"{prefix}:*"))
            assert anonymous_get(ports[1], "/issues/2026/1/")[2] == first
            exercise(site, ports)
