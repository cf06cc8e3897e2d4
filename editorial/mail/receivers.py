"""What the mail providers say after sending (django-anymail's tracking signal, fed by its
webhooks at /anymail/…): complaints and hard bounces suppress an address at once; soft bounces
(anymail's "deferred") suppress it after DIGEST_MAIL_SOFT_BOUNCES in a row; a delivery resets
the count. Connected in editorial/apps.py."""

from anymail.signals import AnymailTrackingEvent, tracking
from django.conf import settings
from django.db.models import F
from django.dispatch import receiver
from django.utils import timezone

from editorial.models import Delivery, Subscriber, SubscriberState, Suppression
from editorial.models.mail import email_key

# anymail's event types that end sending to the address for good, and why.
SUPPRESSING = {
    "complained": Suppression.COMPLAINT,
    "bounced": Suppression.HARD_BOUNCE,
    "rejected": Suppression.REFUSED,
}


def subscriber_of(event: AnymailTrackingEvent) -> Subscriber | None:
    """The subscriber an event is about: by the delivery it names (our Message-ID in the
    metadata sent with it, or the provider's message id, which some providers set to our
    Message-ID), else by the recipient's address."""
    ours = (event.metadata or {}).get("digest_message_id")
    ids = [value for value in (ours, event.message_id) if value]
    for value in ids:
        delivery = (
            Delivery.objects.filter(provider_message_id=value).select_related("subscriber").first()
            or Delivery.objects.filter(message_id=value).select_related("subscriber").first()
        )
        if delivery:
            return delivery.subscriber
    if event.recipient:
        return Subscriber.objects.filter(email_key=email_key(event.recipient)).first()
    return None


def record_tracking_event(event: AnymailTrackingEvent) -> None:
    """Apply one provider event to its subscriber (nothing for events about others)."""
    subscriber = subscriber_of(event)
    if subscriber is None:
        return
    now = timezone.now()
    rows = Subscriber.objects.filter(pk=subscriber.pk)
    if event.event_type in SUPPRESSING:
        rows.filter(suppressed_at__isnull=True).update(
            suppressed_at=now, suppression=SUPPRESSING[event.event_type]
        )
    elif event.event_type == "deferred":
        rows.update(soft_bounces=F("soft_bounces") + 1)
        rows.filter(
            suppressed_at__isnull=True, soft_bounces__gte=settings.DIGEST_MAIL_SOFT_BOUNCES
        ).update(suppressed_at=now, suppression=Suppression.SOFT_BOUNCES)
    elif event.event_type == "delivered":
        rows.update(soft_bounces=0)
    elif event.event_type == "unsubscribed":  # the provider's own unsubscribe link or header
        rows.exclude(state=SubscriberState.UNSUBSCRIBED).update(
            state=SubscriberState.UNSUBSCRIBED, unsubscribed_at=now
        )


@receiver(tracking, dispatch_uid="editorial.mail.tracking")
def on_tracking(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    record_tracking_event(event)
