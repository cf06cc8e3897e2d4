"""Readers see the source: an entry's source name (the site, the WeChat account) under its
title instead of the host, frozen with each revision; the markdown file never carries it; the
cached page follows a correction of it."""

import pytest
from django.urls import reverse

from editorial import workflow
from editorial.models import AuditEvent, Entry, EntryStatus
from editorial.services import entry_update
from editorial.store import issue_markdown, revision_contents
from tests.support.factories import make_published_issue, make_user

pytestmark = pytest.mark.django_db

SECTIONS = {
    "分布式系统": [
        ("公众号文章", "https://mp.weixin.qq.com/s/AbCdEf", "摘要一"),
        ("没有来源的文章", "https://mp.weixin.qq.com/s/GhIjKl", "摘要二"),
    ]
}


def published(source_name="腾讯云开发者"):
    """A published issue whose first entry had `source_name` when it was published."""
    issue = make_published_issue(2024, 32, SECTIONS)
    entry = Entry.objects.get(title="公众号文章")
    Entry.objects.filter(pk=entry.pk).update(source_name=source_name)
    # Published again as it stands now (the factory froze it before the source was set).
    issue.revisions.update(source_names=revision_contents(issue)["source_names"])
    return issue


def entry_sources(html: str) -> list[str]:
    return [
        part.split(">", 1)[1].split("<", 1)[0]
        for part in html.split('<span class="entry__host"')[1:]
    ]


def test_the_reader_sees_the_source_name_else_the_host(client):
    issue = published()
    revision = issue.revisions.get()
    assert revision.source_names == [["腾讯云开发者", ""]]
    page = client.get(reverse("reader:issue", args=[2024, 32])).content.decode()
    assert entry_sources(page) == ["腾讯云开发者", "mp.weixin.qq.com"]
    assert page.count('aria-label="Link to this entry"') == 2  # the permalink says what it is


def test_the_markdown_file_does_not_carry_the_source(client):
    issue = published()
    revision = issue.revisions.get()
    assert "腾讯云开发者" not in revision.markdown
    Entry.objects.update(source_name="")
    assert issue_markdown(issue) == revision.markdown  # the same bytes with or without it
    download = client.get(reverse("reader:issue_markdown", args=[2024, 32]))
    assert "腾讯云开发者" not in download.content.decode()


def test_a_source_is_text_escaped_on_output(client):
    published(source_name='<script>alert(1)</script> & "站"')
    page = client.get(reverse("reader:issue", args=[2024, 32])).content.decode()
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;站&quot;" in page


def test_a_correction_of_the_source_reaches_the_cached_page(client):
    issue = published()
    url = reverse("reader:issue", args=[2024, 32])
    first = client.get(url)
    assert "腾讯云开发者" in first.content.decode()
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    editor = make_user("editor", username="source-editor")
    reviewer = make_user("reviewer", username="source-reviewer")
    workflow.issue_reopen(issue, by=reviewer, comment="来源写错了")
    entry = Entry.objects.get(title="公众号文章")
    saved = entry_update(
        entry,
        title=entry.title,
        url=entry.url,
        summary=entry.summary,
        version=entry.version,
        by=editor,
        source_name="  InfoQ   中文 ",
    )
    # Readers see it, so it is reviewed: the entry waits for approval again; the change is
    # audited and versioned.
    assert (saved.source_name, saved.status) == ("InfoQ 中文", EntryStatus.SUBMITTED)
    assert saved.version == entry.version + 1
    event = AuditEvent.objects.filter(entry=entry, action="entry_update").get()
    assert event.data == {"source_name": ["腾讯云开发者", "InfoQ 中文"]}
    # While the correction is under way, readers keep the published source.
    assert "腾讯云开发者" in client.get(url).content.decode()
    workflow.issue_submit(issue, by=editor)
    workflow.entry_approve(saved, by=reviewer, version=saved.version)
    workflow.issue_publish(issue, by=reviewer, note="更正了来源。")
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    text = again.content.decode()
    assert "InfoQ 中文" in text and "腾讯云开发者" not in text
    # The first revision still shows what it showed.
    older = client.get(reverse("reader:revision", args=[2024, 32, 1])).content.decode()
    assert "腾讯云开发者" in older


def test_a_revision_from_before_sources_were_kept_shows_hosts(client):
    issue = published()
    issue.revisions.update(source_names=[])
    page = client.get(reverse("reader:issue", args=[2024, 32])).content.decode()
    assert entry_sources(page) == ["mp.weixin.qq.com", "mp.weixin.qq.com"]
