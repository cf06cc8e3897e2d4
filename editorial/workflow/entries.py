"""Entry transitions: submit, approve (one by one or in bulk, at the versions seen) and
request changes."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from editorial import audit, roles
from editorial.models import Comment, Entry, EntryStatus, Issue, IssueStatus
from editorial.rules import required_int
from editorial.workflow.four_eyes import approve_refusal, may_approve, text_authors
from editorial.workflow.guards import (
    TransitionError,
    clean_comment,
    lock_entry,
    lock_issue,
    refuse_if_published,
    require,
    touch,
)
from editorial.workflow.table import ENTRY_TRANSITIONS


def _entry_target(issue: Issue, entry: Entry, action: str) -> str:
    refuse_if_published(issue)
    target = ENTRY_TRANSITIONS.get((entry.status, action))
    if target is None:
        raise TransitionError(
            _("An entry that is “%(status)s” cannot be %(action)s.")
            % {"status": entry.get_status_display(), "action": _entry_action_words()[action]}
        )
    return target


def _entry_action_words() -> dict[str, str]:
    return {
        "submit": _("submitted"),
        "approve": _("approved"),
        "request_changes": _("sent back for changes"),
    }


def _set_entry_status(issue, entry, status, *, by, action, comment="", data=None) -> Entry:
    from_state = entry.status
    entry.status = status
    entry.save(update_fields=["status", "updated_at"])
    audit.record(
        issue,
        by=by,
        action=action,
        entry=entry,
        from_state=from_state,
        to_state=status,
        comment=comment,
        data=data,
    )
    touch(issue)
    return entry


def _move_entries(issue, entries, action, *, by, comment="", data=None) -> None:
    """Make one legal move on many entries: one UPDATE, then one audit row per entry."""
    targets = {ENTRY_TRANSITIONS[(entry.status, action)] for entry in entries}
    if not entries:
        return
    [target] = targets  # callers pass entries that all make the same move
    Entry.objects.filter(pk__in=[e.pk for e in entries]).update(
        status=target, updated_at=timezone.now()
    )
    for entry in entries:
        extra = {"version": entry.version} if action == "approve" else {}
        audit.record(
            issue,
            by=by,
            action=f"entry_{action}",
            entry=entry,
            from_state=entry.status,
            to_state=target,
            comment=comment,
            data={**(data or {}), **extra},
        )


@transaction.atomic
def entry_submit(entry: Entry, *, by) -> Entry:
    """draft or changes_requested → submitted, by an editor. One audit row."""
    issue, entry = lock_entry(entry)
    target = _entry_target(issue, entry, "submit")
    require(roles.is_editor(by), _("Only editors can submit entries."))
    return _set_entry_status(issue, entry, target, by=by, action="entry_submit")


@transaction.atomic
def entry_approve(entry: Entry, *, by, version: int) -> Entry:
    """submitted → approved, by a reviewer who did not write or change its current text
    (unless DIGEST_FOUR_EYES is off). `version` is the version the reviewer read: refused
    (TransitionError) if the text changed since; ValidationError if it is missing."""
    no_version = _("An approval names the version it approves: reload the page.")
    version = required_int(version, "version", no_version)
    issue, entry = lock_entry(entry)
    target = _entry_target(issue, entry, "approve")
    require(roles.is_reviewer(by), _("Only reviewers can approve entries."))
    refusal = approve_refusal(entry, by)
    require(not refusal, refusal)
    if version != entry.version:
        raise TransitionError(
            _("This entry changed after you opened it: read it again before approving it.")
        )
    return _set_entry_status(
        issue, entry, target, by=by, action="entry_approve", data={"version": version}
    )


@transaction.atomic
def entry_request_changes(entry: Entry, *, by, comment: str) -> Entry:
    """submitted or approved → changes_requested, by a reviewer, with a comment (required)
    that is added to the entry's comments. One audit row."""
    issue, entry = lock_entry(entry)
    target = _entry_target(issue, entry, "request_changes")
    require(roles.is_reviewer(by), _("Only reviewers can request changes."))
    body = clean_comment(comment)
    note = Comment.objects.create(entry=entry, author=by, body=body)
    return _set_entry_status(
        issue,
        entry,
        target,
        by=by,
        action="entry_request_changes",
        comment=body,
        data={"comment": note.pk},
    )


@dataclass
class BulkApproval:
    """What "approve all remaining" did: the entries approved, those left because their text
    changed (or they appeared) after the reviewer's page was drawn, and those left because
    four eyes forbids this reviewer to approve them."""

    approved: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    own: list = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.approved)


def _versions(versions) -> dict[int, int]:
    """{entry id: version} from the form's pairs; ValidationError when malformed."""
    try:
        return {int(pk): int(version) for pk, version in dict(versions or {}).items()}
    except (TypeError, ValueError):
        raise ValidationError(
            {"versions": _("The approval form is damaged: reload the page.")}
        ) from None


@transaction.atomic
def entries_approve_remaining(issue: Issue, *, by, versions, section=None) -> BulkApproval:
    """Approve every submitted entry of an issue in review that this reviewer may approve,
    at the version the reviewer's page showed: `versions` is {entry id: version}; with
    `section` (an id), only that section's entries, for a page that showed one. Entries
    whose version moved on, or that are not in `versions`, are left (BulkApproval.changed);
    so are those four eyes keeps from this reviewer (.own). Entries with changes requested
    stay flagged. One audit row per entry approved."""
    versions = _versions(versions)
    issue = lock_issue(issue.pk)
    if issue.status != IssueStatus.IN_REVIEW:
        raise TransitionError(_("Only the entries of an issue in review can be approved."))
    require(roles.is_reviewer(by), _("Only reviewers can approve entries."))
    entries = Entry.objects.select_for_update(of=("self",)).filter(
        section__issue=issue, status=EntryStatus.SUBMITTED
    )
    if section is not None:
        damaged = _("The approval form is damaged: reload the page.")
        entries = entries.filter(section_id=required_int(section, "section", damaged))
    entries = list(entries.order_by("section__position", "position"))
    authors = text_authors(entries)
    result = BulkApproval()
    for entry in entries:
        if versions.get(entry.pk) != entry.version:
            result.changed.append(entry)
        elif not may_approve(entry, by, authors.get(entry.pk, set())):
            result.own.append(entry)
        else:
            result.approved.append(entry)
    if result.approved:
        _move_entries(issue, result.approved, "approve", by=by, data={"bulk": True})
        touch(issue)
    return result
