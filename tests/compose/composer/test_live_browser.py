"""Two people on one issue, in two browsers: a colleague's save appears without a reload (the
editor's focus and typing kept), presence leaves when the colleague's tab goes, and acting on an
entry the colleague deleted says so. The live poll never undoes the editor's own change, however
its answer and the editor's requests cross (the network is held and released by the test)."""

import re

import pytest
from playwright.sync_api import expect

from editorial import services
from editorial.models import Entry
from tests.support.browser import hold_over, holding, log_in, pick_up
from tests.support.factories import make_issue, make_user

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


# --- the live poll and the editor's own requests, crossing -------------------------------------
# The composer sends one request at a time (hx-sync), and the live poll does not leave while
# another request runs. So: a poll in flight when the editor acts is answered first and the
# action goes after it; a poll due while an action runs does not leave. Both orders are forced
# here for every kind of change, by holding the requests and releasing them.

POLL = re.compile(r"/changes/")
# Every htmx request the page has handled (its answer swapped or dropped: afterRequest comes
# after the swap), as [path, status]; how many live polls the page has sent; how many of its
# requests are in flight.
RECORD_HANDLED = """
window.digestHandled = [];
window.digestPolls = 0;
window.digestInFlight = 0;
document.addEventListener("htmx:afterRequest", (event) => {
  window.digestHandled.push([event.detail.requestConfig.path, event.detail.xhr.status]);
});
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.path.includes("/changes/")) window.digestPolls += 1;
});
document.addEventListener("htmx:beforeSend", (event) => {
  window.digestInFlight += 1;
  event.detail.xhr.addEventListener("loadend", () => { window.digestInFlight -= 1; });
});
"""
# A live poll asked for now (as when the tab comes back to the front): how many polls left.
POLL_NOW = """() => {
  const before = window.digestPolls;
  document.body.dispatchEvent(new Event("composer-poll"));
  return window.digestPolls - before;
}"""
# The same, once nothing of the page's is in flight (checked and asked in one turn, so that the
# every-4-s poll cannot come between): true when the poll left.
POLL_WHEN_IDLE = """() => {
  if (window.digestInFlight) return false;
  const before = window.digestPolls;
  document.body.dispatchEvent(new Event("composer-poll"));
  return window.digestPolls - before === 1;
}"""


def wait_until_handled(page, fragment, status=200):
    page.wait_for_function(
        "([fragment, status]) => window.digestHandled.some("
        "  ([path, code]) => path.includes(fragment) && code === status)",
        arg=[fragment, status],
        timeout=LIVE,
    )


def rename_as_colleague(title, new_title):
    entry = Entry.objects.get(title=title)
    services.entry_update(
        entry,
        title=new_title,
        url=entry.url,
        summary=entry.summary,
        version=entry.version,
        by=make_user("editor", username="rita"),
    )


def region(page, title):
    return page.locator("#composer-sections").get_by_role("region", name=title, exact=True)


def open_menu(page, title):
    card(page, title).locator("[data-menu-button]").click()


# Each kind of change: (start, finish, shown, the change's request). `start` does what the
# editor does first (the first request leaves, or waits its turn), `finish` the rest, `shown`
# checks the page shows the result, and the change's request (method, path) is the one held in
# the other order.


def add_start(page):
    region(page, "分布式系统").get_by_text("Add an entry").click()


def add_finish(page):
    form = region(page, "分布式系统").locator("form.entry-form--add")
    form.get_by_label("Title", exact=True).fill("编辑自己的条目")
    form.get_by_label("URL", exact=True).fill("https://example.org/own-add")
    form.get_by_label("Summary", exact=True).fill("编辑自己加的。")
    form.get_by_role("button", name="Add entry").click()


def add_shown(page):
    expect(region(page, "分布式系统").locator(".composer-entry__title")).to_have_text(
        ["分布式系统 条目 1", "分布式系统 条目 2", "分布式系统 条目 3", "编辑自己的条目"]
    )


def edit_start(page):
    card(page, "分布式系统 条目 1").locator(":scope > p").click(position={"x": 200, "y": 5})


def edit_finish(page):
    form = page.locator("li.composer-entry--editing")
    form.get_by_label("Title", exact=True).fill("编辑改的标题")
    form.get_by_role("button", name="Save").click()


def edit_shown(page):
    expect(card(page, "编辑改的标题")).to_have_count(1)
    expect(card(page, "分布式系统 条目 1")).to_have_count(0)
    expect(page.locator("li.composer-entry--editing")).to_have_count(0)


def key_move_start(page):
    card(page, "分布式系统 条目 1").locator("[data-menu-button]").press("Enter")


def key_move_finish(page):
    item = card(page, "分布式系统 条目 1")
    item.get_by_role("button", name=re.compile(r"^Move to")).press("Enter")
    select = item.get_by_label("Section", exact=True)
    expect(select).to_be_focused()
    select.select_option(label="云计算技术")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")


def moved_shown(page):
    expect(
        region(page, "云计算技术").get_by_role("heading", name="分布式系统 条目 1")
    ).to_be_visible()
    expect(card(page, "分布式系统 条目 1")).to_have_count(1)
    expect(region(page, "分布式系统").locator(".composer-entry__number")).to_have_text(["1.", "2."])


def carry_card(page):
    """Pick the first card up with the mouse and hold it after the last card of the second
    section (the button still down)."""
    source = card(page, "分布式系统 条目 1")
    source.evaluate("node => node.scrollIntoView({block: 'start'})")
    pick_up(page, source)
    hold_over(page, card(page, "云计算技术 条目 3"), below=True)


def drag_start(page):
    """Drag the first card into the second section (not waiting for the answer: it may wait
    its turn)."""
    carry_card(page)
    page.mouse.up()


def delete_start(page):
    open_menu(page, "分布式系统 条目 1")


def delete_finish(page):
    item = card(page, "分布式系统 条目 1")
    item.get_by_role("button", name=re.compile("^Delete")).click()
    item.locator(".confirm").get_by_role("button", name="Delete", exact=True).click()


def delete_shown(page):
    expect(card(page, "分布式系统 条目 1")).to_have_count(0)
    expect(page.locator("#composer-notice").get_by_role("button", name="Undo")).to_be_visible()


def undo_start(page):
    page.locator("#composer-notice").get_by_role("button", name="Undo").click()


def undo_shown(page):
    expect(card(page, "分布式系统 条目 1")).to_have_count(1)
    expect(region(page, "分布式系统").locator(".composer-entry__title").first).to_have_text(
        "分布式系统 条目 1"
    )


def section_add_start(page):
    page.get_by_label("New section title", exact=True).last.fill("开源")
    page.get_by_role("button", name="Add section").click()


def section_add_shown(page):
    expect(region(page, "开源")).to_be_visible()
    expect(page.locator("section.composer-section[data-section]")).to_have_count(3)


def rename_start(page):
    section = region(page, "分布式系统")
    section.locator(".composer-section__rename > summary").click()
    section.get_by_label("New section title", exact=True).fill("分布式")
    section.get_by_role("button", name="Save title").click()


def rename_shown(page):
    expect(region(page, "分布式")).to_be_visible()
    expect(region(page, "分布式").locator(".composer-entry__title")).to_have_count(3)


def remove_start(page):
    region(page, "分布式系统").get_by_role("button", name=re.compile("^Remove")).click()


def remove_finish(page):
    page.get_by_role("button", name="Remove the section and its 3 entries").click()


def remove_shown(page):
    expect(region(page, "分布式系统")).to_have_count(0)
    expect(page.locator("section.composer-section[data-section]")).to_have_count(1)


def nothing(page):
    pass


ACTIONS = {
    "add": (add_start, add_finish, add_shown, ("POST", r"/entries/new/$")),
    "edit": (edit_start, edit_finish, edit_shown, ("POST", r"/entries/\d+/edit/$")),
    "move by keyboard": (key_move_start, key_move_finish, moved_shown, ("POST", r"/move/$")),
    "move by drag": (drag_start, nothing, moved_shown, ("POST", r"/move/$")),
    "delete": (delete_start, delete_finish, delete_shown, ("POST", r"/delete/$")),
    "undo a deletion": (undo_start, nothing, undo_shown, ("POST", r"/restore/\d+/$")),
    "add a section": (section_add_start, nothing, section_add_shown, ("POST", r"/sections/new/$")),
    "rename a section": (rename_start, nothing, rename_shown, ("POST", r"/rename/$")),
    "remove a section": (remove_start, remove_finish, remove_shown, ("POST", r"/delete/$")),
}


@pytest.fixture
def ed(new_page, issue):
    page = new_page("ed")
    log_in(page, "ed")
    page.add_init_script(RECORD_HANDLED)
    return page


def prepare(page, name):
    """What an action needs before it: an undo needs a deletion."""
    if name == "undo a deletion":
        delete_start(page)
        delete_finish(page)
        delete_shown(page)


@pytest.mark.parametrize("name", ACTIONS)
def test_a_poll_in_flight_when_the_editor_acts_is_answered_first(ed, name):
    start, finish, shown, _change = ACTIONS[name]
    ed.goto(COMPOSER)
    prepare(ed, name)
    with holding(ed, POLL) as polls:
        ed.evaluate(POLL_NOW)
        held = polls.first()
        # A colleague's rename: the poll in flight is answered with it, after the editor acted.
        rename_as_colleague("云计算技术 条目 2", "丽塔改的标题")
        answer = held.fetch()
        assert answer.status == 200
        start(ed)
        held.fulfill(response=answer)
        finish(ed)
        shown(ed)
        expect(card(ed, "丽塔改的标题")).to_have_count(1)
    shown(ed)


@pytest.mark.parametrize("name", ACTIONS)
def test_no_poll_leaves_while_the_editor_s_change_runs(ed, name):
    start, finish, shown, (method, path) = ACTIONS[name]
    ed.goto(COMPOSER)
    prepare(ed, name)
    ed.wait_for_function(POLL_WHEN_IDLE, timeout=LIVE)  # an idle page polls when asked
    wait_until_handled(ed, "/changes/", status=204)
    with holding(ed, re.compile(path), method=method) as changes:
        start(ed)
        finish(ed)
        held = changes.first()
        rename_as_colleague("云计算技术 条目 2", "丽塔改的标题")
        assert ed.evaluate(POLL_NOW) == 0  # the change runs: no poll leaves
        held.continue_()
        shown(ed)
    # The next poll brings the colleague's change; the editor's stays.
    ed.evaluate(POLL_NOW)
    expect(card(ed, "丽塔改的标题")).to_have_count(1, timeout=LIVE)
    shown(ed)


def test_an_own_change_fetches_the_preview_once_and_the_next_poll_nothing(ed):
    """The answer to the editor's save says the version it brings the page to: the poll after
    it finds nothing new (204), so the preview is not fetched a second time for the same
    change."""
    ed.goto(COMPOSER)
    ed.wait_for_function(POLL_WHEN_IDLE, timeout=LIVE)
    wait_until_handled(ed, "/changes/", status=204)
    previews = []
    ed.on("request", lambda request: "/preview/" in request.url and previews.append(request.url))
    edit_start(ed)
    edit_finish(ed)
    edit_shown(ed)
    expect(ed.locator("#preview-panel-reader")).to_contain_text("编辑改的标题")
    before = ed.evaluate("window.digestHandled.length")
    ed.wait_for_function(POLL_WHEN_IDLE, timeout=LIVE)
    ed.wait_for_function(
        "(n) => window.digestHandled.slice(n).some(([path]) => path.includes('/changes/'))",
        arg=before,
        timeout=LIVE,
    )
    handled = ed.evaluate("window.digestHandled")
    assert [code for path, code in handled[before:] if "/changes/" in path] == [204]
    assert len(previews) == 1


def test_a_poll_answered_while_a_card_is_held_does_not_move_it_back(ed):
    """A poll that left before the editor picked a card up, answered while it is held: merged,
    it would put the held card back where it was under the pointer. It waits for the next
    poll; the drop goes where the editor put the card."""
    ed.goto(COMPOSER)
    with holding(ed, POLL) as polls:
        ed.evaluate(POLL_NOW)
        held = polls.first()
        rename_as_colleague("云计算技术 条目 2", "丽塔改的标题")
        answer = held.fetch()
        carry_card(ed)
        held.fulfill(response=answer)  # answered while the card is held
        wait_until_handled(ed, "/changes/")
        with ed.expect_response(lambda r: "/move/" in r.url and r.request.method == "POST"):
            ed.mouse.up()
    wait_until_handled(ed, "/move/")
    moved_shown(ed)
    # Where the page shows it is where it was saved.
    shown = (
        region(ed, "云计算技术")
        .locator("li.composer-entry")
        .evaluate_all("cards => cards.map((card) => card.id)")
    )
    saved = Entry.objects.filter(section__title="云计算技术").order_by("position")
    assert [f"entry-{entry.pk}" for entry in saved] == shown
    ed.evaluate(POLL_NOW)
    expect(card(ed, "丽塔改的标题")).to_have_count(1, timeout=LIVE)
    moved_shown(ed)
