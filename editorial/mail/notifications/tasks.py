"""What db_worker runs for notifications: a recipient's collected mail, a minute after their
first waiting notice, and the go-live announcement of a scheduled issue at its time.

Both are scheduled for a moment (`run_after`, which django-tasks-db honours); a backend that
runs tasks at once (the tests' immediate backend) runs them at once instead, when they find
nothing due yet, and tests call the functions they wrap with a fixed time."""

import datetime
import logging

from django.tasks import default_task_backend, task

logger = logging.getLogger(__name__)


@task
def mail_notices(recipient_pk: int) -> int:
    """Mail the recipient's notices that are due (sending.send_due)."""
    from editorial.mail.notifications.sending import send_due

    return send_due(recipient_pk)


@task
def announce_live_task(issue_pk: int, revision_number: int, at: str) -> int:
    """The go-live notices of a scheduled revision (events.announce_live); run early (a clock
    ahead of the database's), it schedules itself again for the time."""
    from django.utils import timezone

    from editorial.mail.notifications.events import announce_live

    when = datetime.datetime.fromisoformat(at)
    written = announce_live(issue_pk, revision_number, when)
    if not written and timezone.now() < when and default_task_backend.supports_defer:
        schedule_live(issue_pk, revision_number, when)
    return written


def _enqueue(bound_task, when: datetime.datetime, *args) -> None:
    """Enqueue `bound_task(*args)` to run at `when` (at once where the backend cannot wait);
    a failure to enqueue is logged: the notices stay in the record and on the dashboard, and
    the recipient's next notice schedules their mail again."""
    try:
        if default_task_backend.supports_defer:
            bound_task = bound_task.using(run_after=when)
        bound_task.enqueue(*args)
    except Exception:
        logger.exception("could not schedule %s%r", bound_task.name, args)


def schedule_mail(recipient_pk: int, when: datetime.datetime) -> None:
    """The recipient's collected mail, at `when`."""
    _enqueue(mail_notices, when, recipient_pk)


def schedule_live(issue_pk: int, revision_number: int, when: datetime.datetime) -> None:
    """The go-live announcement of a revision scheduled for `when`."""
    _enqueue(announce_live_task, when, issue_pk, revision_number, when.isoformat())
