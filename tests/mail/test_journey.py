"""The whole email journey against a real SMTP server on loopback, through the pages as people
use them: a reader subscribes and confirms from the mail; a reviewer sends the test, then the
issue; the issue's mail arrives once, whole (both parts, every title and URL, the one-click
headers); the reader unsubscribes with one POST from the mail client (no cookies, no CSRF
token); the correction, sent when asked, no longer reaches them."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from editorial.canonical.parse import markdown_to_issue
from editorial.models import Mailing, MailingState, Subscriber, SubscriberState
from tests.support.factories import english_client
from tests.support.mail import publish_correction
from tests.support.subscribers import ask, confirmation_path, unsubscribe_path

# Real commits: the confirmation's and the mailing's tasks run once their rows are committed.
pytestmark = pytest.mark.django_db(transaction=True)


def url(name, issue):
    return reverse(f"editorial:{name}", args=[issue.year, issue.number])


def confirm_from_the_mail(smtp_server, count: int) -> None:
    body = smtp_server.wait_for(count)[-1].get_content()
    reader = Client(enforce_csrf_checks=True)
    path = confirmation_path(body)
    reader.get(path)
    token = reader.cookies["csrftoken"].value
    assert reader.post(path, {"csrfmiddlewaretoken": token}).status_code == 200


def test_subscribe_confirm_send_and_unsubscribe_in_one_click(smtp_server, issue, reviewer):
    ask(Client(enforce_csrf_checks=True), "reader@example.com")
    confirm_from_the_mail(smtp_server, 1)
    ask(Client(enforce_csrf_checks=True), "waiting@example.com")  # never confirms
    smtp_server.wait_for(2)
    assert Subscriber.objects.get(email="reader@example.com").state == SubscriberState.CONFIRMED
    smtp_server.clear()

    desk = english_client()
    desk.force_login(reviewer)
    desk.post(url("mail_test", issue), {"to": "me"})
    [test] = smtp_server.wait_for(1)
    assert test.recipients == [reviewer.email] and test["Subject"].startswith("[Test]")
    smtp_server.clear()
    assert desk.post(url("mail_send", issue)).status_code == 302
    assert Mailing.objects.get().state == MailingState.SENT

    # Exactly one mail, to the confirmed reader only.
    [mail] = smtp_server.wait_for(1)
    assert mail.recipients == ["reader@example.com"]
    assert mail.get_content_type() == "multipart/alternative"
    plain, html = (part.get_content() for part in mail.iter_parts())
    assert [part.get_content_type() for part in mail.iter_parts()] == ["text/plain", "text/html"]
    published = issue.revisions.get().markdown
    data = markdown_to_issue(published, publication=settings.DIGEST_PUBLICATION)
    for section in data.sections:
        for entry in section.entries:
            assert entry.title in plain and entry.url in plain.splitlines()
    assert "<style" not in html and "<script" not in html
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Message-ID"] and mail["Date"]

    # The mail client's Unsubscribe button: one POST, nothing else.
    path = unsubscribe_path(mail["List-Unsubscribe"].strip())
    one_click = Client(enforce_csrf_checks=True).post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert one_click.status_code == 200
    assert Subscriber.objects.get(email="reader@example.com").state == SubscriberState.UNSUBSCRIBED

    # The correction goes out only when asked, and not to who left.
    publish_correction(issue)
    smtp_server.clear()
    desk.post(url("mail_test", issue), {"to": "me"})
    smtp_server.wait_for(1)
    assert desk.post(url("mail_correction", issue)).status_code == 302
    assert Mailing.objects.filter(correction=True).get().state == MailingState.SENT
    assert [m.recipients for m in smtp_server.messages] == [[reviewer.email]]
