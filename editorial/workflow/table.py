"""The table of allowed moves and the statuses content edits lead to. Pure rules, read by the
transitions and by the buttons; who may approve which text is four_eyes.py."""

from django.utils.translation import gettext as _

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
    # The editor who submitted it, before review starts (issues.take_back_refusal).
    (IssueStatus.IN_REVIEW, "take_back"): IssueStatus.DRAFT,
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


# --- which issues take new entries ------------------------------------------------------------

# An issue takes new entries until it is published (a scheduled issue is published too): in
# review, a new entry starts submitted (status_for_new_entry). The inbox offers only these.
STATUSES_TAKING_ENTRIES = (IssueStatus.DRAFT, IssueStatus.IN_REVIEW)


def entry_add_refusal(issue: Issue) -> str:
    """Why no entry may be added to `issue` now (a translated sentence naming it), or ""."""
    if issue.status in STATUSES_TAKING_ENTRIES:
        return ""
    return _(
        "%(issue)s is published: nothing can be added to it. Choose an issue in draft or in review."
    ) % {"issue": issue.label}


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
