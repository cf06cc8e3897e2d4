"""Subscribing: the form, the confirmation mail, confirming with the signed link (double opt-in),
and the abuse rules (no enumeration, the honeypot, the rate limits, nothing stored when
refused)."""

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client

from editorial.models import Subscriber, SubscriberState
from editorial.models.mail import Suppression
from editorial.services.subscribers import CONFIRMATION_VALIDITY
from tests.support.smtp import free_port
from tests.support.subscribers import ask, confirmation_path, unsubscribe_path

pytestmark = pytest.mark.django_db

SITE = "https://digest.example.org"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()  # the per-client counters of other tests
    yield
    cache.clear()


@pytest.fixture
def sending(django_capture_on_commit_callbacks):
    """Run what a request queues after its commit (the mail task, immediate in tests)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def subscribe(client, email, sending, **kwargs):
    with sending():
        return ask(client, email, **kwargs)


def test_the_page_has_the_form_and_explains_the_feed():
    response = Client().get("/subscribe/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="email"' in page and 'name="csrfmiddlewaretoken"' in page
    assert 'href="/feed.xml"' in page
    assert response["Content-Language"] == "zh-hans"
    english = Client().get("/en/subscribe/")
    assert english["Content-Language"] == "en"
    assert "Or follow the feed" in english.content.decode()


def test_the_form_page_is_never_kept_by_a_shared_cache():
    """Each visitor gets their own CSRF token: the page is private, no-store, whatever the
    reader cache does with reader pages."""
    first, second = Client().get("/subscribe/"), Client().get("/subscribe/")
    for response in (first, second):
        assert "no-store" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
    token = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
    assert token.search(first.content)[1] != token.search(second.content)[1]


def test_every_reader_page_links_to_the_subscribe_page():
    for path, link in (("/", 'href="/subscribe/"'), ("/en/issues/", 'href="/en/subscribe/"')):
        page = Client().get(path).content.decode()
        assert link in page, path
        assert '<a href="/feed.xml">订阅</a>' not in page


def test_subscribing_sends_a_confirmation_mail_with_the_unsubscribe_headers(sending):
    response = subscribe(Client(), "Reader@Example.COM", sending)
    assert (response.status_code, response["Location"]) == (303, "/subscribe/sent/")
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "Reader@Example.COM"
    assert subscriber.email_key == "Reader@example.com"
    assert (subscriber.state, subscriber.language) == (SubscriberState.PENDING, "zh-hans")
    assert subscriber.consent_source == "form"
    assert subscriber.confirmed_at is None and subscriber.confirmation_sent_at is not None

    [message] = mail.outbox
    assert message.to == ["Reader@Example.COM"]
    headers = message.message()
    assert headers["List-Unsubscribe"] == f"<{SITE}/u/{subscriber.token}/>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(r"<[^@>]+@digest\.example\.org>", headers["Message-ID"])
    assert headers["Date"]
    assert settings.DIGEST_PUBLICATION in message.subject
    assert "退订：" in message.body  # the subscriber's language (Chinese: unprefixed page)
    path = confirmation_path(message.body)
    assert path.startswith("/subscribe/confirm/")
    assert f"{SITE}{path}" in message.body
    assert f"{SITE}/u/{subscriber.token}/" in message.body  # the footer's unsubscribe
    assert "7" in message.body


def test_an_english_page_asks_in_english(sending):
    subscribe(Client(), "en@example.com", sending, prefix="/en")
    subscriber = Subscriber.objects.get()
    assert subscriber.language == "en"
    [message] = mail.outbox
    assert message.subject.startswith("Confirm your subscription")
    assert confirmation_path(message.body).startswith("/en/subscribe/confirm/")
    assert "valid for 7 days" in message.body


def test_the_link_opens_a_page_with_one_button_and_confirms_only_on_post(sending):
    subscribe(Client(), "reader@example.com", sending)
    path = confirmation_path(mail.outbox[0].body)
    client = Client(enforce_csrf_checks=True)
    page = client.get(path)  # what a mail scanner does
    assert page.status_code == 200
    assert page.content.decode().count('type="submit"') == 1  # one button
    assert Subscriber.objects.get().state == SubscriberState.PENDING

    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    confirmed = client.post(path, {"csrfmiddlewaretoken": token}, REMOTE_ADDR="203.0.113.9")
    assert confirmed.status_code == 200
    subscriber = Subscriber.objects.get()
    assert subscriber.state == SubscriberState.CONFIRMED
    assert subscriber.consent_address == "203.0.113.9"
    assert subscriber.consent_source == "form"
    assert subscriber.confirmed_at is not None
    assert Subscriber.objects.receiving().count() == 1

    again = client.post(path, {"csrfmiddlewaretoken": token}, REMOTE_ADDR="198.51.100.1")
    assert again.status_code == 200
    assert Subscriber.objects.get().consent_address == "203.0.113.9"  # the first consent kept


def test_confirming_needs_the_csrf_token(sending):
    subscribe(Client(), "reader@example.com", sending)
    path = confirmation_path(mail.outbox[0].body)
    assert Client(enforce_csrf_checks=True).post(path).status_code == 403
    assert Subscriber.objects.get().state == SubscriberState.PENDING


def later(monkeypatch, seconds: float) -> None:
    """Move the clock signatures are checked with `seconds` ahead (no sleeping)."""
    real = time.time
    monkeypatch.setattr(signing, "time", SimpleNamespace(time=lambda: real() + seconds))


def test_a_link_expires_after_seven_days(sending, monkeypatch):
    subscribe(Client(), "reader@example.com", sending)
    path = confirmation_path(mail.outbox[0].body)
    week = CONFIRMATION_VALIDITY.total_seconds()
    later(monkeypatch, week - 60)
    assert Client().get(path).status_code == 200  # still valid a minute before
    later(monkeypatch, week + 1)
    for response in (Client().get(path), Client().post(path)):
        assert response.status_code == 410
        assert "expired" in response.content.decode() or "过期" in response.content.decode()
    assert Subscriber.objects.get().state == SubscriberState.PENDING


@pytest.mark.parametrize(
    "mangle",
    [
        lambda s: s[:-1] + ("A" if s[-1] != "A" else "B"),  # the signature's last character
        lambda s: signing.dumps(1, salt="another.salt"),  # signed, but for something else
        lambda s: "not-a-signature",
    ],
)
def test_a_forged_link_changes_nothing(sending, mangle):
    subscribe(Client(), "reader@example.com", sending)
    path = confirmation_path(mail.outbox[0].body)
    signature = path.rstrip("/").rsplit("/", 1)[1]
    forged = path.replace(signature, mangle(signature))
    for response in (Client().get(forged), Client().post(forged)):
        assert response.status_code == 404
        assert "This link does not work" in Client().get("/en" + forged).content.decode()
    assert Subscriber.objects.get().state == SubscriberState.PENDING


def test_a_link_to_a_subscription_that_ended_no_longer_confirms(sending):
    subscribe(Client(), "reader@example.com", sending)
    message = mail.outbox[0]
    Client().post(unsubscribe_path(message.extra_headers["List-Unsubscribe"]))
    response = Client().post(confirmation_path(message.body))
    assert response.status_code == 410
    assert Subscriber.objects.get().state == SubscriberState.UNSUBSCRIBED


# No enumeration


def _normalised(response) -> tuple[int, str, bytes]:
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)
    return response.status_code, response.get("Location", ""), body


def test_known_and_unknown_addresses_get_the_same_answer(sending):
    subscribe(Client(), "known@example.com", sending, prefix="/en")
    confirmed = Subscriber.objects.get()
    confirmed.state = SubscriberState.CONFIRMED
    confirmed.save()
    mail.outbox.clear()
    Subscriber.objects.update(confirmation_sent_at=None)

    answers = {}
    for email in ("known@example.com", "new@example.com"):
        client = Client(enforce_csrf_checks=True)
        response = subscribe(client, email, sending)
        answers[email] = (_normalised(response), _normalised(client.get(response["Location"])))
    assert answers["known@example.com"] == answers["new@example.com"]
    # The confirmed address got a notice, not a confirmation, and stays confirmed.
    notice = next(m for m in mail.outbox if m.to == ["known@example.com"])
    assert notice.subject.startswith("You are already subscribed")  # in their language
    assert Subscriber.objects.get(email="known@example.com").state == SubscriberState.CONFIRMED


def test_no_second_mail_to_an_address_within_the_interval(sending):
    client = Client()
    for _ in range(3):
        assert subscribe(client, "reader@example.com", sending)["Location"] == "/subscribe/sent/"
    assert len(mail.outbox) == 1
    # Once the interval is over, asking again sends a new confirmation.
    interval = timedelta(seconds=settings.DIGEST_SUBSCRIBE_MAIL_INTERVAL)
    sent_at = Subscriber.objects.get().confirmation_sent_at
    Subscriber.objects.update(confirmation_sent_at=sent_at - interval)
    subscribe(client, "reader@example.com", sending)
    assert len(mail.outbox) == 2


def test_a_suppressed_address_gets_the_same_answer_and_no_mail(sending):
    subscribe(Client(), "bounced@example.com", sending)
    Subscriber.objects.update(
        suppression=Suppression.HARD_BOUNCE,
        suppressed_at=Subscriber.objects.get().created_at,
        confirmation_sent_at=None,
        state=SubscriberState.UNSUBSCRIBED,
    )
    mail.outbox.clear()
    response = subscribe(Client(), "bounced@example.com", sending)
    assert (response.status_code, response["Location"]) == (303, "/subscribe/sent/")
    assert mail.outbox == []
    assert Subscriber.objects.get().state == SubscriberState.UNSUBSCRIBED


# Refused asks store nothing


def test_the_honeypot_gets_the_same_answer_and_nothing_is_stored(sending):
    response = subscribe(Client(), "robot@example.com", sending, website="http://spam.example")
    assert (response.status_code, response["Location"]) == (303, "/subscribe/sent/")
    assert Subscriber.objects.count() == 0
    assert mail.outbox == []


def test_the_honeypot_is_hidden_from_people():
    page = Client().get("/subscribe/").content.decode()
    hidden = re.search(r"<div hidden>(.*?)</div>\s*<button", page, re.S)
    assert hidden and 'name="website"' in hidden[1]
    assert page.count('name="website"') == 1


@pytest.mark.parametrize("email", ["", "not an address", "a@", "x" * 250 + "@example.com"])
def test_an_invalid_address_is_refused_with_a_message(sending, email):
    response = subscribe(Client(), email, sending)
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.content.decode()
    assert Subscriber.objects.count() == 0 and mail.outbox == []


def test_too_many_asks_from_one_client_address_are_refused(sending, settings):
    settings.DIGEST_SUBSCRIBE_CLIENT_LIMIT = 3
    client = Client()
    for number in range(3):
        response = subscribe(client, f"r{number}@example.com", sending, REMOTE_ADDR="192.0.2.7")
        assert response.status_code == 303
    refused = subscribe(client, "r9@example.com", sending, REMOTE_ADDR="192.0.2.7")
    assert refused.status_code == 429
    assert "no-store" in refused["Cache-Control"]
    assert not Subscriber.objects.filter(email="r9@example.com").exists()
    assert len(mail.outbox) == 3
    # Another address is not held back by that one.
    other = subscribe(client, "r9@example.com", sending, REMOTE_ADDR="192.0.2.8")
    assert other.status_code == 303
    # The address is read as editorial.clients reads it: a port does not make it another.
    again = subscribe(client, "r8@example.com", sending, REMOTE_ADDR="192.0.2.7:5555")
    assert again.status_code == 429


def test_with_the_cache_down_the_client_limit_fails_open_and_the_address_limit_holds(
    sending, settings
):
    """Redis down (nothing listens on its port): the cache answers as a miss
    (editorial.reader.cache_backend), nothing is counted and every ask goes through, and an
    address is still mailed once per interval (the database keeps that)."""
    settings.DIGEST_CACHE_RETRY_SECONDS = 600  # one failure, then left alone: no waiting
    settings.CACHES = {
        "default": {
            "BACKEND": "editorial.reader.cache_backend.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.DIGEST_SUBSCRIBE_CLIENT_LIMIT = 1
    client = Client()
    for _ in range(3):
        assert subscribe(client, "reader@example.com", sending).status_code == 303
    assert subscribe(client, "other@example.com", sending).status_code == 303
    assert sorted(m.to[0] for m in mail.outbox) == ["other@example.com", "reader@example.com"]


def test_subscribing_again_after_unsubscribing_asks_for_a_new_confirmation(sending):
    subscribe(Client(), "reader@example.com", sending)
    path = confirmation_path(mail.outbox[0].body)
    Client().post(path)
    Client().post(unsubscribe_path(mail.outbox[0].extra_headers["List-Unsubscribe"]))
    assert Subscriber.objects.get().state == SubscriberState.UNSUBSCRIBED
    Subscriber.objects.update(confirmation_sent_at=None)  # the interval is over

    subscribe(Client(), "reader@example.com", sending, prefix="/en")
    subscriber = Subscriber.objects.get()
    assert (subscriber.state, subscriber.language) == (SubscriberState.PENDING, "en")
    assert Subscriber.objects.receiving().count() == 0
    Client().post(confirmation_path(mail.outbox[-1].body))
    assert Subscriber.objects.receiving().count() == 1
