"""The audit log: one row per change that took effect, shown as the issue's history.

Only the domain layer (workflow.py, services) writes here, always inside the transaction of the
change it records, so a refused or failed change leaves no trace.
"""

import contextvars
from contextlib import contextmanager

from django.utils.translation import gettext_lazy as _

from editorial.models import AuditEvent
from editorial.rules import TITLE_MAX

# What each action is called in the history; the keys are what AuditEvent.action stores.
ACTION_LABELS = {
    "issue_create": _("created the issue"),
    "issue_imported": _("imported the issue"),
    "issue_submit": _("submitted the issue for review"),
    "issue_send_back": _("sent the issue back to draft"),
    "issue_take_back": _("took the issue back to draft"),
    "issue_publish": _("published the issue"),
    "issue_reopen": _("reopened the issue"),
    "issue_reschedule": _("rescheduled the issue"),
    "issue_publish_now": _("published the scheduled issue now"),
    "issue_withdraw": _("withdrew the scheduled issue"),
    "section_create": _("added a section"),
    "section_rename": _("renamed a section"),
    "section_move": _("moved a section"),
    "section_delete": _("removed a section"),
    "section_restore": _("restored a section"),
    "entry_create": _("added an entry"),
    "entry_update": _("edited an entry"),
    "entry_move": _("moved an entry"),
    "entry_delete": _("deleted an entry"),
    "entry_restore": _("restored an entry"),
    "entry_submit": _("submitted an entry"),
    "entry_approve": _("approved an entry"),
    "entry_request_changes": _("requested changes"),
    "comment_add": _("commented"),
}


# (id, issue id) of the rows written while `collecting()` runs (one editorial request).
_written: contextvars.ContextVar[list[tuple[int, int]] | None] = contextvars.ContextVar(
    "audit_written", default=None
)


@contextmanager
def collecting():
    """Collect the audit rows written inside the block: yields the list of (id, issue id) they go
    into (views/htmx.py tells a page which version its own change brought it to)."""
    written: list[tuple[int, int]] = []
    token = _written.set(written)
    try:
        yield written
    finally:
        _written.reset(token)


def action_label(action: str) -> str:
    """The history's wording for an action name; the name itself when it is unknown."""
    return ACTION_LABELS.get(action, action)


def record(
    issue,
    *,
    by,
    action: str,
    entry=None,
    subject: str = "",
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    data: dict | None = None,
) -> AuditEvent:
    """Write one audit row; the subject defaults to the entry's title, else the issue's label."""
    if not subject:
        subject = entry.title if entry is not None else str(issue)
    event = AuditEvent.objects.create(
        issue=issue,
        entry=entry,
        subject=subject[:TITLE_MAX],
        actor=by if getattr(by, "pk", None) else None,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        data=data or {},
    )
    written = _written.get()
    if written is not None:
        written.append((event.pk, event.issue_id))
    return event
