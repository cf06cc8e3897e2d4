"""The new-issue form in a real browser: the number suggested for the year follows the year, and
never replaces a number the editor typed, whichever field was typed first and however late the
suggestion answers."""

import pytest
from playwright.sync_api import expect

from editorial.models import Issue
from tests.support.browser import log_in
from tests.support.factories import make_published_issue, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = "/editorial/issues/new/"


@pytest.fixture
def page(new_page):
    make_user("editor", username="ed")
    make_published_issue(2024, 32, {"云计算技术": [("A", "https://example.org/a", "摘要。")]})
    page = new_page("editor")
    log_in(page, "ed")
    page.goto(NEW)
    return page


def suggestion_words(page, year, number):
    return f"Suggested for {year}: {number}, the year's last issue plus one."


def test_the_suggested_number_follows_the_year(page):
    page.get_by_label("Year").fill("2024")
    expect(page.locator("#id_number_helptext")).to_have_text(suggestion_words(page, 2024, 33))
    expect(page.get_by_label("Number")).to_have_value("33")


def test_a_number_typed_while_the_suggestion_is_on_its_way_is_kept(page):
    number = page.get_by_label("Number")

    def type_number_then_answer(route):
        # The editor types the number after the year, before the suggestion for the year answers.
        number.fill("7")
        route.continue_()

    page.route(lambda url: "year=2024" in url, type_number_then_answer)
    page.get_by_label("Year").fill("2024")
    expect(page.locator("#id_number_helptext")).to_have_text(suggestion_words(page, 2024, 33))
    expect(number).to_have_value("7")
    page.get_by_role("button", name="Create the issue").click()
    page.wait_for_url("**/editorial/issues/2024/7/")
    assert Issue.objects.filter(year=2024, number=7).exists()


def test_a_number_typed_before_the_year_is_kept(page):
    number = page.get_by_label("Number")
    number.fill("8")
    page.get_by_label("Year").fill("2024")
    expect(page.locator("#id_number_helptext")).to_have_text(suggestion_words(page, 2024, 33))
    expect(number).to_have_value("8")
    page.get_by_role("button", name="Create the issue").click()
    page.wait_for_url("**/editorial/issues/2024/8/")
