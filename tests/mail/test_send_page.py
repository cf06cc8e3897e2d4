"""The Send by mail page (editorial/mail/views.py): the test send it requires before Send (on
the server, not only a disabled button), Send, the progress fragment and its bounded queries,
pause and resume, and a correction sent only when a reviewer asks."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from editorial.mail import sending
from editorial.models import Delivery, Mailing, MailingState, MailTest, Subscriber
from tests.support.factories import english_client, make_user
from tests.support.mail import mailing_ready, publish_correction, subscribe
from tests.support.pages import assert_valid_fragment, check_html

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def url(name, issue):
    return reverse(f"editorial:{name}", args=[issue.year, issue.number])


@pytest.fixture
def client():
    """In English, as the assertions read the page."""
    return english_client()


@pytest.fixture
def signed_in(client, reviewer):
    client.force_login(reviewer)
    return client


def test_the_review_page_of_a_published_issue_links_to_the_send_page(signed_in, issue):
    page = signed_in.get(url("review_issue", issue)).content.decode()
    assert f'href="{url("mail_issue", issue)}"' in page


def test_send_is_refused_until_a_test_send_then_sends(
    signed_in, issue, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    reader = subscribe("reader@example.com")
    page = signed_in.get(url("mail_issue", issue)).content.decode()
    assert "disabled" in page.split(url("mail_send", issue))[1].split("</form>")[0]

    # The button is disabled, but a POST is refused on the server all the same.
    refused = signed_in.post(url("mail_send", issue), follow=True)
    assert "test" in refused.content.decode()
    assert not Mailing.objects.exists()

    signed_in.post(url("mail_test", issue), {"to": "me"})
    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    assert MailTest.objects.get().revision == issue.revisions.get()
    page = signed_in.get(url("mail_issue", issue)).content.decode()
    assert "disabled" not in page.split(url("mail_send", issue))[1].split("</form>")[0]

    with django_capture_on_commit_callbacks(execute=True):
        answer = signed_in.post(url("mail_send", issue))
    assert answer.status_code == 302
    mailing = Mailing.objects.get()
    # The task ran (tests run tasks at once): the reader got the issue.
    assert mailing.state == MailingState.SENT
    assert [m.to for m in mailoutbox[1:]] == [[reader.email]]
    again = signed_in.post(url("mail_send", issue), **HX)
    assert again.status_code == 409 and Mailing.objects.count() == 1


def test_the_test_goes_to_every_reviewer_when_asked(signed_in, issue, reviewer, mailoutbox):
    other = make_user("reviewer", username="ren")
    other.email = "ren@example.org"
    other.save()
    make_user("editor", username="ed")  # editors are not reviewers
    signed_in.post(url("mail_test", issue), {"to": "reviewers"})
    assert sorted(m.to[0] for m in mailoutbox) == ["ren@example.org", "rita@example.org"]


def test_a_bad_choice_is_refused_and_sends_nothing(signed_in, issue, mailoutbox):
    answer = signed_in.post(url("mail_test", issue), {"to": "everyone"}, **HX)
    assert answer.status_code == 422
    assert mailoutbox == [] and not MailTest.objects.exists()


def test_a_reviewer_without_an_address_is_told(client, issue, mailoutbox):
    nobody = make_user("reviewer", username="noaddress")
    client.force_login(nobody)
    answer = client.post(url("mail_test", issue), {"to": "me"}, **HX)
    assert answer.status_code == 409 and "address" in answer.content.decode()
    assert mailoutbox == []


def test_pause_and_resume(signed_in, issue, reviewer, django_capture_on_commit_callbacks):
    subscribe("reader@example.com")
    mailing = mailing_ready(issue, reviewer)
    assert signed_in.post(url("mail_pause", issue)).status_code == 302
    mailing.refresh_from_db()
    assert mailing.state == MailingState.PAUSED
    assert "Resume" in signed_in.get(url("mail_issue", issue)).content.decode()
    assert signed_in.post(url("mail_pause", issue), **HX).status_code == 409
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_in.post(url("mail_resume", issue)).status_code == 302
    mailing.refresh_from_db()
    assert mailing.state == MailingState.SENT
    assert signed_in.post(url("mail_resume", issue), **HX).status_code == 409


def test_a_correction_is_sent_only_when_asked(
    signed_in, issue, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe("reader@example.com")
    first = mailing_ready(issue, reviewer)
    sending.run_mailing(first.pk)
    publish_correction(issue)
    page = signed_in.get(url("mail_issue", issue)).content.decode()
    assert "Send the correction" in page
    assert url("mail_send", issue) not in page
    # Send does not send it again; the correction needs its own test first.
    assert signed_in.post(url("mail_send", issue), **HX).status_code == 409
    assert signed_in.post(url("mail_correction", issue), **HX).status_code == 409
    signed_in.post(url("mail_test", issue), {"to": "me"})
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(url("mail_correction", issue))
    correction = Mailing.objects.get(correction=True)
    assert correction.revision.number == 2 and correction.state == MailingState.SENT
    assert len(mailoutbox) == 1
    assert signed_in.post(url("mail_correction", issue), **HX).status_code == 409


def test_a_draft_cannot_be_sent(signed_in, reviewer):
    from tests.support.factories import make_issue

    draft = make_issue(2024, 50)
    page = signed_in.get(url("mail_issue", draft)).content.decode()
    assert "Only a published issue" in page
    assert signed_in.post(url("mail_test", draft), {"to": "me"}, **HX).status_code == 409


def test_the_progress_fragment_polls_while_sending_in_bounded_queries(signed_in, issue, reviewer):
    def queries(readers: int) -> int:
        Mailing.objects.all().delete()
        start = Subscriber.objects.count()
        for n in range(readers):
            subscribe(f"r{start + n}@example.com")
        mailing_ready(issue, reviewer)
        with CaptureQueriesContext(connection) as captured:
            answer = signed_in.get(url("mail_issue", issue), **HX)
        body = answer.content.decode()
        assert 'id="mail-progress"' in body and "every 2s" in body and "<html" not in body
        assert f"<dd>{Delivery.objects.count()}</dd>" in body  # all left
        return len(captured)

    small, large = queries(3), queries(60)
    assert small == large <= 7  # the last: whether its worker stalled (one conditional UPDATE)


def test_the_page_and_its_fragment_are_valid_html_in_every_state(signed_in, issue, reviewer):
    subscribe("reader@example.com")
    check_html(signed_in.get(url("mail_issue", issue)).content.decode())  # nothing sent
    mailing = mailing_ready(issue, reviewer)
    for _state in ("sending", "paused"):
        check_html(signed_in.get(url("mail_issue", issue)).content.decode())
        assert_valid_fragment(signed_in.get(url("mail_issue", issue), **HX).content)
        sending.pause_mailing(mailing)
    sending.resume_mailing(mailing, enqueue=False)
    sending.run_mailing(mailing.pk)
    publish_correction(issue)
    page = signed_in.get(url("mail_issue", issue)).content.decode()
    check_html(page)
    assert "Send the correction" in page


def test_the_page_says_why_the_worker_paused(signed_in, issue, reviewer):
    subscribe("reader@example.com")
    mailing = mailing_ready(issue, reviewer)
    sending.pause_mailing(mailing)
    page = signed_in.get(url("mail_issue", issue)).content.decode()
    assert "refused our login" not in page  # a reviewer's pause needs no explanation
    Delivery.objects.update(error=sending.STOPPED + "535 5.7.8 Authentication failed")
    page = signed_in.get(url("mail_issue", issue)).content.decode()
    assert "535 5.7.8 Authentication failed" in page
    check_html(page)


def test_a_mailing_whose_worker_died_gets_a_worker_again_when_looked_at(
    signed_in, issue, reviewer, settings, monkeypatch
):
    """The worker was killed: its task stays "running" for ever and says nothing more. Once it
    has been silent for DIGEST_MAIL_STALL_SECONDS, the page (or its poll) enqueues a worker
    again, once however many look; a worker that spoke lately is left alone."""
    subscribe("reader@example.com")
    mailing = mailing_ready(issue, reviewer)  # started, its worker never ran
    enqueued = []
    monkeypatch.setattr(sending, "enqueue_mailing", enqueued.append)
    now = timezone.now()
    Mailing.objects.filter(pk=mailing.pk).update(heartbeat_at=now - timedelta(seconds=60))
    signed_in.get(url("mail_issue", issue), **HX)
    assert enqueued == []  # silent for a minute: still at work, maybe
    silent = now - timedelta(seconds=settings.DIGEST_MAIL_STALL_SECONDS + 1)
    Mailing.objects.filter(pk=mailing.pk).update(heartbeat_at=silent)
    signed_in.get(url("mail_issue", issue), **HX)
    signed_in.get(url("mail_issue", issue))  # a second look, at once: no second worker
    assert enqueued == [mailing.pk]
    # A paused mailing is not restarted, whatever its worker last said.
    Mailing.objects.filter(pk=mailing.pk).update(heartbeat_at=silent)
    sending.pause_mailing(mailing)
    signed_in.get(url("mail_issue", issue), **HX)
    assert enqueued == [mailing.pk]


def test_a_working_worker_says_so(issue, reviewer, settings):
    """run_mailing writes its heartbeat as it goes: the mailing is not taken for stalled."""
    subscribe("reader@example.com")
    mailing = mailing_ready(issue, reviewer)
    assert mailing.heartbeat_at is None
    sending.run_mailing(mailing.pk)
    mailing.refresh_from_db()
    assert mailing.heartbeat_at is not None
    assert not sending.restart_stalled(mailing)
