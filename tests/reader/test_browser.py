"""The reader site in a real browser: a phone, dark mode, the table of contents, live search."""

import pytest

from tests.support.reader import add_revision, publish_big_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def site():
    issue = publish_big_issue(12, 2024, 32, sections=3)
    add_revision(issue, note="更正了一个标题。", retitle="一个很长的标题" * 8)
    publish_big_issue(3, 2024, 31)
    return issue


def test_issue_on_a_phone_in_dark_mode(new_page, site):
    page = new_page("phone")
    page.set_viewport_size(PHONE)
    page.emulate_media(color_scheme="dark")
    page.goto("/en/issues/2024/32/")
    assert page.get_by_role("heading", level=1).inner_text() == "云计算技术动态 2024 年第三十二期"
    # Nothing sticks out sideways, even the long corrected title.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(15, 20, 25)"
    toc = page.get_by_role("navigation", name="Table of contents")
    toc.get_by_role("link", name="栏目2").click()
    page.wait_for_url("**/en/issues/2024/32/#s2")
    assert page.evaluate("document.querySelector('#s2').getBoundingClientRect().top") < 100


def test_earlier_revision_is_reachable_from_the_issue(new_page, site):
    page = new_page("reader")
    page.goto("/en/issues/2024/32/")  # English: its URL under /en/
    revisions = page.locator("section.revisions")
    revisions.get_by_text("更正了一个标题。").wait_for()
    revisions.get_by_role("link", name="Revision 1", exact=True).click()
    page.wait_for_url("**/en/issues/2024/32/r/1/")
    page.get_by_text("It has been corrected since.").wait_for()
    page.get_by_role("link", name="Read the current version").click()
    page.wait_for_url("**/en/issues/2024/32/")


def test_search_updates_as_you_type_and_works_without_javascript(new_page, browser, site):
    page = new_page("search")
    page.goto("/en/search/")
    page.get_by_label("Search titles and summaries").fill("标题 2-")
    status = page.locator("#search-status")
    status.get_by_text("5 entries match").wait_for()
    assert page.locator("#search-results mark").first.inner_text() == "标题 2-"
    page.wait_for_url("**/search/?q=*")
    page.locator("#search-results").get_by_role("link", name="标题 2-1").first.click()
    page.wait_for_url("**/en/issues/2024/32/#s2-e1")

    no_js = browser.new_context(java_script_enabled=False, locale="en-US")
    base_url = page.url.split("/en/issues/")[0]
    try:
        plain = no_js.new_page()
        plain.goto(base_url + "/en/search/")
        plain.get_by_label("Search titles and summaries").fill("摘要 1-1")
        plain.get_by_role("button", name="Search").click()
        plain.get_by_text("2 entries match").wait_for()
    finally:
        no_js.close()


def test_the_language_switch_is_a_plain_link_to_the_same_page(new_page, site):
    page = new_page("reader")
    page.goto("/issues/2024/32/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    switch = page.get_by_role("navigation", name="语言")
    switch.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/issues/2024/32/")
    page.get_by_text("Download as Markdown").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("navigation", name="Language").get_by_role("link", name="简体中文").click()
    page.wait_for_url(lambda url: url.endswith("/issues/2024/32/") and "/en/" not in url)
    page.get_by_text("下载 Markdown").wait_for()
