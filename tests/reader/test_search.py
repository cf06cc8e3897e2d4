"""Search: substrings (Chinese included) of what readers can see, highlighted, paginated."""

import pytest

from editorial.models import EntryStatus, Issue, IssueStatus
from editorial.templatetags.reader import excerpt, highlight
from tests.support.factories import make_issue, make_published_issue
from tests.support.htmx import HTMX
from tests.support.reader import add_revision, later, publish_big_issue

pytestmark = pytest.mark.django_db


def search(client, q, **params):
    return client.get("/search/", {"q": q, **params}).content.decode()


@pytest.fixture
def published():
    return make_published_issue(
        2024,
        32,
        {
            "分布式系统": [
                ("解耦数据预处理层：Meta如何优化", "https://example.com/a", "介绍数据摄取管道。"),
                ("Azure Files 架构", "https://example.com/b", "完全托管的云文件存储服务。"),
            ],
            "云计算技术": [
                ("AI时代的以太网", "https://example.com/c", "叶脊架构与轨道优化拓扑。"),
            ],
        },
    )


def test_empty_query_shows_only_the_form(client, published):
    html = search(client, "")
    assert 'name="q"' in html
    assert "search-hit" not in html
    assert "match" not in html


def test_finds_a_chinese_substring_in_a_title(client, published):
    html = search(client, "预处理")
    assert "1 entry matches" in html
    assert 'href="/en/issues/2024/32/#s1-e1"' in html
    assert "解耦数据<mark>预处理</mark>层" in html


def test_finds_a_chinese_substring_in_a_summary_and_links_to_its_anchor(client, published):
    html = search(client, "轨道优化")
    assert "1 entry matches" in html
    assert 'href="/en/issues/2024/32/#s2-e1"' in html
    assert "叶脊架构与<mark>轨道优化</mark>拓扑。" in html


def test_ascii_search_ignores_case_and_highlights_the_text_as_written(client, published):
    html = search(client, "azure files")
    assert "<mark>Azure Files</mark> 架构" in html


def test_nothing_from_unpublished_or_scheduled_issues(client, published):
    make_issue(2024, 33, {"草稿": [("预处理草稿", "https://example.com/d", "预处理")]})
    make_issue(
        2024,
        34,
        {"审核": [("预处理审核中", "https://example.com/e", "x")]},
        status=IssueStatus.IN_REVIEW,
        entry_status=EntryStatus.SUBMITTED,
    )
    make_published_issue(
        2024, 35, {"定时": [("预处理明天", "https://example.com/f", "x")]}, when=later(days=1)
    )
    html = search(client, "预处理")
    assert "1 entry matches" in html
    assert "草稿" not in html and "审核中" not in html and "明天" not in html


def test_reopened_issue_is_searched_as_published_not_as_being_edited(client, published):
    entry = published.sections.get(position=1).entries.get(position=1)
    entry.title = "秘密的新标题"
    entry.save()
    Issue.objects.filter(pk=published.pk).update(status=IssueStatus.DRAFT)
    assert "0 entries match" in search(client, "秘密")
    html = search(client, "预处理")
    assert "解耦数据<mark>预处理</mark>层" in html
    assert 'href="/en/issues/2024/32/#s1-e1"' in html


def test_scheduled_correction_is_not_searchable_before_its_time(client, published):
    add_revision(published, retitle="明天的更正标题", when=later(days=1))
    Issue.objects.filter(pk=published.pk).update(published_at=later(days=1))
    assert "0 entries match" in search(client, "明天的更正")
    assert "1 entry matches" in search(client, "预处理")


def test_anchors_follow_the_markdown_numbering_even_with_gaps_in_positions(client):
    issue = make_published_issue(
        2024,
        32,
        {
            "空栏目": [],
            "栏目": [("第一", "https://e.com/1", "x"), ("第二目标", "https://e.com/2", "y")],
        },
    )
    section = issue.sections.get(title="栏目")
    section.entries.filter(position=2).update(position=7)
    issue.sections.filter(pk=section.pk).update(position=5)
    # The empty section is not in the markdown, so "栏目" is its section 1; the entry is 2nd.
    assert 'href="/en/issues/2024/32/#s1-e2"' in search(client, "目标")
    assert 'id="s1-e2"' in client.get("/issues/2024/32/").content.decode()


def test_highlight_escapes_html_in_titles_and_in_the_query(client):
    make_published_issue(
        2024, 32, {"栏目": [("<script>alert(1)</script> 标题", "https://e.com/1", "x & y")]}
    )
    html = search(client, "<script>")
    assert "<script>alert" not in html
    assert "<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt; 标题" in html
    assert "&lt;script&gt;" in html.split("<title>")[1].split("</title>")[0]
    html = search(client, "x & y")
    assert "<mark>x &amp; y</mark>" in html


def test_highlight_and_excerpt_units():
    assert highlight('a<b "x"', "<B") == "a<mark>&lt;b</mark> &quot;x&quot;"
    assert highlight("amp & amp", "amp") == "<mark>amp</mark> &amp; <mark>amp</mark>"
    assert highlight("<i>", "") == "&lt;i&gt;"
    long = "甲" * 300 + "目标" + "乙" * 300
    cut = excerpt(long, "目标")
    assert "目标" in cut and cut.startswith("…") and cut.endswith("…")
    assert len(cut) <= 162
    assert excerpt("短", "x") == "短"


def test_results_are_paginated_and_bad_page_numbers_are_handled(client):
    publish_big_issue(45, 2024, 32)
    first = search(client, "标题")
    assert "45 entries match" in first
    assert first.count('class="search-hit"') == 20
    assert "Page 1 of 3" in first
    last = search(client, "标题", page=3)
    assert last.count('class="search-hit"') == 5
    for bad in ["abc", "0", "-1", "999", "9" * 5000, ""]:
        response = client.get("/search/", {"q": "标题", "page": bad})
        assert response.status_code == 200, bad
        assert response.content.decode().count('class="search-hit"') in {5, 20}


def test_results_from_several_issues_are_grouped_newest_first(client):
    publish_big_issue(2, 2024, 31)
    publish_big_issue(2, 2024, 32)
    html = search(client, "标题 1-1")
    assert html.count('class="search-group"') == 2
    assert html.index("/issues/2024/32/#s1-e1") < html.index("/issues/2024/31/#s1-e1")


def test_long_and_odd_queries_are_cleaned_not_errors(client, published):
    response = client.get("/search/", {"q": "预" * 500})
    assert response.status_code == 200
    assert "shortened to its first 100 characters" in response.content.decode()
    for odd in ["预处理\r\n", "%_", "'; DROP TABLE x; --", "   "]:
        assert client.get("/search/", {"q": odd}).status_code == 200, repr(odd)
    assert "1 entry matches" in search(client, "预处理\t")
    # A NUL is no text anyone typed: the request is malformed (400, the product's error page).
    assert client.get("/search/", {"q": "\x00预处理"}).status_code == 400
    assert "0 entries match" in search(client, "%_")


def test_htmx_search_returns_only_results_with_the_status_out_of_band(client, published):
    response = client.get("/search/", {"q": "预处理"}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert 'id="search-status"' in html and 'data-hx-swap-oob="innerHTML"' in html
    assert "解耦数据<mark>预处理</mark>层" in html
    assert "HX-Request" in response["Vary"]


def test_the_newest_issues_first_then_the_rest_of_the_archive():
    """More issues than are read first (SEARCH_FIRST_ISSUES): a word only in the oldest is
    found through the index, a common one in reading order, limited without reading the rest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from editorial.reader.selectors import SEARCH_FIRST_ISSUES, search_entries

    count = SEARCH_FIRST_ISSUES + 3
    for number in range(1, count + 1):
        rare = "，稀有词" if number == 1 else ""
        make_published_issue(
            2024,
            number,
            {
                "栏目": [
                    (f"共同词 {number}-{i}{rare}", f"https://e.com/{number}/{i}", "摘要")
                    for i in (1, 2)
                ]
            },
        )
    now = timezone.now()
    assert [(h.year, h.number, h.title) for h in search_entries("稀有词", now)] == [
        (2024, 1, "共同词 1-1，稀有词"),
        (2024, 1, "共同词 1-2，稀有词"),
    ]
    every = [(h.number, h.entry_number) for h in search_entries("共同词", now)]
    assert every == [(n, i) for n in range(count, 0, -1) for i in (1, 2)]
    with CaptureQueriesContext(connection) as queries:
        first = search_entries("共同词", now, limit=4)
    assert len(queries) == 2  # the newest issues held enough: the rest was not read
    assert [(h.number, h.entry_number) for h in first] == [
        (count, 1),
        (count, 2),
        (count - 1, 1),
        (count - 1, 2),
        (count - 2, 1),
    ]
