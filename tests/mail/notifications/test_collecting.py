"""What happens within a minute travels in one mail; the mail is scheduled a minute after the
first notice waiting; two runs at once send it once."""

import datetime

import pytest
from django.core import mail
from django.tasks import default_task_backend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from editorial import workflow
from editorial.mail.notifications.events import COLLECT, queue_notices
from editorial.mail.notifications.sending import due_notices, send_due
from editorial.mail.notifications.tasks import mail_notices
from editorial.models import Entry, IssueStatus, Notice, NoticeKind, NoticeMail
from tests.support.factories import make_issue
from tests.support.notices import make_team

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def issue(team):
    return make_issue(status=IssueStatus.IN_REVIEW, entry_status="submitted", author=team.author)


def tell(team, issue, comment: str, at: datetime.datetime):
    """A request for changes on the issue's first entry, told to its author at `at`."""
    return queue_notices(
        [team.author.pk],
        kind=NoticeKind.CHANGES_REQUESTED,
        issue=issue,
        source=f"test:{comment}",
        now=at,
        actor=team.reviewer,
        subject="条目",
        text=comment,
    )


def test_notices_within_a_minute_go_in_one_mail(team, issue):
    for seconds, comment in [(0, "一"), (20, "二"), (59, "三")]:
        tell(team, issue, comment, NOW + datetime.timedelta(seconds=seconds))
    assert {n.due_at for n in Notice.objects.all()} == {NOW + COLLECT}
    assert send_due(team.author.pk, NOW + COLLECT - datetime.timedelta(seconds=1)) == 0
    assert send_due(team.author.pk, NOW + COLLECT) == 3
    [message] = mail.outbox
    assert message.subject == "云计算技术动态: 3 notices"
    assert [line for line in message.body.splitlines() if line.startswith("  Comment:")] == [
        "  Comment: 一",
        "  Comment: 二",
        "  Comment: 三",
    ]


def test_a_notice_after_the_mail_starts_a_new_minute(team, issue):
    tell(team, issue, "一", NOW)
    send_due(team.author.pk, NOW + COLLECT)
    later = NOW + COLLECT + datetime.timedelta(seconds=5)
    tell(team, issue, "二", later)
    assert Notice.objects.get(text="二").due_at == later + COLLECT
    assert send_due(team.author.pk, later + COLLECT) == 1
    assert len(mail.outbox) == 2
    assert "二" in mail.outbox[1].body and "一" not in mail.outbox[1].body


def test_a_notice_whose_mail_never_ran_is_sent_with_the_next(team, issue):
    tell(team, issue, "一", NOW)  # its task was lost: its time passed, still pending
    later = NOW + datetime.timedelta(minutes=10)
    tell(team, issue, "二", later)
    assert Notice.objects.get(text="二").due_at == later + COLLECT
    assert send_due(team.author.pk, later + COLLECT) == 2
    assert len(mail.outbox) == 1


def test_two_runs_at_once_send_one_mail(team, issue):
    tell(team, issue, "一", NOW)
    tell(team, issue, "二", NOW)
    at = NOW + COLLECT
    # Both workers read the same waiting notices before either marks them.
    first, second = due_notices(team.author.pk, at), due_notices(team.author.pk, at)
    assert send_due(team.author.pk, at, notices=first) == 2
    assert send_due(team.author.pk, at, notices=second) == 0
    assert len(mail.outbox) == 1
    assert Notice.objects.filter(mail=NoticeMail.MAILED, mailed_at=at).count() == 2


def test_a_failed_mail_leaves_the_notices_waiting(team, issue, settings):
    tell(team, issue, "一", NOW)
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }
    with pytest.raises(OSError):
        send_due(team.author.pk, NOW + COLLECT)
    assert Notice.objects.get().mail == NoticeMail.PENDING


def test_the_first_waiting_notice_schedules_the_mail_a_minute_later(
    team, issue, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    entries = list(Entry.objects.filter(section__issue=issue).order_by("pk"))
    with django_capture_on_commit_callbacks(execute=True):
        workflow.entry_request_changes(entries[0], by=team.reviewer, comment="一")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.entry_request_changes(entries[1], by=team.reviewer, comment="二")
    notice = Notice.objects.order_by("pk").first()
    [scheduled] = default_task_backend.results
    assert scheduled.task.func == mail_notices.func
    assert scheduled.args == [team.author.pk]
    assert scheduled.task.run_after == notice.created_at + COLLECT
    assert set(Notice.objects.values_list("due_at", flat=True)) == {notice.due_at}


def test_the_task_run_at_once_sends_nothing_before_its_time(team, issue):
    tell(team, issue, "一", timezone.now())
    assert mail_notices.call(team.author.pk) == 0
    assert not mail.outbox


def test_the_worker_finds_the_mail_at_its_time_and_not_before(
    team, issue, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        tell(
            team, issue, "一", now - COLLECT - datetime.timedelta(seconds=1)
        )  # due: its minute passed
    with django_capture_on_commit_callbacks(execute=True):
        queue_notices(
            [team.reviewer.pk],
            kind=NoticeKind.SUBMITTED,
            issue=issue,
            source="test:later",
            now=now,  # due in a minute
            actor=team.author,
        )
    # What db_worker picks up now: the tasks whose time has come (run here as it runs them).
    for queued in DBTaskResult.objects.ready():
        queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
    assert DBTaskResult.objects.count() == 2
    assert [message.to for message in mail.outbox] == [[team.author.email]]
    assert Notice.objects.get(recipient=team.reviewer).mail == NoticeMail.PENDING


@pytest.mark.django_db(transaction=True)
def test_no_transaction_is_open_while_the_mail_server_answers(team, issue, monkeypatch):
    """The mail leaves after the notices are marked and committed: a slow mail server holds no
    database lock (on SQLite it would stop every editor's save)."""
    from django.core.mail import EmailMessage
    from django.db import connection

    seen = []
    monkeypatch.setattr(
        EmailMessage, "send", lambda message, **kwargs: seen.append(connection.in_atomic_block)
    )
    tell(team, issue, "一", NOW)  # the tests' immediate task backend may mail it at commit
    send_due(team.author.pk, NOW + COLLECT)
    assert seen == [False]
    assert Notice.objects.get().mail == NoticeMail.MAILED
