"""The composer page, the review page and an entry save read the same number of queries for an
issue of 10 entries and one of 500 (5 sections), within their budgets."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editorial.models import Comment, Entry, EntryStatus, IssueStatus
from tests.factories import make_issue

HTMX = {"HTTP_HX_REQUEST": "true"}

# session, user, permissions, the issue (with its version and readability), sections,
# entries, comments, same links, presence (one UPDATE), who else is here
COMPOSER_BUDGET = 10
# session, user, permissions, the issue (with whether it has a revision), sections (with their
# counts), entries (of the one section shown at 500), comments, text authors (four eyes),
# same links
REVIEW_BUDGET = 9
# session, user, permissions; BEGIN, the issue locked, the entry locked, UPDATE,
# audit row, the issue's updated_at, COMMIT; the saved card's comments and same links
SAVE_BUDGET = 12


def issue_of(number: int, entries: int, author):
    sections = {
        f"栏目 {s}": [
            (f"条目 {s}-{i}", f"https://example.com/{number}/{s}/{i}", f"摘要 {s}-{i}")
            for i in range(entries // 5)
        ]
        for s in range(5)
    }
    issue = make_issue(
        2024,
        number,
        sections,
        status=IssueStatus.IN_REVIEW,
        entry_status=EntryStatus.SUBMITTED,
        author=author,
    )
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
