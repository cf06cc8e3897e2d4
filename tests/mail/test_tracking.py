"""The providers' tracking events (django-anymail's signal, as its webhooks send it): a
complaint or hard bounce suppresses at once, soft bounces after DIGEST_MAIL_SOFT_BOUNCES in a
row, a delivery resets the count; the event finds its delivery by our Message-ID (the metadata
sent with it), the provider's message id, or the recipient's address."""

import pytest
from anymail.signals import AnymailTrackingEvent, tracking

from editorial.models import Delivery, Suppression
from tests.support.mail import FakeClock, mailing_ready, subscribe

pytestmark = pytest.mark.django_db


def event(event_type, **fields):
    tracking.send(
        sender=object, event=AnymailTrackingEvent(event_type=event_type, **fields), esp_name="Test"
    )


@pytest.fixture
def sent(issue, reviewer, mailoutbox):
    """A reader, and the delivery of the issue to them (through the test mailer)."""
    from editorial.mail.sending import run_mailing

    reader = subscribe("reader@example.com")
    mailing = mailing_ready(issue, reviewer)
    run_mailing(mailing.pk, clock=FakeClock())
    return reader, Delivery.objects.get(subscriber=reader)


def test_a_complaint_suppresses_at_once(sent):
    reader, delivery = sent
    event("complained", metadata={"digest_message_id": delivery.message_id})
    reader.refresh_from_db()
    assert reader.suppression == Suppression.COMPLAINT and reader.suppressed_at


def test_a_hard_bounce_suppresses_at_once_found_by_the_providers_id(sent):
    reader, delivery = sent
    Delivery.objects.filter(pk=delivery.pk).update(provider_message_id="esp-123")
    event("bounced", message_id="esp-123", recipient="someone-else@example.com")
    reader.refresh_from_db()
    assert reader.suppression == Suppression.HARD_BOUNCE


def test_an_event_without_ids_finds_the_address(sent):
    reader, _delivery = sent
    event("bounced", recipient="reader@EXAMPLE.com")  # the domain's case does not matter
    reader.refresh_from_db()
    assert reader.suppression == Suppression.HARD_BOUNCE


def test_soft_bounces_suppress_after_the_setting_in_a_row_and_delivery_resets(sent, settings):
    settings.DIGEST_MAIL_SOFT_BOUNCES = 3
    reader, delivery = sent
    ours = {"metadata": {"digest_message_id": delivery.message_id}}
    event("deferred", **ours)
    event("deferred", **ours)
    event("delivered", **ours)
    reader.refresh_from_db()
    assert (reader.soft_bounces, reader.suppressed_at) == (0, None)
    for _ in range(3):
        event("deferred", **ours)
    reader.refresh_from_db()
    assert reader.soft_bounces == 3 and reader.suppression == Suppression.SOFT_BOUNCES


def test_events_about_nobody_we_know_change_nothing(sent):
    reader, _delivery = sent
    event("complained", message_id="unknown", recipient="stranger@example.com")
    event("bounced")
    reader.refresh_from_db()
    assert reader.suppressed_at is None


def test_a_suppressed_reader_gets_no_further_issue(sent, reviewer, mailoutbox):
    from editorial.mail.sending import run_mailing
    from tests.support.mail import publish_correction

    reader, delivery = sent
    event("complained", metadata={"digest_message_id": delivery.message_id})
    issue = delivery.mailing.issue
    publish_correction(issue)
    correction = mailing_ready(issue, reviewer, correction=True)
    mailoutbox.clear()
    run_mailing(correction.pk, clock=FakeClock())
    assert mailoutbox == [] and correction.deliveries.count() == 0


def test_anymails_test_webhook_payload_reaches_the_receiver(sent, client, settings):
    """anymail's own webhook view (here its Postmark one, with its documented payload) sends the
    signal the receiver listens to: the wiring as in production."""
    reader, delivery = sent
    settings.ANYMAIL = {"WEBHOOK_SECRET": "user:pass"}
    settings.ROOT_URLCONF = "tests.support.mail_anymail_urls"
    payload = {
        "RecordType": "SpamComplaint",
        "MessageID": "esp-777",
        "Email": "reader@example.com",
        "BouncedAt": "2024-01-01T00:00:00Z",
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "Tag": "",
        "Metadata": {"digest_message_id": delivery.message_id},
    }
    response = client.post(
        "/anymail/postmark/tracking/",
        payload,
        content_type="application/json",
        HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz",
    )
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.suppression == Suppression.COMPLAINT
