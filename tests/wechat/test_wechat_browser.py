"""Copying an issue for WeChat in Chromium: the button puts exactly wechat.html (text/html)
and the plain text on the clipboard, and a paste into an editor that strips what WeChat's
strips (classes, ids, <style>, scripts) keeps the text, the numbers and the references."""

import pytest
from playwright.sync_api import expect

from editorial.models import EntryStatus, IssueStatus
from editorial.renderings.wechat import issue_to_wechat
from editorial.store import issue_to_data
from tests.support.browser import log_in
from tests.support.factories import make_issue, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTIONS = {
    "分布式系统": [
        ("微信文章 <T>", "https://mp.weixin.qq.com/s/abc123", "摘要 & 一。"),
        ("外部文章", "https://example.com/a?x=1&y=2", "摘要二。"),
    ],
    "技术之外": [("同一个地址", "https://example.com/a?x=1&y=2", "摘要三 😀。")],
}

# Reads both types back, as a paste would get them (unsanitized: the bytes that were written).
READ_CLIPBOARD = """async () => {
  const [item] = await navigator.clipboard.read({unsanitized: ["text/html"]});
  return {
    html: await (await item.getType("text/html")).text(),
    text: await (await item.getType("text/plain")).text(),
  };
}"""

# A stand-in for WeChat's editor: a contenteditable that takes the pasted HTML without
# classes, ids, <style>, <script> or <link>, as WeChat's editor does.
PASTE_TARGET = """<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">
<title>Paste target</title></head><body>
<div id="editor" contenteditable="true" aria-label="editor"></div>
<script>
document.getElementById("editor").addEventListener("paste", (event) => {
  event.preventDefault();
  const pasted = event.clipboardData.getData("text/html");
  const doc = new DOMParser().parseFromString(pasted, "text/html");
  doc.querySelectorAll("style, script, link, meta").forEach((node) => node.remove());
  doc.querySelectorAll("[class], [id]").forEach((node) => {
    node.removeAttribute("class");
    node.removeAttribute("id");
  });
  event.target.closest("#editor").innerHTML = doc.body.innerHTML;
});
</script></body></html>"""


def test_copy_puts_exactly_the_copy_on_the_clipboard_and_a_paste_keeps_it(new_page, live_server):
    editor = make_user("editor", username="ed")
    issue = make_issue(2024, 33, SECTIONS, author=editor)
    expected = issue_to_wechat(issue_to_data(issue))
    page = new_page("ed")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    log_in(page, "ed")
    page.goto("/editorial/issues/2024/33/wechat/")
    # The preview frame shows the copy itself.
    frame = page.frame_locator("iframe[title='The WeChat copy, as pasted']")
    expect(frame.locator("h1")).to_have_text("云计算技术动态 2024 年第三十三期")
    expect(frame.get_by_text("参考链接")).to_be_visible()

    page.get_by_role("button", name="Copy for WeChat").click()
    expect(page.get_by_role("status")).to_contain_text("Copied.")
    clipboard = page.evaluate(READ_CLIPBOARD)
    served = page.request.get("/editorial/issues/2024/33/wechat.html").text()
    # Chromium gives what was written inside a document of its own.
    written = clipboard["html"].removeprefix("<html><head></head><body>")
    assert written.removesuffix("</body></html>") == served == expected.html
    assert clipboard["text"] == expected.text

    # Pasted where classes, ids and <style> are stripped: text, numbers, references survive.
    page.route(
        "**/paste-target/", lambda route: route.fulfill(body=PASTE_TARGET, content_type="text/html")
    )
    page.goto("/paste-target/")
    editor_box = page.locator("#editor")
    editor_box.click()
    page.keyboard.press("ControlOrMeta+V")
    expect(editor_box.locator("h1")).to_have_text("云计算技术动态 2024 年第三十三期")
    pasted = editor_box.inner_text()
    for line in (
        "1. 微信文章 <T>",
        "摘要 & 一。",
        "2. 外部文章 [1]",
        "1. 同一个地址 [1]",
        "摘要三 😀。",
        "参考链接",
        "[1] 外部文章: https://example.com/a?x=1&y=2",
    ):
        assert line in pasted
    assert editor_box.locator("a").count() == 1
    assert editor_box.locator("a").get_attribute("href") == "https://mp.weixin.qq.com/s/abc123"
    # The styles travel inline: they are still on the pasted elements.
    assert "border-left" in (editor_box.locator("h2").first.get_attribute("style") or "")


def test_title_and_read_more_copy_as_text(new_page, live_server):
    make_user("editor", username="ed")
    make_issue(2024, 33, SECTIONS)
    page = new_page("ed")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    log_in(page, "ed")
    page.goto("/editorial/issues/2024/33/wechat/")
    page.get_by_role("button", name="Copy the address").click()
    text = page.evaluate("() => navigator.clipboard.readText()")
    assert text.endswith("/issues/2024/33/")
    page.get_by_role("button", name="Copy the title").click()
    assert (
        page.evaluate("() => navigator.clipboard.readText()") == "云计算技术动态 2024 年第三十三期"
    )


def test_the_preview_switches_to_wide_and_back(new_page):
    make_user("editor", username="ed")
    make_issue(2024, 33, SECTIONS)
    page = new_page("ed")
    log_in(page, "ed")
    page.goto("/editorial/issues/2024/33/wechat/")
    frame = page.locator("[data-preview-frame]")
    assert frame.bounding_box()["width"] == 375
    page.get_by_role("button", name="Wide").click()
    expect(page.get_by_role("button", name="Wide")).to_have_attribute("aria-pressed", "true")
    assert frame.bounding_box()["width"] > 375
    page.get_by_role("button", name="Phone (375 px)").click()
    assert frame.bounding_box()["width"] == 375


def test_the_review_page_shows_the_checks_and_the_copy(new_page):
    editor = make_user("editor", username="ed")
    make_user("reviewer", username="rev")
    make_issue(
        2024,
        33,
        SECTIONS,
        author=editor,
        status=IssueStatus.IN_REVIEW,
        entry_status=EntryStatus.SUBMITTED,
    )
    page = new_page("rev")
    log_in(page, "rev")
    page.goto("/editorial/review/2024/33/")
    panel = page.locator("#wechat-review")
    # The checks arrive after the page, from the WeChat door.
    expect(panel.locator(".wechat-check").first).to_be_visible()
    expect(panel).to_contain_text("not a WeChat article")
    panel.get_by_text("Show the copy as pasted").click()
    copy = panel.frame_locator("iframe")
    expect(copy.locator("h1")).to_have_text("云计算技术动态 2024 年第三十三期")
    expect(copy.get_by_text("[1] 外部文章: https://example.com/a?x=1&y=2")).to_be_visible()
