"""Each transition mails the people it concerns, once, never the one who acted, and
respects what each turned off."""

import pytest
from django.conf import settings
from django.core import mail

from editorial import workflow
from editorial.models import (
    Entry,
    EntryStatus,
    IssueStatus,
    Notice,
    NoticeKind,
    NoticeMail,
    NoticeSettings,
)
from tests.support.factories import make_issue
from tests.support.notices import mail_everything_due, mails_by_recipient, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return make_team()


def addresses(*users) -> set[str]:
    return {user.email for user in users}


def entries_of(issue):
    return list(Entry.objects.filter(section__issue=issue).order_by("section__position", "pk"))


def test_a_submission_mails_the_reviewers_not_the_editor_who_submitted(team):
    issue = make_issue(author=team.author)
    workflow.issue_submit(issue, by=team.author)
    assert mail_everything_due() == 3
    sent = mails_by_recipient()
    assert set(sent) == addresses(team.reviewer, team.reviewer2, team.admin)
    assert all(len(messages) == 1 for messages in sent.values())
    message = sent[team.reviewer.email][0]
    assert "author submitted 2024 年第三十三期 for review." in message.subject
    assert "https://digest.example.org/editorial/review/2024/33/" in message.body
    assert message.from_email == settings.DEFAULT_FROM_EMAIL
    assert "List-Unsubscribe" not in message.extra_headers
    assert "https://digest.example.org/editorial/account/" in message.body


def test_requested_changes_mail_the_entrys_author_with_the_comment(team):
    issue = make_issue(status=IssueStatus.IN_REVIEW, entry_status="submitted", author=team.author)
    entry = entries_of(issue)[0]
    workflow.entry_request_changes(entry, by=team.reviewer, comment="标题太长 <b>x</b>")
    assert mail_everything_due() == 1
    [message] = mail.outbox
    assert message.to == [team.author.email]
    assert f"rev1 requested changes on “{entry.title}” in 2024 年第三十三期." in message.subject
    assert "Comment: 标题太长 <b>x</b>" in message.body  # plain text: as typed, not escaped
    assert f"/editorial/issues/2024/33/#entry-{entry.pk}" in message.body


def test_a_reviewer_who_wrote_the_entry_is_told_but_not_the_reviewer_who_asked(team):
    issue = make_issue(status=IssueStatus.IN_REVIEW, entry_status="submitted", author=team.admin)
    workflow.entry_request_changes(entries_of(issue)[0], by=team.admin, comment="自己")
    assert mail_everything_due() == 0
    assert not Notice.objects.exists()


def test_a_send_back_mails_the_issues_editors_with_the_comment(team):
    issue = make_issue(author=team.author)
    workflow.issue_submit(issue, by=team.author)
    mail_everything_due()
    mail.outbox.clear()
    workflow.issue_send_back(issue, by=team.reviewer, comment="本期太短")
    assert mail_everything_due() == 1
    [message] = mail.outbox
    assert message.to == [team.author.email]
    assert "rev1 sent 2024 年第三十三期 back to draft." in message.subject
    assert "Comment: 本期太短" in message.body


def test_a_publication_mails_the_team_but_not_the_publisher_readers_or_inactive_accounts(team):
    issue = make_issue(status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.APPROVED)
    workflow.issue_publish(issue, by=team.reviewer)
    assert mail_everything_due() == 4
    sent = mails_by_recipient()
    assert set(sent) == addresses(team.author, team.editor, team.reviewer2, team.admin)
    message = sent[team.editor.email][0]
    assert "rev1 published 2024 年第三十三期." in message.subject
    assert "For readers: https://digest.example.org/issues/2024/33/" in message.body


def test_each_event_is_mailed_once(team):
    issue = make_issue(author=team.author)
    workflow.issue_submit(issue, by=team.author)
    assert mail_everything_due() == 3
    assert mail_everything_due() == 0
    assert len(mail.outbox) == 3
    assert set(Notice.objects.values_list("mail", flat=True)) == {NoticeMail.MAILED}


def test_a_kind_turned_off_is_not_mailed_but_stays_on_the_dashboard(team):
    NoticeSettings.objects.filter(user=team.reviewer).update(kinds_off=[NoticeKind.SUBMITTED])
    NoticeSettings.objects.filter(user=team.reviewer2).update(kinds_off=[NoticeKind.PUBLISHED])
    issue = make_issue(author=team.author)
    workflow.issue_submit(issue, by=team.author)
    mail_everything_due()
    assert set(mails_by_recipient()) == addresses(team.reviewer2, team.admin)
    turned_off = Notice.objects.get(recipient=team.reviewer)
    assert turned_off.mail == NoticeMail.TURNED_OFF and turned_off.mailed_at is None


def test_without_an_address_nothing_is_mailed_and_the_notice_says_why(team):
    team.reviewer.email = ""
    team.reviewer.save(update_fields=["email"])
    workflow.issue_submit(make_issue(author=team.author), by=team.author)
    mail_everything_due()
    assert team.reviewer.email not in mails_by_recipient()
    assert Notice.objects.get(recipient=team.reviewer).mail == NoticeMail.NO_ADDRESS


def test_a_refused_transition_tells_nobody(team):
    issue = make_issue(author=team.author, entries_per_section=0)
    with pytest.raises(workflow.TransitionError):
        workflow.issue_submit(issue, by=team.author)
    assert not Notice.objects.exists()


def test_moves_that_concern_nobody_write_no_notice(team):
    issue = make_issue(status=IssueStatus.IN_REVIEW, entry_status="submitted", author=team.author)
    entry = entries_of(issue)[0]
    workflow.entry_approve(entry, by=team.reviewer, version=entry.version)
    assert not Notice.objects.exists()
