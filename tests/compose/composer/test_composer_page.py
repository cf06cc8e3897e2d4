"""The composer page and its panels: modes, query budget, preview, markdown, presence, history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editorial import services
from editorial.compose.selectors.composer import composer_issue
from editorial.models import Comment, Entry, Section
from editorial.store import issue_markdown
from tests.support.factories import make_issue, make_published_issue, make_user
from tests.support.htmx import HTMX, MODES
from tests.support.pages import assert_valid_fragment, assert_valid_html, is_full_page


def composer_url(issue):
    return reverse("editorial:composer", args=[issue.year, issue.number])


@pytest.mark.parametrize("mode", MODES)
def test_composer_in_every_mode(editor_client, issue, mode):
    response = editor_client.get(composer_url(issue), **MODES[mode])
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert 'id="composer-sections"' in html
    for entry in Entry.objects.filter(section__issue=issue):
        assert f'id="entry-{entry.pk}"' in html
    if mode == "htmx":
        # The sections list alone: it reloads itself when others change the issue.
        assert not is_full_page(response)
        assert 'id="composer-preview"' not in html
        assert_valid_fragment(html)
    else:
        assert is_full_page(response)
        assert 'id="composer-preview"' in html
        assert 'id="issue-actions"' in html
        assert_valid_html(html)


def test_composer_page_shows_everything_an_editor_needs(editor_client, issue, editor):
    entry = Entry.objects.filter(section__issue=issue).order_by("pk").first()
    Comment.objects.create(entry=entry, author=editor, body="请补充来源")
    html = editor_client.get(composer_url(issue)).content.decode()
    assert issue.label in html
    # Compact cards: number, title, host, summary, status and the comment count; the actions
    # menu and the review block are fetched when opened, the edit form when editing starts.
    assert '<span class="composer-entry__number">1.</span>' in html
    assert entry.title in html and entry.url in html and entry.summary in html
    assert "1 comment<" in html and "请补充来源" not in html
    menu = reverse("editorial:entry_menu", args=[entry.pk])
    assert f'href="{menu}?seen={entry.version}" data-menu-link' in html  # the version shown
    assert 'data-entry-base="/editorial/entries/0/"' in html  # for the edit and move URLs
    # No entry forms: the add forms too are fetched when their panel opens.
    assert "data-edit-button" not in html and 'name="add-' not in html
    assert 'name="edit-' not in html and 'name="summary"' not in html
    for section in issue.sections.all():
        for name in ("entry_create", "quick_add"):
            assert (
                f'href="{reverse(f"editorial:{name}", args=[section.pk])}" data-menu-link' in html
            )
    # The preview reloads after every change; presence is polled.
    assert 'data-hx-trigger="load, issue-changed from:body"' in html  # fetched after the page
    assert 'data-hx-trigger="load, every 5s"' in html
    assert 'data-hx-trigger="every 4s, composer-poll from:body"' in html  # live updates
    assert 'role="tablist"' in html
    assert reverse("editorial:markdown", args=[issue.year, issue.number]) in html


def test_non_ascii_hosts_are_shown_in_punycode(editor_client, editor):
    issue = make_issue(
        2024, 40, {"栏目": [("标题", "https://例子.测试/文章", "摘要")]}, author=editor
    )
    html = editor_client.get(composer_url(issue)).content.decode()
    assert ">xn--fsqu00a.xn--0zwm56d</a>" in html  # the host a card shows


def test_a_published_issue_offers_no_editing(editor_client):
    issue = make_published_issue(2024, 30)
    html = editor_client.get(composer_url(issue)).content.decode()
    assert "This issue is published: its content cannot change." in html
    assert " data-sortable data-entry-base" not in html  # no dragging
    first = issue.sections.first().entries.first()
    assert reverse("editorial:entry_menu", args=[first.pk]) not in html
    assert "entry-form--add" not in html
    assert "data-sortable" not in html


def _issue_with_entries(number: int, count: int):
    per_section = count // 2
    return make_issue(2024, number, entries_per_section=per_section)


def _composer_queries(client, issue) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(composer_url(issue)).status_code == 200
    return len(queries)


def test_composer_queries_do_not_grow_with_entries(editor_client, editor):
    small = _issue_with_entries(10, 10)
    large = _issue_with_entries(11, 200)
    for issue in (small, large):
        for entry in Entry.objects.filter(section__issue=issue)[:5]:
            parent = Comment.objects.create(entry=entry, author=editor, body="问")
            Comment.objects.create(entry=entry, author=editor, body="答", parent=parent)
    for issue in (small, large):  # first visits record presence (an INSERT, not an UPDATE)
        editor_client.get(composer_url(issue))
    assert _composer_queries(editor_client, small) == _composer_queries(editor_client, large)


def test_composer_fragment_queries_do_not_grow_with_entries(editor_client):
    small = _issue_with_entries(10, 10)
    large = _issue_with_entries(11, 200)
    counts = []
    for issue in (small, large):
        with CaptureQueriesContext(connection) as queries:
            editor_client.get(composer_url(issue), **HTMX)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_composer_issue_reads_everything_in_five_queries(editor):
    issue = _issue_with_entries(12, 40)
    entry = Entry.objects.filter(section__issue=issue).first()
    Comment.objects.create(entry=entry, author=editor, body="问")
    with CaptureQueriesContext(connection) as queries:
        loaded = composer_issue(2024, 12)
        for section in loaded.sections_list:
            for item in section.entries_list:
                _ = (item.created_by_name, item.updated_by_name, item.comment_threads)
                _ = (item.section.issue.status, item.same_links)
    assert len(queries) == 5
    assert sum(len(s.entries_list) for s in loaded.sections_list) == 40


# Preview and markdown


@pytest.mark.parametrize("mode", MODES)
def test_preview_in_every_mode(editor_client, issue, mode):
    response = editor_client.get(
        reverse("editorial:preview", args=[issue.year, issue.number]), **MODES[mode]
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="preview-panel-reader"' in html and 'id="preview-panel-markdown"' in html
    assert "分布式系统 条目 1" in html
    assert "**1.** **分布式系统 条目 1**" in html  # the markdown tab
    if mode == "htmx":
        assert not is_full_page(response)
        assert_valid_fragment(html)
    else:
        assert is_full_page(response)
        assert_valid_html(html)


def test_markdown_download(editor_client, issue):
    response = editor_client.get(reverse("editorial:markdown", args=[issue.year, issue.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="2024-33.md"'
    assert response.content.decode() == issue_markdown(issue)


# Presence


def test_presence_says_who_else_is_here(client, issue, editor):
    url = reverse("editorial:presence", args=[issue.year, issue.number])
    reviewer = make_user("reviewer", username="reviewer")
    client.force_login(reviewer)
    assert "Also here" not in client.post(url, **HTMX).content.decode()
    client.force_login(editor)
    response = client.post(url, **HTMX)
    assert response.status_code == 200
    assert not is_full_page(response)
    html = response.content.decode()
    assert "Also here:" in html and "<strong>reviewer</strong>" in html
    assert_valid_fragment(html)
    # The page itself shows it too, before the first poll.
    assert "<strong>reviewer</strong>" in client.get(composer_url(issue)).content.decode()


def test_presence_plain_post_goes_back_to_the_composer(editor_client, issue):
    url = reverse("editorial:presence", args=[issue.year, issue.number])
    response = editor_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == composer_url(issue)


# History


def test_history_lists_changes_newest_first_with_details(editor_client, issue, editor):
    entry = Entry.objects.filter(section__issue=issue).order_by("pk").first()
    services.entry_update(
        entry, title="新标题", url=entry.url, summary=entry.summary, version=1, by=editor
    )
    services.section_rename(entry.section, title="分布式", by=editor)
    response = editor_client.get(reverse("editorial:history", args=[issue.year, issue.number]))
    html = response.content.decode()
    assert html.index("renamed a section") < html.index("edited an entry")
    assert '<strong class="history-event__who">editor</strong>' in html
    assert "分布式系统 条目 1" in html and "新标题" in html  # title: old → new
    assert "Times in Asia/Shanghai." in html
    assert_valid_html(html)


@pytest.mark.parametrize("mode", MODES)
def test_history_in_every_mode_and_paginated(editor_client, issue, editor, mode):
    section = issue.sections.first()
    for n in range(30):
        services.section_rename(section, title=f"栏目 {n}", by=editor)
    url = reverse("editorial:history", args=[issue.year, issue.number])
    response = editor_client.get(url, **MODES[mode])
    html = response.content.decode()
    assert response.status_code == 200
    assert "Page 1 of 2" in html
    assert "栏目 29" in html and "栏目 3”" not in html
    if mode == "htmx":
        assert not is_full_page(response)
        assert html.lstrip().startswith('<section class="history" id="history"')
        assert_valid_fragment(html)
    else:
        assert is_full_page(response)
        assert_valid_html(html)
    older = editor_client.get(url, {"page": 2}, **HTMX).content.decode()
    assert "栏目 3</bdi>”" in older and "Page 2 of 2" in older


def test_deleting_a_section_with_entries_keeps_the_rest_of_the_page_intact(
    editor_client, issue, editor
):
    """An unrelated check that history survives removed entries (their rows lose the link)."""
    section = Section.objects.filter(issue=issue).first()
    services.section_delete(section, by=editor, confirmed_entries=section.entries.count())
    url = reverse("editorial:history", args=[issue.year, issue.number])
    assert "removed a section" in editor_client.get(url).content.decode()
