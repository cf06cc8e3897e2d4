"""The review screens in a real browser: request changes, answer in place, approve, schedule."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from editorial.models import Comment, Entry, EntryStatus, IssueStatus, Revision
from tests.browser.fixtures import log_in
from tests.factories import make_issue, make_user

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

    # The counts follow (the summary reloads on "issue-changed").
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
