"""The inbox in a real browser: the bookmarklet's save page, a paste of ten links, add to
issue by drag and by menu, the same-link flag, a failed fetch's message."""

import datetime
import re
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import expect

from editorial.inbox.services.items import inbox_fill_from_page
from editorial.models import Entry, InboxItem, IssueStatus
from tests.support.browser import holding, log_in
from tests.support.factories import make_issue, make_user
from tests.support.page_servers import WECHAT_ARTICLE, html, local_server

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
    card.get_by_label("Add to").select_option(value=str(second.pk))
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
    card.get_by_label("Add to").select_option(value=str(first.pk))
    issue.sections.all().delete()  # the sections offered are gone meanwhile
    card.get_by_role("button", name="Add to issue").click()
    page.locator("#inbox-notice [role=alert]").wait_for()
    assert Entry.objects.count() == 0
    page.locator("#inbox-notice").get_by_role("button", name="Dismiss").click()
    page.locator("#inbox-notice [role=alert]").wait_for(state="detached")


def test_add_to_defaults_to_this_weeks_draft_and_the_counts_follow(new_page, pages):
    """Last week's issue, still in review, is numbered ahead of this week's draft: the card's
    Add to names both with their states and starts on the draft. The tabs' counts follow a
    save, a paste, a set-aside, an add and a restore without a reload."""
    make_user("editor", username="ed")
    make_issue(2024, 34, status=IssueStatus.IN_REVIEW)
    draft = make_issue(2024, 33)
    page = new_page("editor")
    log_in(page, "ed")
    page.goto("/editorial/inbox/")
    counts = {
        state: page.locator(f"#inbox-count-{state}") for state in ("new", "used", "dismissed")
    }

    def shown() -> tuple[str, str, str]:
        return tuple(counts[state].inner_text() for state in ("new", "used", "dismissed"))

    assert shown() == ("(0)", "(0)", "(0)")
    page.get_by_label("URL", exact=True).fill(pages.url("/s/AbCdEf"))
    page.get_by_role("button", name="Save", exact=True).click()
    card = page.locator(".inbox-card", has_text=TITLE)
    card.wait_for()
    counts["new"].get_by_text("(1)").wait_for()

    menu = card.get_by_label("Add to")
    chosen = menu.evaluate("select => select.selectedOptions[0].textContent")
    assert (
        chosen.replace("\u2068", "").replace("\u2069", "")
        == "2024 年第三十三期 · Draft › 分布式系统"
    )
    options = menu.locator("option").all_inner_texts()
    assert options[0].startswith("2024 年第三十四期 · In review › ")

    page.get_by_text("Paste many links").click()
    page.get_by_label("Paste links, one per line").fill(f"{pages.url('/n/1')}\n{pages.url('/n/2')}")
    page.get_by_role("button", name="Save all").click()
    counts["new"].get_by_text("(3)").wait_for()

    first = page.locator(".inbox-card", has_text="第 1 篇")
    first.get_by_role("button", name="Set it aside").click()
    counts["dismissed"].get_by_text("(1)").wait_for()
    assert shown() == ("(2)", "(0)", "(1)")

    card.get_by_role("button", name="Add to issue").click()
    counts["used"].get_by_text("(1)").wait_for()
    assert shown() == ("(1)", "(1)", "(1)")
    assert Entry.objects.get(url=pages.url("/s/AbCdEf")).section == draft.sections.first()

    page.locator(".inbox-card", has_text="第 1 篇").get_by_role("button", name="Restore").click()
    counts["dismissed"].get_by_text("(0)").wait_for()
    assert shown() == ("(2)", "(1)", "(0)")


# The inbox page's one poll (static/js/inbox-poll.js), on the page's own clock: the test
# installs Playwright's and moves it on a second at a time, each question answered before the
# clock moves again, so the schedule is exact whatever the machine's speed.

POLL = re.compile(r"/editorial/inbox/changes/")


def _run_clock(page, seconds: int) -> None:
    """Move the page's clock on by `seconds`, a second at a time; after each, wait until the
    poll asked in it (if any) has its answer."""
    for _ in range(seconds):
        page.clock.run_for(1000)
        page.wait_for_function(
            "() => document.getElementById('inbox-live').dataset.poll !== 'asking'"
        )


def _asked(request) -> list[str]:
    """The cards a poll asked about (its form's item=PK:STAMP values)."""
    return parse_qs(request.post_data).get("item", [])


def test_the_inbox_asks_once_for_all_its_cards_being_fetched(new_page, pages, settings):
    """Forty cards still being fetched: one request asks about all of them, after 2 s, then
    4 s, 8 s … while nothing changes; never two at once; a card fills in when its fetch
    finishes (during a question: the answer brings it) and the waits start over; two minutes
    without a change and the page stops asking, says so, and asks again on request."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    editor = make_user("editor", username="ed")
    items = [
        InboxItem.objects.create(url=pages.url(f"/n/{n % 10}?copy={n}"), saved_by=editor)
        for n in range(40)
    ]
    page = new_page("editor")
    log_in(page, "ed")
    page.clock.install(time=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    page.clock.pause_at(datetime.datetime(2026, 1, 1, 0, 0, 1, tzinfo=datetime.UTC))
    polls = []
    page.on("request", lambda request: polls.append(request) if POLL.search(request.url) else 0)
    page.goto("/editorial/inbox/")
    assert page.get_by_text("Fetching the page…").count() == 40

    _run_clock(page, 1)
    assert polls == []
    _run_clock(page, 1)
    assert len(polls) == 1
    assert sorted(_asked(polls[0])) == sorted(f"{i.pk}:{i.change_stamp}" for i in items)
    _run_clock(page, 3)
    assert len(polls) == 1
    _run_clock(page, 1)  # 4 s after the first answer
    assert len(polls) == 2

    finished = items[7]
    with holding(page, POLL, method="POST") as held:
        page.clock.run_for(8000)  # the third question, held: the server has not answered it
        held.first()
        assert len(polls) == 3
        page.clock.run_for(60_000)  # no second question while one waits for its answer
        assert len(polls) == 3
        inbox_fill_from_page(finished.pk)  # the worker finishes meanwhile
        held[0].continue_()
        page.locator(f"#inbox-item-{finished.pk}", has_text="第 7 篇").wait_for()
        page.wait_for_function(
            "() => document.getElementById('inbox-live').dataset.poll === 'waiting'"
        )
    assert page.get_by_text("Fetching the page…").count() == 39

    # Something changed: 2 s to the next question, about the 39 left.
    _run_clock(page, 1)
    assert len(polls) == 3
    _run_clock(page, 1)
    assert len(polls) == 4
    assert len(_asked(polls[3])) == 39
    # Then 4, 8, 16 and 30 s (the longest wait) apart, until two minutes without a change.
    before = len(polls)
    _run_clock(page, 118)
    assert len(polls) - before == 6  # at 6, 14, 30, 60, 90 and 120 s
    stopped = page.get_by_text("Pages still being fetched are no longer checked")
    stopped.wait_for()
    page.clock.run_for(600_000)
    assert len(polls) == before + 6

    page.get_by_role("button", name="Check again").click()
    page.wait_for_function("() => document.getElementById('inbox-live').dataset.poll === 'waiting'")
    assert len(polls) == before + 7
    assert stopped.is_hidden()
    # The button went with its note: the focus is on the cards being checked.
    expect(page.locator("#inbox-list")).to_be_focused()
