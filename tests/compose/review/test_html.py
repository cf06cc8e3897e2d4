"""The review pages and fragments are valid HTML5, with unique ids and a label for every field."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.models import Comment, Entry, EntryStatus
from tests.support.factories import make_published_issue
from tests.support.htmx import HTMX
from tests.support.pages import check_html
from tests.support.review import entries_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy_issue(issue_in_review, editor, reviewer):
    """The issue in review with an approved entry, a flagged one with a thread, a scheduled
    issue elsewhere, so that every part of the page shows."""
    first, second = entries_of(issue_in_review)[:2]
    Entry.objects.filter(pk=first.pk).update(status=EntryStatus.APPROVED)
    Entry.objects.filter(pk=second.pk).update(status=EntryStatus.CHANGES_REQUESTED)
    root = Comment.objects.create(entry=second, author=reviewer, body="<b>改</b>\n第二行")
    Comment.objects.create(entry=second, author=editor, body="好", parent=root)
    make_published_issue(2024, 40, when=timezone.now() + timedelta(days=1))
    return issue_in_review


def test_review_list_is_valid(reviewer_client, busy_issue):
    check_html(reviewer_client.get(reverse("editorial:review_list")).content.decode())
    check_html(reviewer_client.get(reverse("editorial:review_list"), **HTMX).content.decode())


def test_review_page_is_valid(reviewer_client, busy_issue):
    url = reverse("editorial:review_issue", args=[2024, 33])
    html = reviewer_client.get(url).content.decode()
    check_html(html)
    assert "&lt;b&gt;改&lt;/b&gt;<br>第二行" in html  # comments are text, line breaks kept
    check_html(reviewer_client.get(url, **HTMX).content.decode())


def test_fragments_are_valid(reviewer_client, busy_issue):
    entry = entries_of(busy_issue)[2]
    ok = reviewer_client.post(reverse("editorial:entry_approve", args=[entry.pk]), **HTMX)
    check_html(ok.content.decode())
    refused = reviewer_client.post(
        reverse("editorial:entry_request_changes", args=[entry.pk]), {"comment": ""}, **HTMX
    )
    check_html(refused.content.decode())
    issue_refused = reviewer_client.post(
        reverse("editorial:issue_publish", args=[2024, 33]), {"at": "x"}, **HTMX
    )
    assert issue_refused.status_code == 422
    check_html(issue_refused.content.decode())


def test_republication_form_is_valid(reviewer_client):
    issue = make_published_issue(2024, 33)
    reviewer_client.post(reverse("editorial:issue_reopen", args=[2024, 33]), {"comment": "x"})
    Entry.objects.filter(section__issue=issue).update(status=EntryStatus.APPROVED)
    type(issue).objects.filter(pk=issue.pk).update(status="in_review")
    html = reviewer_client.get(reverse("editorial:review_issue", args=[2024, 33])).content.decode()
    check_html(html)
    assert 'id="publish-note"' in html
