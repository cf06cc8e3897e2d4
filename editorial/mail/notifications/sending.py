"""A recipient's notices by mail: every notice of theirs that is due, in one mail (one notice,
one mail about it), in the language they chose on their account page.

No double mail when two workers run the same recipient's mail at once: the notices are marked
mailed by one conditional update (only rows still pending) before the mail is sent; a run that
marks fewer rows than it read lost the race, rolls back and sends nothing. The mail goes out
after that transaction: no database lock is held while a mail server answers (on SQLite a
write lock would stop every editor's save meanwhile). A mail that fails to go gives its notices
back: they wait for the next run (the recipient's next notice schedules one). A worker killed
between the mark and the mail loses that one mail (the notices stay on the dashboard): at most
once, never twice.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from editorial.models import Notice, NoticeKind, NoticeMail, NoticeSettings
from editorial.outbox import new_message_id, site_url


def notice_settings(user) -> NoticeSettings:
    """The user's choices, or the defaults (every kind, the site's language) when they made
    none (not stored)."""
    try:
        return user.notice_settings
    except NoticeSettings.DoesNotExist:
        return NoticeSettings(user=user)


def due_notices(recipient_pk: int, now) -> list[Notice]:
    """The recipient's notices waiting to be mailed whose time has come, oldest first."""
    return list(
        Notice.objects.filter(recipient_id=recipient_pk, mail=NoticeMail.PENDING, due_at__lte=now)
        .select_related("issue", "actor")
        .order_by("created_at", "pk")
    )


def _mark(notices: list[Notice], outcome: str, now) -> bool:
    """Mark `notices` with `outcome` if every one is still pending: one conditional UPDATE.
    False when another run marked some first."""
    if not notices:
        return True
    marked = Notice.objects.filter(pk__in=[n.pk for n in notices], mail=NoticeMail.PENDING).update(
        mail=outcome, mailed_at=now if outcome == NoticeMail.MAILED else None
    )
    return marked == len(notices)


def send_due(recipient_pk: int, now=None, *, notices: list[Notice] | None = None) -> int:
    """Mail the recipient's due notices (`notices`: the ones a run read, default: read them
    now) in one mail; kinds they turned off and, without an email address, all of them are
    marked not mailed. Returns the number of notices mailed (0 if another run took them).
    Raises what the mail backend raises (the notices stay pending)."""
    now = now or timezone.now()
    user = (
        get_user_model().objects.select_related("notice_settings").filter(pk=recipient_pk).first()
    )
    if user is None:  # the account was deleted, and its notices with it
        return 0
    choices = notice_settings(user)
    with transaction.atomic():
        if notices is None:
            notices = due_notices(recipient_pk, now)
        mailed = [n for n in notices if choices.mails(n.kind)]
        off = [n for n in notices if not choices.mails(n.kind)]
        outcome = NoticeMail.MAILED if user.email and user.is_active else NoticeMail.NO_ADDRESS
        if not (_mark(off, NoticeMail.TURNED_OFF, now) and _mark(mailed, outcome, now)):
            transaction.set_rollback(True)
            return 0
    if outcome != NoticeMail.MAILED or not mailed:
        return 0
    try:
        notices_message(user, mailed, choices.language).send()
    except Exception:
        # Given back, as they were: only the rows this run marked.
        Notice.objects.filter(
            pk__in=[n.pk for n in mailed], mail=NoticeMail.MAILED, mailed_at=now
        ).update(mail=NoticeMail.PENDING, mailed_at=None)
        raise
    return len(mailed)


def notices_message(user, notices: list[Notice], language: str) -> EmailMessage:
    """The plain-text mail telling `user` of `notices` (one or more), in `language`: From
    DEFAULT_FROM_EMAIL, each notice with its link on DIGEST_SITE_URL, and where to turn them
    off. Not a subscriber's mail: no List-Unsubscribe (the account page is the switch)."""
    with translation.override(language):
        items = [
            {
                "sentence": notice.sentence,
                "entry": notice.subject if notice.kind == NoticeKind.CHANGES_REQUESTED else "",
                "comment": notice.text,
                "url": site_url(notice.get_absolute_url()),
                "public_url": notice.issue.get_public_url()
                if notice.kind in (NoticeKind.PUBLISHED, NoticeKind.LIVE)
                else "",
            }
            for notice in notices
        ]
        if len(notices) == 1:
            subject = _("%(publication)s: %(what)s") % {
                "publication": settings.DIGEST_PUBLICATION,
                "what": items[0]["sentence"],
            }
        else:
            subject = ngettext(
                "%(publication)s: %(count)d notice",
                "%(publication)s: %(count)d notices",
                len(notices),
            ) % {"publication": settings.DIGEST_PUBLICATION, "count": len(notices)}
        text = render_to_string(
            "mail/notices.txt",
            {
                "items": items,
                "publication": settings.DIGEST_PUBLICATION,
                "account_url": site_url(reverse("editorial:account")),
            },
        )
    reply_to = [settings.DIGEST_MAIL_REPLY_TO] if settings.DIGEST_MAIL_REPLY_TO else None
    return EmailMessage(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        reply_to=reply_to,
        headers={
            "Message-ID": new_message_id(),
            # RFC 3834: sent by a program, so auto-responders keep quiet; RFC 3282: its
            # language.
            "Auto-Submitted": "auto-generated",
            "Content-Language": translation.to_language(language).replace("-hans", "-Hans"),
        },
    )
