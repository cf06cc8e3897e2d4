"""One-click unsubscribe (RFC 8058) at /u/TOKEN/: a POST with no cookie and no CSRF token ends
the subscription at once (200, safe to repeat); a GET only shows the button; an unknown token
is a page that says so (404) and changes nothing."""

import pytest
from django.test import Client

from editorial.models import Subscriber, SubscriberState
from editorial.outbox import ONE_CLICK, unsubscribe_url

pytestmark = pytest.mark.django_db


def make_subscriber(email="reader@example.com", **fields) -> Subscriber:
    fields.setdefault("state", SubscriberState.CONFIRMED)
    return Subscriber.objects.create(email=email, **fields)


def path_of(subscriber) -> str:
    url = unsubscribe_url(subscriber)
    assert url == f"https://digest.example.org/u/{subscriber.token}/"
    return url.removeprefix("https://digest.example.org")


def one_click(client, path):
    """What a mail client's Unsubscribe button sends: a form-encoded POST, nothing else."""
    return client.post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")


def test_the_one_click_post_unsubscribes_without_cookie_or_token():
    subscriber = make_subscriber()
    client = Client(enforce_csrf_checks=True)
    response = one_click(client, path_of(subscriber))
    assert response.status_code == 200
    assert not client.cookies  # nothing was asked of it, nothing set
    subscriber.refresh_from_db()
    assert subscriber.state == SubscriberState.UNSUBSCRIBED
    assert subscriber.unsubscribed_at is not None
    assert Subscriber.objects.receiving().count() == 0


def test_repeating_it_changes_nothing_more():
    subscriber = make_subscriber()
    client = Client(enforce_csrf_checks=True)
    first = one_click(client, path_of(subscriber))
    when = Subscriber.objects.get().unsubscribed_at
    for _ in range(2):
        again = one_click(client, path_of(subscriber))
        assert again.status_code == 200
        assert again.content == first.content
    assert Subscriber.objects.get().unsubscribed_at == when


def test_a_pending_subscription_ends_too():
    """The confirmation mail's own List-Unsubscribe works (unlike listmonk #3063)."""
    subscriber = make_subscriber(state=SubscriberState.PENDING)
    assert one_click(Client(enforce_csrf_checks=True), path_of(subscriber)).status_code == 200
    assert Subscriber.objects.get().state == SubscriberState.UNSUBSCRIBED


def test_a_post_without_the_rfc_body_unsubscribes_as_well():
    """Some clients send no body; the token in the address is what counts."""
    subscriber = make_subscriber()
    assert Client(enforce_csrf_checks=True).post(path_of(subscriber)).status_code == 200
    assert Subscriber.objects.get().state == SubscriberState.UNSUBSCRIBED


def test_get_shows_one_button_and_changes_nothing():
    subscriber = make_subscriber(language="en")
    client = Client(enforce_csrf_checks=True)
    page = client.get(path_of(subscriber))
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('type="submit"') == 1
    assert '<input type="hidden" name="List-Unsubscribe" value="One-Click">' in text
    assert "Stop sending" in text  # the subscriber's language: English
    assert page["Content-Language"] == "en"
    assert "no-store" in page["Cache-Control"]
    assert Subscriber.objects.get().state == SubscriberState.CONFIRMED
    # The page's own button posts what the mail client posts.
    pressed = client.post(path_of(subscriber), {"List-Unsubscribe": "One-Click"})
    assert pressed.status_code == 200
    assert "You are unsubscribed" in pressed.content.decode()
    assert Subscriber.objects.get().state == SubscriberState.UNSUBSCRIBED


def test_the_page_speaks_the_subscribers_language_unless_the_visitor_chose():
    subscriber = make_subscriber(language="zh-hans")
    assert Client().get(path_of(subscriber))["Content-Language"] == "zh-hans"
    chose = Client()
    chose.cookies["django_language"] = "en"
    assert chose.get(path_of(subscriber))["Content-Language"] == "en"
    other = Client()
    other.cookies["django_language"] = "fr"  # not a language of the site
    assert other.get(path_of(subscriber))["Content-Language"] == "zh-hans"


@pytest.mark.parametrize("token", ["forged", "x" * 43, "y" * 300])
def test_an_unknown_token_is_a_clear_page_and_changes_nothing(token):
    make_subscriber()
    client = Client(enforce_csrf_checks=True)
    client.cookies["django_language"] = "en"
    for response in (client.get(f"/u/{token}/"), one_click(client, f"/u/{token}/")):
        assert response.status_code == 404
        assert "This unsubscribe link is not known" in response.content.decode()
    assert Subscriber.objects.get().state == SubscriberState.CONFIRMED


def test_the_address_is_not_language_prefixed():
    subscriber = make_subscriber()
    assert Client().get(f"/en/u/{subscriber.token}/").status_code == 404
