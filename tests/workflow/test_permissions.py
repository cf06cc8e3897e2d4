"""Who may make which move: roles, inactive users, four eyes, and what the buttons offer."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from editorial import services
from editorial.models import Entry, EntryStatus, IssueStatus
from editorial.workflow import (
    entries_approve_remaining,
    entry_actions,
    entry_approve,
    entry_request_changes,
    entry_submit,
    issue_actions,
    issue_publish,
    issue_reopen,
    issue_send_back,
    issue_submit,
)
from tests.support.factories import make_issue, make_published_issue, make_user, shown_versions
from tests.support.services import audit_count, first_entry


@pytest.fixture(params=["anonymous", "inactive reviewer", "inactive superuser", "reader", "editor"])
def not_a_reviewer(request, db):
    if request.param == "anonymous":
        return AnonymousUser()
    if request.param == "inactive reviewer":
        return make_user("reviewer", active=False)
    if request.param == "inactive superuser":
        user = make_user("superuser")
        user.is_active = False
        user.save()
        return user
    return make_user(request.param)


REVIEW_MOVES = {
    "approve": lambda issue, user: entry_approve(
        first_entry(issue), by=user, version=first_entry(issue).version
    ),
    "request_changes": lambda issue, user: entry_request_changes(
        first_entry(issue), by=user, comment="No."
    ),
    "approve_remaining": lambda issue, user: entries_approve_remaining(
        issue, by=user, versions=shown_versions(issue)
    ),
    "send_back": lambda issue, user: issue_send_back(issue, by=user, comment="No."),
}


@pytest.mark.parametrize("move", REVIEW_MOVES)
def test_only_reviewers_review(review_issue, not_a_reviewer, move):
    before = audit_count(review_issue)
    with pytest.raises(PermissionDenied):
        REVIEW_MOVES[move](review_issue, not_a_reviewer)
    assert audit_count(review_issue) == before
    assert set(Entry.objects.values_list("status", flat=True)) == {EntryStatus.SUBMITTED}


def test_only_publishers_publish(approved_issue, not_a_reviewer):
    with pytest.raises(PermissionDenied):
        issue_publish(approved_issue, by=not_a_reviewer)
    approved_issue.refresh_from_db()
    assert approved_issue.status == IssueStatus.IN_REVIEW and not approved_issue.revisions.exists()


def test_only_publishers_reopen(not_a_reviewer):
    issue = make_published_issue(2024, 32)
    with pytest.raises(PermissionDenied):
        issue_reopen(issue, by=not_a_reviewer, comment="Fix.")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED


@pytest.mark.parametrize("role", ["editor", "reviewer", "superuser"])
def test_editors_and_up_submit(draft_issue, role):
    user = make_user(role)
    assert entry_submit(first_entry(draft_issue), by=user).status == EntryStatus.SUBMITTED
    assert issue_submit(draft_issue, by=user).status == IssueStatus.IN_REVIEW


@pytest.mark.parametrize("who", ["anonymous", "inactive editor", "reader"])
def test_others_cannot_submit_or_edit(draft_issue, who):
    user = {
        "anonymous": AnonymousUser,
        "inactive editor": lambda: make_user("editor", active=False),
        "reader": lambda: make_user("reader"),
    }[who]()
    entry = first_entry(draft_issue)
    with pytest.raises(PermissionDenied):
        entry_submit(entry, by=user)
    with pytest.raises(PermissionDenied):
        issue_submit(draft_issue, by=user)
    with pytest.raises(PermissionDenied):
        services.entry_update(
            entry, title="x", url=entry.url, summary="", version=entry.version, by=user
        )
    with pytest.raises(PermissionDenied):
        services.section_create(draft_issue, title="新栏目", by=user)
    with pytest.raises(PermissionDenied):
        services.issue_create(year=2030, number=1, by=user)
    with pytest.raises(PermissionDenied):
        services.presence_seen(draft_issue, user=user)
    assert audit_count(draft_issue) == 0
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.DRAFT


@pytest.mark.parametrize("role", ["reviewer", "superuser"])
def test_reviewers_and_superusers_review_and_publish(approved_issue, review_issue, role):
    user = make_user(role)
    entry = first_entry(review_issue)
    assert entry_approve(entry, by=user, version=entry.version).status == EntryStatus.APPROVED
    assert entry_request_changes(entry, by=user, comment="Shorter.").status == (
        EntryStatus.CHANGES_REQUESTED
    )
    assert issue_publish(approved_issue, by=user).number == 1
    assert issue_reopen(approved_issue, by=user, comment="Typo.").status == IssueStatus.DRAFT


# --- four eyes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["reviewer", "superuser"])
def test_four_eyes_refuses_approving_your_own_entry(review_issue, role):
    author = make_user(role)
    entry = first_entry(review_issue)
    Entry.objects.filter(pk=entry.pk).update(created_by=author)
    with pytest.raises(PermissionDenied, match="another reviewer"):
        entry_approve(entry, by=author, version=entry.version)
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.SUBMITTED
    assert audit_count(review_issue) == 0
    assert "approve" not in entry_actions(Entry.objects.get(pk=entry.pk), author)


@override_settings(DIGEST_FOUR_EYES=False)
def test_without_four_eyes_a_reviewer_approves_their_own(review_issue, reviewer):
    Entry.objects.filter(section__issue=review_issue).update(created_by=reviewer)
    entry = first_entry(review_issue)
    assert "approve" in entry_actions(entry, reviewer)
    assert entry_approve(entry, by=reviewer, version=entry.version).status == EntryStatus.APPROVED
    assert (
        len(
            entries_approve_remaining(
                review_issue, by=reviewer, versions=shown_versions(review_issue)
            )
        )
        == 3
    )


def test_four_eyes_on_bulk_approval_leaves_your_own(review_issue, reviewer):
    Entry.objects.filter(section__issue=review_issue).update(created_by=reviewer)
    assert (
        len(
            entries_approve_remaining(
                review_issue, by=reviewer, versions=shown_versions(review_issue)
            )
        )
        == 0
    )
    assert audit_count(review_issue) == 0


# --- what the buttons offer -----------------------------------------------------------------------


def test_entry_actions_follow_state_and_role(review_issue, editor, reviewer):
    entry = Entry.objects.select_related("section__issue").get(pk=first_entry(review_issue).pk)
    assert entry_actions(entry, editor) == set()
    assert entry_actions(entry, reviewer) == {"approve", "request_changes"}
    entry.status = EntryStatus.CHANGES_REQUESTED
    assert entry_actions(entry, editor) == {"submit"}
    entry.status = EntryStatus.APPROVED
    assert entry_actions(entry, reviewer) == {"request_changes"}
    entry.section.issue.status = IssueStatus.PUBLISHED
    assert entry_actions(entry, reviewer) == set()


def test_issue_actions_follow_state_and_role(editor, reviewer):
    issue = make_issue(2024, 60)
    inactive = make_user("reviewer", active=False)
    assert issue_actions(issue, editor) == {"submit"}
    assert issue_actions(issue, inactive) == set()
    issue.status = IssueStatus.IN_REVIEW
    assert issue_actions(issue, editor) == set()
    assert issue_actions(issue, reviewer) == {"send_back", "publish", "approve_remaining"}
    issue.status = IssueStatus.PUBLISHED
    assert issue_actions(issue, editor) == set()
    assert issue_actions(issue, reviewer) == {"reopen"}
    assert issue_actions(issue, AnonymousUser()) == set()
