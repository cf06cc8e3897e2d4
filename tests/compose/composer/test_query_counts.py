"""The composer page, the review page and an entry save read the same number of queries for an
issue of 10 entries and one of 500 (5 sections), within their budgets; the composer page at 500
entries stays within its budget of what travels (gzip, as nginx sends it: docs/deploy.md)."""

import gzip

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editorial.models import Comment, Entry, EntryStatus
from tests.support.factories import make_issue_in_review
from tests.support.htmx import HTMX

# session, user, permissions, the issue (with its version and readability), sections,
# entries, comments, same links, presence (one UPDATE), who else is here
COMPOSER_BUDGET = 10
# session, user, permissions, the issue (with whether it has a revision), sections (with their
# counts), entries (of the one section shown at 500), comments, text authors (four eyes),
# same links, the audit rows of the entries awaiting review (what changed since the last one)
REVIEW_BUDGET = 10
# session, user, permissions; BEGIN, the issue locked, the entry locked, UPDATE,
# audit row, the issue's updated_at, COMMIT; the saved card's comments and same links
SAVE_BUDGET = 12
# bytes of the composer page at 500 entries once gzip-compressed (level 5, docs/deploy.md): the
# budget is on what travels, so templates can be formatted for people. About 26 KB with this
# issue (a comment, an open menu, a URL of its own per entry); `make bench` holds its own issue
# of 500 entries to 25 KB (docs/performance.md).
COMPOSER_GZIP_BUDGET = 28_000


def issue_of(number: int, entries: int, author):
    issue = make_issue_in_review(number, entries, author)
    first, second = Entry.objects.filter(section__issue=issue).order_by("pk")[:2]
    Comment.objects.create(entry=first, author=author, body="问")
    # A card with changes requested shows its menu (who wrote it, the review moves) open.
    Entry.objects.filter(pk=second.pk).update(status=EntryStatus.CHANGES_REQUESTED)
    return issue


@pytest.fixture
def issues(editor):
    return {size: issue_of(60 + size // 10, size, editor) for size in (10, 500)}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queries_of(request) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("who", ["editor", "reviewer"])
def test_the_composer_page(issues, request, who):
    client = logged_in(request.getfixturevalue(who))
    counts = []
    for issue in issues.values():
        url = reverse("editorial:composer", args=[issue.year, issue.number])
        client.get(url)  # the first visit records presence with an INSERT
        counts.append(queries_of(lambda url=url: client.get(url)))
    assert counts[0] == counts[1] <= COMPOSER_BUDGET


def test_the_composer_page_at_500_entries_is_small_once_compressed(issues, editor):
    issue = issues[500]
    response = logged_in(editor).get(reverse("editorial:composer", args=[issue.year, issue.number]))
    assert response.status_code == 200
    assert len(gzip.compress(response.content, compresslevel=5)) <= COMPOSER_GZIP_BUDGET


def test_the_review_page(issues, reviewer):
    client = logged_in(reviewer)
    counts = [
        queries_of(
            lambda issue=issue: client.get(
                reverse("editorial:review_issue", args=[issue.year, issue.number])
            )
        )
        for issue in issues.values()
    ]
    assert counts[0] == counts[1] <= REVIEW_BUDGET


def test_an_entry_save(issues, editor):
    client = logged_in(editor)
    counts = []
    for issue in issues.values():
        entry = Entry.objects.filter(section__issue=issue).order_by("pk").last()
        url = reverse("editorial:entry_edit", args=[entry.pk])
        data = {"title": "新标题", "url": entry.url, "summary": "新摘要", "version": entry.version}
        counts.append(queries_of(lambda url=url, data=data: client.post(url, data, **HTMX)))
        entry.refresh_from_db()
        assert (entry.title, entry.version) == ("新标题", 2)
    assert counts[0] == counts[1] <= SAVE_BUDGET


def answer_of(request) -> tuple[int, int]:
    """(queries, bytes) of an htmx answer."""
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code == 200
    return len(queries), len(response.content)


def test_section_add_rename_and_remove_answer_the_same_at_10_and_500_entries(issues, editor):
    """Each answers with the section it changed: the same queries and about the same bytes
    (the titles and ids differ in length) whatever the issue holds."""
    client = logged_in(editor)
    answers = []
    for issue in issues.values():
        create = reverse("editorial:section_create", args=[issue.year, issue.number])
        added = answer_of(lambda create=create: client.post(create, {"title": "新栏目"}, **HTMX))
        first = issue.sections.get(position=1)  # 2 entries, or 100
        rename = reverse("editorial:section_rename", args=[first.pk])
        renamed = answer_of(lambda url=rename: client.post(url, {"title": "改名"}, **HTMX))
        section = issue.sections.get(title="新栏目")
        remove = reverse("editorial:section_delete", args=[section.pk])
        removed = answer_of(lambda url=remove: client.post(url, **HTMX))
        answers.append((added, renamed, removed))
    for small, large in zip(*answers, strict=True):
        assert small[0] == large[0]  # queries
        assert large[1] < small[1] + 100 < 10_000  # bytes
