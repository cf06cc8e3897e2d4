"""The table of allowed moves, the statuses content edits lead to, and four eyes: who may
approve which text. Pure rules, read by the transitions and by the buttons."""

from django.conf import settings
from django.utils.translation import gettext as _

from editorial import roles
from editorial.guards import text_authors
from editorial.models import Entry, EntryStatus, Issue, IssueStatus

ENTRY_TRANSITIONS = {
    (EntryStatus.DRAFT, "submit"): EntryStatus.SUBMITTED,
    (EntryStatus.CHANGES_REQUESTED, "submit"): EntryStatus.SUBMITTED,
    (EntryStatus.SUBMITTED, "approve"): EntryStatus.APPROVED,
    (EntryStatus.SUBMITTED, "request_changes"): EntryStatus.CHANGES_REQUESTED,
    (EntryStatus.APPROVED, "request_changes"): EntryStatus.CHANGES_REQUESTED,
}
ISSUE_TRANSITIONS = {
    (IssueStatus.DRAFT, "submit"): IssueStatus.IN_REVIEW,
    (IssueStatus.IN_REVIEW, "send_back"): IssueStatus.DRAFT,
    (IssueStatus.IN_REVIEW, "publish"): IssueStatus.PUBLISHED,
    (IssueStatus.PUBLISHED, "reopen"): IssueStatus.DRAFT,
    # A scheduled issue (published, its revision not visible yet): a new time, now, or back.
    (IssueStatus.PUBLISHED, "reschedule"): IssueStatus.PUBLISHED,
    (IssueStatus.PUBLISHED, "publish_now"): IssueStatus.PUBLISHED,
    (IssueStatus.PUBLISHED, "withdraw"): IssueStatus.IN_REVIEW,
}
SCHEDULED_ACTIONS = ("reschedule", "publish_now", "withdraw")
ENTRY_ACTIONS = ("submit", "approve", "request_changes")
ISSUE_ACTIONS = ("submit", "send_back", "publish", "reopen", "approve_remaining")


# --- statuses chosen for content edits (services.py) ------------------------------------------


def status_for_new_entry(issue: Issue) -> str:
    """A new entry in an issue under review is submitted at once; otherwise it is a draft."""
    if issue.status == IssueStatus.IN_REVIEW:
        return EntryStatus.SUBMITTED
    return EntryStatus.DRAFT


def status_for_restored_entry(issue: Issue, old_status: str) -> str:
    """A restored entry keeps its status, except that an issue under review holds no drafts."""
    if old_status == EntryStatus.DRAFT:
        return status_for_new_entry(issue)
    return old_status


def status_after_edit(entry: Entry) -> tuple[str, str]:
    """The status after the entry's text changed, and why it changed ("" if it did not):
    an approval covers the text it saw, and an entry sent back is resubmitted by its edit."""
    if entry.status == EntryStatus.APPROVED:
        return EntryStatus.SUBMITTED, _(
            "Approval withdrawn: the text changed after it was approved; it needs review again."
        )
    if entry.status == EntryStatus.CHANGES_REQUESTED:
        return EntryStatus.SUBMITTED, _(
            "Edited after changes were requested: it needs review again."
        )
    return entry.status, ""


def approve_refusal(entry: Entry, user, authors: set[int] | None = None) -> str:
    """Why `user` may not approve the entry's current text ("" when they may): not a
    reviewer, or, while four eyes are on (DIGEST_FOUR_EYES), they wrote or changed its
    current title, URL or summary (from the audit trail; superusers included). `authors` is
    the entry's text authors when already read (guards.text_authors), else one query."""
    if not roles.is_reviewer(user):
        return _("Only reviewers can approve entries.")
    if not settings.DIGEST_FOUR_EYES:
        return ""
    if authors is None:
        authors = text_authors([entry]).get(entry.pk, set())
    if user.pk in authors:
        return _(
            "You wrote or changed the current title, URL or summary of this entry: another "
            "reviewer must approve it."
        )
    return ""


def _may_approve(entry: Entry, user, authors: set[int] | None = None) -> bool:
    return not approve_refusal(entry, user, authors)
