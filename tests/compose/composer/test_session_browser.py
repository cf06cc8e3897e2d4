"""A session that ends, or a CSRF token that changes, while an editor types: the page stays with
every open form and its text, says what happened, offers to sign in again in a window of its own,
and the next press saves (views/accounts.py, static/js/session.js)."""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from editorial.models import Entry
from tests.support.browser import log_in
from tests.support.factories import make_issue, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPOSER = "/editorial/issues/2024/33/"
# ms: a sign-in is a login page, a post, a redirect and a page in another window; a loaded
# machine takes its time over them.
SIGN_IN = 30_000
TYPED = "会话结束时正在输入的标题"


@pytest.fixture
def issue():
    return make_issue(2024, 33, author=make_user("editor", username="ed"), entries_per_section=2)


@pytest.fixture
def editing(new_page, issue, browser_errors):
    """Ed's composer with an entry's edit form open and a title typed, not saved."""
    browser_errors.expected_statuses.update({401, 403})
    page = new_page("ed")
    log_in(page, "ed")
    page.goto(COMPOSER)
    page.locator("li.composer-entry").first.locator(":scope > p").click(position={"x": 200, "y": 5})
    title = page.locator("li.composer-entry--editing").get_by_label("Title", exact=True)
    title.fill(TYPED)
    return page


def poll_now(page):
    page.evaluate("document.body.dispatchEvent(new Event('composer-poll'))")


def test_a_session_ended_on_the_server_keeps_the_form_and_saves_after_signing_in(editing):
    page = editing
    Session.objects.all().delete()  # signed out elsewhere, or expired
    poll_now(page)
    notice = page.locator("#session-notice")
    expect(notice).to_contain_text("You were signed out")
    # Nothing went: the page, the open form and the text are all still there.
    assert page.url.endswith(COMPOSER)
    title = page.locator("li.composer-entry--editing").get_by_label("Title", exact=True)
    expect(title).to_have_value(TYPED)
    # Saving now sends nothing: the notice's sign-in link takes the focus.
    title.press("Control+Enter")
    expect(notice.get_by_role("link", name="Sign in again")).to_be_focused()
    assert not Entry.objects.filter(title=TYPED).exists()
    # Signing in again happens in a window of its own, which closes itself at the end.
    with page.expect_popup() as opened:
        notice.get_by_role("link", name="Sign in again").click()
    popup = opened.value
    popup.get_by_label("User name").fill("ed")
    popup.get_by_label("Password").fill("pw")
    popup.get_by_role("button", name="Log in").click()
    expect(notice).to_contain_text("You are signed in again", timeout=SIGN_IN)
    if not popup.is_closed():
        popup.wait_for_event("close", timeout=SIGN_IN)
    expect(title).to_have_value(TYPED)
    title.press("Control+Enter")
    expect(page.locator("li.composer-entry").get_by_role("heading", name=TYPED)).to_be_visible()
    assert Entry.objects.filter(title=TYPED).count() == 1


def test_a_token_changed_by_another_tab_keeps_the_form_and_the_next_press_saves(editing):
    page = editing
    # A second tab of the same browser signs out and in again: the CSRF token changes.
    other = page.context.new_page()
    other.goto("/editorial/")
    other.get_by_role("button", name="Log out").click()
    log_in(other, "ed")
    other.close()
    title = page.locator("li.composer-entry--editing").get_by_label("Title", exact=True)
    title.press("Control+Enter")
    notice = page.locator("#session-notice")
    expect(notice).to_contain_text("You are signed in again")
    expect(title).to_have_value(TYPED)
    assert not Entry.objects.filter(title=TYPED).exists()
    title.press("Control+Enter")
    expect(page.locator("li.composer-entry").get_by_role("heading", name=TYPED)).to_be_visible()
    assert Entry.objects.filter(title=TYPED).count() == 1


def test_background_requests_stop_while_signed_out(editing):
    page = editing
    page.evaluate(
        """() => {
          window.digestSent = 0;
          document.addEventListener("htmx:beforeSend", () => { window.digestSent += 1; });
        }"""
    )
    Session.objects.all().delete()
    poll_now(page)
    expect(page.locator("#session-notice")).to_contain_text("You were signed out")
    sent = page.evaluate("window.digestSent")
    poll_now(page)  # held: it asks the server whether the person is back, and sends nothing
    assert page.evaluate("window.digestSent") == sent


def test_a_refusal_with_debug_on_stays_in_the_page(new_page, issue, settings, browser_errors):
    """django-htmx's debug handler would replace the whole page with a 403/404 answer."""
    settings.DEBUG = True
    browser_errors.expected_statuses.add(404)
    page = new_page("ed")
    log_in(page, "ed")
    page.goto(COMPOSER)
    first = Entry.objects.filter(section__issue=issue).order_by("section__position", "position")[0]
    page.locator(f"#entry-{first.pk} > p").click(position={"x": 200, "y": 5})
    title = page.locator("li.composer-entry--editing").get_by_label("Title", exact=True)
    title.fill(TYPED)
    gone = first.pk
    first.delete()  # a colleague deletes it, and Ed opens its menu elsewhere: the entry is gone
    page.evaluate(
        "(pk) => htmx.ajax('GET', `/editorial/entries/${pk}/menu/`, {source: '#composer-sections',"
        " target: '#composer-notice', swap: 'innerHTML'})",
        gone,
    )
    expect(page.locator("#composer-notice")).to_contain_text("no longer there")
    expect(title).to_have_value(TYPED)
    assert page.url.endswith(COMPOSER)
