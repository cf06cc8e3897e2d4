"""Subscriptions: asking, confirming (double opt-in), unsubscribing and suppressing, each atomic.

An address becomes a subscriber only by asking (the site's form, or a reviewer's import), and
receives issues only once the reader has pressed the button behind the signed link of the
confirmation mail: nobody is confirmed by anyone else. The mails about a subscription go out
through the task worker (send_subscription_mail), so a request never waits for a mail server
and answers the same whether or not a mail was due; at most one such mail per address per
DIGEST_SUBSCRIBE_MAIL_INTERVAL, kept in the database (confirmation_sent_at) so that it holds
across app servers and with the cache down.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import TextChoices
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from editorial.models.mail import Subscriber, SubscriberState, Suppression, email_key
from editorial.outbox import site_url, subscriber_message, unsubscribe_url

logger = logging.getLogger(__name__)

# A confirmation link is valid this long after its mail was made.
CONFIRMATION_VALIDITY = timedelta(days=7)
# Signatures made for confirmation links are good for nothing else.
CONFIRMATION_SALT = "editorial.subscribers.confirmation"


class ConsentSource(TextChoices):
    """Through which door a subscription was asked for (the reader confirms it either way)."""

    FORM = "form", "form"
    IMPORT = "import", "import"


class SubscriptionMail(TextChoices):
    """The mail an ask leads to."""

    CONFIRMATION = "confirmation", "confirmation"  # pending: press the button to confirm
    ALREADY = "already", "already subscribed"  # confirmed: nothing to do, how to leave
    NONE = "none", "none"  # suppressed, or a mail went to the address within the interval


class ConfirmationLinkError(Exception):
    """A confirmation link that confirms nothing: `expired` (older than CONFIRMATION_VALIDITY,
    or its subscription ended since) or not (forged, mangled, or its subscriber is gone)."""

    def __init__(self, *, expired: bool):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def confirmation_signature(subscriber: Subscriber) -> str:
    """The signed, timestamped part of a confirmation link (URL-safe, about 30 characters)."""
    return signing.dumps(subscriber.pk, salt=CONFIRMATION_SALT)


def confirmation_url(subscriber: Subscriber) -> str:
    """The absolute confirmation link, in the subscriber's language (English under /en/)."""
    with translation.override(subscriber.language):
        path = reverse("subscribers:confirm", args=[confirmation_signature(subscriber)])
    return site_url(path)


def subscriber_from_signature(signature: str) -> Subscriber:
    """The subscriber a confirmation link names. Raises ConfirmationLinkError: expired=True
    for a true signature past CONFIRMATION_VALIDITY or a subscription ended since (it must be
    asked for again), expired=False for anything else."""
    try:
        pk = signing.loads(
            signature, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_VALIDITY.total_seconds()
        )
    except signing.SignatureExpired:
        raise ConfirmationLinkError(expired=True) from None
    except signing.BadSignature:
        raise ConfirmationLinkError(expired=False) from None
    subscriber = Subscriber.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if subscriber is None:
        raise ConfirmationLinkError(expired=False)
    if subscriber.state == SubscriberState.UNSUBSCRIBED:
        raise ConfirmationLinkError(expired=True)
    return subscriber


def _mail_due(subscriber: Subscriber, now, *, notify_confirmed: bool) -> str:
    if subscriber.suppressed_at is not None:
        return SubscriptionMail.NONE
    interval = timedelta(seconds=settings.DIGEST_SUBSCRIBE_MAIL_INTERVAL)
    sent = subscriber.confirmation_sent_at
    if sent is not None and now - sent < interval:
        return SubscriptionMail.NONE
    if subscriber.state == SubscriberState.CONFIRMED:
        return SubscriptionMail.ALREADY if notify_confirmed else SubscriptionMail.NONE
    return SubscriptionMail.CONFIRMATION


def subscription_ask(
    email: str, *, language: str, source: str, notify_confirmed: bool = True
) -> str:
    """Someone asked for `email` (already validated, at most EMAIL_MAX characters) to receive
    the digest in `language`, through `source` (ConsentSource). Returns the SubscriptionMail
    queued for it; the caller must not tell the visitor which (no enumeration).

    A new or unsubscribed address becomes pending and gets a confirmation; a pending one gets
    a new confirmation; a confirmed one the "already subscribed" notice (`notify_confirmed`,
    off for imports) and stays as it is. Nothing is changed and nothing sent when the address
    is suppressed or was mailed within DIGEST_SUBSCRIBE_MAIL_INTERVAL.
    """
    now = timezone.now()
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().filter(email_key=email_key(email))
        subscriber = subscriber.first()
        if subscriber is None:
            try:
                with transaction.atomic():
                    subscriber = Subscriber.objects.create(
                        email=email,
                        language=language,
                        consent_source=source,
                        confirmation_sent_at=now,
                    )
            except IntegrityError:
                return SubscriptionMail.NONE  # asked at the same moment: that ask mails it
            due = SubscriptionMail.CONFIRMATION
        else:
            due = _mail_due(subscriber, now, notify_confirmed=notify_confirmed)
            if due == SubscriptionMail.NONE:
                return due
            fields = ["confirmation_sent_at"]
            if due == SubscriptionMail.CONFIRMATION:
                subscriber.state = SubscriberState.PENDING
                subscriber.language = language
                subscriber.consent_source = source
                fields += ["state", "language", "consent_source"]
            subscriber.confirmation_sent_at = now
            subscriber.save(update_fields=fields)
        pk = subscriber.pk
        transaction.on_commit(lambda: _queue_mail(pk, due))
    return due


def _queue_mail(subscriber_pk: int, kind: str) -> None:
    try:
        send_subscription_mail.enqueue(subscriber_pk, kind)
    except Exception:
        # The ask is kept; the reader can ask again after the interval.
        logger.exception("could not queue the %s mail to subscriber %s", kind, subscriber_pk)


def _confirmation_text(subscriber: Subscriber, values: dict) -> tuple[str, list[str]]:
    subject = _("Confirm your subscription to %(publication)s") % values
    lines = [
        _(
            "Someone, we hope you, asked for %(publication)s to be sent to this address by"
            " mail. To confirm, open this link and press the button on the page:"
        )
        % values,
        "",
        confirmation_url(subscriber),
        "",
        _(
            "The link is valid for %(days)s days. If you did not ask, ignore this mail:"
            " nothing will be sent to you."
        )
        % values,
    ]
    return subject, lines


def _already_text(values: dict) -> tuple[str, list[str]]:
    subject = _("You are already subscribed to %(publication)s") % values
    lines = [
        _(
            "Someone, we hope you, asked for %(publication)s to be sent to this address by"
            " mail. This address already receives it: there is nothing to do."
        )
        % values
    ]
    return subject, lines


def subscription_message(subscriber: Subscriber, kind: str):
    """The mail of `kind` (SubscriptionMail) to `subscriber`, in their language, as plain
    text with the unsubscribe headers (editorial.outbox.subscriber_message). Not sent."""
    values = {"publication": settings.DIGEST_PUBLICATION, "days": CONFIRMATION_VALIDITY.days}
    with translation.override(subscriber.language):
        if kind == SubscriptionMail.CONFIRMATION:
            subject, lines = _confirmation_text(subscriber, values)
        else:
            subject, lines = _already_text(values)
        lines += [
            "",
            "-- ",  # the signature separator: clients fold or grey out what follows
            site_url(reverse("reader:latest")),
            _("Unsubscribe: %(url)s") % {"url": unsubscribe_url(subscriber)},
        ]
    return subscriber_message(subscriber, subject=subject, text="\n".join(lines) + "\n")


@task
def send_subscription_mail(subscriber_pk: int, kind: str) -> None:
    """Send the mail of `kind` (SubscriptionMail) to the subscriber, unless they are gone,
    suppressed or (for a confirmation) no longer waiting for one."""
    subscriber = Subscriber.objects.filter(pk=subscriber_pk).first()
    if subscriber is None or subscriber.suppressed_at is not None:
        return
    if kind == SubscriptionMail.CONFIRMATION and subscriber.state != SubscriberState.PENDING:
        return
    if kind == SubscriptionMail.ALREADY and subscriber.state != SubscriberState.CONFIRMED:
        return
    subscription_message(subscriber, kind).send()


def subscription_confirm(subscriber: Subscriber, *, client_address: str | None) -> bool:
    """Confirm a pending subscription: consent given now, from `client_address` (an address
    as editorial.clients reads it, or None). True when it was confirmed now, False when it
    already was (pressing twice changes nothing). Raises ConfirmationLinkError(expired=True)
    when the subscription ended meanwhile."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.state == SubscriberState.CONFIRMED:
            return False
        if subscriber.state != SubscriberState.PENDING:
            raise ConfirmationLinkError(expired=True)
        subscriber.state = SubscriberState.CONFIRMED
        subscriber.confirmed_at = timezone.now()
        subscriber.consent_address = client_address
        subscriber.unsubscribed_at = None
        subscriber.save(
            update_fields=["state", "confirmed_at", "consent_address", "unsubscribed_at"]
        )
    return True


def subscription_end(subscriber: Subscriber) -> bool:
    """Unsubscribe (pending or confirmed alike). True when it ended now, False when it had
    already ended: safe to repeat."""
    changed = (
        Subscriber.objects.filter(pk=subscriber.pk)
        .exclude(state=SubscriberState.UNSUBSCRIBED)
        .update(state=SubscriberState.UNSUBSCRIBED, unsubscribed_at=timezone.now())
    )
    return bool(changed)


def subscribers_end(queryset) -> int:
    """Unsubscribe every subscriber of `queryset` not already unsubscribed; how many were."""
    return queryset.exclude(state=SubscriberState.UNSUBSCRIBED).update(
        state=SubscriberState.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )


def subscribers_suppress(queryset, reason: str = Suppression.MANUAL) -> int:
    """Never send to these addresses again (`reason`: a Suppression); the ones already
    suppressed keep their reason. How many were suppressed now."""
    return queryset.filter(suppressed_at__isnull=True).update(
        suppressed_at=timezone.now(), suppression=reason
    )
