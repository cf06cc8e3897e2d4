"""Two people on one issue, in two browsers: a colleague's save appears without a reload (the
editor's focus and typing kept), presence leaves when the colleague's tab goes, and acting on an
entry the colleague deleted says so. The live poll never undoes the editor's own change, however
its answer and the editor's requests cross (the network is held and released by the test)."""

import contextlib
import re

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from editorial import services
from editorial.models import Entry
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


# --- the live poll and the editor's own requests, crossing -------------------------------------

POLL = re.compile(r"/changes/")
ADD = re.compile(r"/entries/new/$")
# Every htmx request the page has handled (its answer swapped or dropped: afterRequest comes
# after the swap), as [path, status].
RECORD_HANDLED = """
window.digestHandled = [];
document.addEventListener("htmx:afterRequest", (event) => {
  window.digestHandled.push([event.detail.requestConfig.path, event.detail.xhr.status]);
});
"""


def wait_until_handled(page, fragment, status=200):
    page.wait_for_function(
        "([fragment, status]) => window.digestHandled.some("
        "  ([path, code]) => path.includes(fragment) && code === status)",
        arg=[fragment, status],
        timeout=LIVE,
    )


class Held(list):
    """The routes of the requests a test holds, in the order the page sent them."""

    def __init__(self, page, pattern, method):
        super().__init__()
        self.page = page
        self.matches = lambda request: (
            bool(pattern.search(request.url)) and (request.method == method)
        )
        self.sent = 0  # such requests the page has sent (their route may come a moment later)
        page.on("request", self._count)

    def _count(self, request):
        if self.matches(request):
            self.sent += 1

    def first(self):
        """The first held route, once the page has sent the request: waits for the request
        itself, then lets Playwright hand its route to the handler (its event follows the
        request's, and a round trip to the page lets it be dispatched)."""
        if not self.sent:
            self.page.wait_for_event("request", self.matches, timeout=LIVE)
        for _ in range(10):
            if self:
                return self[0]
            self.page.evaluate("0")
        raise AssertionError("the request was sent but its route never reached the test")


@contextlib.contextmanager
def holding(page, pattern, method="GET"):
    """Hold the page's requests to `pattern` (of `method`; others pass) in the Held yielded,
    for the test to fetch and fulfil; on leaving, the rest go on as sent (and none is left
    hanging when the test fails)."""
    held = Held(page, pattern, method)

    def hold(route):
        if held.matches(route.request):
            held.append(route)
        else:
            route.continue_()

    page.route(pattern, hold)
    try:
        yield held
    finally:
        page.remove_listener("request", held._count)
        page.unroute(pattern, hold)
        for route in held:
            with contextlib.suppress(PlaywrightError):  # fulfilled by the test already
                route.continue_()


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


def add_entry(page, title):
    section = page.locator("#composer-sections section").first
    section.get_by_text("Add an entry").click()
    form = section.locator("form.entry-form--add")
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("URL", exact=True).fill("https://example.org/own-add")
    form.get_by_label("Summary", exact=True).fill("编辑自己加的。")
    form.get_by_role("button", name="Add entry").click()


def test_a_poll_answered_before_the_editor_s_add_does_not_take_it_away(new_page, issue):
    ed = new_page("ed")
    log_in(ed, "ed")
    ed.add_init_script(RECORD_HANDLED)
    with holding(ed, POLL) as polls:
        ed.goto(COMPOSER)
        # A colleague's rename: the poll held now is answered with it, before Ed adds an
        # entry...
        rename_as_colleague("分布式系统 条目 2", "丽塔改的标题")
        answer = polls.first().fetch()
        assert answer.status == 200
        add_entry(ed, "编辑自己的条目")
        expect(card(ed, "编辑自己的条目")).to_have_count(1)
        # ...and reaches the page after Ed's own add: the list it carries has no such entry.
        polls[0].fulfill(response=answer)
        wait_until_handled(ed, "/changes/")
        expect(card(ed, "编辑自己的条目")).to_have_count(1)
    # The next poll brings the colleague's rename, Ed's entry staying.
    expect(card(ed, "丽塔改的标题")).to_be_visible(timeout=LIVE)
    expect(card(ed, "编辑自己的条目")).to_have_count(1)


def test_a_poll_answered_while_the_editor_s_add_runs_does_not_show_it_twice(new_page, issue):
    ed = new_page("ed")
    log_in(ed, "ed")
    ed.add_init_script(RECORD_HANDLED)
    ed.goto(COMPOSER)
    with holding(ed, ADD, method="POST") as adds:
        add_entry(ed, "编辑自己的条目")
        # The add is saved, its answer held: the poll that comes meanwhile carries the new
        # entry.
        answer = adds.first().fetch()
        assert Entry.objects.filter(title="编辑自己的条目").count() == 1
        wait_until_handled(ed, "/changes/")
        adds[0].fulfill(response=answer)
    wait_until_handled(ed, "/entries/new/")
    expect(card(ed, "编辑自己的条目")).to_have_count(1)
