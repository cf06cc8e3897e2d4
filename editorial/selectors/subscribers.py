"""How many read the digest by mail, for the editors' dashboard."""

from dataclasses import dataclass

from django.db.models import Count, Q

from editorial.models.mail import Subscriber, SubscriberState


@dataclass(frozen=True)
class SubscriberCounts:
    confirmed: int  # receiving issues: confirmed and not suppressed
    pending: int  # asked, not yet confirmed (and not suppressed)


def subscriber_counts() -> SubscriberCounts:
    """The subscribers who receive issues and those waiting to confirm, in one query."""
    live = Q(suppressed_at__isnull=True)
    counts = Subscriber.objects.aggregate(
        confirmed=Count("pk", filter=live & Q(state=SubscriberState.CONFIRMED)),
        pending=Count("pk", filter=live & Q(state=SubscriberState.PENDING)),
    )
    return SubscriberCounts(**counts)
