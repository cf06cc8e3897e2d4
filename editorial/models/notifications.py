"""The team's notices: what happened that concerns someone (an issue waiting for review, changes
requested on their entries, an issue sent back, published or gone live), and what each person
chose to receive by mail. Re-exported by editorial.models.

A notice is one row per recipient and event, written in the transaction of the change it tells
of (a refused change leaves none). Its mail is sent later, collected with the recipient's other
notices of the same minute (editorial.mail.notifications); the dashboard lists the rows.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from editorial.models.issues import Entry, Issue
from editorial.rules import TITLE_MAX


def display_name(user) -> str:
    """How a person is named in notices: their full name, else their user name."""
    return user.get_full_name() or user.get_username()


class NoticeKind(models.TextChoices):
    SUBMITTED = "submitted", _("An issue is submitted for review")
    CHANGES_REQUESTED = "changes_requested", _("Changes are requested on my entries")
    SENT_BACK = "sent_back", _("An issue I worked on is sent back to draft")
    PUBLISHED = "published", _("An issue is published or scheduled")
    LIVE = "live", _("A scheduled issue goes live")


class NoticeMail(models.TextChoices):
    """What became of a notice's mail."""

    PENDING = "pending", _("Waiting to be mailed")
    MAILED = "mailed", _("Mailed")
    TURNED_OFF = "turned_off", _("Not mailed: turned off")
    NO_ADDRESS = "no_address", _("Not mailed: no email address")


class Notice(models.Model):
    """Something that happened which `recipient` is told of: by mail (once, collected with the
    other notices of the minute) and on the dashboard."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind)
    issue = models.ForeignKey(
        Issue, verbose_name=_("issue"), on_delete=models.CASCADE, related_name="notices"
    )
    entry = models.ForeignKey(
        Entry,
        verbose_name=_("entry"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The entry's title or the issue's label when it happened, and the reviewer's comment.
    subject = models.CharField(_("subject"), max_length=TITLE_MAX, blank=True)
    text = models.TextField(_("comment"), blank=True)
    # For a publication or a go-live: when readers see the issue (scheduled when after
    # created_at).
    readers_from = models.DateTimeField(_("visible from"), null=True, blank=True)
    # What it came from, unique per recipient, so that deriving it twice writes it once:
    # "event:<audit event id>", or "live:<revision id>@<publication time>" for a go-live.
    source = models.CharField(max_length=100, editable=False)
    created_at = models.DateTimeField(_("when"), db_index=True)
    # When its mail is due: a minute after the first notice of the recipient still waiting,
    # so that what happens within that minute goes in one mail.
    due_at = models.DateTimeField(_("mail due at"))
    mail = models.CharField(
        _("mail"), max_length=20, choices=NoticeMail, default=NoticeMail.PENDING
    )
    mailed_at = models.DateTimeField(_("mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notice_recipient_recent"),
            models.Index(fields=["recipient", "mail", "due_at"], name="notice_recipient_pending"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "source"], name="notice_once_per_source"),
            models.CheckConstraint(
                condition=models.Q(kind__in=NoticeKind.values), name="notice_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(mail__in=NoticeMail.values), name="notice_mail_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.issue}"

    def get_absolute_url(self) -> str:
        """Where the recipient acts on it: the review page for a submission, the entry in the
        composer for requested changes, the composer otherwise."""
        if self.kind == NoticeKind.SUBMITTED:
            return reverse("editorial:review_issue", args=[self.issue.year, self.issue.number])
        anchor = f"entry-{self.entry_id}" if self.entry_id else ""
        return self.issue.get_composer_url(anchor)

    @property
    def sentence(self) -> str:
        """What happened, in one sentence of the active language (the actor, the issue, the
        entry's title; the comment is apart, in `text`)."""
        words = {
            "actor": display_name(self.actor) if self.actor else gettext("Someone"),
            "issue": str(self.issue),
            "entry": self.subject,
        }
        if self.kind == NoticeKind.SUBMITTED:
            return gettext("%(actor)s submitted %(issue)s for review.") % words
        if self.kind == NoticeKind.CHANGES_REQUESTED:
            return gettext("%(actor)s requested changes on “%(entry)s” in %(issue)s.") % words
        if self.kind == NoticeKind.SENT_BACK:
            return gettext("%(actor)s sent %(issue)s back to draft.") % words
        when = timezone.localtime(self.readers_from) if self.readers_from else None
        words["time"] = when.strftime("%Y-%m-%d %H:%M") if when else ""
        if self.kind == NoticeKind.LIVE:
            return gettext("%(issue)s went live for readers at %(time)s.") % words
        if when and self.readers_from > self.created_at:
            return gettext("%(actor)s scheduled %(issue)s to go live at %(time)s.") % words
        return gettext("%(actor)s published %(issue)s.") % words


class NoticeSettings(models.Model):
    """One person's choices: which kinds of notice reach them by mail (all by default), and the
    language of those mails (the site's default until they choose)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notice_settings",
    )
    # The kinds turned off (NoticeKind values): a kind added later reaches everyone at first.
    kinds_off = models.JSONField(_("kinds turned off"), default=list, blank=True)
    language = models.CharField(
        _("language of the mails"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )

    class Meta:
        verbose_name = _("notice settings")
        verbose_name_plural = _("notice settings")

    def __str__(self):
        return str(self.user)

    def mails(self, kind: str) -> bool:
        """Whether notices of `kind` are mailed to this person."""
        return kind not in (self.kinds_off or [])
