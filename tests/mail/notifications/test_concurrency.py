"""Two workers running one recipient's mail at the same moment (a task run twice, or two
db_worker processes): whichever order the database gives them, one mail goes."""

import datetime

import pytest
from django.core import mail

from editorial.mail.notifications.events import COLLECT, queue_notices
from editorial.mail.notifications.sending import send_due
from editorial.models import IssueStatus, Notice, NoticeKind, NoticeMail
from tests.support.factories import make_issue
from tests.support.notices import make_team
from tests.support.threads import run_together

# Threads need committed rows: a transactional test (its flush puts the role groups back).
pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def test_two_workers_at_once_send_one_mail(settings):
    # The scheduled mail waits in the dummy backend: the two runs below are the only ones.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    team = make_team()
    issue = make_issue(status=IssueStatus.IN_REVIEW, entry_status="submitted", author=team.author)
    for comment in ["一", "二", "三"]:
        queue_notices(
            [team.author.pk],
            kind=NoticeKind.CHANGES_REQUESTED,
            issue=issue,
            source=f"test:{comment}",
            now=NOW,
            actor=team.reviewer,
            text=comment,
        )
    at = NOW + COLLECT
    results = run_together(
        lambda: send_due(team.author.pk, at), lambda: send_due(team.author.pk, at)
    )
    assert sorted(results) == [0, 3]
    assert len(mail.outbox) == 1
    assert Notice.objects.filter(mail=NoticeMail.MAILED).count() == 3
