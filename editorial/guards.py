"""The checks and locks that every audited change shares: workflow.py and services use them.

Each change locks its issue row first (select_for_update), so changes to one issue happen one
after the other, then reads afresh what it changes.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial import roles
from editorial.models import Entry, Issue, IssueStatus
from editorial.rules import COMMENT_MAX
from editorial.text import clean_text


class TransitionError(Exception):
    """An illegal move or an unmet gate; `message` is a translated sentence for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def lock_issue(issue_id: int) -> Issue:
    """The issue row, locked until the transaction ends."""
    issue = Issue.objects.select_for_update().filter(pk=issue_id).first()
    if issue is None:
        raise TransitionError(_("This issue no longer exists."))
    return issue


def lock_issue_of_section(section_id: int) -> Issue:
    """The issue a section belongs to, locked (only the issue row, not the section)."""
    issue = Issue.objects.select_for_update(of=("self",)).filter(sections=section_id).first()
    if issue is None:
        raise TransitionError(_("This section no longer exists."))
    return issue


def lock_entry(entry: Entry) -> tuple[Issue, Entry]:
    """Lock the entry's issue, then read the entry afresh (with its section)."""
    issue = lock_issue_of_section(entry.section_id)
    fresh = Entry.objects.select_related("section").filter(pk=entry.pk).first()
    if fresh is None:
        raise TransitionError(_("This entry no longer exists; it was deleted meanwhile."))
    return issue, fresh


def refuse_if_published(issue: Issue) -> None:
    """Content of a published issue is frozen until it is reopened."""
    if issue.status == IssueStatus.PUBLISHED:
        raise TransitionError(_("This issue is published: reopen it first to change it."))


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
