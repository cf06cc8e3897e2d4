"""The Atom feed: well formed, the visible issues only, newest first, at most 20."""

import feedparser
import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django.utils.translation import get_language

from editorial.canonical import EntryData, IssueData, SectionData, issue_to_markdown
from editorial.models import Issue, IssueStatus, Revision
from editorial.reader import feeds
from editorial.store import checksum
from tests.support.factories import make_issue, make_published_issue
from tests.support.reader import add_revision, later

pytestmark = pytest.mark.django_db


def parse_feed(client):
    response = client.get("/feed.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_empty_feed_is_well_formed(client):
    parsed = parse_feed(client)
    assert parsed.version == "atom10"
    assert parsed.entries == []
    assert parsed.feed.title == "云计算技术动态"


def test_feed_entries_are_the_visible_issues_newest_first(client):
    make_published_issue(2024, 30)
    make_published_issue(2024, 32)
    make_published_issue(2023, 52)
    make_issue(2024, 33)  # draft
    make_published_issue(2024, 34, when=later(hours=1))  # scheduled
    parsed = parse_feed(client)
    assert [e.link for e in parsed.entries] == [
        "https://digest.example.org/issues/2024/32/",
        "https://digest.example.org/issues/2024/30/",
        "https://digest.example.org/issues/2023/52/",
    ]
    assert [e.id for e in parsed.entries] == [
        "tag:digest.example.org,2024:issue/2024/32",
        "tag:digest.example.org,2024:issue/2024/30",
        "tag:digest.example.org,2023:issue/2023/52",
    ]
    assert parsed.entries[0].title == "2024 年第三十二期"


def test_feed_entry_lists_sections_and_entries_and_has_dates(client):
    issue = make_published_issue(
        2024, 32, {"分布式系统": [("标题<甲>", "https://example.com/a", "见 https://x.org/y")]}
    )
    entry = parse_feed(client).entries[0]
    assert entry.summary == "分布式系统 (1)"
    content = entry.content[0].value
    assert "<h2>分布式系统</h2>" in content
    assert '<a href="https://example.com/a">标题&lt;甲&gt;</a>' in content
    assert 'href="https://x.org/y"' in content
    revision = issue.revisions.get()
    assert entry.published_parsed[:6] == revision.published_at.utctimetuple()[:6]
    assert entry.updated_parsed[:6] == revision.published_at.utctimetuple()[:6]


def test_feed_shows_the_correction_with_its_date(client):
    issue = make_published_issue(2024, 32)
    first = issue.revisions.get()
    second = add_revision(issue, retitle="改正后的标题")
    entry = parse_feed(client).entries[0]
    assert "改正后的标题" in entry.content[0].value
    assert entry.published_parsed[:6] == first.published_at.utctimetuple()[:6]
    assert entry.updated_parsed[:6] == second.published_at.utctimetuple()[:6]


def test_feed_has_the_latest_twenty_issues(client):
    for number in range(1, 23):
        make_published_issue(2024, number, {"栏目": [("t", f"https://e.com/{number}", "s")]})
    links = [e.link for e in parse_feed(client).entries]
    assert len(links) == 20
    assert links[0].endswith("/issues/2024/22/") and links[-1].endswith("/issues/2024/3/")


def test_feed_is_one_document_whatever_the_visitors_language(client, monkeypatch):
    # Mark every translated string with the language it was translated into.
    monkeypatch.setattr(feeds, "_", lambda message: f"[{get_language()}] {message}")
    make_published_issue(2024, 32)
    client.cookies["django_language"] = "en"
    en = client.get("/feed.xml")
    client.cookies["django_language"] = "zh-hans"
    zh = client.get("/feed.xml")
    assert en.content == zh.content
    assert en["ETag"] == zh["ETag"]
    assert en["Content-Language"] == "zh-hans"
    assert parse_feed(client).feed.subtitle.startswith("[zh-hans] ")


def test_titles_that_look_like_html_stay_text_in_the_feed(client):
    make_published_issue(
        2024, 32, {"<b>粗体</b>栏目": [("<i>斜</i> & 标题", "https://example.com/a", "a < b")]}
    )
    entry = parse_feed(client).entries[0]
    assert entry.summary == "&lt;b&gt;粗体&lt;/b&gt;栏目 (1)"
    content = entry.content[0].value
    assert "&lt;i&gt;斜&lt;/i&gt; &amp; 标题" in content and "<i>" not in content
    assert "a &lt; b" in content


def test_ids_and_links_do_not_depend_on_the_host_or_scheme(settings):
    """Asked through any allowed host, over http or https, the feed is the same bytes: ids are
    tag URIs and links are on DIGEST_SITE_URL."""
    settings.ALLOWED_HOSTS = ["digest.example.org", "other.example.net", "testserver"]
    make_published_issue(2024, 32)
    bodies = set()
    for host, secure in [("testserver", False), ("other.example.net", True)]:
        cache.clear()
        response = Client().get("/feed.xml", HTTP_HOST=host, secure=secure)
        assert response.status_code == 200
        bodies.add(response.content)
    assert len(bodies) == 1
    parsed = feedparser.parse(bodies.pop())
    assert parsed.feed.id == "tag:digest.example.org,2024:feed"
    assert parsed.feed.link == "https://digest.example.org/"
    assert parsed.entries[0].id == "tag:digest.example.org,2024:issue/2024/32"
    assert parsed.entries[0].link == "https://digest.example.org/issues/2024/32/"


def test_a_new_site_url_changes_links_but_no_id(settings):
    make_published_issue(2024, 32)
    first = feedparser.parse(Client().get("/feed.xml").content)
    cache.clear()
    settings.DIGEST_SITE_URL = "http://digest.example.com"
    moved = feedparser.parse(Client().get("/feed.xml").content)
    assert moved.entries[0].link == "http://digest.example.com/issues/2024/32/"
    assert moved.entries[0].id == first.entries[0].id
    assert moved.feed.id == first.feed.id


def big_revision(year: int, number: int, entries: int) -> None:
    """A published issue of `entries` entries with summaries of 150 characters, stored as its
    revision alone (the feed reads revisions only)."""
    data = IssueData(
        publication=settings.DIGEST_PUBLICATION,
        year=year,
        number=number,
        sections=(
            SectionData(
                title="栏目",
                entries=tuple(
                    EntryData(
                        title=f"第 {i} 篇：一致性与可用性",
                        url=f"https://example.com/{year}/{number}/{i}",
                        summary="本文主要介绍了分布式系统中的一致性模型。" * 7,
                    )
                    for i in range(1, entries + 1)
                ),
            ),
        ),
    )
    markdown = issue_to_markdown(data)
    issue = Issue.objects.create(
        year=year, number=number, status=IssueStatus.PUBLISHED, published_at=timezone.now()
    )
    Revision.objects.create(
        issue=issue,
        number=1,
        markdown=markdown,
        checksum=checksum(markdown),
        published_at=timezone.now(),
    )


def test_the_feed_is_bounded_in_size(client):
    """Six issues of 2000 entries (each about 1 MB of content): the feed stays within
    FEED_MAX_BYTES, lists all six, and the issues past the bound link to their page."""
    for number in range(1, 7):
        big_revision(2024, number, 2000)
    response = client.get("/feed.xml")
    assert response.status_code == 200
    assert len(response.content) <= feeds.FEED_MAX_BYTES
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo
    assert len(parsed.entries) == 6
    linked = [e for e in parsed.entries if "第 1 篇" not in e.content[0].value]
    assert linked, "no issue was cut"
    for entry in linked:
        assert f'href="{entry.link}"' in entry.content[0].value


def test_the_feed_holds_the_latest_twenty_issues(client):
    for number in range(1, 23):
        big_revision(2024, number, 1)
    parsed = feedparser.parse(client.get("/feed.xml").content)
    assert len(parsed.entries) == 20
    assert parsed.entries[0].id.endswith("issue/2024/22")
