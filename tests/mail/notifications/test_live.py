"""A scheduled issue going live: nothing happens in a request at that moment, so a task is
scheduled for the time; it tells the team once, and nothing if the schedule changed."""

import datetime

import pytest
from django.core import mail
from django.tasks import default_task_backend
from django.utils import timezone

from editorial import workflow
from editorial.mail.notifications.events import announce_live
from editorial.mail.notifications.tasks import announce_live_task
from editorial.models import EntryStatus, IssueStatus, Notice, NoticeKind
from tests.support.factories import make_issue
from tests.support.notices import mail_everything_due, mails_by_recipient, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team()


@pytest.fixture
def scheduled(team, settings, django_capture_on_commit_callbacks):
    """An issue published by rev1 to go live in an hour, its tasks kept by the dummy backend."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    issue = make_issue(status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.APPROVED)
    at = (timezone.now() + datetime.timedelta(hours=1)).replace(microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.issue_publish(issue, by=team.reviewer, at=at)
    return issue, at


def test_scheduling_tells_the_team_it_is_scheduled_and_schedules_the_go_live(team, scheduled):
    issue, at = scheduled
    live = [r for r in default_task_backend.results if r.task.func == announce_live_task.func]
    [task] = live
    assert task.task.run_after == at
    assert task.args == [issue.pk, 1, at.isoformat()]
    mail_everything_due()
    message = mails_by_recipient()[team.editor.email][0]
    local = timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
    assert f"rev1 scheduled 2024 年第三十三期 to go live at {local}." in message.subject


def test_at_its_time_the_whole_team_is_told_once(team, scheduled):
    issue, at = scheduled
    assert announce_live(issue.pk, 1, at, now=at - datetime.timedelta(seconds=1)) == 0
    assert announce_live(issue.pk, 1, at, now=at) == 5
    assert announce_live(issue.pk, 1, at, now=at) == 0  # a second run writes nothing more
    live = Notice.objects.filter(kind=NoticeKind.LIVE)
    assert {n.recipient.username for n in live} == {"author", "other", "rev1", "rev2", "boss"}
    mail.outbox.clear()
    Notice.objects.exclude(kind=NoticeKind.LIVE).delete()
    mail_everything_due(at + datetime.timedelta(seconds=61))
    message = mails_by_recipient()[team.reviewer.email][0]
    local = timezone.localtime(at).strftime("%Y-%m-%d %H:%M")
    assert f"2024 年第三十三期 went live for readers at {local}." in message.subject


def test_a_rescheduled_or_withdrawn_issue_is_not_announced_at_the_old_time(team, scheduled):
    issue, at = scheduled
    later = at + datetime.timedelta(hours=1)
    workflow.issue_reschedule(issue, by=team.reviewer, at=later)
    assert announce_live(issue.pk, 1, at, now=later) == 0
    workflow.issue_withdraw(issue, by=team.reviewer)
    assert announce_live(issue.pk, 1, later, now=later) == 0
    assert not Notice.objects.filter(kind=NoticeKind.LIVE).exists()


def test_a_reschedule_schedules_the_go_live_at_the_new_time(
    team, scheduled, django_capture_on_commit_callbacks
):
    issue, at = scheduled
    later = at + datetime.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.issue_reschedule(issue, by=team.reviewer, at=later)
    runs = [r.task.run_after for r in default_task_backend.results]
    assert later in runs
    assert announce_live(issue.pk, 1, later, now=later) == 5


def test_publishing_now_schedules_no_go_live(team, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    issue = make_issue(status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.issue_publish(issue, by=team.reviewer)
    assert not [r for r in default_task_backend.results if r.task.func == announce_live_task.func]
