"""python manage.py send_newsletter YEAR NUMBER [--test ADDRESS] [--by USERNAME]: the send of
the Send by mail page, in the foreground, with a progress bar."""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from editorial.mail import sending
from editorial.models import Issue, MailingState

BAR_WIDTH = 30  # characters


def progress_bar(progress: sending.Progress) -> str:
    """One line: "[#####.....]  50% 500/1000 sent 490 failed 5 skipped 5"."""
    filled = BAR_WIDTH * progress.percent // 100
    return (
        f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {progress.percent:3d}% "
        f"{progress.done}/{progress.total} sent {progress.sent} failed {progress.failed} "
        f"skipped {progress.skipped}"
    )


class Command(BaseCommand):
    help = (
        "Send a published issue to its confirmed subscribers in the foreground, with a progress "
        "bar (the same send as the Send by mail page: once per issue, after a test send). "
        "--test ADDRESS sends the test instead and records it."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("number", type=int)
        parser.add_argument("--test", metavar="ADDRESS", help="send a test to this address only")
        parser.add_argument(
            "--by",
            metavar="USERNAME",
            help="the reviewer recorded as sending (default: the first active superuser)",
        )

    def _sender(self, username):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username).first()
            if user is None:
                raise CommandError(f"no active user {username!r}")
        else:
            user = users.filter(is_superuser=True).order_by("pk").first()
            if user is None:
                raise CommandError("no active superuser: name the sender with --by USERNAME")
        return user

    def handle(self, *args, year, number, test=None, by=None, **options):
        issue = Issue.objects.filter(year=year, number=number).first()
        if issue is None:
            raise CommandError(f"no issue {year}/{number}")
        user = self._sender(by)
        try:
            if test:
                sending.send_test(issue, by=user, addresses=[test])
                self.stdout.write(f"test of {year}/{number} sent to {test}")
                return
            mailing = issue.mailings.filter(correction=False).first()
            if mailing and mailing.state == MailingState.SENT:
                raise CommandError(f"issue {year}/{number} was already sent")
            if mailing is None:
                mailing = sending.start_mailing(issue, by=user, enqueue=False)
            elif mailing.state == MailingState.PAUSED:
                sending.resume_mailing(mailing, enqueue=False)
        except sending.SendRefused as refusal:
            raise CommandError(f"issue {year}/{number}: {refusal}") from None

        def show(progress):
            sys.stdout.write("\r" + progress_bar(progress))
            sys.stdout.flush()

        show(sending.progress(mailing))
        state = sending.run_mailing(mailing.pk, on_progress=show)
        sys.stdout.write("\n")
        if state != MailingState.SENT:
            raise CommandError(f"stopped: the mailing is {state}")
