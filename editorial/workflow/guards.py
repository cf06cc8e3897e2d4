"""The checks and locks that every audited change shares: the workflow and the
services use them.

Each change locks its issue row first (select_for_update), so changes to one issue happen one
after the other, then reads afresh what it changes.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from editorial import roles
from editorial.models import AuditEvent, Entry, Issue, IssueStatus, Section
from editorial.rules import COMMENT_MAX
from editorial.text import clean_text


class TransitionError(Exception):
    """An illegal move or an unmet gate; `message` is a translated sentence for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Vanished(TransitionError):
    """The row a change depends on was removed meanwhile (409). `message` names who removed
    it and when; `issue` is its issue when still known (to redraw the page), else None;
    `event` the deletion's audit row, if any."""

    def __init__(self, message: str, *, issue: Issue | None = None, event=None):
        super().__init__(message)
        self.issue = issue
        self.event = event


# How a transition or a service refuses: an illegal move or an unmet gate, a missing right, an
# input it does not take. Every caller that turns refusals into a message catches these.
REFUSALS = (TransitionError, PermissionDenied, ValidationError)


def deletion_event(kind: str, pk: int) -> AuditEvent | None:
    """The audit row that removed entry or section `pk` (kind "entry" or "section"): its own
    deletion, or for an entry the deletion of the section it was in. None if unknown."""
    pk = int(pk)
    if kind == "section":
        events = AuditEvent.objects.filter(action="section_delete", data__section=pk)
    else:
        events = AuditEvent.objects.filter(action="entry_delete", data__entry=pk)
        event = events.select_related("actor", "issue").order_by("-created_at", "-pk").first()
        if event is not None:
            return event
        # Removed with its section: the section's snapshot lists it.
        events = AuditEvent.objects.filter(action="section_delete")
        candidates = events.select_related("actor", "issue").order_by("-created_at", "-pk")
        for candidate in candidates[:200]:  # the recent ones: an open page is not older
            if any(snap.get("entry") == pk for snap in candidate.data.get("entries", [])):
                return candidate
        return None
    return events.select_related("actor", "issue").order_by("-created_at", "-pk").first()


def vanished(kind: str, pk: int) -> Vanished:
    """The 409 for a removed entry or section, naming who removed it and when."""
    event = deletion_event(kind, pk)
    what = _("This entry") if kind == "entry" else _("This section")
    if event is None:
        return Vanished(_("%(what)s no longer exists: someone removed it.") % {"what": what})
    who = event.actor.get_username() if event.actor else _("someone")
    when = formats.date_format(timezone.localtime(event.created_at), "Y-m-d H:i")
    return Vanished(
        _("%(what)s no longer exists: %(who)s removed it at %(when)s.")
        % {"what": what, "who": who, "when": when},
        issue=event.issue,
        event=event,
    )


def get_or_vanished(queryset, kind: str, pk):
    """The row `pk` of `queryset`; Vanished (409, who removed it) if the audit trail says it
    was removed, else Http404. `kind` is "entry" or "section"."""
    found = queryset.filter(pk=pk).first()
    if found is not None:
        return found
    if deletion_event(kind, pk) is None:
        raise Http404
    raise vanished(kind, pk)


def lock_issue(issue_id: int) -> Issue:
    """The issue row, locked until the transaction ends."""
    issue = Issue.objects.select_for_update().filter(pk=issue_id).first()
    if issue is None:
        raise TransitionError(_("This issue no longer exists."))
    return issue


def lock_issue_of_section(section_id: int) -> Issue:
    """The issue a section belongs to, locked (only the issue row, not the section);
    Vanished if the section was removed."""
    issue = Issue.objects.select_for_update(of=("self",)).filter(sections=section_id).first()
    if issue is None:
        raise vanished("section", section_id)
    return issue


def lock_section(section_id: int) -> tuple[Issue, Section]:
    """Lock the section's issue, then lock and read the section afresh. The issue lock
    serialises every change to the issue; the section lock also holds off anything that
    reaches the section row directly. Vanished if the section was removed."""
    issue = lock_issue_of_section(section_id)
    section = Section.objects.select_for_update().filter(pk=section_id, issue=issue).first()
    if section is None:
        raise vanished("section", section_id)
    return issue, section


def lock_entry(entry: Entry) -> tuple[Issue, Entry]:
    """Lock the entry's issue (found through the entry, only the issue row is locked), then
    lock and read the entry afresh, with its section and the locked issue attached. Vanished
    if the entry (or its section) was removed meanwhile."""
    issue = Issue.objects.select_for_update(of=("self",)).filter(sections__entries=entry.pk).first()
    if issue is None:
        raise vanished("entry", entry.pk)
    fresh = (
        Entry.objects.select_for_update(of=("self",))
        .select_related("section")
        .filter(pk=entry.pk, section__issue=issue)
        .first()
    )
    if fresh is None:
        raise vanished("entry", entry.pk)
    fresh.section.issue = issue
    return issue, fresh


def refuse_if_published(issue: Issue) -> None:
    """Content of a published issue is frozen until it is reopened."""
    if issue.status == IssueStatus.PUBLISHED:
        raise TransitionError(_("This issue is published: reopen it first to change it."))


def refuse_emptying_issue_in_review(issue: Issue, *, removing: int) -> None:
    """An issue in review always has entries: a removal of `removing` of its entries (one
    deleted, or a section's) must leave at least one, else TransitionError (409) saying why.
    Called by every removal (services.entry_delete, services.section_delete) with the issue
    locked, in the transaction that removes them, so a removal racing "submit" is counted
    after it. One query when the issue is in review, none otherwise."""
    if issue.status != IssueStatus.IN_REVIEW or removing < 1:
        return
    if Entry.objects.filter(section__issue=issue).count() > removing:
        return
    raise TransitionError(
        _("This issue is in review: it must keep at least one entry. Send it back to draft first.")
    )


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def require_editor(user) -> None:
    require(roles.is_editor(user), _("Only editors can change issues."))


def touch(issue: Issue) -> None:
    """Move the issue's updated_at: something in it changed."""
    issue.updated_at = timezone.now()
    Issue.objects.filter(pk=issue.pk).update(updated_at=issue.updated_at)


def clean_comment(text: str, *, field: str = "comment", required: bool = True) -> str:
    """A comment as stored: plain text, its line breaks kept, at most COMMENT_MAX characters."""
    lines = [clean_text(line) for line in (text or "").splitlines()]
    body = "\n".join(lines).strip()
    while "\n\n\n" in body:
        body = body.replace("\n\n\n", "\n\n")
    if required and not body:
        raise ValidationError({field: _("A comment is required: say what should change.")})
    if len(body) > COMMENT_MAX:
        raise ValidationError(
            {
                field: _("Comment: at most %(max)d characters (this one has %(len)d).")
                % {"max": COMMENT_MAX, "len": len(body)}
            }
        )
    return body
