"""Issue transitions: submit, take back, send back, publish (now or scheduled) and reopen."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Q, Subquery
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from editorial import audit, roles, store
from editorial.models import AuditEvent, Entry, EntryStatus, Issue, IssueStatus, Revision
from editorial.workflow.entries import _move_entries
from editorial.workflow.guards import TransitionError, clean_comment, lock_issue, require
from editorial.workflow.table import ISSUE_TRANSITIONS

# Sent after the transaction commits, by issue_publish (action="publish") and issue_reopen
# (action="reopen"), with issue= and revision= (the newest revision, None if none is left).
# Reader caches connect here.
issue_published = Signal()


def _issue_target(issue: Issue, action: str) -> str:
    target = ISSUE_TRANSITIONS.get((issue.status, action))
    if target is None:
        words = {
            "submit": _("submitted for review"),
            "send_back": _("sent back to draft"),
            "take_back": _("taken back to draft"),
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


# --- taking a submission back -------------------------------------------------------------------

# The moves that start a review: once one of them happened after the submission, the issue goes
# back to draft only by a reviewer's send-back.
REVIEW_ACTIONS = ("entry_approve", "entry_request_changes")


def submission_facts() -> dict:
    """For annotate() on issues, what take_back_refusal reads, so that a page offering the
    move needs no query of its own: the latest submission's audit row (submission_id) and
    who made it (submitted_by_id), and the latest review move's row (last_review_id)."""
    events = AuditEvent.objects.filter(issue=OuterRef("pk")).order_by("-pk")
    submissions = events.filter(action="issue_submit")
    return {
        "submission_id": Subquery(submissions.values("pk")[:1]),
        "submitted_by_id": Subquery(submissions.values("actor")[:1]),
        "last_review_id": Subquery(events.filter(action__in=REVIEW_ACTIONS).values("pk")[:1]),
    }


def take_back_refusal(issue: Issue, user) -> Exception | None:
    """Why `user` may not take `issue` (in review) back to draft now, or None when they may:
    PermissionDenied unless they made its latest submission; TransitionError once an entry was
    approved or sent back for changes since (review has started: a reviewer sends it back).
    Reads the issue's submission_facts() when it was read with them, else one query. (Audit
    rows of one issue are numbered in the order they happened: each is written under the
    issue's lock.)"""
    facts = submission_facts()
    if not all(hasattr(issue, name) for name in facts):
        found = Issue.objects.filter(pk=issue.pk).values(**facts).first() or {}
        for name in facts:
            setattr(issue, name, found.get(name))
    if issue.submitted_by_id is None or issue.submitted_by_id != getattr(user, "pk", None):
        return PermissionDenied(
            _(
                "Only the editor who submitted this issue can take it back; a reviewer can "
                "send it back to draft."
            )
        )
    if issue.last_review_id is not None and issue.last_review_id > issue.submission_id:
        return TransitionError(
            _(
                "Review has started: an entry was approved or sent back for changes after the "
                "issue was submitted. Ask a reviewer to send it back to draft."
            )
        )
    return None


@transaction.atomic
def issue_take_back(issue: Issue, *, by) -> Issue:
    """in_review → draft, by the editor who submitted it, while review has not started: no
    entry approved or sent back for changes since the submission (take_back_refusal). Entries
    keep their statuses, as after a send-back. One audit row (issue_take_back, naming the
    submission taken back)."""
    issue = lock_issue(issue.pk)
    target = _issue_target(issue, "take_back")
    require(roles.is_editor(by), _("Only editors can take an issue back."))
    refusal = take_back_refusal(issue, by)  # read afresh under the lock
    if refusal is not None:
        raise refusal
    return _set_issue_status(
        issue, target, by=by, action="issue_take_back", data={"submission": issue.submission_id}
    )


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
    revision = Revision.objects.create(
        issue=issue,
        number=last + 1,
        **store.revision_contents(issue),
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


# --- a scheduled issue: reschedule, publish now, withdraw ---------------------------------


def _scheduled(issue_pk: int, action: str, by) -> tuple[Issue, Revision]:
    """The locked issue and its pending revision, if the issue is scheduled and `by` may move it."""
    issue = lock_issue(issue_pk)
    require(roles.can_publish(by), _("Only reviewers can change when an issue is published."))
    pending = issue.revisions.filter(published_at__gt=timezone.now()).order_by("-number").first()
    legal = (issue.status, action) in ISSUE_TRANSITIONS
    if not legal or not issue.is_scheduled or pending is None:
        raise TransitionError(_("This issue is not scheduled: there is no time to change."))
    return issue, pending


def _move_pending(issue, pending, when, *, by, action) -> Revision:
    old = pending.published_at
    pending.published_at = issue.published_at = when
    pending.save(update_fields=["published_at"])
    _set_issue_status(
        issue,
        IssueStatus.PUBLISHED,
        by=by,
        action=action,
        fields=["published_at"],
        data={"revision": pending.number, "published_at": [old.isoformat(), when.isoformat()]},
    )
    transaction.on_commit(
        lambda: issue_published.send(Issue, issue=issue, revision=pending, action="publish")
    )
    return pending


@transaction.atomic
def issue_reschedule(issue: Issue, *, by, at: datetime.datetime) -> Revision:
    """A scheduled issue at another future time (`at`, aware, within a year from now; the same
    bound as publishing). ValidationError {"at": ...} otherwise. One audit row."""
    issue, pending = _scheduled(issue.pk, "reschedule", by)
    now = timezone.now()
    when = publication_time(at, now)  # a past time or None comes back as now
    if when <= now:
        raise ValidationError({"at": _("Reschedule: choose a time in the future.")})
    return _move_pending(issue, pending, when, by=by, action="issue_reschedule")


@transaction.atomic
def issue_publish_now(issue: Issue, *, by) -> Revision:
    """A scheduled issue visible to readers from now. One audit row."""
    issue, pending = _scheduled(issue.pk, "publish_now", by)
    return _move_pending(issue, pending, timezone.now(), by=by, action="issue_publish_now")


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
