"""Every state of the composer is accessible (axe-core, WCAG 2.1 AA) and error-free (no console
error, no CSP violation: the new_page fixture watches): the page, an open menu, the edit form,
the move form, the delete confirmation, the history drawer; and on a phone (390 px) the cards
stay small and nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import AXE, RULES, log_in
from tests.support.factories import make_issue, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPOSER = "/editorial/issues/2024/33/"


def axe(page) -> list[str]:
    page.evaluate(AXE)
    return page.evaluate(
        "async (rules) => (await axe.run(document, {runOnly: rules})).violations"
        ".map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)",
        RULES,
    )


def card(page, title):
    return page.locator("li.composer-entry").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


@pytest.fixture
def issue():
    return make_issue(2024, 33, author=make_user("editor", username="ed"), entries_per_section=4)


def test_every_composer_state_is_accessible(new_page, issue):
    page = new_page("editor")
    log_in(page, "ed")
    page.goto(COMPOSER)
    expect(page.locator("#preview-panel-reader")).to_be_visible()
    problems = {"page": axe(page)}
    entry = card(page, "分布式系统 条目 2")
    entry.locator("[data-menu-button]").click()
    edit = entry.get_by_role("button", name="Edit", exact=False).first
    edit.wait_for()
    problems["menu"] = axe(page)
    entry.get_by_role("button", name="Move to…", exact=False).click()
    entry.locator(".move-form").wait_for()
    problems["move form"] = axe(page)
    entry.get_by_role("button", name="Delete…", exact=False).click()
    entry.locator(".confirm").wait_for()
    problems["delete confirmation"] = axe(page)
    card(page, "分布式系统 条目 3").locator(".composer-entry__title").click()
    page.locator("li.composer-entry--editing").wait_for()
    problems["edit form"] = axe(page)
    page.get_by_role("link", name="History").click()
    page.locator("#history-drawer #history").wait_for()
    problems["history"] = axe(page)
    assert {state: found for state, found in problems.items() if found} == {}


def test_the_phone_viewport(new_page, issue):
    page = new_page("editor")
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "ed")
    page.goto(COMPOSER)
    first = card(page, "分布式系统 条目 1")
    first.wait_for()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    box = first.bounding_box()
    assert box["height"] < 160  # a card, not a screen
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390  # inside the window
    first.locator("[data-menu-button]").click()
    first.get_by_role("button", name="Edit", exact=False).first.click()
    form = page.locator("li.composer-entry--editing")
    form.get_by_label("Title", exact=True).fill("手机上改的")
    form.get_by_role("button", name="Save").click()
    expect(card(page, "手机上改的")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    assert axe(page) == []
