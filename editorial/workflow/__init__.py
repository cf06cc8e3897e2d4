"""Every status change of entries and issues, the table of allowed moves, and the locking that
every audited change shares (in editorial/workflow/guards.py), in four modules: table (allowed
moves, four eyes), entries and issues (the transitions), moves (what the buttons offer).

Each transition is one transaction: it locks the issue row (select_for_update) so that changes
to one issue happen one after the other, reads afresh what it changes, then checks, in this
order, that the move is legal from the current state (TransitionError), that the user has the
right (PermissionDenied; inactive users never do) and the invariants (TransitionError for a
gate, ValidationError for bad input). Only then does it write, with one AuditEvent per status
that changed. Nothing outside this module assigns a status: services.py asks the
`status_for_*` helpers below.
"""

from editorial.workflow.entries import (
    BulkApproval,
    entries_approve_remaining,
    entry_approve,
    entry_request_changes,
    entry_submit,
)
from editorial.workflow.four_eyes import approve_refusal, may_approve, text_authors
from editorial.workflow.guards import TransitionError
from editorial.workflow.issues import (
    PUBLISH_AHEAD_MAX,
    issue_publish,
    issue_publish_now,
    issue_published,
    issue_reopen,
    issue_reschedule,
    issue_send_back,
    issue_submit,
    issue_take_back,
    issue_withdraw,
    publication_time,
    submission_facts,
    take_back_refusal,
)
from editorial.workflow.moves import attach_entry_actions, entry_actions, issue_actions
from editorial.workflow.table import (
    ENTRY_ACTIONS,
    ENTRY_TRANSITIONS,
    ISSUE_ACTIONS,
    ISSUE_TRANSITIONS,
    SCHEDULED_ACTIONS,
    STATUSES_TAKING_ENTRIES,
    entry_add_refusal,
    status_after_edit,
    status_for_new_entry,
    status_for_restored_entry,
)

__all__ = [
    "ENTRY_ACTIONS",
    "ENTRY_TRANSITIONS",
    "ISSUE_ACTIONS",
    "ISSUE_TRANSITIONS",
    "PUBLISH_AHEAD_MAX",
    "SCHEDULED_ACTIONS",
    "STATUSES_TAKING_ENTRIES",
    "BulkApproval",
    "TransitionError",
    "approve_refusal",
    "attach_entry_actions",
    "entries_approve_remaining",
    "entry_add_refusal",
    "entry_actions",
    "entry_approve",
    "entry_request_changes",
    "entry_submit",
    "issue_actions",
    "issue_publish",
    "issue_publish_now",
    "issue_published",
    "issue_reopen",
    "issue_reschedule",
    "issue_send_back",
    "issue_submit",
    "issue_take_back",
    "issue_withdraw",
    "may_approve",
    "publication_time",
    "status_after_edit",
    "status_for_new_entry",
    "status_for_restored_entry",
    "submission_facts",
    "take_back_refusal",
    "text_authors",
]
