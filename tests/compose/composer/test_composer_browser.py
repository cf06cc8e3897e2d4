"""The composer's script in a real browser: drag and drop (Playwright's drag_to), the keyboard
(edit, save, cancel, move), the preview tabs, delete and undo, a conflict, and the same page
without JavaScript. Any console error or CSP violation fails the test (see tests/browser)."""

import re

import pytest
from playwright.sync_api import expect

from editorial.models import Entry
from tests.support.browser import (
    close_quietly,
    drag_card,
    hold_over,
    holding,
    log_in,
    pick_up,
    track_requests,
)
from tests.support.factories import make_issue, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPOSER = "/editorial/issues/2024/33/"


@pytest.fixture
def issue():
    editor = make_user("editor", username="ed")
    return make_issue(2024, 33, author=editor, entries_per_section=3)


@pytest.fixture
def page(new_page, issue):
    page = new_page("editor")
    log_in(page, "ed")
    page.goto(COMPOSER)
    return page


def order(issue) -> list[tuple[int, str]]:
    return list(
        Entry.objects.filter(section__issue=issue)
        .order_by("section__position", "position")
        .values_list("section__position", "title")
    )


def order_pk(issue, position: int) -> int:
    """The id of the entry at `position` in the issue's first section."""
    return Entry.objects.get(section__issue=issue, section__position=1, position=position).pk


def card(page, title):
    return page.locator("li.composer-entry").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


def action(page, title, name):
    """A button of an entry's actions menu, which opens it first (its items are fetched then)."""
    item = card(page, title)
    if item.locator("details.entry-menu[open]").count() == 0:
        item.locator("[data-menu-button]").click()
    button = item.get_by_role("button", name=re.compile("^" + re.escape(name)))
    button.wait_for()
    return button


def titles(page, section_title):
    region = page.locator("#composer-sections").get_by_role(
        "region", name=section_title, exact=True
    )
    return region.locator(".composer-entry__title")


def drag(page, source_title, target_title):
    """Drag one card onto another (both in the window first, the upper one at the top); the
    dragged card takes the target's place. Returns once the server answered the move."""
    source, target = card(page, source_title), card(page, target_title)
    source_first = source.evaluate(
        "(node, other) => !!(node.compareDocumentPosition(other) & 4)",  # 4: other follows
        target.element_handle(),
    )
    (source if source_first else target).evaluate("node => node.scrollIntoView({block: 'start'})")
    answer = drag_card(page, source, target, below=source_first)
    assert answer.status == 200
    assert len(answer.body()) < 10_000  # what changed, not the sections


def test_drag_and_drop_within_and_across_sections(page, issue):
    drag(page, "分布式系统 条目 3", "分布式系统 条目 1")
    expect(titles(page, "分布式系统")).to_have_text(
        ["分布式系统 条目 3", "分布式系统 条目 1", "分布式系统 条目 2"]
    )
    drag(page, "分布式系统 条目 3", "分布式系统 条目 2")  # downwards: it takes the last place
    expect(titles(page, "分布式系统")).to_have_text(
        ["分布式系统 条目 1", "分布式系统 条目 2", "分布式系统 条目 3"]
    )
    drag(page, "云计算技术 条目 1", "分布式系统 条目 3")  # into another section
    expect(titles(page, "分布式系统")).to_have_count(4)
    # What the editor sees is what was saved: the same order, numbered 1 to 4.
    shown = titles(page, "分布式系统").all_inner_texts()
    assert "云计算技术 条目 1" in shown
    assert [title for position, title in order(issue) if position == 1] == shown
    numbers = page.locator("#entries-" + str(issue.sections.get(position=1).pk))
    expect(numbers.locator(".composer-entry__number")).to_have_text(["1.", "2.", "3.", "4."])
    expect(page.locator(f"#section-count-{issue.sections.get(position=2).pk}")).to_have_text(
        "2 entries"
    )
    # The preview follows.
    page.get_by_role("tab", name="Markdown").click()
    expect(page.locator("#preview-panel-markdown pre")).to_contain_text(
        f"**{shown.index('云计算技术 条目 1') + 1}.** **云计算技术 条目 1**"
    )


def test_keyboard_editing(page, issue):
    first = card(page, "分布式系统 条目 1")
    # A click on the card's text fetches the form, the title focused; Escape cancels.
    first.locator(":scope > p").click(position={"x": 200, "y": 5})
    title = page.get_by_label("Title", exact=True).first
    expect(title).to_be_focused()
    title.press("Escape")
    menu = card(page, "分布式系统 条目 1").locator("[data-menu-button]")
    expect(menu).to_be_focused()
    # Enter opens the card's menu; Enter on Edit, type, Ctrl+Enter saves, focus comes back.
    page.keyboard.press("Enter")
    edit = card(page, "分布式系统 条目 1").get_by_role("button", name=re.compile(r"^Edit"))
    edit.wait_for()
    edit.press("Enter")
    title = page.locator("li.composer-entry--editing").get_by_label("Title", exact=True)
    expect(title).to_be_focused()
    title.fill("键盘改的标题")
    title.press("Control+Enter")
    saved = card(page, "键盘改的标题")
    expect(saved.locator("[data-menu-button]")).to_be_focused()
    expect(page.locator("#preview-panel-reader")).to_contain_text("键盘改的标题")
    # Move down with the keyboard: the button keeps the focus in the card's new place.
    action(page, "键盘改的标题", "Down").press("Enter")
    expect(titles(page, "分布式系统")).to_have_text(
        ["分布式系统 条目 2", "键盘改的标题", "分布式系统 条目 3"]
    )
    expect(
        card(page, "键盘改的标题").get_by_role("button", name=re.compile("Down"))
    ).to_be_focused()
    expect(card(page, "键盘改的标题").locator(".composer-entry__number")).to_have_text("2.")
    assert order(issue)[1] == (1, "键盘改的标题")


def test_preview_tabs_follow_the_aria_pattern(page):
    reader_tab = page.get_by_role("tab", name="Reader view")
    markdown_tab = page.get_by_role("tab", name="Markdown")
    expect(reader_tab).to_have_attribute("aria-selected", "true")
    expect(page.locator("#preview-panel-markdown")).to_be_hidden()
    reader_tab.focus()
    page.keyboard.press("ArrowRight")
    expect(markdown_tab).to_be_focused()
    expect(markdown_tab).to_have_attribute("aria-selected", "true")
    expect(page.locator("#preview-panel-markdown")).to_be_visible()
    expect(page.locator("#preview-panel-reader")).to_be_hidden()
    # The last tab: the WeChat copy itself, framed at phone width.
    page.keyboard.press("End")
    wechat_tab = page.get_by_role("tab", name="WeChat")
    expect(wechat_tab).to_be_focused()
    expect(page.locator("#preview-panel-wechat")).to_be_visible()
    copy = page.frame_locator("#preview-panel-wechat iframe")
    expect(copy.locator("h1")).to_have_text("云计算技术动态 2024 年第三十三期")
    page.keyboard.press("Home")
    expect(reader_tab).to_be_focused()
    expect(page.locator("#preview-panel-reader")).to_be_visible()


def test_delete_asks_then_offers_undo(page, issue):
    target = card(page, "分布式系统 条目 2")
    action(page, "分布式系统 条目 2", "Delete").click()
    confirm = target.locator(".confirm").get_by_role("button", name="Delete", exact=True)
    expect(confirm).to_be_focused()
    confirm.press("Enter")
    undo = page.locator("#composer-notice").get_by_role("button", name="Undo")
    expect(undo).to_be_focused()
    expect(card(page, "分布式系统 条目 2")).to_have_count(0)
    expect(card(page, "分布式系统 条目 3").locator(".composer-entry__number")).to_have_text("2.")
    expect(page.locator("#preview-panel-reader")).not_to_contain_text("分布式系统 条目 2")
    undo.press("Enter")
    expect(page.locator("#composer-notice")).to_contain_text("Restored")
    expect(titles(page, "分布式系统")).to_have_text(
        ["分布式系统 条目 1", "分布式系统 条目 2", "分布式系统 条目 3"]
    )
    assert order(issue)[1] == (1, "分布式系统 条目 2")
    # The card came back alone, in its place and numbered, the focus on its menu.
    expect(card(page, "分布式系统 条目 3").locator(".composer-entry__number")).to_have_text("3.")
    expect(card(page, "分布式系统 条目 2").locator("[data-menu-button]")).to_be_focused()


def test_a_conflict_shows_both_texts(page, new_page, browser_errors, issue):
    browser_errors.expected_statuses.add(409)
    make_user("reviewer", username="rita")
    other = new_page("reviewer")
    log_in(other, "rita")
    other.goto(COMPOSER)
    for each in (page, other):
        action(each, "分布式系统 条目 1", "Edit").click()
    mine = page.locator("li.composer-entry--editing")
    theirs = other.locator("li.composer-entry--editing")
    theirs.get_by_label("Title", exact=True).fill("丽塔的标题")
    theirs.get_by_role("button", name="Save").click()
    expect(card(other, "丽塔的标题")).to_be_visible()
    mine.get_by_label("Title", exact=True).fill("我的标题")
    mine.get_by_role("button", name="Save").click()
    conflict = page.locator("li.composer-entry--conflict")
    expect(conflict.get_by_role("heading", name=re.compile("Someone else saved"))).to_be_focused()
    expect(conflict).to_contain_text("丽塔的标题")
    expect(conflict).to_contain_text("我的标题")
    assert Entry.objects.filter(title="丽塔的标题").exists()
    conflict.get_by_role("button", name="Use mine").click()
    expect(card(page, "我的标题")).to_be_visible()
    assert Entry.objects.get(title="我的标题").version == 3


def test_everything_works_without_javascript(browser, live_server, issue):
    context = track_requests(
        browser.new_context(base_url=live_server.url, java_script_enabled=False, locale="en-US")
    )
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    try:
        page = context.new_page()
        log_in(page, "ed")
        page.goto(COMPOSER)
        # The preview is a page of its own: both panels show there, the tab list does not.
        page.get_by_role("link", name="Open the preview").click()
        expect(page.locator("#preview-panel-reader")).to_be_visible()
        expect(page.locator("#preview-panel-markdown")).to_be_visible()
        expect(page.get_by_role("tablist")).to_be_hidden()
        page.goto(COMPOSER)
        # The card's menu leads to the entry's actions; Edit on its own page, back to the
        # composer after saving.
        card(page, "分布式系统 条目 1").locator("[data-menu-button]").click()
        card(page, "分布式系统 条目 1").get_by_role("link", name="Edit, move or delete").click()
        page.get_by_role("button", name=re.compile(r"^Edit")).click()
        page.wait_for_url(re.compile(r"/editorial/entries/\d+/edit/"))
        page.get_by_label("Summary", exact=True).fill("没有脚本也能改")
        page.get_by_role("button", name="Save").click()
        page.wait_for_url(re.compile(re.escape(COMPOSER)))
        expect(page.get_by_text("没有脚本也能改").first).to_be_visible()
        # Move with the buttons, delete through the confirmation page, undo from the notice.
        page.goto(f"/editorial/entries/{order_pk(issue, 1)}/menu/")
        page.get_by_role("button", name=re.compile(r"^Down")).click()
        expect(titles(page, "分布式系统").first).to_have_text("分布式系统 条目 2")
        page.goto(f"/editorial/entries/{order_pk(issue, 2)}/menu/")
        page.get_by_role("button", name=re.compile(r"^Delete")).click()
        page.wait_for_url(re.compile(r"/editorial/entries/\d+/delete/"))
        page.locator(".confirm").get_by_role("button", name="Delete", exact=True).click()
        expect(card(page, "分布式系统 条目 1")).to_have_count(0)
        page.get_by_role("button", name="Undo").click()
        expect(card(page, "分布式系统 条目 1")).to_have_count(1)
        assert order(issue)[:2] == [(1, "分布式系统 条目 2"), (1, "分布式系统 条目 1")]
    finally:
        close_quietly(context)


IN_VIEW = """node => {
  const box = node.getBoundingClientRect();
  return box.top >= 0 && box.bottom <= window.innerHeight;
}"""


def test_drag_to_a_place_off_screen(new_page):
    """A card held near the window's bottom edge scrolls the page until the place it goes to
    (the end of the last section, at the bottom of the page) comes into view; dropped there,
    it is saved there."""
    make_user("editor", username="ed")
    long_issue = make_issue(2024, 34, author=None, entries_per_section=9)
    page = new_page("editor")
    log_in(page, "ed")
    page.goto("/editorial/issues/2024/34/")
    first, last = long_issue.sections.get(position=1), long_issue.sections.get(position=2)
    moving = f"{first.title} 条目 1"
    source, target = card(page, moving), card(page, f"{last.title} 条目 9")
    source.evaluate("node => node.scrollIntoView({block: 'start'})")
    expect(target).not_to_be_in_viewport()
    viewport = page.viewport_size
    with page.expect_response(
        lambda response: "/move/" in response.url and response.request.method == "POST",
        timeout=70_000,
    ) as answer:
        title = source.locator(".composer-entry__title").bounding_box()
        x = title["x"] + title["width"] / 2
        pick_up(page, source)
        page.mouse.move(x, viewport["height"] - 20, steps=10)
        # The page scrolls while the card is held there (the hand trembling a little), until
        # the place comes into view.
        for step in range(400):
            if target.evaluate(IN_VIEW):
                break
            page.mouse.move(x, viewport["height"] - 20 - step % 2)
        expect(target).to_be_in_viewport(ratio=1)
        # Then the card is carried to where its placeholder stands after the last card, as the
        # eye follows it; and let go.
        hold_over(page, target, below=True)
        page.mouse.up()
    assert answer.value.status == 200
    expect(titles(page, last.title).last).to_have_text(moving)
    assert [t for p, t in order(long_issue) if p == 2][-1] == moving
    expect(card(page, moving).locator(".composer-entry__number")).to_have_text("10.")


MOVE_POST = re.compile(r"/entries/\d+/move/$")

# The titles of the cards of `card`'s list in order, leaving out the copy that follows the pointer.
CARDS_IN_ORDER = """(card) => [...card.parentElement.children]
  .filter((node) => node.matches("li.composer-entry") && !node.matches(".sortable-fallback"))
  .map((node) => node.querySelector(".composer-entry__title").textContent.trim())"""


def test_a_card_picked_up_again_before_its_answer_came_stays_in_hand(page, issue):
    """The answer to a drop that arrives while the editor already carries the same card again
    leaves the card where the editor holds it (it used to put the card back at the place of the
    first drop, from under the pointer); the second drop is what is saved."""
    source = card(page, "分布式系统 条目 3")
    carried = source.element_handle()  # the card itself: once held, its copy matches too
    card(page, "分布式系统 条目 1").evaluate("node => node.scrollIntoView({block: 'start'})")
    with holding(page, MOVE_POST, "POST") as moves:
        pick_up(page, source)
        hold_over(page, card(page, "分布式系统 条目 1"))
        page.mouse.up()
        first = moves.first()  # the first drop's answer is on its way
        pick_up(page, source)
        hold_over(page, card(page, "分布式系统 条目 2"), below=True)
        with page.expect_response(MOVE_POST):
            first.continue_()
        page.wait_for_function("(card) => !card.classList.contains('htmx-request')", arg=carried)
        # Still in hand, and still where it was carried: after 条目 2.
        assert "composer-entry--chosen" in carried.get_attribute("class")
        assert page.evaluate(CARDS_IN_ORDER, carried) == [
            "分布式系统 条目 1",
            "分布式系统 条目 2",
            "分布式系统 条目 3",
        ]
    with page.expect_response(MOVE_POST) as second:
        page.mouse.up()
    assert second.value.status == 200
    expect(titles(page, "分布式系统")).to_have_text(
        ["分布式系统 条目 1", "分布式系统 条目 2", "分布式系统 条目 3"]
    )
    assert [t for p, t in order(issue) if p == 1] == [
        "分布式系统 条目 1",
        "分布式系统 条目 2",
        "分布式系统 条目 3",
    ]


def test_undo_from_the_notice_and_from_the_history(page, issue):
    card(page, "分布式系统 条目 1").locator(".composer-entry__title").click()
    form = page.locator("li.composer-entry--editing")
    form.get_by_label("Title", exact=True).fill("改错了")
    form.get_by_role("button", name="Save").click()
    expect(card(page, "改错了")).to_be_visible()
    page.locator("#composer-notice").get_by_role("button", name="Undo").click()
    expect(card(page, "分布式系统 条目 1")).to_be_visible()
    expect(page.locator("#composer-notice")).to_contain_text("Undone")
    # A move, then something else, then the move undone from the history.
    action(page, "分布式系统 条目 1", "Down").click()
    expect(titles(page, "分布式系统")).to_have_text(
        ["分布式系统 条目 2", "分布式系统 条目 1", "分布式系统 条目 3"]
    )
    page.get_by_role("link", name="History").click()
    drawer = page.locator("#history-drawer")
    drawer.locator("#history").wait_for()
    drawer.get_by_role("button", name=re.compile(r"^Undo\W+moved an entry")).first.click()
    expect(titles(page, "分布式系统")).to_have_text(
        ["分布式系统 条目 1", "分布式系统 条目 2", "分布式系统 条目 3"]
    )
    assert [t for p, t in order(issue) if p == 1][0] == "分布式系统 条目 1"


def test_a_section_moves_with_its_buttons_and_keeps_the_focus(page, issue):
    """↓ and ↑ move a section: the answer says where it is now (a few hundred bytes, not the
    sections), the page puts it there and the focus stays on the button pressed."""
    sections = page.locator("#composer-sections > section.composer-section[data-section]")
    expect(sections.first).to_have_id(f"section-{issue.sections.get(position=1).pk}")
    first = issue.sections.get(position=1)
    down = page.get_by_role("button", name=f"Move section “{first.title}” down")
    with page.expect_response(re.compile(r"/sections/\d+/move/")) as answer:
        down.click()
    assert answer.value.status == 200
    assert len(answer.value.body()) < 10_000
    expect(sections.nth(1)).to_have_id(f"section-{first.pk}")
    expect(down).to_be_focused()
    expect(page.locator("#composer-notice")).to_contain_text(first.title)
    page.keyboard.press("Shift+Tab")  # the ↑ of the same section
    page.keyboard.press("Enter")
    expect(sections.first).to_have_id(f"section-{first.pk}")
    assert [s.title for s in issue.sections.order_by("position")][0] == first.title


def test_a_removed_section_comes_back_in_its_place(page, issue):
    """The restored section comes out of band ("beforeend" into the sections list) while the
    morph extension is active on the composer: idiomorph's extension took that for an inline
    swap (bigskysoftware/idiomorph#148) and the section never showed; composer.js corrects it."""
    first = issue.sections.get(position=1)
    page.locator(f"#section-{first.pk}").get_by_role("button", name=re.compile("^Remove")).click()
    page.get_by_role("button", name="Remove the section and its 3 entries").click()
    expect(page.locator(f"#section-{first.pk}")).to_have_count(0)
    with page.expect_response(re.compile(r"/undo|/restore")) as answer:
        page.locator("#composer-notice").get_by_role("button", name="Undo").click()
    assert len(answer.value.body()) < 20_000  # the section, not the whole list
    sections = page.locator("#composer-sections > section.composer-section[data-section]")
    restored = issue.sections.get(title=first.title)
    expect(sections.first).to_have_id(f"section-{restored.pk}")
    expect(titles(page, first.title)).to_have_count(3)
    expect(page.locator(f"#section-title-{restored.pk}")).to_be_focused()
