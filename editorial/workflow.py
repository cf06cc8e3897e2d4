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
    an approval covers the text it saw."""
    if entry.status == EntryStatus.APPROVED:
        return EntryStatus.SUBMITTED, _(
            "Approval withdrawn: the text changed after it was approved; it needs review again."
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


def _may_approve(entry: Entry, user) -> bool:
    """Reviewers approve, but not what they wrote themselves while four eyes are on."""
    if not roles.is_reviewer(user):
        return False
    return not (settings.DIGEST_FOUR_EYES and entry.created_by_id == user.pk)


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
        audit.record(
            issue,
            by=by,
            action=f"entry_{action}",
            entry=entry,
            from_state=entry.status,
            to_state=target,
            comment=comment,
            data=data,
        )


@transaction.atomic
def entry_submit(entry: Entry, *, by) -> Entry:
    """draft or changes_requested → submitted, by an editor. One audit row."""
    issue, entry = lock_entry(entry)
    target = _entry_target(issue, entry, "submit")
    require(roles.is_editor(by), _("Only editors can submit entries."))
    return _set_entry_status(issue, entry, target, by=by, action="entry_submit")


@transaction.atomic
def entry_approve(entry: Entry, *, by, version: int | None = None) -> Entry:
    """submitted → approved, by a reviewer who did not write it (unless DIGEST_FOUR_EYES is
    off). With `version`, refused if the text changed since the reviewer read it."""
    issue, entry = lock_entry(entry)
    target = _entry_target(issue, entry, "approve")
    require(roles.is_reviewer(by), _("Only reviewers can approve entries."))
    require(_may_approve(entry, by), _("You wrote this entry: another reviewer must approve it."))
    if version is not None and int(version) != entry.version:
        raise TransitionError(
            _("This entry changed after you opened it: read it again before approving it.")
        )
    return _set_entry_status(issue, entry, target, by=by, action="entry_approve")


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


@transaction.atomic
def entries_approve_remaining(issue: Issue, *, by) -> int:
    """Approve every submitted entry of an issue in review that this reviewer may approve
    (entries with changes requested are flagged and stay; their own ones too, with four eyes
    on). One audit row per entry approved; returns how many."""
    issue = lock_issue(issue.pk)
    if issue.status != IssueStatus.IN_REVIEW:
        raise TransitionError(_("Only the entries of an issue in review can be approved."))
    require(roles.is_reviewer(by), _("Only reviewers can approve entries."))
    entries = Entry.objects.filter(section__issue=issue, status=EntryStatus.SUBMITTED)
    if settings.DIGEST_FOUR_EYES:
        entries = entries.exclude(created_by=by)
    entries = list(entries.order_by("section__position", "position"))
    if entries:
        _move_entries(issue, entries, "approve", by=by, data={"bulk": True})
        touch(issue)
    return len(entries)


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


def _publication_time(at: datetime.datetime | None, now: datetime.datetime):
    if at is None:
        return now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    # A time already past cannot be backdated: the revision becomes visible now.
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
    when = _publication_time(at, now)
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


def entry_actions(entry: Entry, user) -> set[str]:
    """The entry moves `user` may make now: "submit", "approve", "request_changes".

    Reads entry.section.issue: select_related("section__issue") when listing entries.
    """
    if entry.section.issue.status == IssueStatus.PUBLISHED:
        return set()
    allowed = {
        "submit": roles.is_editor(user),
        "approve": _may_approve(entry, user),
        "request_changes": roles.is_reviewer(user),
    }
    return {
        action
        for action in ENTRY_ACTIONS
        if (entry.status, action) in ENTRY_TRANSITIONS and allowed[action]
    }


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
    if issue.is_scheduled:
        # Never published yet at this time: "reopen for a correction" is the wrong move.
        actions.discard("reopen")
        if roles.can_publish(user):
            actions.update(SCHEDULED_ACTIONS)
    return actions


# --- a scheduled issue: reschedule, publish now, withdraw ---------------------------------


def _scheduled(issue_pk: int, action: str, by) -> tuple[Issue, Revision]:
    """The locked issue and its pending revision, if `issue` is scheduled and `by` may move it."""
    issue = lock_issue(issue_pk)
    require(roles.can_publish(by), _("Only reviewers can change when an issue is published."))
    pending = issue.revisions.filter(published_at__gt=timezone.now()).order_by("-number").first()
    legal = (issue.status, action) in ISSUE_TRANSITIONS
    if not legal or not issue.is_scheduled or pending is None:
        raise TransitionError(_("This issue is not scheduled: there is no time to change."))
    return issue, pending


@transaction.atomic
def issue_reschedule(issue: Issue, *, by, at: datetime.datetime) -> Revision:
    """A scheduled issue at another future time (`at`, aware). One audit row."""
    issue, pending = _scheduled(issue.pk, "reschedule", by)
    now = timezone.now()
    if at is None or at <= now:
        raise ValidationError({"at": _("Reschedule: choose a time in the future.")})
    old = pending.published_at
    pending.published_at = issue.published_at = at
    pending.save(update_fields=["published_at"])
    _set_issue_status(
        issue,
        IssueStatus.PUBLISHED,
        by=by,
        action="issue_reschedule",
        fields=["published_at"],
        data={"revision": pending.number, "published_at": [old.isoformat(), at.isoformat()]},
    )
    transaction.on_commit(
        lambda: issue_published.send(Issue, issue=issue, revision=pending, action="publish")
    )
    return pending


@transaction.atomic
def issue_publish_now(issue: Issue, *, by) -> Revision:
    """A scheduled issue visible to readers from now. One audit row."""
    issue, pending = _scheduled(issue.pk, "publish_now", by)
    old, now = pending.published_at, timezone.now()
    pending.published_at = issue.published_at = now
    pending.save(update_fields=["published_at"])
    _set_issue_status(
        issue,
        IssueStatus.PUBLISHED,
        by=by,
        action="issue_publish_now",
        fields=["published_at"],
        data={"revision": pending.number, "published_at": [old.isoformat(), now.isoformat()]},
    )
    transaction.on_commit(
        lambda: issue_published.send(Issue, issue=issue, revision=pending, action="publish")
    )
    return pending


@transaction.atomic
def issue_withdraw(issue: Issue, *, by, comment: str = "") -> Issue:
    """A scheduled issue back to review before anyone saw it: its pending revision is removed
    (listed in the audit data), readers keep any earlier revision. One audit row."""
    issue, pending = _scheduled(issue.pk, "withdraw", by)
    body = clean_comment(comment, required=False)
    number = pending.number
    pending.delete()
    latest = issue.revisions.order_by("-number").first()
    issue.published_at = latest.published_at if latest else None
    _set_issue_status(
        issue,
        IssueStatus.IN_REVIEW,
        by=by,
        action="issue_withdraw",
        comment=body,
        fields=["published_at"],
        data={"withdrawn_revisions": [number]},
    )
    transaction.on_commit(
        lambda: issue_published.send(Issue, issue=issue, revision=latest, action="reopen")
    )
    return issue
