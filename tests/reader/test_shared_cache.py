"""Anonymous reader responses are one document per URL that any cache may keep; logged-in ones
are private; the full-response cache answers anonymous hits before sessions, auth, CSRF and
locale, and never shows a page from before a publication, a correction or a scheduled time."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache
from django.middleware.csrf import CsrfViewMiddleware
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone

from editorial.middleware.language import LanguageMiddleware
from tests.support.factories import make_published_issue, make_user
from tests.support.reader import add_revision, later

pytestmark = pytest.mark.django_db

# Every reader route (checked below against the URL configuration), in both languages.
ROUTES = {
    "latest": "/",
    "archive": "/issues/",
    "issue": "/issues/2024/32/",
    "issue_markdown": "/issues/2024/32.md",
    "revision": "/issues/2024/32/r/1/",
    "revision_markdown": "/issues/2024/32/r/1.md",
    "search": "/search/?q=%E6%9D%A1%E7%9B%AE",
    "feed": "/feed.xml",
    "issue_preview": "/issues/2024/32/preview/",
}
PUBLIC = [url for name, url in ROUTES.items() if name != "issue_preview"]
URLS = PUBLIC + [f"/en{url}" for url in PUBLIC] + ["/search/", "/issues/2024/99/"]
IMMUTABLE = {"/issues/2024/32/r/1.md", "/en/issues/2024/32/r/1.md"}


@pytest.fixture
def issue():
    issue = make_published_issue(2024, 32)
    add_revision(issue, note="更正。")
    return issue


def anonymous() -> Client:
    """A visitor with the cookies anyone may carry (a CSRF cookie from the login page, the
    language cookie of the old switch): neither changes the reader pages."""
    client = Client()
    client.cookies["csrftoken"] = "c" * 32
    client.cookies["django_language"] = "en"
    return client


def vary(response) -> set[str]:
    return {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}


def test_every_reader_route_is_listed():
    names = set()
    for pattern in get_resolver().url_patterns:
        for inner in getattr(pattern, "url_patterns", []):
            if getattr(inner, "namespace", None) == "reader":
                names |= {p.name for p in inner.url_patterns}
    assert names == set(ROUTES)


@pytest.mark.parametrize("url", URLS)
def test_anonymous_responses_are_public_and_the_same_for_everyone(issue, url):
    first = Client().get(url)
    second = anonymous().get(url)
    assert first.status_code == second.status_code
    assert first.status_code == (404 if "/99/" in url else 200)
    for response in (first, second):
        assert response.cookies == {}, url  # no Set-Cookie
        assert "cookie" not in vary(response) and "accept-language" not in vary(response)
        control = response["Cache-Control"]
        if url in IMMUTABLE:
            assert control == "public, max-age=86400"
        else:
            assert "public" in control and "private" not in control
            assert "s-maxage=30" in control and "stale-while-revalidate=30" in control
            assert "max-age=0" in control
    assert first.content == second.content
    assert first.get("ETag") == second.get("ETag")
    if first.status_code == 200 and "ETag" in first:
        again = anonymous().get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again.cookies == {}
    html = first.content.decode()
    assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
    assert "nonce=" not in html
    assert "nonce-" not in first.get("Content-Security-Policy", "")


@pytest.mark.parametrize("url", [*URLS, "/issues/2024/32/preview/"])
def test_logged_in_responses_are_private(issue, url):
    client = Client()
    client.force_login(make_user("editor", username="private-editor"))
    response = client.get(url)
    assert response.status_code in (200, 404)
    control = response["Cache-Control"]
    assert "private" in control and "public" not in control
    if response.status_code == 200 and "html" in response["Content-Type"]:
        assert "private-editor" in response.content.decode()


def test_the_preview_is_private_even_for_anonymous_visitors(issue):
    response = Client().get("/issues/2024/32/preview/")
    assert response.status_code == 404
    assert "private" in response["Cache-Control"]


# The full-response cache.


def _refuse(*args, **kwargs):
    raise AssertionError("a cached page reached the expensive middleware")


@pytest.mark.parametrize("url", [u for u in URLS if "search" not in u and "/99/" not in u])
def test_a_hit_is_answered_before_sessions_csrf_and_locale(issue, url, django_assert_num_queries):
    first = anonymous().get(url)
    with (
        mock.patch.object(SessionMiddleware, "process_request", _refuse),
        mock.patch.object(CsrfViewMiddleware, "process_view", _refuse),
        mock.patch.object(LanguageMiddleware, "__call__", _refuse),
        django_assert_num_queries(3),  # one per request: the publication state
    ):
        hit = Client().get(url)
        not_modified = Client().get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        head = Client().head(url)
    assert hit.content == first.content
    assert hit["ETag"] == first["ETag"] and hit["Cache-Control"] == first["Cache-Control"]
    assert hit.get("Content-Security-Policy") == first.get("Content-Security-Policy")
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified["ETag"] == first["ETag"]
    assert head.status_code == 200 and head.content == b""


def test_a_session_or_messages_cookie_bypasses_the_cache(issue):
    url = "/issues/2024/32/"
    Client().get(url)
    for name in ("sessionid", "messages"):
        client = Client()
        client.cookies[name] = "anything"
        with (
            mock.patch.object(SessionMiddleware, "process_request", _refuse),
            pytest.raises(AssertionError, match="expensive middleware"),
        ):
            client.get(url)
        response = client.get(url)
        assert response.status_code == 200
        assert "private" in response["Cache-Control"], name


def test_the_cache_keeps_each_host_apart(issue, settings):
    settings.ALLOWED_HOSTS = ["a.example", "b.example"]
    a = Client(HTTP_HOST="a.example").get("/issues/2024/32/").content.decode()
    b = Client(HTTP_HOST="b.example").get("/issues/2024/32/").content.decode()
    assert 'href="http://a.example/issues/2024/32/"' in a
    assert 'href="http://b.example/issues/2024/32/"' in b
    evil = Client(HTTP_HOST="evil.example", raise_request_exception=False)
    assert evil.get("/issues/2024/32/").status_code == 400


def _cached_then(url: str, change) -> tuple[str, str]:
    """The page before and after `change`, the first served from the cache at least once."""
    client = Client()
    before = client.get(url).content.decode()
    assert client.get(url).content.decode() == before
    change()
    return before, client.get(url).content.decode()


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize("url", ["/", "/issues/", "/feed.xml"])
def test_a_publication_shows_at_once(issue, prefix, url):
    before, after = _cached_then(prefix + url, lambda: make_published_issue(2024, 33))
    assert "/issues/2024/33/" not in before
    assert "/issues/2024/33/" in after


@pytest.mark.parametrize("url", ["/", "/issues/2024/32/", "/en/issues/2024/32/", "/feed.xml"])
def test_a_correction_shows_at_once(issue, url):
    before, after = _cached_then(url, lambda: add_revision(issue, retitle="改正后的标题"))
    assert "改正后的标题" not in before
    assert "改正后的标题" in after
    markdown = Client().get("/issues/2024/32.md").content.decode()
    assert "改正后的标题" in markdown


def test_an_older_revision_page_learns_of_a_correction_at_once(issue):
    before, after = _cached_then(
        "/en/issues/2024/32/r/1/", lambda: add_revision(issue, note="第三次。")
    )
    assert "第三次。" not in before and "第三次。" in after


@pytest.mark.parametrize("url", ["/", "/issues/", "/feed.xml", "/en/issues/"])
def test_a_scheduled_issue_shows_at_once_when_its_time_comes(issue, url, monkeypatch):
    when = later(minutes=5)
    make_published_issue(2024, 33, when=when)
    client = Client()
    for _ in range(2):  # the second from the cache
        assert "/issues/2024/33/" not in client.get(url).content.decode()
    assert client.get("/issues/2024/33/").status_code == 404
    monkeypatch.setattr(timezone, "now", lambda: when + timedelta(seconds=1))
    assert "/issues/2024/33/" in client.get(url).content.decode()
    assert client.get("/issues/2024/33/").status_code == 200


def test_pages_carry_no_visitor_and_no_token(issue):
    client = Client()
    client.force_login(make_user("editor", username="someone-logged-in"))
    client.get("/issues/2024/32/")
    html = Client().get("/issues/2024/32/").content.decode()
    assert "someone-logged-in" not in html
    assert not re.search(r"csrf", html, re.IGNORECASE)


def test_a_conditional_request_on_a_miss_fills_the_cache(issue, django_assert_num_queries):
    etag = Client().get("/issues/2024/32/")["ETag"]
    cache.clear()
    response = Client().get("/issues/2024/32/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304 and response["ETag"] == etag
    assert "public" in response["Cache-Control"]
    with django_assert_num_queries(1):
        assert Client().get("/issues/2024/32/").status_code == 200


def test_a_conditional_hit_is_answered_from_the_validators_alone(issue):
    """A 304 reads the validators kept beside the page, not the page, and carries the same
    headers as Django's 304 made from the page; a stale validator or a failed precondition
    still gets the right answer."""
    from editorial.reader import cache as reader_cache

    url = "/issues/2024/32/"
    page = Client().get(url)
    etag = page["ETag"]
    with_page = Client().get(url, HTTP_IF_NONE_MATCH=etag)
    pages = [k for k in cache._cache if ":reader:response:" in k and "validators" not in k]
    assert len(pages) == 1
    cache.delete(pages[0].split(":", 2)[2])  # the page gone: only its validators answer now
    alone = Client().get(url, HTTP_IF_NONE_MATCH=etag)
    assert pages[0] not in cache._cache  # not rendered again either
    assert with_page.status_code == alone.status_code == 304
    assert alone.content == b""
    assert dict(alone.items()) == dict(with_page.items())
    for name in reader_cache.NOT_MODIFIED_HEADERS:
        assert alone.get(name) == page.get(name)
    assert Client().get(url, HTTP_IF_NONE_MATCH='"another"').content == page.content
    assert Client().get(url, HTTP_IF_MATCH='"another"').status_code == 412
    since = Client().get(url, HTTP_IF_MODIFIED_SINCE=page["Last-Modified"])
    assert since.status_code == 304
    assert Client().head(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
