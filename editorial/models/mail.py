"""Email: the readers who subscribed, and each issue's sending to them, one delivery per reader.
Re-exported by editorial.models.

A subscriber's address is unique by its key (the address with its domain lower-cased: the local
part is the mailbox's own, RFC 5321 §2.4). Only a confirmed subscriber receives issues; a
suppressed one (a complaint, a hard bounce, repeated soft bounces, a permanent refusal) is never
sent to again, whatever happens to the subscription.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from editorial.models.issues import Issue, Revision

EMAIL_MAX = 254  # RFC 5321's limit on a path, so on an address that can receive mail


def email_key(address: str) -> str:
    """The key two spellings of one address share: the domain lower-cased (domains are
    case-insensitive), the local part as written (it belongs to the receiving server)."""
    local, at, domain = address.strip().rpartition("@")
    return f"{local}{at}{domain.lower()}" if at else address.strip()


def new_token() -> str:
    """A subscription's token: 32 random bytes, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class SubscriberState(models.TextChoices):
    PENDING = "pending", _("Waiting for confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")


class Suppression(models.TextChoices):
    """Why an address is never sent to again."""

    COMPLAINT = "complaint", _("Marked a mail as spam")
    HARD_BOUNCE = "hard_bounce", _("The address does not exist (hard bounce)")
    SOFT_BOUNCES = "soft_bounces", _("Repeated temporary failures (soft bounces)")
    REFUSED = "refused", _("The receiving server refused the address")
    MANUAL = "manual", _("Suppressed by a reviewer")


class SubscriberQuerySet(models.QuerySet):
    def receiving(self):
        """Subscribers an issue is sent to: confirmed and not suppressed."""
        return self.filter(state=SubscriberState.CONFIRMED, suppressed_at__isnull=True)


class Subscriber(models.Model):
    """One address that asked for the digest by mail, and the record of its consent."""

    email = models.EmailField(_("email address"), max_length=EMAIL_MAX)
    email_key = models.CharField(max_length=EMAIL_MAX, unique=True, editable=False)
    # The interface language the reader subscribed in: their mails' surrounding words.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    state = models.CharField(
        _("state"), max_length=20, choices=SubscriberState, default=SubscriberState.PENDING
    )
    # Identifies the subscription (and nothing else) in its unsubscribe links.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    # Consent: when it was given (the confirmation), from which client address, and through
    # which door ("form" on the site; "import" by a reviewer, confirmed by the reader all the
    # same).
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    consent_address = models.GenericIPAddressField(
        _("confirmed from address"), null=True, blank=True
    )
    consent_source = models.CharField(_("subscribed through"), max_length=20, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    suppressed_at = models.DateTimeField(_("suppressed at"), null=True, blank=True)
    suppression = models.CharField(
        _("suppressed because"), max_length=20, choices=Suppression, blank=True
    )
    soft_bounces = models.PositiveSmallIntegerField(_("soft bounces in a row"), default=0)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "suppressed_at"], name="subscriber_receiving")]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email_key = email_key(self.email)
        super().save(*args, **kwargs)


class MailingState(models.TextChoices):
    SENDING = "sending", _("Sending")
    PAUSED = "paused", _("Paused")
    SENT = "sent", _("Sent")


class Mailing(models.Model):
    """One sending of a published revision of an issue to the subscribers. An issue is sent once;
    a correction is sent again only when a reviewer asks (a mailing with `correction`)."""

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.PROTECT, related_name="mailings"
    )
    revision = models.ForeignKey(
        Revision, verbose_name=_("revision"), on_delete=models.PROTECT, related_name="mailings"
    )
    correction = models.BooleanField(_("correction"), default=False)
    state = models.CharField(
        _("state"), max_length=20, choices=MailingState, default=MailingState.SENDING
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When its worker last said it was at work (editorial.mail.sending): a mailing being sent
    # whose worker has been silent longer than DIGEST_MAIL_STALL_SECONDS gets a worker again.
    heartbeat_at = models.DateTimeField(_("worker last seen at"), null=True, blank=True)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-started_at"]
        constraints = [
            # The issue itself goes out once; only corrections may follow.
            models.UniqueConstraint(
                fields=["issue"], condition=Q(correction=False), name="mailing_once_per_issue"
            )
        ]

    def __str__(self):
        return f"{self.issue} · {self.get_state_display()}"


class DeliveryState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped")  # unsubscribed or suppressed before its turn


class Delivery(models.Model):
    """One mailing's mail to one subscriber. Its Message-ID is made with it, so a mail sent
    again after a crash is the same message to the receiving server."""

    mailing = models.ForeignKey(
        Mailing, verbose_name=_("mailing"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    # The recipient's domain, lower-cased: the per-domain rate limit counts by it.
    domain = models.CharField(_("domain"), max_length=EMAIL_MAX, editable=False)
    state = models.CharField(
        _("state"), max_length=20, choices=DeliveryState, default=DeliveryState.QUEUED
    )
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    # Which run of the worker claimed it (random, per batch): the claim's conditional update
    # marks the rows, and the worker then reads back exactly the rows it won.
    claim = models.CharField(max_length=32, blank=True, editable=False)
    # The provider's own id of the sent message (django-anymail's message_id), when it has one:
    # its tracking events (bounces, complaints) name the message by it.
    provider_message_id = models.CharField(
        _("provider's message id"), max_length=255, blank=True, db_index=True
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "subscriber"], name="delivery_once_per_mailing"
            )
        ]
        indexes = [models.Index(fields=["mailing", "state"], name="delivery_progress")]

    def __str__(self):
        return f"{self.subscriber} · {self.get_state_display()}"


class MailTest(models.Model):
    """A test send of a revision's mail to reviewers. Send is possible only once a test send of
    the revision being sent exists: someone has seen the mail as readers will."""

    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="mail_tests"
    )
    revision = models.ForeignKey(
        Revision, verbose_name=_("revision"), on_delete=models.CASCADE, related_name="mail_tests"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("test send")
        verbose_name_plural = _("test sends")
        ordering = ["-sent_at"]

    def __str__(self):
        return f"{self.issue} · {self.sent_at:%Y-%m-%d %H:%M}"
