"""Unsent text survives leaving (static/js/drafts.js): a page with a changed, unsent form asks
before it goes; the text is kept in the browser and offered back when the editor returns; an
edit kept over a version a colleague has since replaced is shown beside the saved text, never
over it; a sent or discarded text is forgotten; kept texts expire and are capped."""

import re

import pytest
from playwright.sync_api import expect

from editorial import services
from editorial.models import Comment, Entry, EntryStatus, IssueStatus
from tests.support.browser import log_in, stop_sending
from tests.support.factories import make_issue, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMPOSER = "/editorial/issues/2024/33/"
LIVE = 20_000  # ms: the composer asks for colleagues' changes every 4 s
INTRO = "You left this page with text you had not sent. Reopen it to go on, or discard it."
KEPT_KEYS = (
    "() => Object.keys(localStorage).filter((key) => key.startsWith('digest-draft:')).sort()"
)


@pytest.fixture
def issue():
    return make_issue(2024, 33, author=make_user("editor", username="ed"), entries_per_section=3)


@pytest.fixture
def page(new_page, issue):
    page = new_page("ed")
    log_in(page, "ed")
    page.goto(COMPOSER)
    return page


def card(page, title):
    return page.locator("li.composer-entry").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


def kept(page) -> list[str]:
    return page.evaluate(KEPT_KEYS)


def offer(page):
    return page.locator("#drafts-offer")


def offered(page, label):
    return offer(page).get_by_role("listitem").filter(has_text=label)


def leave(page, link="Editorial", url="**/editorial/"):
    """Follow a link away; the page asks first (beforeunload) and the editor leaves. Returns
    the kinds of dialog that were shown."""
    shown = []

    def answer(dialog):
        shown.append(dialog.type)
        dialog.accept()

    page.on("dialog", answer)
    page.get_by_role("link", name=link, exact=True).first.click()
    page.wait_for_url(url)
    page.remove_listener("dialog", answer)
    return shown


def open_add_form(page):
    section = page.locator("#composer-sections section").first
    section.get_by_text("Add an entry").click()
    return section.locator("form.entry-form--add")


def rename_as_colleague(title, new_title, summary=None):
    entry = Entry.objects.get(title=title)
    services.entry_update(
        entry,
        title=new_title,
        url=entry.url,
        summary=entry.summary if summary is None else summary,
        version=entry.version,
        by=make_user("editor", username=f"rita-{entry.pk}-{entry.version}"),
    )


def test_closing_asks_first_only_while_a_form_holds_unsent_text(page):
    form = open_add_form(page)
    title = form.get_by_label("Title", exact=True)
    title.press_sequentially("写到一半")
    with page.expect_event("dialog") as asked:
        page.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()  # the editor stays: the text is still there
    expect(title).to_have_value("写到一半")
    assert len(kept(page)) == 1
    # Taken back to what the form held: nothing unsent, nothing kept, closing does not ask.
    title.fill("")
    assert kept(page) == []
    shown = []
    page.on("dialog", lambda dialog: (shown.append(dialog.type), dialog.dismiss()))
    # This page really closes: its presence beacon (test_live_browser covers it) would reach
    # the server after the test.
    stop_sending(page)
    with page.expect_event("close"):
        page.close(run_before_unload=True)
    assert shown == []


def test_an_add_form_left_by_a_link_is_offered_back_and_restored(page):
    form = open_add_form(page)
    form.get_by_label("Title", exact=True).fill("没写完的条目")
    form.get_by_label("URL", exact=True).fill("https://example.org/half-done")
    form.get_by_label("Summary", exact=True).fill("写了一半，\n还有第二行。")
    assert leave(page) == ["beforeunload"]

    page.goto(COMPOSER)
    expect(offer(page)).to_be_visible()
    expect(offer(page).get_by_role("alert")).to_have_text(INTRO)
    item = offered(page, "A new entry in “分布式系统”")
    expect(item).to_have_count(1)
    expect(offer(page).get_by_role("listitem")).to_have_count(1)
    # Reopen fetches the section's add form and fills it.
    item.get_by_role("button", name="Reopen").click()
    form = page.locator("#composer-sections section").first.locator("form.entry-form--add")
    title = form.get_by_label("Title", exact=True)
    expect(title).to_have_value("没写完的条目")
    expect(title).to_be_focused()
    expect(form.get_by_label("URL", exact=True)).to_have_value("https://example.org/half-done")
    expect(form.get_by_label("Summary", exact=True)).to_have_value("写了一半，\n还有第二行。")
    expect(offer(page)).to_be_hidden()

    # The restored form is dirty: a colleague's change merged in meanwhile leaves it as it is.
    rename_as_colleague("分布式系统 条目 3", "丽塔改的标题")
    expect(card(page, "丽塔改的标题")).to_be_visible(timeout=LIVE)
    expect(title).to_have_value("没写完的条目")
    assert len(kept(page)) == 1

    # Sent: the text is no longer kept, and nothing is offered on the next visit.
    form.get_by_role("button", name="Add entry").click()
    expect(card(page, "没写完的条目")).to_be_visible()
    assert kept(page) == []
    assert leave(page) == []
    page.goto(COMPOSER)
    expect(offer(page)).to_be_hidden()


def test_an_edit_kept_over_an_older_version_is_shown_beside_the_saved_text(page):
    card(page, "分布式系统 条目 2").locator(".composer-entry__title").click()
    editing = page.locator("li.composer-entry--editing")
    editing.get_by_label("Summary", exact=True).fill("我改了一半的摘要")
    assert leave(page) == ["beforeunload"]
    # A colleague saves the entry meanwhile.
    rename_as_colleague("分布式系统 条目 2", "丽塔改的标题", summary="丽塔的摘要")

    page.goto(COMPOSER)
    item = offered(page, "Changes to the entry “分布式系统 条目 2”")
    item.get_by_role("button", name="Reopen").click()
    editing = page.locator("li.composer-entry--editing")
    beside = editing.locator(".drafts-beside")
    heading = beside.get_by_role("heading", name="This entry was changed after you typed your text")
    expect(heading).to_be_focused()
    expect(beside).to_contain_text("You started from version 1; the saved text is now version 2.")
    saved, mine = beside.locator(".conflict__side").all()
    expect(saved.get_by_role("heading")).to_have_text("Saved text (version 2)")
    expect(saved).to_contain_text("丽塔改的标题")
    expect(saved).to_contain_text("丽塔的摘要")
    expect(mine.get_by_role("heading")).to_have_text("Your unsent text")
    expect(mine).to_contain_text("分布式系统 条目 2")
    expect(mine).to_contain_text("我改了一半的摘要")
    # The form holds the saved text, not the kept one, and starts from the new version.
    title = editing.get_by_label("Title", exact=True)
    summary = editing.get_by_label("Summary", exact=True)
    expect(title).to_have_value("丽塔改的标题")
    expect(summary).to_have_value("丽塔的摘要")
    expect(offer(page)).to_be_hidden()
    # The live merge leaves the card being edited, and the kept text beside it, as they are.
    rename_as_colleague("分布式系统 条目 3", "另一个修改")
    expect(card(page, "另一个修改")).to_be_visible(timeout=LIVE)
    expect(beside).to_be_visible()

    # "Use mine", explicitly: the form takes the kept text, and saving writes it.
    beside.get_by_role("button", name="Use mine").click()
    expect(beside).to_have_count(0)
    expect(summary).to_have_value("我改了一半的摘要")
    expect(title).to_have_value("分布式系统 条目 2")
    expect(title).to_be_focused()
    editing.get_by_role("button", name="Save").click()
    expect(card(page, "分布式系统 条目 2")).to_be_visible()
    assert Entry.objects.get(title="分布式系统 条目 2").summary == "我改了一半的摘要"
    assert kept(page) == []


def test_a_conflict_keeps_the_text_until_the_editor_chooses(page, browser_errors):
    browser_errors.expected_statuses.add(409)
    card(page, "分布式系统 条目 1").locator(".composer-entry__title").click()
    editing = page.locator("li.composer-entry--editing")
    editing.get_by_label("Title", exact=True).fill("我的标题")
    rename_as_colleague("分布式系统 条目 1", "丽塔的标题")
    editing.get_by_role("button", name="Save").click()
    conflict = page.locator("li.composer-entry--conflict")
    expect(conflict).to_contain_text("我的标题")
    # The refused text is still unsent: closing asks, and it stays kept.
    with page.expect_event("dialog") as asked:
        page.close(run_before_unload=True)
    assert asked.value.type == "beforeunload"
    asked.value.dismiss()
    assert len(kept(page)) == 1
    # Typing in the merge form keeps that text too; "Use mine" settles both.
    conflict.get_by_text("Merge: edit a text from both").click()
    conflict.locator("form.entry-form").get_by_label("Summary", exact=True).fill("合并中")
    assert len(kept(page)) == 2
    expect(offer(page)).to_be_hidden()  # shown in the conflict already
    conflict.get_by_role("button", name="Use mine").click()
    expect(card(page, "我的标题")).to_be_visible()
    assert kept(page) == []
    assert leave(page) == []


def test_a_refused_save_keeps_the_text_in_the_form_drawn_again(page, browser_errors):
    browser_errors.expected_statuses.add(422)
    card(page, "分布式系统 条目 1").locator(".composer-entry__title").click()
    editing = page.locator("li.composer-entry--editing")
    editing.get_by_label("Summary", exact=True).fill("还没保存的摘要")
    editing.get_by_label("Title", exact=True).fill("")
    before = kept(page)
    editing.get_by_role("button", name="Save").click()
    title = editing.get_by_label("Title", exact=True)
    expect(title).to_have_attribute("aria-invalid", "true")
    # The form drawn with its errors holds the same kept text, under the same key.
    assert kept(page) == before
    expect(editing.locator("form")).to_have_attribute("data-draft-id", before[0])
    title.fill("改好的标题")
    assert kept(page) == before
    title.press("Control+Enter")
    expect(card(page, "改好的标题")).to_be_visible()
    assert kept(page) == []


def test_a_saved_or_discarded_text_is_not_kept(page):
    # Saved with Ctrl+Enter.
    card(page, "分布式系统 条目 1").locator(".composer-entry__title").click()
    title = page.locator("li.composer-entry--editing").get_by_label("Title", exact=True)
    title.fill("保存过的标题")
    assert len(kept(page)) == 1
    title.press("Control+Enter")
    expect(card(page, "保存过的标题")).to_be_visible()
    assert kept(page) == []
    # Cancelled with Escape, confirmed.
    card(page, "分布式系统 条目 2").locator(".composer-entry__title").click()
    title = page.locator("li.composer-entry--editing").get_by_label("Title", exact=True)
    title.fill("不要了")
    page.once("dialog", lambda dialog: dialog.accept())
    title.press("Escape")
    expect(page.locator("li.composer-entry--editing")).to_have_count(0)
    assert kept(page) == []
    # Escape answered "no": the edit and its kept text stay.
    card(page, "分布式系统 条目 3").locator(".composer-entry__title").click()
    title = page.locator("li.composer-entry--editing").get_by_label("Title", exact=True)
    title.fill("还要的")
    page.once("dialog", lambda dialog: dialog.dismiss())
    title.press("Escape")
    expect(title).to_have_value("还要的")
    assert len(kept(page)) == 1
    # Cancelled with its button.
    page.locator("li.composer-entry--editing").get_by_role("link", name="Cancel").click()
    expect(page.locator("li.composer-entry--editing")).to_have_count(0)
    assert kept(page) == []
    # Nothing to offer, nothing to ask on leaving.
    assert leave(page) == []
    page.goto(COMPOSER)
    expect(offer(page)).to_be_hidden()


def test_discarding_from_the_offer_forgets_the_text(page):
    form = open_add_form(page)
    form.get_by_label("Title", exact=True).fill("第一段")
    section = page.locator("#composer-sections section").nth(1)
    section.get_by_text("Quick add").click()
    section.locator("form.quick-add").get_by_role("textbox").fill("第二段\nhttps://example.org/2")
    assert leave(page) == ["beforeunload"]

    page.goto(COMPOSER)
    items = offer(page).get_by_role("listitem")
    expect(items).to_have_count(2)
    first = offered(page, "A new entry in “分布式系统”")
    # The text can be read (and copied) before deciding.
    first.get_by_text("Show the text").click()
    # Title, URL, summary and source: the ones left empty read "—".
    expect(first.locator("dd")).to_have_text(["第一段", "—", "—", "—"])
    first.get_by_role("button", name="Discard").click()
    expect(items).to_have_count(1)
    # The keyboard stays in the offer, on what is left.
    expect(
        offered(page, "Entries pasted into “云计算技术”").get_by_role("button", name="Reopen")
    ).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Discard
    expect(offer(page)).to_be_hidden()
    expect(page.locator("#main")).to_be_focused()
    assert kept(page) == []
    page.reload()
    expect(offer(page)).to_be_hidden()


def test_kept_texts_expire_after_a_week_and_are_capped(page, issue):
    section = issue.sections.get(position=1).pk
    page.evaluate(
        """([path, section]) => {
          const now = Date.now(), day = 24 * 60 * 60 * 1000;
          const record = (user, at, value) => JSON.stringify({
            user, draft: `section-${section}:add`, version: "", path,
            label: "A new entry in “{title}”", title: "分布式系统", open: `#add-details-${section}`,
            at, fields: [{name: `add-${section}-title`, label: "Title", value}],
          });
          const key = (user, instance) => `digest-draft:${user}:section-${section}:add:${instance}`;
          localStorage.setItem(key("ed", "old"), record("ed", now - 8 * day, "上周的"));
          localStorage.setItem(key("ed", "new"), record("ed", now - day, "昨天的"));
          for (let i = 0; i < 60; i++) {
            localStorage.setItem(key("rita", "r" + i), record("rita", now - 2 * day - i, "丽塔的"));
          }
          localStorage.setItem("digest-draft:broken", "{not json");
        }""",
        [COMPOSER, section],
    )
    page.reload()
    keys = kept(page)
    prefix = f"digest-draft:%s:section-{section}:add:"
    assert len(keys) == 50
    assert prefix % "ed" + "new" in keys
    assert prefix % "ed" + "old" not in keys  # a week old
    assert "digest-draft:broken" not in keys
    # The oldest go first: Rita's 49 newest stay.
    assert sorted(k for k in keys if "rita" in k) == sorted(
        prefix % "rita" + f"r{i}" for i in range(49)
    )
    # Only this user's text is offered (Rita's stay hers), and the form takes it.
    item = offer(page).get_by_role("listitem")
    expect(item).to_have_count(1)
    item.get_by_role("button", name="Reopen").click()
    form = page.locator("#composer-sections section").first.locator("form.entry-form--add")
    expect(form.get_by_label("Title", exact=True)).to_have_value("昨天的")


def test_a_review_comment_is_offered_back_on_the_review_page(new_page):
    editor = make_user("editor", username="ed")
    make_user("reviewer", username="rev")
    issue = make_issue(
        2024, 33, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED, author=editor
    )
    entry = Entry.objects.filter(section__issue=issue).order_by("section__position", "position")[0]
    page = new_page("reviewer")
    log_in(page, "rev")
    review = f"/editorial/review/{issue.year}/{issue.number}/"
    page.goto(review)
    row = page.locator(f"#entry-{entry.pk}")
    row.get_by_role("link", name="Request changes").click()
    row.get_by_label("What should change? (required)").fill("请换成原文链接，")
    assert leave(page, link="Review", url="**/editorial/review/") == ["beforeunload"]

    page.goto(review)
    item = offered(page, f"Changes requested on “{entry.title}”")
    item.get_by_role("button", name="Reopen").click()
    field = row.get_by_label("What should change? (required)")
    expect(field).to_have_value("请换成原文链接，")
    field.press_sequentially("谢谢。")
    row.get_by_role("button", name=re.compile("^Request changes$")).click()
    expect(row.locator(".review-status", has_text="Changes requested")).to_be_visible()
    assert Comment.objects.get(entry=entry).body == "请换成原文链接，谢谢。"
    assert kept(page) == []


def test_links_pasted_into_the_inbox_are_offered_back(new_page):
    make_user("editor", username="ed")
    page = new_page("ed")
    log_in(page, "ed")
    page.goto("/editorial/inbox/")
    page.get_by_text("Paste many links").click()
    urls = "https://example.org/a\nhttps://example.org/b"
    page.locator("#inbox-paste-form").get_by_role("textbox").fill(urls)
    assert leave(page, link="Editorial") == ["beforeunload"]

    page.goto("/editorial/inbox/")
    offered(page, "Links pasted into the inbox").get_by_role("button", name="Reopen").click()
    field = page.locator("#inbox-paste-form").get_by_role("textbox")
    expect(field).to_be_visible()
    expect(field).to_have_value(urls)
