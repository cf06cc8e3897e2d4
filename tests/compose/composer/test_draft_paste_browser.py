"""Pasting a whole draft in a real browser: the composer's "Paste a draft" panel with a
two-section draft with headings (one section the issue has, one it has not), a refusal that
names the line and keeps the text, and the same paste without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from editorial.models import Entry
from tests.support.browser import close_quietly, log_in, track_requests
from tests.support.factories import make_issue, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPOSER = "/editorial/issues/2024/33/"

DRAFT = """\
## 云计算技术

**1.** **第二栏的新条目**

https://example.com/second

**摘要:** 第二栏的摘要。

## 新栏目

**1.** **新栏目的第一条**

https://example.com/new-a

**摘要:** 新栏目的摘要。

**2.** **新栏目的第二条**

https://example.com/new-b
"""


@pytest.fixture
def issue():
    editor = make_user("editor", username="ed")
    return make_issue(2024, 33, author=editor)


def order(issue) -> list[tuple[str, str]]:
    return list(
        Entry.objects.filter(section__issue=issue)
        .order_by("section__position", "position")
        .values_list("section__title", "title")
    )


def titles(page, section_title):
    region = page.locator("#composer-sections").get_by_role(
        "region", name=section_title, exact=True
    )
    return region.locator(".composer-entry__title")


def open_panel(page):
    page.get_by_text("Paste a draft", exact=True).click()
    box = page.locator("#paste-form").get_by_label("Paste a draft")
    expect(box).to_be_visible()  # fetched when the panel first opens
    return box


def test_a_two_section_draft_goes_to_its_sections(new_page, issue):
    page = new_page("editor")
    log_in(page, "ed")
    page.goto(COMPOSER)
    box = open_panel(page)
    box.fill(DRAFT)
    page.locator("#paste-form").get_by_role("button", name="Add this draft").click()

    notice = page.locator("#composer-notice")
    expect(notice).to_contain_text("Added 3 entries. New section: “新栏目”.")
    expect(titles(page, "新栏目")).to_have_text(["新栏目的第一条", "新栏目的第二条"])
    expect(titles(page, "云计算技术").last).to_have_text("第二栏的新条目")
    # The form is empty for the next paste.
    expect(page.locator("#paste-form").get_by_label("Paste a draft")).to_have_value("")
    assert order(issue)[-4:] == [
        ("云计算技术", "云计算技术 条目 2"),
        ("云计算技术", "第二栏的新条目"),
        ("新栏目", "新栏目的第一条"),
        ("新栏目", "新栏目的第二条"),
    ]
    # The preview follows.
    page.get_by_role("tab", name="Markdown").click()
    expect(page.locator("#preview-panel-markdown")).to_contain_text("## 新栏目")


def test_a_refusal_names_the_line_and_keeps_the_text(new_page, browser_errors, issue):
    browser_errors.expected_statuses.add(422)  # the refusal is the answer
    page = new_page("editor")
    log_in(page, "ed")
    page.goto(COMPOSER)
    before = order(issue)
    box = open_panel(page)
    broken = DRAFT.replace("**2.**", "**3.**")
    box.fill(broken)
    page.locator("#paste-form").get_by_role("button", name="Add this draft").click()

    errors = page.locator("#paste-form .form-errors")
    expect(errors).to_contain_text("Nothing was added:")
    expect(errors).to_contain_text("Line 17: expected entry number 2, found 3")
    box = page.locator("#paste-form").get_by_label("Paste a draft")
    expect(box).to_be_focused()
    expect(box).to_have_value(broken)
    assert order(issue) == before
    # Corrected in place, it goes in whole.
    box.fill(DRAFT)
    page.locator("#paste-form").get_by_role("button", name="Add this draft").click()
    expect(titles(page, "新栏目")).to_have_count(2)


def test_the_paste_works_without_javascript(browser, live_server, issue):
    context = track_requests(
        browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-US")
    )
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    try:
        page = context.new_page()
        log_in(page, "ed")
        page.goto(COMPOSER)
        page.get_by_text("Paste a draft", exact=True).click()
        page.get_by_role("link", name="Paste the issue's markdown or lines of entries").click()
        page.wait_for_url(re.compile(r"/paste/$"))
        page.get_by_label("Paste a draft").fill("无标题\nhttps://example.com/plain\n第二栏")
        page.get_by_label("Entries under no heading go to").select_option(label="云计算技术")
        page.get_by_role("button", name="Add this draft").click()
        page.wait_for_url(re.compile(re.escape(COMPOSER) + "$"))
        expect(page.get_by_text("Added 1 entry.")).to_be_visible()
        assert order(issue)[-1] == ("云计算技术", "无标题")
    finally:
        close_quietly(context)
