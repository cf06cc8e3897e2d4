"""Who has an issue open in the composer, kept short-lived: a tab that closes says so (a beacon
on `pagehide`), and one that vanishes without a word (a crash, a lost network) drops out after
PRESENCE_EXPIRY, as the composer reports every PRESENCE_INTERVAL. Not audited."""

import datetime

from django.utils import timezone

from editorial import guards
from editorial.models import Presence

PRESENCE_INTERVAL = datetime.timedelta(seconds=5)
PRESENCE_EXPIRY = datetime.timedelta(seconds=12)


def presence_seen(issue, *, user, now=None) -> list:
    """Record that `user` has the issue open now; the other users seen on it within
    PRESENCE_EXPIRY, by username. Two queries."""
    guards.require_editor(user)
    now = now or timezone.now()
    Presence.objects.update_or_create(issue=issue, user=user, defaults={"seen_at": now})
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
