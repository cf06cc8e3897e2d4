"""manage.py send_newsletter YEAR NUMBER [--test ADDRESS]: the page's send in the foreground."""

import pytest
from django.core.management import CommandError, call_command

from editorial.models import Mailing, MailingState, MailTest
from tests.support.factories import make_issue, make_user
from tests.support.mail import subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def admin(db):
    return make_user("superuser", username="admin")


def test_test_then_send_with_a_progress_bar(issue, mailoutbox, capsys):
    readers = [subscribe(f"r{n}@example.com") for n in range(3)]
    call_command("send_newsletter", "2024", "40", "--test", "me@example.org")
    assert [m.to for m in mailoutbox] == [["me@example.org"]]
    assert MailTest.objects.get().sent_by.username == "admin"
    mailoutbox.clear()

    call_command("send_newsletter", "2024", "40")

    out = capsys.readouterr().out
    assert "100% 3/3 sent 3 failed 0 skipped 0" in out and "[" + "#" * 30 + "]" in out
    assert sorted(m.to[0] for m in mailoutbox) == sorted(r.email for r in readers)
    assert Mailing.objects.get().state == MailingState.SENT
    with pytest.raises(CommandError, match="already sent"):
        call_command("send_newsletter", "2024", "40")
    assert len(mailoutbox) == 3


def test_refuses_without_a_test_send(issue, mailoutbox):
    with pytest.raises(CommandError, match="test"):
        call_command("send_newsletter", "2024", "40")
    assert not Mailing.objects.exists()


def test_refuses_an_unpublished_or_unknown_issue(mailoutbox):
    make_issue(2024, 41)
    with pytest.raises(CommandError, match="published"):
        call_command("send_newsletter", "2024", "41", "--test", "me@example.org")
    with pytest.raises(CommandError, match="no issue"):
        call_command("send_newsletter", "2024", "99")
    assert mailoutbox == []


def test_names_the_sender(issue, mailoutbox):
    with pytest.raises(CommandError, match="no active user"):
        call_command("send_newsletter", "2024", "40", "--test", "a@example.org", "--by", "zed")
    make_user("reviewer", username="rita")
    call_command("send_newsletter", "2024", "40", "--test", "a@example.org", "--by", "rita")
    assert MailTest.objects.get().sent_by.username == "rita"
