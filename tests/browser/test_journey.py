"""The whole editorial journey in a real browser, two people at once.

The editor creates issue 2024/33 with four sections and eight entries (one by quick add, one moved
to another section with the keyboard, one reordered by drag and drop), sees the duplicate-link
warning, and submits; the reviewer requests a change on one entry; the editor fixes it; the
reviewer approves and publishes; the published markdown is exactly EXPECTED_MARKDOWN.
Elements are found by role and label, as assistive technology finds them.
"""

import re

import pytest
from playwright.sync_api import expect

from editorial.models import Entry, EntryStatus, Issue, IssueStatus, Revision
from tests.support.browser import drag_card, log_in
from tests.support.factories import make_published_issue, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KUBERNETES_BLOG = "https://kubernetes.io/blog/2024/08/13/kubernetes-v1-31-release/"

DISTRIBUTED = [
    ("Raft 论文导读", "https://example.org/raft", "一致性算法 Raft 的逐节解读。"),
    ("Paxos 工程实践", "https://example.org/paxos", "从论文到生产系统的距离。"),
    ("CRDT 入门", "https://example.org/crdt", "无冲突复制数据类型的基本思想。"),
]
MORE = [
    (
        "云计算技术",
        "Serverless 冷启动",
        "https://example.org/cold-start",
        "冷启动时间的测量与优化。",
    ),
    # Written in the wrong section on purpose: it is moved to 开源 with the keyboard.
    ("云计算技术", "维护者的倦怠", "https://example.org/burnout", "开源维护者的工作负担调查。"),
    ("开源", "开源许可证指南", "https://example.org/licenses", "常见许可证的义务对照。"),
]

EXPECTED_MARKDOWN = """\
# 云计算技术动态 2024 年第三十三期

## 分布式系统

**1.** **CRDT 入门**

https://example.org/crdt

**摘要:** 无冲突复制数据类型的基本思想。

**2.** **Raft 论文导读**

https://example.org/raft

**摘要:** 一致性算法 Raft 的逐节解读。

**3.** **Paxos 工程实践**

https://example.org/paxos

**摘要:** 从论文到生产系统的距离。

## 云计算技术

**1.** **Kubernetes 1.31 发布说明**

https://github.com/kubernetes/kubernetes/releases/tag/v1.31.0

**摘要:** 新版本的主要变化与弃用项。

**2.** **Serverless 冷启动**

https://example.org/cold-start-report

**摘要:** 冷启动时间的测量与优化。

## 安全

**1.** **供应链攻击复盘**

https://example.org/supply-chain

**摘要:** 一次依赖投毒事件的时间线。

## 开源

**1.** **开源许可证指南**

https://example.org/licenses

**摘要:** 常见许可证的义务对照。

**2.** **维护者的倦怠**

https://example.org/burnout

**摘要:** 开源维护者的工作负担调查。
"""


def section_region(page, title):
    """A section of the composer (not of its preview): a region named by its heading."""
    return page.locator("#composer-sections").get_by_role("region", name=title, exact=True)


def entry_card(page, title):
    """An entry card of the composer: the list item holding the article named by the title."""
    return page.locator("li.composer-entry").filter(
        has=page.get_by_role("heading", name=title, exact=True)
    )


def titles_in(page, section_title):
    return section_region(page, section_title).locator(".composer-entry__title").all_inner_texts()


def add_entry(page, section_title, title, url, summary):
    """Add an entry at the end of a section with its inline form."""
    section = section_region(page, section_title)
    form = section.locator("form.entry-form--add")
    if not form.is_visible():
        section.get_by_text("Add an entry").click()
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_label("URL", exact=True).fill(url)
    form.get_by_label("Summary", exact=True).fill(summary)
    form.get_by_role("button", name="Add entry").click()
    entry_card(page, title).wait_for()


def test_editorial_journey(new_page, browser_errors, live_server):
    editor = make_user("editor", username="ed")
    make_user("reviewer", username="rev")
    make_published_issue(
        2024,
        32,
        {"云计算技术": [("Kubernetes v1.31 发布", KUBERNETES_BLOG, "上一期已经介绍过。")]},
    )

    # --- the editor creates 2024/33 --------------------------------------------------------
    ed = new_page("editor")
    log_in(ed, "ed")
    ed.get_by_role("link", name="New issue").click()
    ed.get_by_role("heading", name="New issue").wait_for()
    # Typed as a person types them: the year, then the number. The number suggested for the
    # year (2024/32 exists, so 33) may answer at any moment, and never replaces the typed one.
    ed.get_by_label("Year").fill("2024")
    ed.get_by_label("Number").fill("33")
    for checkbox in ed.get_by_role("group", name="Sections").get_by_role("checkbox").all():
        checkbox.uncheck()
    ed.get_by_label("More sections, one title per line").fill("分布式系统\n云计算技术\n安全")
    ed.get_by_role("button", name="Create the issue").click()
    ed.wait_for_url("**/editorial/issues/2024/33/")
    ed.get_by_role("heading", level=1, name="2024 年第三十三期").wait_for()

    # The fourth section is added in the composer.
    ed.get_by_label("New section title", exact=True).last.fill("开源")
    ed.get_by_role("button", name="Add section").click()
    section_region(ed, "开源").wait_for()

    # --- entries -----------------------------------------------------------------------------
    for title, url, summary in DISTRIBUTED:
        add_entry(ed, "分布式系统", title, url, summary)

    # A link that an earlier issue already used is flagged while it is typed, with where.
    cloud = section_region(ed, "云计算技术")
    form = cloud.locator("form.entry-form--add")
    if not form.is_visible():
        cloud.get_by_text("Add an entry").click()
    form.get_by_label("Title", exact=True).fill("Kubernetes 1.31 发布说明")
    form.get_by_label("URL", exact=True).fill(KUBERNETES_BLOG)
    warning = form.locator(".url-check")
    warning.get_by_text("This link is already used once:").wait_for()
    assert warning.get_by_role("link").first.inner_text().startswith("2024 年第三十二期")
    form.get_by_label("URL", exact=True).fill(
        "https://github.com/kubernetes/kubernetes/releases/tag/v1.31.0"
    )
    warning.get_by_text("This link is already used once:").wait_for(state="detached")
    form.get_by_label("Summary", exact=True).fill("新版本的主要变化与弃用项。")
    form.get_by_role("button", name="Add entry").click()
    entry_card(ed, "Kubernetes 1.31 发布说明").wait_for()

    for section_title, title, url, summary in MORE:
        add_entry(ed, section_title, title, url, summary)

    # Quick add: a pasted block becomes an entry.
    security = section_region(ed, "安全")
    security.get_by_text("Quick add").click()
    security.get_by_label("Paste entries").fill(
        "供应链攻击复盘\nhttps://example.org/supply-chain\n一次依赖投毒事件的时间线。"
    )
    security.get_by_role("button", name="Add these entries").click()
    entry_card(ed, "供应链攻击复盘").wait_for()

    # Move to another section with the keyboard: the card's menu, "Move to…", choose the
    # section, Tab to the position (empty: the end), Enter.
    card = entry_card(ed, "维护者的倦怠")
    card.locator("[data-menu-button]").press("Enter")
    card.get_by_role("button", name=re.compile(r"^Move to")).press("Enter")
    select = card.get_by_label("Section", exact=True)
    expect(select).to_be_focused()
    select.select_option(label="开源")
    ed.keyboard.press("Tab")
    ed.keyboard.press("Enter")
    section_region(ed, "开源").get_by_role("heading", name="维护者的倦怠").wait_for()
    assert titles_in(ed, "开源") == ["开源许可证指南", "维护者的倦怠"]
    assert titles_in(ed, "云计算技术") == ["Kubernetes 1.31 发布说明", "Serverless 冷启动"]

    # Reorder by drag and drop: CRDT to the top of its section.
    assert titles_in(ed, "分布式系统") == ["Raft 论文导读", "Paxos 工程实践", "CRDT 入门"]
    entry_card(ed, "Raft 论文导读").evaluate("node => node.scrollIntoView({block: 'start'})")
    drag_card(ed, entry_card(ed, "CRDT 入门"), entry_card(ed, "Raft 论文导读"))
    expect(section_region(ed, "分布式系统").locator(".composer-entry__title").first).to_have_text(
        "CRDT 入门"
    )
    assert titles_in(ed, "分布式系统") == ["CRDT 入门", "Raft 论文导读", "Paxos 工程实践"]
    assert Entry.objects.filter(section__issue__number=33).count() == 8

    # Submit the issue for review.
    ed.get_by_role("button", name="Submit for review", exact=True).click()
    ed.locator("#issue-actions .review-status", has_text="In review").wait_for()
    issue = Issue.objects.get(year=2024, number=33)
    assert issue.status == IssueStatus.IN_REVIEW

    # --- the reviewer asks for a change ----------------------------------------------------
    rev = new_page("reviewer")
    log_in(rev, "rev")
    rev.goto("/editorial/review/")
    rev.get_by_role("link", name="Review 2024 年第三十三期").click()
    rev.wait_for_url("**/editorial/review/2024/33/")
    cold = rev.get_by_role("listitem").filter(
        has=rev.get_by_role("heading", name="Serverless 冷启动", exact=True)
    )
    cold.get_by_text("Request changes").first.click()
    cold.get_by_label("What should change? (required)").fill("请链接到原始测量报告。")
    cold.get_by_role("button", name="Request changes", exact=True).click()
    cold.locator(".review-status", has_text="Changes requested").wait_for()

    # --- the editor sees the comment, fixes the entry (which resubmits it) and answers ---------
    ed.reload()
    card = entry_card(ed, "Serverless 冷启动")
    card.locator(":scope > header .review-status", has_text="Changes requested").wait_for()
    card.get_by_text("请链接到原始测量报告。").wait_for()
    card.locator(".composer-entry__title").click()  # click to edit
    edit_form = ed.locator("li.composer-entry--editing")
    edit_form.get_by_label("URL", exact=True).fill("https://example.org/cold-start-report")
    edit_form.get_by_label("URL", exact=True).press("Control+Enter")  # saves
    edit_form.wait_for(state="detached")
    card = entry_card(ed, "Serverless 冷启动")
    expect(card.locator(":scope > p > a")).to_have_attribute(
        "href", "https://example.org/cold-start-report"
    )
    # Submitted again by the edit, the card has its menu closed: open it for the comments.
    card.locator("[data-menu-button]").click()
    card.get_by_text("Reply", exact=True).click()
    card.get_by_label("Your reply").fill("已换成原始报告。")
    card.get_by_role("button", name="Send reply").click()
    card = entry_card(ed, "Serverless 冷启动")
    card.get_by_text("已换成原始报告。").wait_for()
    # The edit itself resubmitted it (edited after changes were requested → submitted).
    entry_card(ed, "Serverless 冷启动").locator(
        ":scope > header .review-status", has_text="Submitted"
    ).wait_for()
    fixed = Entry.objects.get(title="Serverless 冷启动")
    assert (fixed.status, fixed.url) == (
        EntryStatus.SUBMITTED,
        "https://example.org/cold-start-report",
    )

    # --- the reviewer approves everything and publishes --------------------------------------
    rev.reload()
    rev.get_by_text("1 with changes requested").wait_for(state="detached")
    rev.get_by_role("button", name="Approve all remaining").click()
    rev.get_by_text("Approved 8 entries.").wait_for()
    rev.get_by_role("button", name="Publish", exact=True).click()
    rev.get_by_text("Published: readers see revision 1 of 2024 年第三十三期 now.").wait_for()
    rev.locator("#issue-actions .review-status", has_text="Published").wait_for()

    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED
    revision = Revision.objects.get(issue=issue)
    assert revision.markdown == EXPECTED_MARKDOWN
    assert {e.created_by_id for e in Entry.objects.filter(section__issue=issue)} == {editor.pk}

    # --- what readers download is the expected file --------------------------------------------
    reader = new_page("reader")
    reader.goto("/issues/2024/33/")
    reader.get_by_role("heading", level=1).wait_for()
    response = reader.request.get(f"{live_server.url}/issues/2024/33.md")
    assert response.status == 200
    assert response.text() == EXPECTED_MARKDOWN
    with rev.expect_download() as download_info:
        rev.get_by_role("link", name="Download markdown").click()
    with open(download_info.value.path(), encoding="utf-8") as downloaded:
        assert downloaded.read() == EXPECTED_MARKDOWN

    browser_errors.assert_none()
