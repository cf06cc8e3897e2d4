"""Two people on one issue, in two browsers: a colleague's save appears without a reload (the
editor's focus and typing kept), presence leaves when the colleague's tab goes, and acting on an
entry the colleague deleted says so."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import log_in
from tests.factories import make_issue, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPOSER = "/editorial/issues/2024/33/"
LIVE = 20_000  # ms: the composer asks every 4 s; a loaded machine answers late


@pytest.fixture
def issue():
    return make_issue(2024, 33, author=make_user("editor", username="ed"), entries_per_section=3)


@pytest.fixture
def two(new_page, issue):
    make_user("editor", username="rita")
    pages = []
    for name in ("ed", "rita"):
        page = new_page(name)
        log_in(page, name)
        page.goto(COMPOSER)
        pages.append(page)
    return pages


def card(page, title):
    return page.locator("li.composer-entry").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


def test_a_colleague_s_save_appears_and_the_editor_keeps_typing(two):
    ed, rita = two
    # Ed is typing a new entry when Rita saves hers.
    section = ed.locator("#composer-sections section").first
    section.get_by_text("Add an entry").click()
    title = section.locator("form.entry-form--add").get_by_label("Title", exact=True)
    title.fill("写到一半")
    card(rita, "分布式系统 条目 2").locator(".composer-entry__title").click()
    form = rita.locator("li.composer-entry--editing")
    form.get_by_label("Title", exact=True).fill("丽塔改的标题")
    form.get_by_role("button", name="Save").click()
    expect(card(rita, "丽塔改的标题")).to_be_visible()
    expect(card(ed, "丽塔改的标题")).to_be_visible(timeout=LIVE)
    expect(title).to_be_focused()
    expect(title).to_have_value("写到一半")
    expect(ed.locator("#preview-panel-reader")).to_contain_text("丽塔改的标题")


def test_presence_leaves_when_the_colleague_s_tab_goes(two):
    ed, rita = two
    expect(ed.locator("#presence")).to_contain_text("rita", timeout=LIVE)
    rita.goto("/editorial/")  # the composer's tab goes elsewhere: pagehide sends the beacon
    expect(ed.locator("#presence")).not_to_contain_text("rita", timeout=LIVE)


def test_acting_on_an_entry_the_colleague_deleted(two, browser_errors):
    browser_errors.expected_statuses.update({404, 409})
    ed, rita = two
    card(ed, "分布式系统 条目 3").locator(".composer-entry__title").click()
    editing = ed.locator("li.composer-entry--editing")
    editing.get_by_label("Title", exact=True).fill("来不及的修改")
    # Rita deletes the entry meanwhile.
    card(rita, "分布式系统 条目 3").locator("[data-menu-button]").click()
    card(rita, "分布式系统 条目 3").get_by_role("button", name=re.compile("^Delete")).click()
    rita.locator(".confirm").get_by_role("button", name="Delete", exact=True).click()
    expect(card(rita, "分布式系统 条目 3")).to_have_count(0)
    # Ed's open form stays (the live update keeps it); saving says who deleted it, keeps Ed's
    # text on the screen and offers to undo the deletion.
    editing.get_by_role("button", name="Save").click()
    gone = ed.locator("li.composer-entry--conflict")
    expect(gone).to_contain_text("this entry was deleted")
    expect(gone).to_contain_text("来不及的修改")
    expect(gone.get_by_role("button", name="Undo the deletion, then edit again")).to_be_visible()
    # Cards Ed is not editing follow Rita's deletion by themselves.
    expect(card(ed, "分布式系统 条目 2")).to_be_visible()
