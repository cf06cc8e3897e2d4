"""An editor takes back an issue they submitted, before review starts: in review → draft, by the
editor of the latest submission, while no entry was approved or sent back for changes since;
audited in the same transaction; offered on the issue's actions; refused (and nothing changed)
once review started or for someone else's submission."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editorial import roles, workflow
from editorial.compose.selectors.composer import composer_issue
from editorial.models import AuditEvent, Entry, EntryStatus, IssueStatus
from tests.support.factories import make_issue, make_user
from tests.support.htmx import HTMX
from tests.support.pages import assert_valid_html
from tests.support.record import client_for, entries, messages_of

pytestmark = pytest.mark.django_db

STARTED = (
    "Review has started: an entry was approved or sent back for changes after the issue was "
    "submitted. Ask a reviewer to send it back to draft."
)
NOT_YOURS = (
    "Only the editor who submitted this issue can take it back; a reviewer can send it back to "
    "draft."
)


@pytest.fixture
def submitted(writer):
    """2024/70, two sections of two entries (summaries set), submitted by `writer`."""
    issue = make_issue(2024, 70, author=writer)
    workflow.issue_submit(issue, by=writer)
    issue.refresh_from_db()
    return issue


def state(issue) -> tuple:
    issue.refresh_from_db()
    statuses = sorted(Entry.objects.filter(section__issue=issue).values_list("pk", "status"))
    return issue.status, statuses, AuditEvent.objects.filter(issue=issue).count()


def take_back_url(issue) -> str:
    return reverse("editorial:issue_take_back", args=[issue.year, issue.number])


# The transition ---------------------------------------------------------------------------------


def test_the_editor_who_submitted_it_takes_it_back_and_it_is_audited(submitted, writer):
    submission = AuditEvent.objects.get(issue=submitted, action="issue_submit")
    before = AuditEvent.objects.filter(issue=submitted).count()
    workflow.issue_take_back(submitted, by=writer)
    submitted.refresh_from_db()
    assert submitted.status == IssueStatus.DRAFT
    [event] = AuditEvent.objects.filter(issue=submitted).order_by("pk")[before:]
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        "issue_take_back",
        writer,
        IssueStatus.IN_REVIEW,
        IssueStatus.DRAFT,
    )
    assert event.data == {"submission": submission.pk}
    # The entries keep their statuses, as after a send-back; submitting again goes on from them.
    assert {e.status for e in entries(submitted)} == {EntryStatus.SUBMITTED}
    workflow.issue_submit(submitted, by=writer)
    assert state(submitted)[0] == IssueStatus.IN_REVIEW


@pytest.mark.parametrize("review", ["approve", "request_changes"])
def test_once_an_entry_was_reviewed_it_is_refused(submitted, writer, reviewer, review):
    entry = entries(submitted)[0]
    if review == "approve":
        workflow.entry_approve(entry, by=reviewer, version=entry.version)
    else:
        workflow.entry_request_changes(entry, by=reviewer, comment="改一下")
    before = state(submitted)
    with pytest.raises(workflow.TransitionError) as refused:
        workflow.issue_take_back(submitted, by=writer)
    assert refused.value.message == STARTED
    assert state(submitted) == before


def test_someone_else_s_submission_is_refused(submitted, editor, reviewer):
    before = state(submitted)
    for other in (editor, reviewer, make_user("superuser", username="chief")):
        with pytest.raises(PermissionDenied) as refused:
            workflow.issue_take_back(submitted, by=other)
        assert str(refused.value) == NOT_YOURS
    assert state(submitted) == before


def test_a_review_before_the_latest_submission_does_not_count(submitted, writer, reviewer):
    entry = entries(submitted)[0]
    workflow.entry_approve(entry, by=reviewer, version=entry.version)
    workflow.issue_send_back(submitted, by=reviewer, comment="再看看")
    workflow.issue_submit(submitted, by=writer)
    workflow.issue_take_back(submitted, by=writer)
    assert state(submitted)[0] == IssueStatus.DRAFT


def test_the_latest_submission_is_the_one_that_counts(submitted, writer, editor, reviewer):
    workflow.issue_send_back(submitted, by=reviewer, comment="再看看")
    workflow.issue_submit(submitted, by=editor)
    with pytest.raises(PermissionDenied):
        workflow.issue_take_back(submitted, by=writer)
    workflow.issue_take_back(submitted, by=editor)


def test_an_issue_in_review_without_a_recorded_submission_is_for_reviewers(writer):
    issue = make_issue(
        2024, 71, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED, author=writer
    )
    with pytest.raises(PermissionDenied):
        workflow.issue_take_back(issue, by=writer)


def test_a_draft_cannot_be_taken_back(writer):
    issue = make_issue(2024, 72, author=writer)
    with pytest.raises(workflow.TransitionError, match="cannot be taken back to draft"):
        workflow.issue_take_back(issue, by=writer)


# What the pages offer ---------------------------------------------------------------------------


def test_the_move_is_offered_to_the_submitter_until_review_starts(submitted, writer, reviewer):
    annotated = composer_issue(submitted.year, submitted.number)
    for user in (writer, reviewer):
        roles.is_reviewer(user)  # the users' permissions read (and kept) first
    with CaptureQueriesContext(connection) as queries:
        offered = workflow.issue_actions(annotated, writer)
        others = workflow.issue_actions(annotated, reviewer)
    assert len(queries) == 0  # read with the issue (workflow.submission_facts)
    assert "take_back" in offered and "take_back" not in others
    assert "take_back" in workflow.issue_actions(submitted, writer)  # one query without them
    entry = entries(submitted)[0]
    workflow.entry_approve(entry, by=reviewer, version=entry.version)
    assert "take_back" not in workflow.issue_actions(
        composer_issue(submitted.year, submitted.number), writer
    )


def test_the_composer_shows_the_button_to_the_submitter_only(submitted, writer, editor):
    button = f'action="{take_back_url(submitted)}"'
    page = client_for(writer).get(submitted.get_composer_url()).content.decode()
    assert button in page and "Take back to draft" in page
    assert_valid_html(page)
    assert button not in client_for(editor).get(submitted.get_composer_url()).content.decode()


# The view, plain and htmx -----------------------------------------------------------------------


def test_plain_post_takes_it_back_and_says_so(submitted, writer):
    response = client_for(writer).post(take_back_url(submitted))
    assert (response.status_code, response["Location"]) == (302, submitted.get_composer_url())
    assert messages_of(response) == [f"Taken back to draft: {submitted}."]
    assert state(submitted)[0] == IssueStatus.DRAFT


def test_htmx_post_takes_it_back_and_refreshes_the_page(submitted, writer):
    response = client_for(writer).post(take_back_url(submitted), **HTMX)
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    assert state(submitted)[0] == IssueStatus.DRAFT


@pytest.mark.parametrize("mode", ["plain", "htmx"])
def test_refusals_say_why_and_change_nothing(submitted, writer, editor, reviewer, mode):
    entry = entries(submitted)[0]
    workflow.entry_approve(entry, by=reviewer, version=entry.version)
    before = state(submitted)
    extra = HTMX if mode == "htmx" else {}
    for user, message, status in ((writer, STARTED, 409), (editor, NOT_YOURS, 403)):
        response = client_for(user).post(take_back_url(submitted), **extra)
        if mode == "htmx":
            assert response.status_code == status
            assert message in response.content.decode()
        else:
            assert response.status_code == 302
            assert messages_of(response) == [message]
    assert state(submitted) == before
