"""Query budgets: every reader page reads a fixed number of times, whatever the issue's size."""

from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.factories import make_published_issue, make_user
from tests.support.htmx import HTMX
from tests.support.reader import add_revision, publish_big_issue

pytestmark = pytest.mark.django_db

# (url, queries on a cold cache, queries with the page cached). An anonymous request first
# reads the publication state (the cache key of the whole response); on a hit that is all.
READER_PAGES = [
    ("/", 3, 1),
    ("/issues/", 2, 1),
    ("/issues/2024/32/", 3, 1),
    ("/issues/2024/32/r/1/", 3, 1),
    ("/issues/2024/32.md", 2, 1),
    ("/issues/2024/32/r/1.md", 2, 1),
    ("/feed.xml", 2, 1),
    # Search: the newest issues, the rest of the archive when they hold too few matches,
    # reopened issues' revisions, and the page's rows (selectors.reader._live_matches).
    ("/search/?" + urlencode({"q": "标题"}), 4, 4),
    ("/search/?" + urlencode({"q": "标题", "page": 2}), 4, 4),
]


@pytest.fixture(params=[10, 300], ids=["10-entries", "300-entries"])
def archive_of(request):
    """A published issue of 10 or 300 entries (corrected once), and an older one beside it."""
    make_published_issue(2024, 31)
    issue = publish_big_issue(request.param, 2024, 32, sections=3)
    add_revision(issue, note="更正。")
    return request.param


@pytest.mark.parametrize(("url", "cold", "warm"), READER_PAGES, ids=[p[0] for p in READER_PAGES])
def test_reader_page_query_count_is_fixed(
    client, archive_of, url, cold, warm, django_assert_num_queries
):
    # Search may ask the rest of the archive after its newest issues (a bounded cost).
    most = 4 if url.startswith("/search/") else 3
    assert cold <= most and warm <= most
    cache.clear()
    with django_assert_num_queries(cold):
        response = client.get(url)
    assert response.status_code == 200
    if url.startswith("/search/"):
        assert "entries match" in response.content.decode()
    with django_assert_num_queries(warm):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(warm):
        assert client.get(url, **HTMX).status_code == 200


def test_search_with_a_reopened_issue_still_takes_three_queries(
    client, archive_of, django_assert_num_queries
):
    from editorial.models import Issue, IssueStatus

    Issue.objects.filter(number=32).update(status=IssueStatus.DRAFT)
    with django_assert_num_queries(3):
        html = client.get("/search/", {"q": "标题"}).content.decode()
    assert f"{archive_of} entries match" in html


def test_preview_query_count_does_not_grow_with_entries(client):
    client.force_login(make_user("editor"))
    counts = []
    for number, entries in [(40, 10), (41, 300)]:
        publish_big_issue(entries, 2024, number, sections=3)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/issues/2024/{number}/preview/").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_search_page_reads_the_full_rows_of_its_own_hits_only(client, archive_of, monkeypatch):
    """However many entries match, the text and numbering are read for the page shown."""
    from editorial.reader import selectors
    from editorial.reader.views import SEARCH_PAGE_SIZE

    read = []
    original = selectors._live_hits
    monkeypatch.setattr(selectors, "_live_hits", lambda pks: read.append(len(pks)) or original(pks))
    html = client.get("/search/", {"q": "标题", "page": 2}).content.decode()
    assert f"{archive_of} entries match" in html
    assert read == [min(SEARCH_PAGE_SIZE, archive_of)]  # page 2 of 10 hits is their only page
