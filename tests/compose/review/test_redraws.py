"""Every redraw of the review page's controls carries the versions the page shows: after each
review action (refused or done), "approve all remaining" pressed on the page that action's answer
left (drawn in as htmx would, tests/support/htmx_page.py) approves what the page shows, or is
refused for the right reason, never "changed after this page was drawn" for entries nobody
touched."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial import services, workflow
from editorial.compose.views import review
from editorial.models import Entry, EntryStatus, IssueStatus
from tests.support.factories import make_issue, make_published_issue, make_user
from tests.support.htmx import HTMX
from tests.support.htmx_page import HtmxPage
from tests.support.review import entries_of

pytestmark = pytest.mark.django_db

NOT_IN_REVIEW = "Only the entries of an issue in review can be approved."


def issue_url(name, issue):
    return reverse(f"editorial:{name}", args=[issue.year, issue.number])


def entry_url(name, entry):
    return reverse(f"editorial:{name}", args=[entry.pk])


def page_messages(page) -> list[str]:
    return [
        " ".join("".join(p.itertext()).split())
        for p in page.root.xpath("//div[@class='messages']/p")
    ]


def approve_all_remaining(page, issue):
    """Press "approve all remaining" with what the page carries; where the page offers no such
    button, post what its actions block carries all the same. The words the reviewer reads."""
    url = issue_url("issue_approve_remaining", issue)
    form = page.form(url)
    if form is None:
        shown = page.by_id("issue-actions-shown")
        assert shown is not None, "the actions block carries what the page shows"
        data = {}
        for field in shown.iter("input"):
            data.setdefault(field.get("name"), []).append(field.get("value"))
        response = page.client.post(url, data, **HTMX)
        page.apply(page.by_id("issue-actions"), response)
        [feedback] = page.root.xpath("//*[@class='issue-actions__feedback']")
        return " ".join("".join(feedback.itertext()).split())
    page.post(form)
    return " ".join(page_messages(page))


def publish(page, issue, **typed):
    return page.post(page.form(issue_url("issue_publish", issue)), typed)


def statuses(issue) -> list[str]:
    return [entry.status for entry in entries_of(issue)]


@pytest.fixture
def in_review(editor):
    return make_issue(
        2024, 33, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED, author=editor
    )


@pytest.fixture
def page(reviewer_client, in_review):
    return HtmxPage(reviewer_client, reverse("editorial:review_issue", args=[2024, 33]))


# In review: the action's answer redraws part of the page, which then approves what it shows.


def test_after_a_refused_publication(page, in_review):
    answer = publish(page, in_review)
    assert answer.status_code == 409
    assert "Every entry must be approved before publishing: 4 are not." in page.text(
        "issue-actions"
    )
    assert approve_all_remaining(page, in_review) == "Approved 4 entries."
    assert statuses(in_review) == ["approved"] * 4


def test_after_a_publication_time_refused(page, in_review):
    answer = publish(page, in_review, at="tomorrow")
    assert answer.status_code == 422
    assert page.by_id("publish-at").get("value") == "tomorrow"  # what was typed stays
    assert approve_all_remaining(page, in_review) == "Approved 4 entries."


def test_after_a_send_back_refused(page, in_review):
    answer = page.post(page.form(issue_url("issue_send_back", in_review)), {"comment": ""})
    assert answer.status_code == 422
    assert approve_all_remaining(page, in_review) == "Approved 4 entries."


def test_after_one_approval(page, in_review):
    first = entries_of(in_review)[0]
    answer = page.post(page.button(entry_url("entry_approve", first)))
    assert answer.status_code == 200
    assert page.text("review-counts") == (
        "4 entries: 3 submitted, 0 with changes requested, 1 approved."
    )
    assert approve_all_remaining(page, in_review) == "Approved 3 entries."
    assert statuses(in_review) == ["approved"] * 4


def test_after_one_approval_another_entry_s_new_text_is_not_taken_in(page, in_review, editor):
    """An approval redraws its entry and the counts, not the page's versions: an entry edited
    meanwhile still shows its old text, and stays unapproved."""
    first, second = entries_of(in_review)[:2]
    services.entry_update(
        second, title="改过的标题", url=second.url, summary=second.summary, version=1, by=editor
    )
    page.post(page.button(entry_url("entry_approve", first)))
    assert approve_all_remaining(page, in_review) == (
        "Approved 2 entries. Left, because it changed after this page was drawn (read it "
        "again): “改过的标题”."
    )
    assert statuses(in_review) == ["approved", "submitted", "approved", "approved"]


def test_after_an_approval_refused_because_the_text_changed(page, in_review, editor):
    first = entries_of(in_review)[0]
    services.entry_update(
        first, title="改过的标题", url=first.url, summary=first.summary, version=1, by=editor
    )
    answer = page.post(page.button(entry_url("entry_approve", first)))
    assert answer.status_code == 409
    # The page still shows the text it was drawn with: that is not approved either.
    assert approve_all_remaining(page, in_review) == (
        "Approved 3 entries. Left, because it changed after this page was drawn (read it "
        "again): “改过的标题”."
    )
    assert statuses(in_review) == ["submitted"] + ["approved"] * 3


def test_after_a_request_for_changes(page, in_review):
    first = entries_of(in_review)[0]
    block = page.by_id(f"entry-review-{first.pk}")
    link = next(a for a in block.iter("a") if "open=request_changes" in (a.get("href") or ""))
    assert page.get(link).status_code == 200
    form = page.form(entry_url("entry_request_changes", first))
    assert page.post(form, {"comment": "请换成原文链接。"}).status_code == 200
    assert page.text("review-counts") == (
        "4 entries: 3 submitted, 1 with changes requested, 0 approved."
    )
    assert approve_all_remaining(page, in_review) == "Approved 3 entries."
    assert statuses(in_review) == ["changes_requested"] + ["approved"] * 3


def test_after_a_comment(page, in_review):
    first = entries_of(in_review)[0]
    block = page.by_id(f"entry-review-{first.pk}")
    link = next(a for a in block.iter("a") if "open=comment" in (a.get("href") or ""))
    page.get(link)
    answer = page.post(page.form(entry_url("comment_create", first)), {"body": "来源？"})
    assert answer.status_code == 200
    assert "1 comment" in page.text(f"entry-review-{first.pk}")
    assert approve_all_remaining(page, in_review) == "Approved 4 entries."


def test_after_a_link_check(page, in_review):
    answer = page.post(page.form(issue_url("link_check", in_review)))
    assert answer.status_code == 200
    assert "Checking links" in page.text("link-check-results")
    assert approve_all_remaining(page, in_review) == "Approved 4 entries."


def test_after_approving_all(page, in_review):
    assert approve_all_remaining(page, in_review) == "Approved 4 entries."
    assert approve_all_remaining(page, in_review) == "No entry left to approve."


def test_after_a_refusal_on_a_section_page(reviewer_client, in_review, monkeypatch):
    monkeypatch.setattr(review, "REVIEW_PAGE_ENTRIES", 3)
    first, second = in_review.sections.order_by("position")
    url = reverse("editorial:review_issue", args=[2024, 33]) + f"?section={second.pk}"
    page = HtmxPage(reviewer_client, url)
    assert publish(page, in_review).status_code == 409
    assert "Approve all remaining in this section" in page.text("issue-actions")
    assert approve_all_remaining(page, in_review) == "Approved 2 entries."
    assert statuses(in_review) == ["submitted"] * 2 + ["approved"] * 2


def test_after_a_refusal_in_the_composer(reviewer_client, in_review):
    page = HtmxPage(reviewer_client, in_review.get_composer_url())
    assert publish(page, in_review).status_code == 409
    assert approve_all_remaining(page, in_review) == "Approved 4 entries."


def test_after_a_refusal_the_issue_has_moved_on_meanwhile(reviewer_client, editor):
    """A page drawn while the issue was scheduled (no "approve all" on it) whose "publish now"
    is refused because a colleague withdrew the issue and an entry came back for review: the
    redraw offers "approve all remaining", for the entries the page shows."""
    issue = make_published_issue(2024, 33, when=timezone.now() + timedelta(days=1), author=editor)
    page = HtmxPage(reviewer_client, reverse("editorial:review_issue", args=[2024, 33]))
    assert page.form(issue_url("issue_approve_remaining", issue)) is None
    colleague = make_user("reviewer", username="colleague")
    workflow.issue_withdraw(issue, by=colleague, comment="")
    first = entries_of(issue)[0]
    workflow.entry_request_changes(first, by=colleague, comment="再看看")
    workflow.entry_submit(Entry.objects.get(pk=first.pk), by=editor)  # same text, same version
    answer = page.post(page.form(issue_url("issue_publish_now", issue)))
    assert answer.status_code == 409
    assert approve_all_remaining(page, issue) == "Approved 1 entry."
    assert statuses(issue) == ["approved"] * 4


# The issue moves: the page reloads, and offers (or refuses) what the new state allows.


def test_after_publishing(page, in_review):
    Entry.objects.filter(section__issue=in_review).update(status=EntryStatus.APPROVED)
    publish(page, in_review)
    assert page.text("issue-actions").startswith("Status and publishing Published")
    assert approve_all_remaining(page, in_review) == NOT_IN_REVIEW


def scheduled(page, issue):
    Entry.objects.filter(section__issue=issue).update(status=EntryStatus.APPROVED)
    when = timezone.localtime() + timedelta(days=2)
    publish(page, issue, at=when.strftime("%Y-%m-%dT%H:%M"))
    assert "Scheduled for" in page.text("issue-actions")
    return when


def test_after_scheduling(page, in_review):
    scheduled(page, in_review)
    assert approve_all_remaining(page, in_review) == NOT_IN_REVIEW


@pytest.mark.parametrize("at", ["", "later"])
def test_after_rescheduling(page, in_review, at):
    when = scheduled(page, in_review) + timedelta(days=1)
    form = page.form(issue_url("issue_reschedule", in_review))
    typed = {"at": when.strftime("%Y-%m-%dT%H:%M") if at else "soon"}
    answer = page.post(form, typed)
    assert answer.status_code == (200 if at else 422)
    assert approve_all_remaining(page, in_review) == NOT_IN_REVIEW


def test_after_publishing_now(page, in_review):
    scheduled(page, in_review)
    page.post(page.form(issue_url("issue_publish_now", in_review)))
    assert approve_all_remaining(page, in_review) == NOT_IN_REVIEW


def test_after_withdrawing(page, in_review):
    scheduled(page, in_review)
    page.post(page.form(issue_url("issue_withdraw", in_review)), {"comment": "等等"})
    assert page.form(issue_url("issue_approve_remaining", in_review)) is not None
    assert approve_all_remaining(page, in_review) == "No entry left to approve."


def test_after_sending_back(page, in_review):
    page.post(page.form(issue_url("issue_send_back", in_review)), {"comment": "第二栏太短"})
    assert approve_all_remaining(page, in_review) == NOT_IN_REVIEW


@pytest.mark.parametrize("comment", ["", "第一条链接错了"])
def test_after_reopening(reviewer_client, comment):
    issue = make_published_issue(2024, 33)
    page = HtmxPage(reviewer_client, reverse("editorial:review_issue", args=[2024, 33]))
    answer = page.post(page.form(issue_url("issue_reopen", issue)), {"comment": comment})
    assert answer.status_code == (200 if comment else 422)
    assert approve_all_remaining(page, issue) == NOT_IN_REVIEW
