"""The whole journey in Chromium, in Chinese and in English: the header's link, the form, the
confirmation link of the mail and its button, the unsubscribe page's button; and axe-core
(WCAG 2.1 AA) on each of these pages, in both colour schemes."""

import pytest
from django.core import mail

from editorial.models import Subscriber, SubscriberState
from editorial.services.subscribers import confirmation_url
from tests.support.browser import AXE, RULES, close_quietly, track_requests, violations
from tests.support.factories import make_published_issue
from tests.support.subscribers import confirmation_path, unsubscribe_path

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"zh-hans": ("", "zh-Hans"), "en": ("/en", "en")}


@pytest.fixture
def visitor(browser, live_server):
    """A page of a visitor who never chose a language (reader pages take it from the URL,
    the unsubscribe page from the subscriber), in its own context; closed afterwards."""
    contexts = []

    def make(scheme="light"):
        context = track_requests(browser.new_context(base_url=live_server.url, color_scheme=scheme))
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        close_quietly(context)


@pytest.mark.parametrize("language", LANGUAGES)
def test_subscribe_confirm_and_unsubscribe(visitor, language):
    prefix, html_lang = LANGUAGES[language]
    make_published_issue(2024, 32)
    page = visitor()

    page.goto(f"{prefix}/")
    page.locator(f'.site-nav a[href="{prefix}/subscribe/"]').click()
    page.wait_for_url(f"**{prefix}/subscribe/")
    assert page.locator("html").get_attribute("lang") == html_lang
    page.locator("#id_email").fill("reader@example.com")
    page.locator("form.subscribe-form button[type=submit]").click()
    page.wait_for_url(f"**{prefix}/subscribe/sent/")
    subscriber = Subscriber.objects.get()
    assert (subscriber.state, subscriber.language) == (SubscriberState.PENDING, language)

    [message] = mail.outbox
    page.goto(confirmation_path(message.body))
    assert page.locator("html").get_attribute("lang") == html_lang
    assert Subscriber.objects.get().state == SubscriberState.PENDING  # opening is not confirming
    page.locator("main form button[type=submit]").click()
    page.locator("main [role=status]").wait_for()
    confirmed = Subscriber.objects.get()
    assert confirmed.state == SubscriberState.CONFIRMED
    assert confirmed.consent_address == "127.0.0.1"

    page.goto(unsubscribe_path(message.extra_headers["List-Unsubscribe"]))
    assert page.locator("html").get_attribute("lang") == html_lang  # the subscriber's language
    assert Subscriber.objects.get().state == SubscriberState.CONFIRMED
    page.locator("main form button[type=submit]").click()
    page.locator("main [role=status]").wait_for()
    assert Subscriber.objects.get().state == SubscriberState.UNSUBSCRIBED


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_subscription_pages_have_no_accessibility_violations(visitor, language, scheme):
    prefix, _lang = LANGUAGES[language]
    subscriber = Subscriber.objects.create(email="reader@example.com", language=language)
    confirm = confirmation_url(subscriber).removeprefix("https://digest.example.org")
    page = visitor(scheme)
    problems = [
        *violations(page, f"{prefix}/subscribe/"),
        *violations(page, f"{prefix}/subscribe/sent/"),
        *violations(page, confirm),
        *violations(page, f"/u/{subscriber.token}/"),
    ]
    # The form with an error, as the server answers an address that is not one.
    page.goto(f"{prefix}/subscribe/")
    page.locator("#id_email").fill("not an address")
    page.locator("form.subscribe-form button[type=submit]").click()
    page.locator("#id_email[aria-invalid=true]").wait_for()
    page.evaluate(AXE)
    problems += page.evaluate(
        "async (rules) => (await axe.run(document, {runOnly: rules})).violations.map(v => v.id)",
        RULES,
    )
    assert problems == []
