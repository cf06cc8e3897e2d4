"""A scheduled issue: reschedule, publish now or withdraw (never "reopen for a correction",
the wrong words for an issue nobody has read yet); each audited, refused when not scheduled."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial import workflow
from editorial.models import AuditEvent, IssueStatus, Revision
from editorial.workflow import TransitionError, issue_actions
from tests.support.factories import make_published_issue, make_user
from tests.support.htmx import HTMX


@pytest.fixture
def reviewer(db):
    return make_user("reviewer", username="rev")


@pytest.fixture
def scheduled(db):
    return make_published_issue(2024, 40, when=timezone.now() + datetime.timedelta(days=2))


def test_a_scheduled_issue_offers_its_own_moves(scheduled, reviewer):
    editor = make_user("editor", username="ed")
    assert issue_actions(scheduled, reviewer) == {"reschedule", "publish_now", "withdraw"}
    assert issue_actions(scheduled, editor) == set()
    published = make_published_issue(2024, 41)
    assert issue_actions(published, reviewer) == {"reopen"}


def test_reschedule(scheduled, reviewer):
    later = timezone.now() + datetime.timedelta(days=5)
    workflow.issue_reschedule(scheduled, by=reviewer, at=later)
    scheduled.refresh_from_db()
    assert scheduled.published_at == later
    assert Revision.objects.get(issue=scheduled).published_at == later
    assert AuditEvent.objects.filter(issue=scheduled, action="issue_reschedule").count() == 1
    with pytest.raises(Exception, match="future"):
        workflow.issue_reschedule(scheduled, by=reviewer, at=timezone.now())


def test_publish_now(scheduled, reviewer):
    workflow.issue_publish_now(scheduled, by=reviewer)
    scheduled.refresh_from_db()
    assert not scheduled.is_scheduled and scheduled.status == IssueStatus.PUBLISHED
    with pytest.raises(TransitionError):  # published now: nothing is scheduled any more
        workflow.issue_publish_now(scheduled, by=reviewer)


def test_withdraw(scheduled, reviewer):
    workflow.issue_withdraw(scheduled, by=reviewer, comment="再等等")
    scheduled.refresh_from_db()
    assert scheduled.status == IssueStatus.IN_REVIEW
    assert scheduled.published_at is None
    assert not Revision.objects.filter(issue=scheduled).exists()
    event = AuditEvent.objects.get(issue=scheduled, action="issue_withdraw")
    assert event.data == {"withdrawn_revisions": [1]} and event.comment == "再等等"


def test_the_views(client, scheduled, reviewer):
    client.force_login(reviewer)
    args = [scheduled.year, scheduled.number]
    page = client.get(reverse("editorial:review_issue", args=args)).content.decode()
    assert reverse("editorial:issue_withdraw", args=args) in page
    assert reverse("editorial:issue_reopen", args=args) not in page
    refused = client.post(reverse("editorial:issue_reschedule", args=args), {"at": ""}, **HTMX)
    assert refused.status_code == 422
    response = client.post(reverse("editorial:issue_publish_now", args=args))
    assert response.status_code == 302
    scheduled.refresh_from_db()
    assert not scheduled.is_scheduled
