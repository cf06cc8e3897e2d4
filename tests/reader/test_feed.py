"""The Atom feed: well formed, the visible issues only, newest first, at most 20."""

import feedparser
import pytest
from django.utils.translation import get_language

from editorial import feeds
from tests.factories import make_issue, make_published_issue
from tests.reader.conftest import add_revision, later

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
        "http://testserver/issues/2024/32/",
        "http://testserver/issues/2024/30/",
        "http://testserver/issues/2023/52/",
    ]
    assert [e.id for e in parsed.entries] == [e.link for e in parsed.entries]
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
