"""Every status change of entries and issues, the table of allowed moves, and the locking that
every audited change shares (in editorial/guards.py).

Each transition is one transaction: it locks the issue row (select_for_update) so that changes
to one issue happen one after the other, reads afresh what it changes, then checks, in this
order, that the move is legal from the current state (TransitionError), that the user has the
right (PermissionDenied; inactive users never do) and the invariants (TransitionError for a
gate, ValidationError for bad input). Only then does it write, with one AuditEvent per status
that changed. Nothing outside this module assigns a status: services.py asks the
`status_for_*` helpers below.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from editorial import audit, roles
from editorial.canonical import store
from editorial.guards import (
    TransitionError,
    clean_comment,
    lock_entry,
    lock_issue,
    refuse_if_published,
    require,
    text_authors,
    touch,
)
from editorial.models import Comment, Entry, EntryStatus, Issue, IssueStatus, Revision

# Sent after the transaction commits, by issue_publish (action="publish") and issue_reopen
# (action="reopen"), with issue= and revision= (the newest revision, None if none is left).
# Reader caches connect here.
issue_published = Signal()

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
}
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


# --- entries ---------------------------------------------------------------------------------


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


def _seen_version(version) -> int:
    try:
        return int(version)
    except (TypeError, ValueError):
        raise ValidationError(
            {"version": _("An approval names the version it approves: reload the page.")}
        ) from None


@transaction.atomic
def entry_approve(entry: Entry, *, by, version: int) -> Entry:
    """submitted → approved, by a reviewer who did not write or change its current text
    (unless DIGEST_FOUR_EYES is off). `version` is the version the reviewer read: refused
    (TransitionError) if the text changed since; ValidationError if it is missing."""
    version = _seen_version(version)
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
def entries_approve_remaining(issue: Issue, *, by, versions) -> BulkApproval:
    """Approve every submitted entry of an issue in review that this reviewer may approve,
    at the version the reviewer's page showed: `versions` is {entry id: version}. Entries
    whose version moved on, or that are not in `versions`, are left (BulkApproval.changed);
    so are those four eyes keeps from this reviewer (.own). Entries with changes requested
    stay flagged. One audit row per entry approved."""
    versions = _versions(versions)
    issue = lock_issue(issue.pk)
    if issue.status != IssueStatus.IN_REVIEW:
        raise TransitionError(_("Only the entries of an issue in review can be approved."))
    require(roles.is_reviewer(by), _("Only reviewers can approve entries."))
    entries = list(
        Entry.objects.select_for_update(of=("self",))
        .filter(section__issue=issue, status=EntryStatus.SUBMITTED)
        .order_by("section__position", "position")
    )
    authors = text_authors(entries)
    result = BulkApproval()
    for entry in entries:
        if versions.get(entry.pk) != entry.version:
            result.changed.append(entry)
        elif not _may_approve(entry, by, authors.get(entry.pk, set())):
            result.own.append(entry)
        else:
            result.approved.append(entry)
    if result.approved:
        _move_entries(issue, result.approved, "approve", by=by, data={"bulk": True})
        touch(issue)
    return result


# --- issues ----------------------------------------------------------------------------------


def _issue_target(issue: Issue, action: str) -> str:
    target = ISSUE_TRANSITIONS.get((issue.status, action))
    if target is None:
        words = {
            "submit": _("submitted for review"),
            "send_back": _("sent back to draft"),
            "publish": _("published"),
            "reopen": _("reopened"),
        }
        raise TransitionError(
            _("An issue that is “%(status)s” cannot be %(action)s.")
            % {"status": issue.get_status_display(), "action": words[action]}
        )
    return target


def _entry_counts(issue: Issue) -> dict[str, int]:
    """How many entries the issue has, without a summary, and not approved (one query)."""
    return Entry.objects.filter(section__issue=issue).aggregate(
        total=Count("pk"),
        no_summary=Count("pk", filter=Q(summary="")),
        not_approved=Count("pk", filter=~Q(status=EntryStatus.APPROVED)),
    )


def _set_issue_status(issue, status, *, by, action, comment="", data=None, fields=()) -> Issue:
    from_state = issue.status
    issue.status = status
    issue.save(update_fields=["status", "updated_at", *fields])
    audit.record(
        issue,
        by=by,
        action=action,
        from_state=from_state,
        to_state=status,
        comment=comment,
        data=data,
    )
    return issue


@transaction.atomic
def issue_submit(issue: Issue, *, by) -> Issue:
    """draft → in_review, by an editor, when it has an entry and every entry has a summary.

    Its draft and changes_requested entries become submitted: one audit row per entry moved,
    plus one for the issue.
    """
    issue = lock_issue(issue.pk)
    target = _issue_target(issue, "submit")
    require(roles.is_editor(by), _("Only editors can submit issues."))
    counts = _entry_counts(issue)
    if not counts["total"]:
        raise TransitionError(_("An issue needs at least one entry before review."))
    if counts["no_summary"]:
        raise TransitionError(
            ngettext(
                "Every entry needs a summary before review: %(count)d does not.",
                "Every entry needs a summary before review: %(count)d do not.",
                counts["no_summary"],
            )
            % {"count": counts["no_summary"]}
        )
    moved = list(
        Entry.objects.filter(
            section__issue=issue,
            status__in=[EntryStatus.DRAFT, EntryStatus.CHANGES_REQUESTED],
        ).order_by("section__position", "position")
    )
    _move_entries(issue, moved, "submit", by=by, comment=_("Submitted with the issue."))
    return _set_issue_status(
        issue, target, by=by, action="issue_submit", data={"entries_submitted": len(moved)}
    )


@transaction.atomic
def issue_send_back(issue: Issue, *, by, comment: str) -> Issue:
    """in_review → draft, by a reviewer, with a comment (required). Entries keep their
    statuses. One audit row."""
    issue = lock_issue(issue.pk)
    target = _issue_target(issue, "send_back")
    require(roles.is_reviewer(by), _("Only reviewers can send an issue back."))
    body = clean_comment(comment)
    return _set_issue_status(issue, target, by=by, action="issue_send_back", comment=body)


PUBLISH_AHEAD_MAX = datetime.timedelta(days=365)


def publication_time(at: datetime.datetime | None, now: datetime.datetime):
    """When a publication becomes visible: `at` if it lies within a year from `now`, `now`
    for None or a past time (it cannot be backdated). ValidationError {"at": ...} for a time
    further ahead: checked before anything is stored, so no out-of-range time reaches the
    database."""
    if at is None:
        return now
    try:
        if timezone.is_naive(at):
            at = timezone.make_aware(at)
        if at - now > PUBLISH_AHEAD_MAX:
            raise OverflowError
    except (OverflowError, ValueError):
        raise ValidationError(
            {"at": _("Publish at: choose a time within a year from now.")}
        ) from None
    return max(at, now)


@transaction.atomic
def issue_publish(issue: Issue, *, by, at=None, note: str = "") -> Revision:
    """in_review → published, by a publisher, when every entry is approved. Freezes a Revision
    visible from `at` (None or past: now; future: scheduled, no job needed). A re-publication
    needs a public correction note (ignored the first time). One audit row."""
    issue = lock_issue(issue.pk)
    target = _issue_target(issue, "publish")
    require(roles.can_publish(by), _("Only reviewers can publish issues."))
    counts = _entry_counts(issue)
    if not counts["total"]:
        raise TransitionError(_("An issue needs at least one entry to be published."))
    if counts["not_approved"]:
        raise TransitionError(
            ngettext(
                "Every entry must be approved before publishing: %(count)d is not.",
                "Every entry must be approved before publishing: %(count)d are not.",
                counts["not_approved"],
            )
            % {"count": counts["not_approved"]}
        )
    if counts["no_summary"]:
        raise TransitionError(
            ngettext(
                "Every entry needs a summary before publishing: %(count)d does not.",
                "Every entry needs a summary before publishing: %(count)d do not.",
                counts["no_summary"],
            )
            % {"count": counts["no_summary"]}
        )
    last = issue.revisions.aggregate(last=Max("number"))["last"] or 0
    note = clean_comment(note, field="note", required=False) if last else ""
    if last and not note:
        raise ValidationError(
            {"note": _("This issue was published before: say in a public note what was corrected.")}
        )
    now = timezone.now()
    when = publication_time(at, now)
    issue.published_at = when
    _set_issue_status(
        issue,
        target,
        by=by,
        action="issue_publish",
        comment=note,
        fields=["published_at"],
        data={"revision": last + 1, "published_at": when.isoformat(), "scheduled": when > now},
    )
    markdown = store.issue_markdown(issue)
    revision = Revision.objects.create(
        issue=issue,
        number=last + 1,
        markdown=markdown,
        checksum=store.checksum(markdown),
        note=note,
        published_at=when,
        published_by=by,
    )
    transaction.on_commit(
        lambda: issue_published.send(Issue, issue=issue, revision=revision, action="publish")
    )
    return revision


@transaction.atomic
def issue_reopen(issue: Issue, *, by, comment: str) -> Issue:
    """published → draft, by a publisher, with a comment (required), for a correction.

    Readers keep seeing the last revision they could see until the next publication; a
    scheduled revision that is not visible yet is withdrawn (deleted, listed in the audit data).
    One audit row.
    """
    issue = lock_issue(issue.pk)
    target = _issue_target(issue, "reopen")
    require(roles.can_publish(by), _("Only reviewers can reopen issues."))
    body = clean_comment(comment)
    now = timezone.now()
    pending = issue.revisions.filter(published_at__gt=now)
    withdrawn = sorted(pending.values_list("number", flat=True))
    if withdrawn:
        pending.delete()
    latest = issue.revisions.order_by("-number").first()
    issue.published_at = latest.published_at if latest else None
    _set_issue_status(
        issue,
        target,
        by=by,
        action="issue_reopen",
        comment=body,
        fields=["published_at"],
        data={"withdrawn_revisions": withdrawn} if withdrawn else None,
    )
    transaction.on_commit(
        lambda: issue_published.send(Issue, issue=issue, revision=latest, action="reopen")
    )
    return issue


# --- what a user may do now (for buttons; the transitions check again) ----------------------


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
    authors of all of them in one query."""
    entries = list(entries)
    authors = text_authors(entries) if roles.is_reviewer(user) else {}
    for entry in entries:
        entry.actions = entry_actions(entry, user, authors.get(entry.pk, set()))


def issue_actions(issue: Issue, user) -> set[str]:
    """The issue moves `user` may make now, by state and right (no queries): "submit",
    "send_back", "publish", "reopen", "approve_remaining". Gates such as "every entry approved"
    are checked by the transition, whose TransitionError says what is missing."""
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
    return actions
