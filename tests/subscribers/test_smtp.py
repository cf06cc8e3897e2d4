"""Subscribing against a real SMTP server on loopback (aiosmtpd): the confirmation mail
arrives with its headers, and its links confirm and unsubscribe."""

import re

import pytest
from django.test import Client

from editorial.models import Subscriber, SubscriberState
from tests.support.subscribers import ask, confirmation_path, unsubscribe_path

# A real commit: the mail task runs once the ask is committed, as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def test_the_confirmation_arrives_over_smtp_with_its_headers(smtp_server):
    response = ask(Client(enforce_csrf_checks=True), "reader@example.com", prefix="/en")
    assert response.status_code == 303

    [message] = smtp_server.wait_for(1)
    [received] = smtp_server.received
    assert received.recipients == ["reader@example.com"]
    subscriber = Subscriber.objects.get()
    assert message["To"] == "reader@example.com"
    # Folded after its name on the wire (the line is long): unfolded, the one address.
    assert (
        message["List-Unsubscribe"].strip() == f"<https://digest.example.org/u/{subscriber.token}/>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<[^@>]+@digest\.example\.org>", message["Message-ID"])
    assert message["Date"]
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    body = message.get_content()
    assert "valid for 7 days" in body

    client = Client(enforce_csrf_checks=True)
    path = confirmation_path(body)
    client.get(path)
    token = client.cookies["csrftoken"].value
    assert client.post(path, {"csrfmiddlewaretoken": token}).status_code == 200
    assert Subscriber.objects.get().state == SubscriberState.CONFIRMED

    one_click = Client(enforce_csrf_checks=True).post(
        unsubscribe_path(message["List-Unsubscribe"].strip()),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert one_click.status_code == 200
    assert Subscriber.objects.get().state == SubscriberState.UNSUBSCRIBED


def test_a_refused_recipient_leaves_the_ask_answered_the_same(smtp_server):
    """The mail goes out from the task worker: the server refusing it changes nothing of the
    answer the visitor gets."""
    smtp_server.answer = "550 5.1.1 No such user"
    response = ask(Client(), "nobody@example.com")
    assert (response.status_code, response["Location"]) == (303, "/subscribe/sent/")
    assert smtp_server.received == []
