"""The inbox in a real browser: the bookmarklet's save page, a paste of ten links, add to
issue by drag and by menu, the same-link flag, a failed fetch's message."""

import pytest

from editorial.models import Entry, InboxItem
from tests.browser.fixtures import log_in
from tests.factories import make_issue, make_user
from tests.inbox.servers import WECHAT_ARTICLE, html, local_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "云原生网关的演进：从 Ingress 到 Gateway API"


@pytest.fixture
def pages():
    routes = {"/s/AbCdEf": html(WECHAT_ARTICLE), "/missing": html("<p>no</p>", status=404)}
    routes.update({f"/n/{n}": html(f"<html><title>第 {n} 篇</title></html>") for n in range(10)})
    routes["/favicon.ico"] = (200, {"Content-Type": "image/x-icon"}, b"")
    routes["/visited"] = html(
        "<html><head><title>别人的页面</title></head><body><p>外部页面</p></body></html>"
    )
    with local_server(routes) as server:
        yield server


def test_collect_and_add_to_issue(new_page, pages):
    make_user("editor", username="ed")
    issue = make_issue(2024, 70)
    first, second = issue.sections.order_by("position")
    page = new_page("editor")
    log_in(page, "ed")
    page.goto("/editorial/inbox/")

    # Save one link: the card fills in with what the page says.
    page.get_by_label("URL", exact=True).fill(pages.url("/s/AbCdEf"))
    page.get_by_role("button", name="Save", exact=True).click()
    article = page.locator(".inbox-card", has_text=TITLE)
    article.wait_for()
    article.get_by_text("本文主要介绍了 Gateway API 的设计与落地实践。").wait_for()
    assert page.get_by_label("URL", exact=True).input_value() == ""

    # A paste of ten links.
    page.get_by_text("Paste many links").click()
    page.get_by_label("Paste links, one per line").fill(
        "\n".join(pages.url(f"/n/{n}") for n in range(10))
    )
    page.get_by_role("button", name="Save all").click()
    page.get_by_text("Saved 10 links.").wait_for()
    for n in range(10):
        page.locator(".inbox-card", has_text=f"第 {n} 篇").wait_for()
    assert page.locator(".inbox-card").count() == 11

    # The same link again is flagged.
    page.get_by_label("URL", exact=True).fill(pages.url("/s/AbCdEf") + "#comments")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator(".inbox-card [data-same-link]").first.wait_for()
    page.reload()
    page.locator(".inbox-card [data-same-link]").first.wait_for()
    assert page.locator(".inbox-card [data-same-link]").count() == 2

    # A failed fetch says why.
    page.get_by_label("URL", exact=True).fill(pages.url("/missing"))
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Could not fetch the page: not found (404).").wait_for()

    # Add to issue by the menu: pick the section.
    card = page.locator(".inbox-card", has_text="第 3 篇")
    card.get_by_label("Add to").select_option(label=second.title)
    card.get_by_role("button", name="Add to issue").click()
    card = page.locator(".inbox-card", has_text="第 3 篇")
    card.get_by_text("Added to").wait_for()
    entry = Entry.objects.get(title="第 3 篇")
    assert entry.section == second
    assert (
        card.get_by_role("link", name=f"{issue.label} · {second.title}")
        .get_attribute("href")
        .endswith(f"#entry-{entry.pk}")
    )

    # Add to issue by drag: the card dropped on a section.
    card = page.locator(".inbox-card", has_text="第 5 篇")
    # Held by its edge (its middle may be a form control, which a mouse would not drag); the
    # sections stay in view beside the list, so nothing scrolls while the button is down.
    card.evaluate("node => node.scrollIntoView({block: 'center'})")
    card.drag_to(
        page.locator(f"[data-drop-section='{first.pk}']"), source_position={"x": 4, "y": 4}
    )
    page.locator(".inbox-card", has_text="第 5 篇").get_by_text("Added to").wait_for()
    assert Entry.objects.get(title="第 5 篇").section == first
    assert InboxItem.objects.filter(state="used").count() == 2


def test_the_bookmarklet_opens_our_save_page(new_page, pages):
    make_user("editor", username="ed")
    page = new_page("editor")
    log_in(page, "ed")
    page.goto("/editorial/inbox/")
    page.get_by_text("Save from any page: the bookmarklet").click()
    code = page.get_by_role("link", name="Save to inbox").get_attribute("href")
    assert code.startswith("javascript:")

    # On someone else's page, the bookmark runs: it reads the address and title only.
    visited = new_page("visited")
    visited.context.add_cookies(page.context.cookies())
    visited.goto(pages.url("/visited"))
    with visited.expect_popup() as opened:
        visited.evaluate(code.removeprefix("javascript:"))
    popup = opened.value
    popup.wait_for_load_state()
    assert "/editorial/inbox/save/" in popup.url
    assert popup.get_by_label("URL", exact=True).input_value() == pages.url("/visited")
    assert popup.get_by_label("Title (optional: the page's own is fetched)").input_value() == (
        "别人的页面"
    )
    popup.get_by_role("button", name="Save", exact=True).click()
    popup.get_by_text("Saved to the inbox.").wait_for()
    popup.get_by_role("button", name="Close this window").wait_for()
    item = InboxItem.objects.get()
    assert (item.url, item.title) == (pages.url("/visited"), "别人的页面")


def test_a_card_fills_in_when_the_worker_has_fetched_its_page(new_page, pages, settings):
    """With a real queue (nothing runs the task here), the saved card says it is fetching and
    keeps asking; once the page is fetched, the card shows it without a reload."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    make_user("editor", username="ed")
    page = new_page("editor")
    log_in(page, "ed")
    page.goto("/editorial/inbox/")
    page.get_by_label("URL", exact=True).fill(pages.url("/s/AbCdEf"))
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Fetching the page…").wait_for()
    from editorial.services.inbox import inbox_fill_from_page

    inbox_fill_from_page(InboxItem.objects.get().pk)  # what the worker does
    page.locator(".inbox-card", has_text=TITLE).wait_for()
    assert page.get_by_text("Fetching the page…").count() == 0


def test_the_summary_draft_fills_the_field(new_page, pages, settings):
    import json

    body = json.dumps({"choices": [{"message": {"content": "本文主要介绍了网关。"}}]}).encode()
    pages.routes["/v1/chat/completions"] = (200, {"Content-Type": "application/json"}, body)
    settings.DIGEST_SUMMARY_API_URL = pages.url("/v1/chat/completions")
    settings.DIGEST_SUMMARY_MODEL = "house-model"
    make_user("editor", username="ed")
    issue = make_issue(2024, 71)
    entry = Entry.objects.filter(section__issue=issue).first()
    entry.url = pages.url("/s/AbCdEf")
    entry.save()
    page = new_page("editor")
    log_in(page, "ed")
    page.goto(f"/editorial/entries/{entry.pk}/edit/")
    page.get_by_role("button", name="Draft a summary").click()
    page.get_by_text("Draft filled in").wait_for()
    assert page.get_by_label("Summary").input_value() == "本文主要介绍了网关。"
    assert Entry.objects.get(pk=entry.pk).summary != "本文主要介绍了网关。"  # nothing saved


def test_refusals_are_shown_by_the_one_protocol(new_page, browser_errors, pages):
    """A refused save and a refused add (422) are swapped in by the pages' htmx
    responseHandling, with no error script of the inbox's own."""
    browser_errors.expected_statuses.add(422)
    make_user("editor", username="ed")
    issue = make_issue(2024, 71)
    page = new_page("editor")
    log_in(page, "ed")
    page.goto("/editorial/inbox/")
    page.get_by_label("URL", exact=True).fill("javascript:alert(1)")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator("#inbox-save-form .field__error").wait_for()
    assert page.get_by_label("URL", exact=True).input_value() == "javascript:alert(1)"
    assert InboxItem.objects.count() == 0

    page.get_by_label("URL", exact=True).fill(pages.url("/visited"))
    page.get_by_role("button", name="Save", exact=True).click()
    card = page.locator(".inbox-card", has_text="别人的页面")
    card.wait_for()
    first = issue.sections.order_by("position").first()
    card.get_by_label("Add to").select_option(label=first.title)
    issue.sections.all().delete()  # the sections offered are gone meanwhile
    card.get_by_role("button", name="Add to issue").click()
    page.locator("#inbox-notice [role=alert]").wait_for()
    assert Entry.objects.count() == 0
    page.locator("#inbox-notice").get_by_role("button", name="Dismiss").click()
    page.locator("#inbox-notice [role=alert]").wait_for(state="detached")
