"""Debian's nginx with the reader cache configuration of docs/deploy.md in front of gunicorn:
anonymous reader pages are kept (the second request is a HIT), a logged-in visitor is never
served from the cache nor stored in it, and a correction is served once s-maxage has passed."""

import time

from tests.support.reader_servers import Session, Site, gunicorn, nginx
from tests.support.soak import soak_database

SHARED_MAX_AGE = 2  # seconds, instead of 30, so that the correction arrives quickly
STALE = 1
PAGE = "/issues/2026/1/"


def cache_status(headers) -> str:
    return headers.get("X-Cache-Status", "")


def anonymous(port: int, path: str = PAGE):
    session = Session(port)
    session.cookies = {}
    status, headers, content = session.get(path)
    assert status == 200, (path, status)
    assert "Set-Cookie" not in headers
    return headers, content.decode()


def test_nginx_keeps_anonymous_pages_and_never_a_logged_in_one(tmp_path):
    with soak_database(tmp_path) as url:
        site = Site(
            url,
            DIGEST_READER_SHARED_MAX_AGE=str(SHARED_MAX_AGE),
            DIGEST_READER_STALE_SECONDS=str(STALE),
        )
        with (
            gunicorn(site.env, tmp_path / "gunicorn.log") as upstream,
            nginx(tmp_path / "nginx", upstream) as port,
        ):
            # Anonymous: the first request fills the cache, the second is answered from it.
            for path in [PAGE, "/en" + PAGE, "/", "/issues/", "/feed.xml"]:
                first, body = anonymous(port, path)
                assert cache_status(first) == "MISS", path
                assert "public" in first["Cache-Control"]
                second, again = anonymous(port, path)
                assert cache_status(second) == "HIT", path
                assert again == body

            # Logged in: through the proxy, every time from gunicorn, and never stored.
            editor = Session(port)
            editor.log_in("cache-editor")
            for _ in range(2):
                status, headers, content = editor.get(PAGE)
                assert status == 200
                assert cache_status(headers) == "BYPASS"
                assert "private" in headers["Cache-Control"]
                assert "cache-editor" in content.decode()
            headers, body = anonymous(port)
            assert cache_status(headers) == "HIT" and "cache-editor" not in body

            # A correction: the kept page until s-maxage (and stale-while-revalidate) have
            # passed, then the corrected one. Every answer with the old text came from the
            # cache; nginx asks gunicorn again by itself.
            site.correct("经过代理的更正")
            deadline = time.monotonic() + SHARED_MAX_AGE + STALE + 30
            statuses = []
            while True:
                headers, body = anonymous(port)
                statuses.append(cache_status(headers))
                if "经过代理的更正" in body:
                    break
                assert cache_status(headers) in {"HIT", "STALE", "UPDATING"}, statuses
                assert time.monotonic() < deadline, statuses
            headers, body = anonymous(port)
            assert cache_status(headers) == "HIT" and "经过代理的更正" in body
