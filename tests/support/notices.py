"""The team notices' tests: a team with addresses, and every due mail sent at a fixed time."""

import datetime
from dataclasses import dataclass

from django.core import mail
from django.utils import timezone

from editorial.mail.notifications.sending import send_due
from editorial.models import Notice, NoticeMail, NoticeSettings
from tests.support.factories import make_user

# Past the minute in which notices are collected: every notice written "now" is due.
AFTER_A_MINUTE = datetime.timedelta(seconds=61)


@dataclass
class Team:
    author: object  # an editor who wrote the entries
    editor: object  # an editor who did not work on it
    reviewer: object
    reviewer2: object
    admin: object  # a superuser
    reader: object  # an account with no role
    gone: object  # an editor whose account is inactive


def make_team(language: str | None = "en") -> Team:
    """Users of every kind, each with an address (username@example.com) and their mails in
    `language` (English, as the tests read them; None: the site's default, Chinese)."""
    team = Team(
        author=make_user("editor", username="author"),
        editor=make_user("editor", username="other"),
        reviewer=make_user("reviewer", username="rev1"),
        reviewer2=make_user("reviewer", username="rev2"),
        admin=make_user("superuser", username="boss"),
        reader=make_user("reader", username="reader"),
        gone=make_user("editor", username="gone", active=False),
    )
    for user in vars(team).values():
        user.email = f"{user.username}@example.com"
        user.save(update_fields=["email"])
        if language:
            NoticeSettings.objects.create(user=user, language=language)
    return team


def mail_everything_due(now=None) -> int:
    """Run the mail of every recipient with a pending notice at `now` (default: a minute and
    a second from this moment), as the scheduled tasks would. Returns how many were mailed."""
    now = now or timezone.now() + AFTER_A_MINUTE
    pending = Notice.objects.filter(mail=NoticeMail.PENDING).values_list("recipient_id", flat=True)
    return sum(send_due(pk, now) for pk in sorted(set(pending)))


def mails_by_recipient() -> dict[str, list]:
    """{address: [messages]} of Django's locmem outbox."""
    found: dict[str, list] = {}
    for message in mail.outbox:
        for address in message.to:
            found.setdefault(address, []).append(message)
    return found
