"""Reader pages: what readers see, what they do not, and what editors can preview."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.models import EntryStatus, IssueStatus
from tests.support.factories import make_issue, make_published_issue, make_user
from tests.support.htmx import HISTORY_RESTORE, HTMX
from tests.support.reader import add_revision, later, publish_big_issue

pytestmark = pytest.mark.django_db


def test_latest_without_any_issue_is_a_friendly_empty_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No issue has been published yet." in response.content.decode()


def test_latest_shows_the_newest_visible_issue_and_not_a_draft_or_scheduled_one(client):
    make_published_issue(2024, 31)
    make_published_issue(2024, 32)
    make_issue(2024, 33)  # draft
    make_published_issue(2024, 34, when=later(days=1))  # scheduled
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "2024 年第三十二期" in html
    assert "第三十一期" not in html
    assert "第三十三期" not in html and "第三十四期" not in html
    assert 'href="/en/issues/2024/32/"' in html  # the heading links to the issue's own page


def test_issue_page_has_toc_anchors_download_and_open_graph(client):
    make_published_issue(2024, 32)
    response = client.get("/issues/2024/32/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="s1"' in html and 'id="s2"' in html
    assert 'id="s1-e1"' in html and 'id="s2-e2"' in html
    assert 'href="#s1"' in html and 'href="#s2-e2"' in html
    assert 'aria-label="Table of contents"' in html
    assert 'href="/en/issues/2024/32.md"' in html
    assert '<link rel="canonical" href="http://testserver/en/issues/2024/32/">' in html
    assert '<meta property="og:url" content="http://testserver/en/issues/2024/32/">' in html
    assert '<meta property="og:type" content="article">' in html
    assert 'property="og:title" content="云计算技术动态 2024 年第三十二期"' in html
    assert 'property="og:description" content="分布式系统 条目 1' in html
    assert html.count("<h1") == 1


def test_entry_titles_link_to_their_url_and_summaries_are_linkified_and_escaped(client):
    make_published_issue(
        2024,
        32,
        {
            "栏目": [
                (
                    "<b>粗体</b> & 标题",
                    "https://example.com/a?x=1&y=2",
                    "详见 https://example.org/more 以及 <script>alert(1)</script>",
                ),
            ]
        },
    )
    html = client.get("/issues/2024/32/").content.decode()
    assert 'href="https://example.com/a?x=1&amp;y=2" rel="noopener"' in html
    assert "&lt;b&gt;粗体&lt;/b&gt; &amp; 标题" in html
    assert '<a href="https://example.org/more" rel="nofollow noopener">' in html
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "status", [IssueStatus.DRAFT, IssueStatus.IN_REVIEW], ids=["draft", "in_review"]
)
def test_unpublished_issue_is_404_for_readers_and_previewable_by_editors(client, status):
    make_issue(2024, 40, status=status, entry_status=EntryStatus.SUBMITTED)
    for url in [
        "/issues/2024/40/",
        "/issues/2024/40.md",
        "/issues/2024/40/preview/",
        "/issues/2024/40/r/1/",
        "/issues/2024/40/r/1.md",
    ]:
        assert client.get(url).status_code == 404, url

    client.force_login(make_user("editor"))
    response = client.get("/issues/2024/40/")
    assert response.status_code == 302
    assert response["Location"] == "/en/issues/2024/40/preview/"
    preview = client.get("/issues/2024/40/preview/")
    assert preview.status_code == 200
    assert preview["Cache-Control"] == "private, no-store"
    html = preview.content.decode()
    assert "preview-banner" in html
    assert "分布式系统 条目 1" in html
    assert client.get("/issues/2024/40.md").status_code == 404  # downloads are for published ones


def test_scheduled_issue_is_404_until_its_time_then_visible(client, monkeypatch):
    when = later(hours=2)
    make_published_issue(2024, 41, when=when)
    assert client.get("/issues/2024/41/").status_code == 404
    assert client.get("/issues/2024/41.md").status_code == 404

    reviewer = make_user("reviewer")
    client.force_login(reviewer)
    assert client.get("/issues/2024/41/preview/").status_code == 200
    client.logout()

    monkeypatch.setattr(timezone, "now", lambda: when + timedelta(seconds=1))
    assert client.get("/issues/2024/41/").status_code == 200
    assert client.get("/issues/2024/41.md").status_code == 200


def test_preview_is_404_for_plain_logged_in_users(client):
    make_published_issue(2024, 32)
    client.force_login(make_user("reader"))
    assert client.get("/issues/2024/32/preview/").status_code == 404
    assert client.get("/issues/2024/32/").status_code == 200


def test_preview_shows_current_content_while_readers_see_the_published_revision(client, editor):
    issue = make_published_issue(2024, 32)
    issue.status = IssueStatus.DRAFT  # reopened for a correction
    issue.save()
    entry = issue.sections.first().entries.first()
    entry.title = "正在修改的标题"
    entry.save()

    reader_html = client.get("/issues/2024/32/").content.decode()
    assert "分布式系统 条目 1" in reader_html
    assert "正在修改的标题" not in reader_html

    client.force_login(editor)
    preview_html = client.get("/issues/2024/32/preview/").content.decode()
    assert "正在修改的标题" in preview_html
    issue_html = client.get("/issues/2024/32/").content.decode()
    assert 'href="/en/issues/2024/32/preview/"' in issue_html  # editors get a way there


def test_earlier_revisions_are_listed_with_notes_and_readable(client):
    issue = make_published_issue(2024, 32)
    add_revision(issue, note="修正了第一条的标题。", retitle="改正后的标题")
    html = client.get("/issues/2024/32/").content.decode()
    assert "改正后的标题" in html
    assert "修正了第一条的标题。" in html
    assert 'href="/en/issues/2024/32/r/1/"' in html
    assert 'href="/en/issues/2024/32/r/1.md"' in html
    assert 'href="/en/issues/2024/32/r/2.md"' in html

    old = client.get("/issues/2024/32/r/1/")
    old_html = old.content.decode()
    assert old.status_code == 200
    assert "分布式系统 条目 1" in old_html and "改正后的标题" not in old_html
    assert "It has been corrected since." in old_html
    assert '<meta name="robots" content="noindex">' in old_html
    assert '<link rel="canonical" href="http://testserver/en/issues/2024/32/r/1/">' in old_html

    assert client.get("/issues/2024/32/r/2/").status_code == 200
    assert client.get("/issues/2024/32/r/3/").status_code == 404


def test_scheduled_correction_keeps_the_previous_revision_until_its_time(client):
    issue = make_published_issue(2024, 32)
    add_revision(issue, retitle="明天才改的标题", when=later(days=1))
    html = client.get("/issues/2024/32/").content.decode()
    assert "分布式系统 条目 1" in html and "明天才改的标题" not in html
    assert client.get("/issues/2024/32/r/2/").status_code == 404
    assert client.get("/issues/2024/32/r/2.md").status_code == 404


def test_reopened_issue_stays_readable_in_its_last_published_revision(client):
    issue = make_published_issue(2024, 32)
    issue.status = IssueStatus.DRAFT
    issue.save()
    assert client.get("/issues/2024/32/").status_code == 200
    assert "2024 年第三十二期" in client.get("/issues/").content.decode()


def test_archive_groups_by_year_newest_first_with_entry_counts(client):
    make_published_issue(2023, 50)
    publish_big_issue(5, 2024, 1)
    publish_big_issue(3, 2024, 2)
    make_issue(2024, 3)  # draft: not listed
    html = client.get("/issues/").content.decode()
    assert html.index('id="y2024"') < html.index('id="y2023"')
    assert html.index("/issues/2024/2/") < html.index("/issues/2024/1/")
    assert "/issues/2024/3/" not in html
    assert "5 entries" in html and "3 entries" in html and "4 entries" in html


def test_archive_marks_corrected_issues(client):
    issue = make_published_issue(2024, 32)
    add_revision(issue)
    assert "corrected" in client.get("/issues/").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/issues/2024/0/",
        "/issues/2024/99999/",
        "/issues/999/1/",
        "/issues/2024/99999999999999999999999/",
        "/issues/2024/0.md",
        "/issues/2024/99999999999999999999999.md",
        "/issues/2024/32/r/0/",
        "/issues/2024/32/r/99999999999999999999999/",
        "/issues/2024/32/r/99999999999999999999999.md",
        "/issues/2024/99999999999999999999999/preview/",
        "/issues/2024/abc/",
        "/issues/2025/32/",
    ],
)
def test_unknown_or_malformed_numbers_are_404(client, url):
    make_published_issue(2024, 32)
    assert client.get(url).status_code == 404


def test_editor_preview_of_a_huge_number_is_404_not_an_error(client, editor):
    client.force_login(editor)
    assert client.get("/issues/2024/99999999999999999999999/preview/").status_code == 404
    assert client.get("/issues/2024/99999999999999999999999/").status_code == 404


def test_reader_pages_only_answer_get_and_head(client):
    make_published_issue(2024, 32)
    assert client.head("/issues/2024/32/").status_code == 200
    assert client.post("/issues/2024/32/").status_code in {403, 405}  # CSRF may answer first
    assert client.delete("/issues/2024/32.md").status_code == 405


def test_english_interface_keeps_content_marked_as_chinese(client):
    make_published_issue(2024, 32)
    html = client.get("/issues/2024/32/").content.decode()
    assert '<html lang="en">' in html
    assert 'class="issue-body" lang="zh-Hans"' in html
    assert "Table of contents" in html


@pytest.mark.parametrize("name", ["latest", "archive", "issue", "revision", "search"])
def test_htmx_get_gets_a_whole_page_or_the_results(client, name):
    make_published_issue(2024, 32)
    args = {"issue": [2024, 32], "revision": [2024, 32, 1]}.get(name, [])
    url = reverse(f"reader:{name}", args=args)
    data = {"q": "条目"} if name == "search" else {}
    plain = client.get(url, data)
    htmx = client.get(url, data, **HTMX)
    restore = client.get(url, data, **HISTORY_RESTORE)
    assert plain.status_code == htmx.status_code == restore.status_code == 200
    assert b"<!DOCTYPE html>" in plain.content and b"<!DOCTYPE html>" in restore.content
    if name == "search":
        assert b"<!DOCTYPE html>" not in htmx.content
        assert b'data-hx-swap-oob="innerHTML"' in htmx.content
        assert "HX-Request" in htmx["Vary"]
    else:
        assert b"<!DOCTYPE html>" in htmx.content
