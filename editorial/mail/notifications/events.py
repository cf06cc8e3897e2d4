"""Notices derived from the audit log: each audit row of a transition that concerns someone
writes one notice per person concerned, in the transaction of the change (a refused or
rolled-back change tells nobody), never to the person who acted.

The audit log is the record of who did what, and every door (composer, admin, commands) writes
it through the same transitions, so reading it here misses no door and needs no call in any.

| audit action | kind | who is told |
|---|---|---|
| issue_submit | submitted | the reviewers |
| entry_request_changes | changes_requested | the editors who wrote the entry's current text |
| issue_send_back | sent_back | the issue's editors (who created, wrote or submitted in it) |
| issue_publish, issue_publish_now | published | the team (editors and reviewers) |
| (a scheduled time arriving) | live | the team: see `announce_live` |
"""

import datetime

from django.db import transaction
from django.db.models import Min
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from editorial import roles
from editorial.mail.notifications.tasks import schedule_live, schedule_mail
from editorial.models import AuditEvent, Issue, Notice, NoticeKind, NoticeMail, Revision
from editorial.workflow import text_authors

# How long a recipient's notices are collected before their mail goes: what happens within a
# minute of the first one travels in one mail.
COLLECT = datetime.timedelta(seconds=60)

KINDS = {
    "issue_submit": NoticeKind.SUBMITTED,
    "entry_request_changes": NoticeKind.CHANGES_REQUESTED,
    "issue_send_back": NoticeKind.SENT_BACK,
    "issue_publish": NoticeKind.PUBLISHED,
    "issue_publish_now": NoticeKind.PUBLISHED,
}
# The audit actions by which someone works on an issue's content: who did one is one of "its
# editors", told when it is sent back.
EDITING_ACTIONS = [
    "issue_create",
    "issue_imported",
    "issue_submit",
    "section_create",
    "section_rename",
    "entry_create",
    "entry_update",
    "entry_submit",
]


def _recipients(event: AuditEvent, kind: str) -> set[int]:
    """The ids of the people concerned by `event`: active members of the team, the actor
    left out."""
    team = roles.team(reviewers_only=kind == NoticeKind.SUBMITTED)
    if kind == NoticeKind.CHANGES_REQUESTED:
        authors = text_authors([event.entry]).get(event.entry_id, set()) if event.entry else set()
        team = team.filter(pk__in=authors)
    elif kind == NoticeKind.SENT_BACK:
        editors = AuditEvent.objects.filter(issue_id=event.issue_id, action__in=EDITING_ACTIONS)
        team = team.filter(pk__in=editors.values("actor_id"))
    return set(team.values_list("pk", flat=True)) - {event.actor_id}


def queue_notices(recipients, *, kind, issue: Issue, source: str, now=None, **fields) -> int:
    """Write one pending notice of `kind` about `issue` for each user id in `recipients`
    (`fields`: entry, actor, subject, text, readers_from), unless that recipient already has
    one from `source`. Each joins the recipient's notices waiting to be mailed (due at the
    first one's time), or, when none waits, starts a new collection due COLLECT from `now`,
    whose mail is scheduled when the transaction commits. Returns how many were written."""
    now = now or timezone.now()
    recipients = sorted(set(recipients))
    if not recipients:
        return 0
    waiting = dict(
        Notice.objects.filter(recipient_id__in=recipients, mail=NoticeMail.PENDING, due_at__gt=now)
        .values("recipient_id")
        .annotate(due=Min("due_at"))
        .values_list("recipient_id", "due")
    )
    fresh_due = now + COLLECT
    rows = [
        Notice(
            recipient_id=pk,
            kind=kind,
            issue=issue,
            source=source,
            created_at=now,
            due_at=waiting.get(pk, fresh_due),
            **fields,
        )
        for pk in recipients
    ]
    existing = set(
        Notice.objects.filter(recipient_id__in=recipients, source=source).values_list(
            "recipient_id", flat=True
        )
    )
    rows = [row for row in rows if row.recipient_id not in existing]
    Notice.objects.bulk_create(rows, ignore_conflicts=True)
    starting = [row.recipient_id for row in rows if row.recipient_id not in waiting]
    if starting:
        transaction.on_commit(lambda: [schedule_mail(pk, fresh_due) for pk in starting])
    return len(rows)


@receiver(post_save, sender=AuditEvent, dispatch_uid="editorial.mail.notifications.events")
def notices_from_audit(sender, instance: AuditEvent, created: bool, raw=False, **kwargs) -> None:
    """post_save of an audit row: the notices it means (KINDS), and for a scheduled
    publication (or a new time for one) the go-live announcement at that time."""
    kind = KINDS.get(instance.action)
    if created and not raw and kind is not None:
        readers_from = None
        if kind == NoticeKind.PUBLISHED:
            readers_from = instance.issue.published_at
        queue_notices(
            _recipients(instance, kind),
            kind=kind,
            issue=instance.issue,
            source=f"event:{instance.pk}",
            now=instance.created_at,
            entry=instance.entry,
            actor=instance.actor,
            subject=instance.subject,
            text=instance.comment,
            readers_from=readers_from,
        )
    if created and not raw and instance.action in ("issue_publish", "issue_reschedule"):
        _schedule_live(instance)


def _schedule_live(event: AuditEvent) -> None:
    """A publication visible later: announce it when its time comes (a task scheduled for
    that moment; a reschedule schedules another and the earlier one finds nothing to do)."""
    issue = event.issue
    if issue.published_at is None or issue.published_at <= event.created_at:
        return
    revision = event.data.get("revision")
    at = issue.published_at
    transaction.on_commit(lambda: schedule_live(issue.pk, revision, at))


def announce_live(issue_pk: int, revision_number: int, at: datetime.datetime, now=None) -> int:
    """The go-live notices of revision `revision_number` of an issue, scheduled to be visible
    from `at`: written for the team once `now` reaches `at`, if that revision is still to be
    seen from `at` (not withdrawn, rescheduled or reopened away). Returns how many notices
    were written (0 before the time, or when the schedule changed, or when already done)."""
    now = now or timezone.now()
    revision = (
        Revision.objects.filter(issue_id=issue_pk, number=revision_number, published_at=at)
        .select_related("issue")
        .first()
    )
    if revision is None or revision.published_at > now:
        return 0
    with transaction.atomic():
        return queue_notices(
            roles.team().values_list("pk", flat=True),
            kind=NoticeKind.LIVE,
            issue=revision.issue,
            source=f"live:{revision.pk}@{at.isoformat()}",
            now=now,
            subject=str(revision.issue),
            readers_from=at,
        )
