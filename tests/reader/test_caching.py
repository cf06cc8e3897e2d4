"""HTTP validators (ETag, Last-Modified, 304) and the fragment cache."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.http import http_date

from editorial.reader import caching
from tests.support.factories import make_published_issue, make_user
from tests.support.reader import add_revision, later

pytestmark = pytest.mark.django_db

CONDITIONAL_URLS = [
    "/",
    "/issues/2024/32/",
    "/issues/2024/32/r/1/",
    "/issues/2024/32.md",
    "/issues/2024/32/r/1.md",
    "/feed.xml",
]


@pytest.fixture
def issue():
    return make_published_issue(2024, 32)


@pytest.mark.parametrize("url", CONDITIONAL_URLS)
def test_etag_and_last_modified_are_sent_and_if_none_match_gets_304(client, issue, url):
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    revision = issue.revisions.get()
    assert first["Last-Modified"] == http_date(revision.created_at.timestamp())

    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


@pytest.mark.parametrize("url", [u for u in CONDITIONAL_URLS if u != "/issues/2024/32/r/1.md"])
def test_if_modified_since_gets_304_until_a_correction(client, issue, url):
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    add_revision(issue, when=later(seconds=2))
    later_now = timezone.now() + timedelta(seconds=3)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: later_now)
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


@pytest.mark.parametrize("url", ["/", "/issues/2024/32/", "/issues/2024/32.md", "/feed.xml"])
def test_a_correction_changes_the_etag_and_the_page(client, issue, url):
    before = client.get(url)
    add_revision(issue, retitle="改正后的标题")
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert "改正后的标题" in after.content.decode()


def test_older_revision_page_etag_changes_when_a_newer_one_appears(client, issue):
    before = client.get("/issues/2024/32/r/1/")
    add_revision(issue)
    after = client.get("/issues/2024/32/r/1/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert "It has been corrected since." in after.content.decode()


def test_html_etag_depends_on_language_and_login(issue):
    client = Client()
    zh = client.get("/issues/2024/32/")
    en = client.get("/en/issues/2024/32/")
    assert zh["ETag"] != en["ETag"]
    assert client.get("/en/issues/2024/32/", HTTP_IF_NONE_MATCH=zh["ETag"]).status_code == 200

    client.force_login(make_user("reader"))
    logged_in = client.get("/en/issues/2024/32/", HTTP_IF_NONE_MATCH=en["ETag"])
    assert logged_in.status_code == 200  # the header shows the user now: not the same page
    assert logged_in["ETag"] != en["ETag"]


def test_anonymous_etag_is_the_same_for_every_visitor(issue):
    first, second = Client(), Client()
    second.cookies["csrftoken"] = "x" * 32
    second.cookies["django_language"] = "en"
    etag = first.get("/issues/2024/32/")["ETag"]
    assert second.get("/issues/2024/32/")["ETag"] == etag
    assert second.get("/issues/2024/32/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_first_etag_is_already_stable_for_a_new_visitor(client, issue):
    first = client.get("/issues/2024/32/")  # no CSRF cookie yet
    assert client.get("/issues/2024/32/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_cached_fragment_is_used_on_the_next_request(client, issue, django_assert_num_queries):
    client.force_login(make_user("reader"))
    client.get("/issues/2024/32/")
    # Logged in: only the revision list is read; the article comes from the cache.
    # The revision list, the session, the user and their permissions (editor tools; one
    # query, editorial.accounts.backends).
    with django_assert_num_queries(4):
        response = client.get("/issues/2024/32/")
    assert "分布式系统 条目 1" in response.content.decode()


def test_cache_keys_follow_publication_so_nothing_stale_is_served(client, issue):
    archive = client.get("/issues/").content.decode()
    assert "第三十二期" in archive and "第三十三期" not in archive
    assert "/issues/2024/33/" not in client.get("/feed.xml").content.decode()
    make_published_issue(2024, 33)
    assert "第三十三期" in client.get("/issues/").content.decode()
    assert "第三十三期" in client.get("/").content.decode()
    assert "/issues/2024/33/" in client.get("/feed.xml").content.decode()


def test_a_scheduled_issue_appears_on_time_despite_the_cache(client, issue, monkeypatch):
    when = later(minutes=5)
    make_published_issue(2024, 33, when=when)
    for url in ["/", "/issues/", "/feed.xml"]:
        assert "/issues/2024/33/" not in client.get(url).content.decode(), url
    monkeypatch.setattr(timezone, "now", lambda: when + timedelta(seconds=1))
    for url in ["/", "/issues/", "/feed.xml"]:
        assert "/issues/2024/33/" in client.get(url).content.decode(), url
    assert client.get("/issues/2024/33/").status_code == 200


def test_revision_markdown_is_immutable_for_conditional_requests(client, issue):
    last_modified = client.get("/issues/2024/32/r/1.md")["Last-Modified"]
    add_revision(issue)
    response = client.get("/issues/2024/32/r/1.md", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304


def test_cached_fragments_never_carry_a_visitors_token_or_name(client, issue, monkeypatch):
    stored = []
    real_set = caching.cache.set

    def recording_set(key, value, *args, **kwargs):
        stored.append(str(value))
        return real_set(key, value, *args, **kwargs)

    monkeypatch.setattr(caching.cache, "set", recording_set)
    client.force_login(make_user("reader", username="visitor-name"))
    for url in ["/", "/issues/", "/issues/2024/32/", "/feed.xml"]:
        assert client.get(url).status_code == 200
    assert len(stored) == 5  # a revision's contents, two articles, the archive, the feed
    for value in stored:
        assert "csrfmiddlewaretoken" not in value and "X-CSRFToken" not in value
        assert "visitor-name" not in value


def test_preview_is_never_cached(client, issue):
    client.force_login(make_user("editor"))
    response = client.get("/issues/2024/32/preview/")
    assert response["Cache-Control"] == "private, no-store"
    assert "ETag" not in response
