"""The WeChat page and the copied HTML: in the three modes, who may see them, which copy they
show (a published revision's as it was published), bad input, headers and queries."""

import hashlib
import json

import pytest
from django.test import Client
from django.urls import reverse

from editorial import workflow
from editorial.models import EntryStatus, IssueStatus
from editorial.renderings.wechat import issue_to_wechat
from editorial.store import issue_to_data
from tests.support.factories import make_issue, make_published_issue, make_user
from tests.support.htmx import HISTORY_RESTORE, HTMX
from tests.support.pages import assert_valid_fragment, assert_valid_html

pytestmark = pytest.mark.django_db

SECTIONS = {
    "分布式系统": [
        ("微信文章", "https://mp.weixin.qq.com/s/abc123", "摘要 <一>。"),
        ("外部文章", "https://example.com/a?x=1&y=2", "摘要二。"),
    ],
    "技术之外": [("视频", "https://www.youtube.com/watch?v=1", "摘要三。")],
}


def page_url(issue, **query):
    url = reverse("editorial:wechat", args=[issue.year, issue.number])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def html_url(issue, **query):
    url = reverse("editorial:wechat_html", args=[issue.year, issue.number])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def draft():
    return make_issue(2024, 33, SECTIONS)


def test_the_copied_html_is_the_rendering_of_the_issue(editor_client, draft):
    response = editor_client.get(html_url(draft))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content.decode() == issue_to_wechat(issue_to_data(draft)).html
    # Inline styles are all it may use; only this site may frame it (the page's preview).
    policy = response["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "script-src" not in policy
    assert "default-src 'none'" in policy and "frame-ancestors 'self'" in policy
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("mode", [{}, HISTORY_RESTORE], ids=["plain", "restore"])
def test_the_page_in_its_whole_modes(editor_client, draft, mode):
    response = editor_client.get(page_url(draft), **mode)
    assert response.status_code == 200
    html = response.content.decode()
    assert_valid_html(html)
    assert 'id="wechat-copy-html"' in html and 'id="wechat-copy-text"' in html
    assert html_url(draft) in html
    # The checks, in words: the reference, the host, the count.
    assert "中国大陆" in html and "参考链接" in html
    assert "http://testserver" not in html  # 阅读原文 comes from DIGEST_SITE_URL
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["Vary"].count("HX-Request") == 1


def test_an_htmx_request_gets_the_checks_alone(editor_client, draft):
    """What the review page loads into its WeChat panel."""
    response = editor_client.get(page_url(draft), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert_valid_fragment(html)
    assert html.lstrip().startswith('<div class="wechat-checks" id="wechat-checks">')
    assert "中国大陆" in html
    assert page_url(draft) in html  # the way to the page


def test_the_review_page_loads_the_checks(draft):
    reviewer = make_user("reviewer")
    draft.status = IssueStatus.IN_REVIEW
    draft.save(update_fields=["status"])
    client = Client()
    client.force_login(reviewer)
    html = client.get(reverse("editorial:review_issue", args=[2024, 33])).content.decode()
    assert f'data-hx-get="{page_url(draft)}" data-hx-trigger="load"' in html


def carried(html: str, name: str = "html") -> str:
    """The copy the page carries for its button (json_script), as the script reads it."""
    opening = f'id="wechat-copy-{name}" type="application/json">'
    start = html.index(opening) + len(opening)
    return json.loads(html[start : html.index("</script>", start)])


def test_the_page_carries_the_exact_copy(editor_client, draft):
    html = editor_client.get(page_url(draft)).content.decode()
    copy = issue_to_wechat(issue_to_data(draft))
    assert carried(html) == copy.html
    assert carried(html, "text") == copy.text


def test_read_more_is_the_public_page_in_the_default_language(editor_client, draft, settings):
    settings.DIGEST_SITE_URL = "https://digest.example.org"
    client = editor_client
    client.cookies["django_language"] = "en"
    html = client.get(page_url(draft)).content.decode()
    assert 'value="https://digest.example.org/issues/2024/33/"' in html


def test_a_published_issue_shows_the_copy_it_was_published_with(editor_client):
    reviewer = make_user("reviewer")
    issue = make_issue(
        2024, 34, SECTIONS, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.APPROVED
    )
    revision = workflow.issue_publish(issue, by=reviewer)
    assert revision.wechat_html == issue_to_wechat(issue_to_data(issue)).html
    assert revision.wechat_checksum == hashlib.sha256(revision.wechat_html.encode()).hexdigest()
    # Whatever the rendering or the live entries become, the published copy stays.
    revision.wechat_html = revision.wechat_html.replace("微信文章", "发布时的标题")
    revision.save(update_fields=["wechat_html"])
    assert "发布时的标题" in editor_client.get(html_url(issue)).content.decode()
    assert "发布时的标题" in carried(editor_client.get(page_url(issue)).content.decode())
    assert "发布时的标题" in editor_client.get(html_url(issue, revision=1)).content.decode()


def test_a_reopened_issue_shows_its_current_content_and_links_its_revisions(editor_client):
    issue = make_published_issue(2024, 35, SECTIONS)
    issue.status = IssueStatus.DRAFT
    issue.save(update_fields=["status"])
    entry = issue.sections.first().entries.first()
    entry.title = "更正后的标题"
    entry.save()
    html = editor_client.get(page_url(issue)).content.decode()
    assert "更正后的标题" in editor_client.get(html_url(issue)).content.decode()
    assert 'href="?revision=1"' in html
    published = editor_client.get(html_url(issue, revision=1)).content.decode()
    assert "更正后的标题" not in published and "微信文章" in published


def test_a_revision_made_before_the_copy_was_kept_is_rendered_from_its_markdown(editor_client):
    issue = make_published_issue(2024, 36, SECTIONS)
    issue.revisions.update(wechat_html="", wechat_text="", wechat_checksum="")
    assert (
        editor_client.get(html_url(issue)).content.decode()
        == issue_to_wechat(issue_to_data(issue)).html
    )


@pytest.mark.parametrize("revision", ["9", "0", "-1", "x", "1.0", "１", "9" * 30, ""])
def test_an_unknown_revision_is_a_clear_404(editor_client, draft, revision):
    make_published_issue(2024, 37, SECTIONS)
    for url in (page_url(draft, revision=revision), html_url(draft, revision=revision)):
        response = editor_client.get(url)
        assert response.status_code == 404
        assert b"Traceback" not in response.content


def test_an_unknown_issue_is_a_404(editor_client):
    assert editor_client.get(reverse("editorial:wechat", args=[2024, 99])).status_code == 404


@pytest.mark.parametrize("role", ["reader", None])
def test_readers_and_visitors_get_no_copy(draft, role):
    client = Client()
    if role:
        client.force_login(make_user(role))
    for url in (page_url(draft), html_url(draft)):
        response = client.get(url)
        assert response.status_code in (302, 403)
        assert "微信文章" not in response.content.decode()


def test_queries_do_not_grow_with_the_issue(editor_client, django_assert_max_num_queries):
    small = make_issue(2024, 40, entries_per_section=2)
    large = make_issue(2024, 41, entries_per_section=60)
    with django_assert_max_num_queries(12) as small_queries:
        editor_client.get(page_url(small))
    with django_assert_max_num_queries(12) as large_queries:
        editor_client.get(page_url(large))
    assert len(large_queries) == len(small_queries)
