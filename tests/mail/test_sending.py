"""Sending an issue (editorial.mail.sending) through a real SMTP server on loopback: one mail per
receiving subscriber, its headers and parts, the server's "try later" and "refused" answers,
subscribers who left before their turn, the rates, and the test send Send requires."""

import re

import pytest
from django.utils import timezone

from editorial.canonical.parse import markdown_to_issue
from editorial.mail import sending
from editorial.models import (
    Delivery,
    DeliveryState,
    Mailing,
    MailingState,
    MailTest,
    Subscriber,
    SubscriberState,
    Suppression,
)
from tests.support.mail import FakeClock, mailing_ready, publish_correction, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(smtp_server, settings):
    smtp_server.point_mailers_at(settings)
    return smtp_server


def run(mailing, **kwargs):
    return sending.run_mailing(mailing.pk, clock=kwargs.pop("clock", FakeClock()), **kwargs)


def test_one_mail_per_receiving_subscriber_and_none_to_others(smtp, issue, reviewer):
    receiving = [
        subscribe(f"reader{n}@example.{tld}") for n, tld in enumerate(["com", "cn", "org"])
    ]
    subscribe("pending@example.com", state=SubscriberState.PENDING)
    subscribe("gone@example.com", state=SubscriberState.UNSUBSCRIBED)
    subscribe("bounced@example.com", suppressed_at=timezone.now(), suppression="hard_bounce")
    mailing = mailing_ready(issue, reviewer)
    smtp.clear()  # the test send

    assert run(mailing) == MailingState.SENT

    got = sorted(address for message in smtp.messages for address in message.recipients)
    assert got == sorted(s.email for s in receiving)
    deliveries = Delivery.objects.filter(mailing=mailing)
    assert sorted(smtp.message_ids()) == sorted(d.message_id for d in deliveries)
    assert {d.state for d in deliveries} == {DeliveryState.SENT}
    mailing.refresh_from_db()
    assert mailing.state == MailingState.SENT and mailing.finished_at
    assert sending.progress(mailing) == sending.Progress(3, 3, 0, 0, 0)


def test_the_mail_has_its_headers_and_both_parts(smtp, issue, reviewer):
    reader = subscribe("reader@example.com")
    mailing = mailing_ready(issue, reviewer)
    smtp.clear()
    run(mailing)

    (message,) = smtp.messages
    delivery = Delivery.objects.get(mailing=mailing, subscriber=reader)
    assert message["Message-ID"] == delivery.message_id
    assert message["Date"]
    unsubscribe = " ".join(message["List-Unsubscribe"].split())  # unfolded
    assert re.fullmatch(r"<https://digest\.example\.org/\S*/>", unsubscribe)
    assert reader.token in message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    parts = [part.get_content_type() for part in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    data = markdown_to_issue(issue.revisions.get().markdown, publication="云计算技术动态")
    for section in data.sections:
        for entry in section.entries:
            assert entry.title in text and entry.url in text
    assert issue.get_public_url() in text
    assert "<style" not in html.lower() and "<script" not in html.lower()
    assert reader.token in html


def test_try_later_then_accept_delivers_once_after_waiting(smtp, issue, reviewer, settings):
    settings.DIGEST_MAIL_RETRY_SECONDS = 30
    slow = subscribe("slow@qq.example")
    closing = subscribe("closing@163.example")
    quick = subscribe("quick@example.com")
    smtp.answers[slow.email] = ["451 4.7.1 Try again later"]
    smtp.answers[closing.email] = ["421 4.7.0 Slow down", "452 4.2.2 Too many"]
    mailing = mailing_ready(issue, reviewer)
    smtp.clear()
    clock = FakeClock()

    assert run(mailing, clock=clock) == MailingState.SENT

    recipients = [address for message in smtp.messages for address in message.recipients]
    assert sorted(recipients) == sorted([slow.email, closing.email, quick.email])
    by_address = {d.subscriber.email: d for d in Delivery.objects.select_related("subscriber")}
    assert by_address[slow.email].attempts == 2
    assert by_address[closing.email].attempts == 3
    assert by_address[quick.email].attempts == 1
    assert {d.state for d in by_address.values()} == {DeliveryState.SENT}
    # It waited (30 s, then 60 s for the second refusal) instead of hammering the server.
    assert sum(clock.sleeps) >= 30 + 60


def test_a_permanent_refusal_fails_and_suppresses_the_address(smtp, issue, reviewer):
    refused = subscribe("nobody@example.com")
    fine = subscribe("reader@example.com")
    smtp.answers[refused.email] = ["550 5.1.1 No such user"]
    mailing = mailing_ready(issue, reviewer)
    smtp.clear()

    run(mailing)

    assert [m.recipients for m in smtp.messages] == [[fine.email]]
    failed = Delivery.objects.get(subscriber=refused)
    assert failed.state == DeliveryState.FAILED and failed.error.startswith("550")
    refused.refresh_from_db()
    assert refused.suppression == Suppression.REFUSED and refused.suppressed_at
    assert sending.progress(mailing) == sending.Progress(2, 1, 1, 0, 0)


def test_other_permanent_errors_fail_without_suppressing(smtp, issue, reviewer):
    full = subscribe("full@example.com")
    smtp.answers[full.email] = ["552 5.2.2 Mailbox full"]
    run(mailing_ready(issue, reviewer))
    full.refresh_from_db()
    assert Delivery.objects.get(subscriber=full).state == DeliveryState.FAILED
    assert full.suppressed_at is None


def test_who_left_before_their_turn_is_skipped(smtp, issue, reviewer):
    leaving = subscribe("leaving@example.com")
    staying = subscribe("staying@example.com")
    mailing = mailing_ready(issue, reviewer)
    Subscriber.objects.filter(pk=leaving.pk).update(state=SubscriberState.UNSUBSCRIBED)
    smtp.clear()

    run(mailing)

    assert [m.recipients for m in smtp.messages] == [[staying.email]]
    assert Delivery.objects.get(subscriber=leaving).state == DeliveryState.SKIPPED


def test_a_lost_connection_is_retried_later(issue, reviewer, settings):
    """Nothing listens on the port: the deliveries wait and are tried again, none is lost."""
    from tests.support.smtp import free_port

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 5},
        }
    }
    settings.DIGEST_MAIL_MAX_ATTEMPTS = 2
    reader = subscribe("reader@example.com")
    # The test send needs a server too: it is recorded directly.
    revision = sending.sendable_revision(issue)
    MailTest.objects.create(issue=issue, revision=revision, sent_by=reviewer, recipients=1)
    mailing = sending.start_mailing(issue, by=reviewer, enqueue=False)

    run(mailing)

    delivery = Delivery.objects.get(subscriber=reader)
    # Tried twice (the setting), then failed for a person to see: never silently dropped.
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 2)
    assert "Connection" in delivery.error or "Errno" in delivery.error


def test_the_domain_rate_spaces_the_mails_of_one_domain(smtp, issue, reviewer, settings):
    settings.DIGEST_MAIL_DOMAIN_RATE = 2  # a minute
    for n in range(5):
        subscribe(f"r{n}@qq.example")
    other = subscribe("other@example.com")
    mailing = mailing_ready(issue, reviewer)
    smtp.clear()
    clock = FakeClock()

    run(mailing, clock=clock, batch_size=10)

    # Two to the domain, the other domain's at once, then two a minute.
    order = [message.recipients[0] for message in smtp.messages]
    assert order == ["r0@qq.example", "r1@qq.example", other.email] + [
        f"r{n}@qq.example" for n in (2, 3, 4)
    ]
    # Five mails to one domain at two a minute: two minutes of waiting at least.
    assert sum(clock.sleeps) >= 120


def test_the_global_rate_spaces_every_mail(smtp, issue, reviewer, settings):
    settings.DIGEST_MAIL_RATE = 4  # a second
    for n in range(8):
        subscribe(f"r{n}@example{n}.com")
    mailing = mailing_ready(issue, reviewer)
    clock = FakeClock()
    run(mailing, clock=clock)
    assert sum(clock.sleeps) == pytest.approx(7 / 4)


def test_send_needs_a_test_send_of_the_revision(issue, reviewer):
    with pytest.raises(sending.SendRefused, match="test"):
        sending.start_mailing(issue, by=reviewer, enqueue=False)
    assert not Mailing.objects.exists()


def test_an_issue_is_sent_once_and_a_correction_only_when_asked(issue, reviewer, mailoutbox):
    subscribe("reader@example.com")
    first = mailing_ready(issue, reviewer)
    with pytest.raises(sending.SendRefused, match="already sent"):
        sending.start_mailing(issue, by=reviewer, enqueue=False)
    with pytest.raises(sending.SendRefused, match="already sent"):
        sending.start_mailing(issue, by=reviewer, correction=True, enqueue=False)
    # A corrected revision: still not sent by Send, only by the correction, after its own test.
    revision = publish_correction(issue)
    with pytest.raises(sending.SendRefused, match="test"):
        sending.start_mailing(issue, by=reviewer, correction=True, enqueue=False)
    sending.send_test(issue, by=reviewer, addresses=[reviewer.email])
    with pytest.raises(sending.SendRefused, match="already sent"):
        sending.start_mailing(issue, by=reviewer, enqueue=False)
    correction = sending.start_mailing(issue, by=reviewer, correction=True, enqueue=False)
    assert (correction.revision, correction.correction) == (revision, True)
    assert first.revision != revision
    assert correction.deliveries.count() == 1
    mailoutbox.clear()
    sending.run_mailing(correction.pk, clock=FakeClock())
    (mail,) = mailoutbox
    assert mail.subject.startswith("Correction") or mail.subject.startswith("更正")


def test_a_scheduled_or_unpublished_issue_is_not_sent(reviewer):
    from datetime import timedelta

    from tests.support.factories import make_issue, make_published_issue

    later = make_published_issue(2024, 41, when=timezone.now() + timedelta(days=1))
    draft = make_issue(2024, 42)
    for not_yet in (later, draft):
        with pytest.raises(sending.SendRefused):
            sending.send_test(not_yet, by=reviewer, addresses=[reviewer.email])


def test_pause_stops_the_worker_and_resume_goes_on(smtp, issue, reviewer):
    for n in range(4):
        subscribe(f"r{n}@example.com")
    mailing = mailing_ready(issue, reviewer)
    smtp.clear()

    def pause_after_first_batch(progress):
        sending.pause_mailing(mailing)

    assert run(mailing, batch_size=2, on_progress=pause_after_first_batch) == MailingState.PAUSED
    assert len(smtp.messages) == 2
    assert sending.resume_mailing(mailing, enqueue=False)
    assert not sending.resume_mailing(mailing, enqueue=False)  # not paused any more
    assert run(mailing, batch_size=2) == MailingState.SENT
    assert len(smtp.messages) == 4 == len(set(smtp.message_ids()))


def test_the_test_send_goes_to_the_reviewers_marked_as_a_test(smtp, issue, reviewer):
    test = sending.send_test(issue, by=reviewer, addresses=["a@example.com", "b@example.com"])
    assert test.recipients == 2 and test.revision == issue.revisions.get()
    assert sorted(r for m in smtp.messages for r in m.recipients) == [
        "a@example.com",
        "b@example.com",
    ]
    assert all("[" in m["Subject"] for m in smtp.messages)
    assert not Mailing.objects.exists()


def test_a_refused_test_send_records_nothing(smtp, issue, reviewer):
    smtp.answers["x@example.com"] = ["550 No"]
    with pytest.raises(sending.SendRefused, match="550"):
        sending.send_test(issue, by=reviewer, addresses=["x@example.com"])
    assert not issue.mail_tests.exists()


def test_a_refused_sender_pauses_the_mailing_and_blames_no_reader(smtp, issue, reviewer):
    readers = [subscribe(f"r{n}@example.com") for n in range(3)]
    mailing = mailing_ready(issue, reviewer)
    smtp.clear()
    smtp.sender_answer = "550 5.7.1 Sender not allowed"

    assert run(mailing) == MailingState.PAUSED

    mailing.refresh_from_db()
    assert sending.paused_because(mailing).startswith("550 5.7.1")
    assert sending.progress(mailing) == sending.Progress(3, 0, 0, 0, 3)
    assert not Subscriber.objects.filter(suppressed_at__isnull=False).exists()
    # Fixed, resumed: everyone gets it, once.
    smtp.sender_answer = ""
    sending.resume_mailing(mailing, enqueue=False)
    assert run(mailing) == MailingState.SENT
    assert sorted(m.recipients[0] for m in smtp.messages) == sorted(r.email for r in readers)
    assert sending.paused_because(mailing) == ""


def test_a_refusal_after_the_data_fails_the_mail_but_keeps_the_reader(smtp, issue, reviewer):
    reader = subscribe("reader@example.com")
    mailing = mailing_ready(issue, reviewer)
    original = smtp.handle_DATA

    async def refuse_content(server, session, envelope):
        return "554 5.7.1 Message refused as spam"

    smtp.handle_DATA = refuse_content
    run(mailing)
    smtp.handle_DATA = original
    reader.refresh_from_db()
    assert Delivery.objects.get(subscriber=reader).state == DeliveryState.FAILED
    assert reader.suppressed_at is None
