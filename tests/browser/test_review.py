"""The review screens in a real browser: request changes, answer in place, approve, schedule."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from editorial.models import Comment, Entry, EntryStatus, IssueStatus, Revision
from tests.support.browser import holding, log_in
from tests.support.factories import make_issue, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_review_publish_schedule(new_page, browser_errors):
    editor = make_user("editor", username="ed")
    make_user("reviewer", username="rev")
    issue = make_issue(
        2024, 33, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED, author=editor
    )
    first = Entry.objects.filter(section__issue=issue).order_by("section__position", "position")[0]

    page = new_page("reviewer")
    log_in(page, "rev")
    page.goto("/editorial/review/")
    page.get_by_role("link", name=f"Review {issue.label}").click()
    page.wait_for_url("**/editorial/review/2024/33/")
    assert page.get_by_role("heading", level=1).inner_text() == f"Review {issue.label}"

    # Publishing is refused while entries wait: the message appears in the live region.
    browser_errors.expected_statuses.add(409)
    page.get_by_role("button", name="Publish", exact=True).click()
    alert = page.locator("#issue-actions [role=alert]")
    alert.get_by_text("Every entry must be approved before publishing: 4 are not.").wait_for()

    # Request changes on the first entry, with the comment the form requires.
    card = page.locator(f"#entry-{first.pk}")
    card.get_by_text("Request changes").first.click()
    card.get_by_label("What should change? (required)").fill("请换成原文链接。")
    card.get_by_role("button", name="Request changes", exact=True).click()
    card.locator(".review-status", has_text="Changes requested").wait_for()
    card.get_by_text("请换成原文链接。").wait_for()
    assert Entry.objects.get(pk=first.pk).status == EntryStatus.CHANGES_REQUESTED

    # Answer in place.
    card.get_by_text("Reply", exact=True).click()
    card.get_by_label("Your reply").fill("等编辑确认。")
    card.get_by_role("button", name="Send reply").click()
    card.get_by_text("2 comments").wait_for()
    reply = Comment.objects.get(body="等编辑确认。")
    assert reply.parent.body == "请换成原文链接。"

    # The counts follow (each move's answer carries them).
    page.get_by_text("4 entries: 3 submitted, 1 with changes requested, 0 approved.").wait_for()

    # Approve all remaining: the flagged entry stays.
    page.get_by_role("button", name="Approve all remaining").click()
    page.get_by_text("Approved 3 entries.").wait_for()
    assert Entry.objects.get(pk=first.pk).status == EntryStatus.CHANGES_REQUESTED

    # The editor fixes the entry (done here directly), then it is approved one by one.
    Entry.objects.filter(pk=first.pk).update(
        url="https://example.com/original", status=EntryStatus.SUBMITTED
    )
    page.reload()
    card = page.locator(f"#entry-{first.pk}")
    card.get_by_role("button", name=re.compile(r"^Approve")).click()
    card.locator(".review-status", has_text="Approved").wait_for()
    card.get_by_text("Editing an approved entry sends it back to review.").wait_for()
    page.get_by_text("4 entries: 0 submitted, 0 with changes requested, 4 approved.").wait_for()

    # Schedule for tomorrow 09:00 in Shanghai.
    tomorrow = (timezone.localtime() + timedelta(days=1)).replace(hour=9, minute=0)
    page.get_by_label("Publish at (optional)").fill(tomorrow.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Publish", exact=True).click()
    page.get_by_text(f"Scheduled for {tomorrow:%Y-%m-%d %H:%M} (Asia/Shanghai)").first.wait_for()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED
    assert issue.is_scheduled
    assert Revision.objects.get(issue=issue).published_at == tomorrow.replace(
        second=0, microsecond=0
    )
    browser_errors.assert_none()


# --- the review page's requests and answers, crossing --------------------------------------------
# Each test holds one answer (the server has done the work; the page has not heard yet) while
# the reviewer presses something else, then lets it through: whichever order the answers come
# in, each shows its result where the reviewer looks for it.

PAGE = "/editorial/review/2024/33/"
PAGE_FETCH = re.compile(r"/editorial/review/2024/33/(\?.*)?$")
APPROVE = re.compile(r"/entries/\d+/approve/$")
ROW = re.compile(r"/entries/\d+/review/")
APPROVE_ALL = re.compile(r"/issues/2024/33/approve-remaining/$")
PUBLISH = re.compile(r"/issues/2024/33/publish/$")
NOT_YET = "Every entry must be approved before publishing: {n} are not."


@pytest.fixture
def reviewing(new_page, browser_errors):
    """The reviewer on the review page of 2024/33: four submitted entries by an editor."""
    editor = make_user("editor", username="ed")
    make_user("reviewer", username="rev")
    issue = make_issue(
        2024, 33, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED, author=editor
    )
    browser_errors.expected_statuses.add(409)  # the refused publications
    page = new_page("reviewer")
    log_in(page, "rev")
    page.goto(PAGE)
    entries = list(
        Entry.objects.filter(section__issue=issue).order_by("section__position", "position")
    )
    return page, entries


def approve(page, entry):
    page.locator(f"#entry-{entry.pk}").get_by_role("button", name=re.compile(r"^Approve")).click()


def expect_approved(page, entry):
    status = page.locator(f"#entry-{entry.pk} .review-status")
    expect(status).to_have_text("Approved")


def expect_counts(page, submitted, changes, approved):
    expect(page.locator(".review-summary__counts")).to_have_text(
        f"4 entries: {submitted} submitted, {changes} with changes requested, {approved} approved."
    )


def publish_button(page):
    return page.get_by_role("button", name="Publish", exact=True)


def refusal(page):
    return page.locator("#issue-actions [role=alert]")


def test_moves_redraw_their_entry_and_the_counts_without_fetching_the_page(reviewing):
    page, (first, second, *_rest) = reviewing
    fetches = []
    page.on("request", lambda request: PAGE_FETCH.search(request.url) and fetches.append(request))
    # Were the page fetched again for its counts, the counts would wait for the held fetch.
    with holding(page, PAGE_FETCH) as refetches:
        approve(page, first)
        expect_approved(page, first)
        expect_counts(page, 3, 0, 1)
        card = page.locator(f"#entry-{second.pk}")
        card.get_by_text("Request changes").first.click()
        card.get_by_label("What should change? (required)").fill("请换成原文链接。")
        card.get_by_role("button", name="Request changes", exact=True).click()
        expect_counts(page, 2, 1, 1)
        card.get_by_text("Reply", exact=True).click()
        card.get_by_label("Your reply").fill("等编辑确认。")
        card.get_by_role("button", name="Send reply").click()
        expect(card.get_by_text("2 comments")).to_be_visible()
        assert refetches.sent == 0
    assert fetches == []


def test_an_approval_answered_after_its_row_was_asked_for_again(reviewing):
    """The reviewer approves an entry, then opens its comment form before the approval's answer
    arrives: the page asks for nothing until then, so the answer finds its row and shows the
    approval and the counts (the click meanwhile was on a row the answer redraws: it is not
    sent after the fact)."""
    page, (first, *_rest) = reviewing
    with holding(page, APPROVE, method="POST") as approvals, holding(page, ROW) as rows:
        approve(page, first)
        answer = approvals.first().fetch()
        page.locator(f"#entry-{first.pk}").get_by_text("Add a comment").first.click()
        page.evaluate("0")  # a round trip: the click's request, if the page sent one, is seen
        if rows.sent:  # a page that asks at once: that answer comes first
            rows.first().continue_()
            expect(page.locator(f"#entry-review-{first.pk} details[open] textarea")).to_be_visible()
        approvals[0].fulfill(response=answer)
    expect_approved(page, first)
    expect_counts(page, 3, 0, 1)
    expect(page.locator(f"#entry-{first.pk}").get_by_text("Add a comment")).to_be_visible()


def test_an_approval_answered_after_a_refused_publication_keeps_the_refusal(reviewing):
    page, (first, *_rest) = reviewing
    with holding(page, APPROVE, method="POST") as approvals:
        approve(page, first)
        answer = approvals.first().fetch()  # approved; the page hears it later
        publish_button(page).click()
        approvals[0].fulfill(response=answer)
    expect_approved(page, first)
    expect_counts(page, 3, 0, 1)
    expect(refusal(page)).to_have_text(NOT_YET.format(n=3))


def test_a_refused_publication_answered_after_an_approval_still_shows(reviewing):
    page, (first, *_rest) = reviewing
    with holding(page, PUBLISH, method="POST") as publications:
        publish_button(page).click()
        answer = publications.first().fetch()  # refused; the page hears it later
        approve(page, first)
        publications[0].fulfill(response=answer)
    expect_approved(page, first)
    expect_counts(page, 3, 0, 1)
    expect(refusal(page)).to_have_text(NOT_YET.format(n=4))
    assert Entry.objects.get(pk=first.pk).status == EntryStatus.APPROVED


def test_approve_all_answered_after_an_approval_pressed_meanwhile(reviewing):
    page, (first, *_rest) = reviewing
    with holding(page, APPROVE, method="POST") as approvals:
        with holding(page, APPROVE_ALL, method="POST") as bulk:
            page.get_by_role("button", name="Approve all remaining").click()
            answer = bulk.first().fetch()  # all four approved; the page hears it later
            approve(page, first)  # the entry approved a moment ago, as the page still shows
            bulk[0].fulfill(response=answer)
        # The page reloads, and what was pressed meanwhile is not sent after the fact.
        expect(page.get_by_text("Approved 4 entries.")).to_be_visible()
        expect_counts(page, 0, 0, 4)
        assert approvals.sent == 0
    assert {entry.status for entry in Entry.objects.all()} == {EntryStatus.APPROVED}


def test_approve_all_pressed_while_an_approval_is_answered(reviewing):
    page, (first, *_rest) = reviewing
    with holding(page, APPROVE, method="POST") as approvals:
        approve(page, first)
        answer = approvals.first().fetch()
        page.get_by_role("button", name="Approve all remaining").click()
        approvals[0].fulfill(response=answer)
    expect(page.get_by_text("Approved 3 entries.")).to_be_visible()
    expect_counts(page, 0, 0, 4)
