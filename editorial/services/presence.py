"""Who has an issue open in the composer, kept short-lived: a tab that closes says so (a beacon
on `pagehide`), and one that vanishes without a word (a crash, a lost network) drops out after
PRESENCE_EXPIRY, as the composer reports every PRESENCE_INTERVAL. Not audited."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from editorial.models import Presence
from editorial.workflow import guards

PRESENCE_INTERVAL = datetime.timedelta(seconds=5)
PRESENCE_EXPIRY = datetime.timedelta(seconds=12)


def presence_seen(issue, *, user, now=None) -> list:
    """Record that `user` has the issue open now; the other users seen on it within
    PRESENCE_EXPIRY, by username. Two queries (three on the first visit)."""
    guards.require_editor(user)
    now = now or timezone.now()
    mine = Presence.objects.filter(issue=issue, user=user)
    if not mine.update(seen_at=now):
        try:
            with transaction.atomic():
                Presence.objects.create(issue=issue, user=user, seen_at=now)
        except IntegrityError:  # the same editor's other tab got there first
            mine.update(seen_at=now)
    others = (
        Presence.objects.filter(issue=issue, seen_at__gte=now - PRESENCE_EXPIRY)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__username")
    )
    return [presence.user for presence in others]


def presence_leave(issue, *, user) -> None:
    """`user` closed the issue (or its tab): colleagues stop seeing them at once."""
    Presence.objects.filter(issue=issue, user=user).delete()
