"""What a user may do now, for the buttons (the transitions check everything again)."""

from editorial import roles
from editorial.models import Entry, EntryStatus, Issue, IssueStatus
from editorial.workflow.four_eyes import approve_refusal, text_authors
from editorial.workflow.issues import take_back_refusal
from editorial.workflow.table import (
    ENTRY_ACTIONS,
    ENTRY_TRANSITIONS,
    ISSUE_ACTIONS,
    ISSUE_TRANSITIONS,
    SCHEDULED_ACTIONS,
)


def entry_actions(entry: Entry, user, authors: set[int] | None = None) -> set[str]:
    """The entry moves `user` may make now: "submit", "approve", "request_changes".

    Reads entry.section.issue: select_related("section__issue") when listing entries.
    `authors`: the entry's text authors if already read (see attach_entry_actions). Sets
    entry.approve_refusal: why a reviewer sees no approve button ("" when none is due).
    """
    entry.approve_refusal = ""
    if entry.section.issue.status == IssueStatus.PUBLISHED:
        return set()
    approvable = entry.status == EntryStatus.SUBMITTED and roles.is_reviewer(user)
    refusal = approve_refusal(entry, user, authors) if approvable else ""
    entry.approve_refusal = refusal
    allowed = {
        "submit": roles.is_editor(user),
        "approve": approvable and not refusal,
        "request_changes": roles.is_reviewer(user),
    }
    return {
        action
        for action in ENTRY_ACTIONS
        if (entry.status, action) in ENTRY_TRANSITIONS and allowed[action]
    }


def attach_entry_actions(entries, user) -> None:
    """Give each entry .actions (entry_actions) and .approve_refusal, reading the text
    authors of the submitted ones in one query (none when none is submitted)."""
    entries = list(entries)
    # Only a submitted entry can be approved: the others need no authors (and no query).
    submitted = [entry for entry in entries if entry.status == EntryStatus.SUBMITTED]
    authors = text_authors(submitted) if roles.is_reviewer(user) else {}
    for entry in entries:
        entry.actions = entry_actions(entry, user, authors.get(entry.pk, set()))


def issue_actions(issue: Issue, user) -> set[str]:
    """The issue moves `user` may make now, by state and right: "submit", "take_back",
    "send_back", "publish", "reopen", "approve_remaining", and for a scheduled issue
    "reschedule", "publish_now", "withdraw". Gates such as "every entry approved"
    are checked by the transition, whose TransitionError says what is missing.

    No queries, but for an issue in review shown to an editor not read with
    workflow.submission_facts() (one, for "take_back": offered to the editor who submitted
    it until review starts)."""
    allowed = {
        "submit": roles.is_editor(user),
        "send_back": roles.is_reviewer(user),
        "publish": roles.can_publish(user),
        "reopen": roles.can_publish(user),
    }
    actions = {
        action
        for action in ISSUE_ACTIONS[:4]
        if (issue.status, action) in ISSUE_TRANSITIONS and allowed[action]
    }
    if issue.status == IssueStatus.IN_REVIEW and roles.is_reviewer(user):
        actions.add("approve_remaining")
    in_review = issue.status == IssueStatus.IN_REVIEW
    if in_review and roles.is_editor(user) and take_back_refusal(issue, user) is None:
        actions.add("take_back")
    if issue.is_scheduled:
        # Never published yet at this time: "reopen for a correction" is the wrong move.
        actions.discard("reopen")
        if roles.can_publish(user):
            actions.update(SCHEDULED_ACTIONS)
    return actions
