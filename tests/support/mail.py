"""Helpers of the mail tests (tests/mail): subscribers, a mailing ready to run, a corrected
revision, and a clock that passes only when the sender sleeps."""

from datetime import timedelta

from django.utils import timezone

from editorial.mail.sending import send_test, start_mailing
from editorial.models import Entry, Revision, Subscriber, SubscriberState
from editorial.store import revision_contents


def subscribe(address: str, *, state=SubscriberState.CONFIRMED, language="zh-hans", **fields):
    """A subscriber in `state` (confirmed by default)."""
    return Subscriber.objects.create(email=address, state=state, language=language, **fields)


def publish_correction(issue):
    """A second revision of `issue`, with its first entry's title corrected."""
    entry = Entry.objects.filter(section__issue=issue).order_by("pk").first()
    entry.title += "（更正）"
    entry.save(update_fields=["title"])
    number = issue.revisions.count() + 1
    return Revision.objects.create(
        issue=issue, number=number, **revision_contents(issue), published_at=timezone.now()
    )


def mailing_ready(issue, by, **kwargs):
    """A started mailing of `issue` (after its test send), its worker not run."""
    send_test(issue, by=by, addresses=[by.email])
    return start_mailing(issue, by=by, enqueue=False, **kwargs)


class FakeClock:
    """Time that passes only when the sender sleeps: waits cost nothing and are recorded."""

    def __init__(self):
        self.wall = timezone.now()
        self.mono = 0.0
        self.sleeps: list[float] = []

    def now(self):
        return self.wall

    def monotonic(self):
        return self.mono

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds
