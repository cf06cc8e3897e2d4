"""The same link is warned about everywhere a link enters: while typing, in quick add (within
the paste and against the archive), in import (stderr), on the composer card and the review page."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editorial.canonical import EntryData, IssueData, SectionData
from editorial.canonical.export import issue_to_markdown
from editorial.models import Entry, EntryStatus, IssueStatus
from editorial.selectors.links import attach_same_links
from tests.support.factories import english_client, make_issue, make_published_issue
from tests.support.htmx import HTMX
from tests.support.pages import assert_valid_fragment, assert_valid_html, messages_of

pytestmark = pytest.mark.django_db

WECHAT = "https://mp.weixin.qq.com/s?__biz=MzA3&mid=265&idx=1&sn=abc"


@pytest.fixture
def archive():
    """2024/12, published: its third entry in its section is the WeChat article."""
    return make_published_issue(
        2024,
        12,
        {
            "栏目": [
                ("一", "https://example.com/1", "s"),
                ("二", "https://example.com/2", "s"),
                ("微信文章", WECHAT, "s"),
            ]
        },
    )


@pytest.fixture
def editor_client(editor):
    client = english_client()
    client.force_login(editor)
    return client


@pytest.mark.parametrize(
    "typed",
    [
        WECHAT + "&scene=1&from=timeline",
        WECHAT + "&chksm=99&scene=1#rd",
        "http://mp.weixin.qq.com/s?sn=abc&idx=1&mid=265&__biz=MzA3",
    ],
)
def test_while_typing(editor_client, archive, typed):
    response = editor_client.get(reverse("editorial:check_url"), {"url": typed}, **HTMX)
    html = response.content.decode()
    assert "this link was in 2024/12, entry 3" in html
    # The editor works in English here, so the link leads to the English reader page.
    assert 'href="/en/issues/2024/12/#s1-e3"' in html
    assert_valid_fragment(html)


def test_quick_add_warns_within_the_paste_and_against_the_archive(editor_client, editor, archive):
    section = make_issue(2024, 13, author=editor).sections.first()
    text = (
        "甲\nhttps://example.net/post/a\n\n"
        "乙\nhttp://example.net/post/a/\n\n"
        f"丙\n{WECHAT}&chksm=1\n\n"
        "丁\nhttps://example.net/other\n"
    )
    response = editor_client.post(
        reverse("editorial:quick_add", args=[section.pk]), {"text": text}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Added 4 entries. 3 of them have a link that is already used: see their cards." in html
    assert "this link was in 2024/12, entry 3" in html
    assert "this link was in 2024/13, entry 3" in html  # 甲 and 乙 point at each other
    assert "this link was in 2024/13, entry 4" in html


def test_quick_add_plain_post_says_so_after_the_redirect(editor_client, editor, archive):
    section = make_issue(2024, 13, author=editor).sections.first()
    response = editor_client.post(
        reverse("editorial:quick_add", args=[section.pk]),
        {"text": f"丙\n{WECHAT}&scene=1\n"},
        follow=True,
    )
    assert any("1 of them has a link that is already used" in m for m in messages_of(response))


def test_import_warns_on_stderr_and_stores(tmp_path, archive):
    data = IssueData(
        "云计算技术动态",
        2024,
        14,
        (
            SectionData(
                "A",
                (EntryData("x", WECHAT + "&scene=1", "s"), EntryData("y", "https://e.com/a", "s")),
            ),
            SectionData("B", (EntryData("z", "http://e.com/a/", "s"),)),
        ),
    )
    path = tmp_path / "2024-14.md"
    path.write_text(issue_to_markdown(data), encoding="utf-8")
    out, err = StringIO(), StringIO()
    call_command("import_issue", str(path), stdout=out, stderr=err)
    assert "stored as published, 3 entries" in out.getvalue()
    warnings = err.getvalue().splitlines()
    assert f"{path}: warning: section 2, entry 1: the same link as section 1, entry 2" in warnings
    assert f"{path}: warning: section 1, entry 1: this link was in 2024/12, entry 3" in warnings
    assert Entry.objects.filter(section__issue__number=14).count() == 3


def test_composer_card_shows_the_same_link(editor_client, editor, archive):
    issue = make_issue(2024, 15, {"A": [("again", WECHAT + "&scene=1", "s")]}, author=editor)
    html = editor_client.get(issue.get_composer_url()).content.decode()
    assert "this link was in 2024/12, entry 3" in html
    assert_valid_html(html)


def test_review_page_shows_the_same_link(reviewer, archive, editor):
    issue = make_issue(
        2024,
        16,
        {"A": [("again", "https://MP.weixin.qq.com/s?__biz=MzA3&mid=265&idx=1&sn=abc#x", "s")]},
        status=IssueStatus.IN_REVIEW,
        entry_status=EntryStatus.SUBMITTED,
        author=editor,
    )
    client = english_client()
    client.force_login(reviewer)
    html = client.get(
        reverse("editorial:review_issue", args=[issue.year, issue.number])
    ).content.decode()
    assert "this link was in 2024/12, entry 3" in html
    assert_valid_html(html)


def test_same_links_are_read_in_one_query(archive):
    for number in range(20, 26):
        make_issue(2024, number, {"A": [("again", WECHAT + f"&scene={number}", "s")]})
    entries = list(Entry.objects.all())
    with CaptureQueriesContext(connection) as queries:
        attach_same_links(entries)
    assert len(queries) == 1
    wechat = [e for e in entries if "weixin" in e.url]
    assert all(len(e.same_links) == 6 for e in wechat)
