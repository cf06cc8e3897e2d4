"""Small things that tired editors: links they may not follow, why a draft came back, notes
that promised what cannot happen."""

from django.urls import reverse

from editorial import workflow
from editorial.models import EntryStatus, IssueStatus
from tests.support.factories import make_issue, make_published_issue, make_user
from tests.support.htmx import HTMX


def test_editors_are_not_shown_review_links(editor_client, editor):
    issue = make_issue(2024, 60, status=IssueStatus.IN_REVIEW, author=editor)
    review = reverse("editorial:review_issue", args=[issue.year, issue.number])
    for url in (reverse("editorial:dashboard"), issue.get_composer_url()):
        html = editor_client.get(url).content.decode()
        assert review not in html and reverse("editorial:review_list") not in html
    reviewer = make_user("reviewer", username="rev")
    editor_client.force_login(reviewer)
    assert review in editor_client.get(issue.get_composer_url()).content.decode()


def test_the_reason_for_a_send_back_is_on_the_composer_and_the_dashboard(editor_client, editor):
    issue = make_issue(2024, 61, status=IssueStatus.IN_REVIEW, author=editor)
    reviewer = make_user("reviewer", username="rev")
    workflow.issue_send_back(issue, by=reviewer, comment="第二节还缺来源。")
    for url in (issue.get_composer_url(), reverse("editorial:dashboard")):
        html = editor_client.get(url).content.decode()
        assert "Sent back by rev" in html and "第二节还缺来源。" in html
    # Once resubmitted, the reason is moot.
    workflow.issue_submit(issue, by=editor)
    assert "第二节还缺来源。" not in editor_client.get(issue.get_composer_url()).content.decode()


def test_the_reason_for_a_reopen_is_on_the_composer(editor_client):
    issue = make_published_issue(2024, 62)
    workflow.issue_reopen(issue, by=make_user("reviewer", username="rev"), comment="链接失效。")
    html = editor_client.get(issue.get_composer_url()).content.decode()
    assert "Reopened by rev" in html and "链接失效。" in html


def test_a_published_issue_s_entries_do_not_promise_a_return_to_review(editor_client):
    issue = make_published_issue(2024, 63)
    entry = issue.sections.first().entries.first()
    assert entry.status == EntryStatus.APPROVED
    html = editor_client.get(reverse("editorial:entry_review", args=[entry.pk]), **HTMX)
    assert "sends it back to review" not in html.content.decode()


def test_removing_an_empty_section_does_not_count_zero_entries(editor_client, issue):
    section = issue.sections.create(title="空栏目", position=3)
    response = editor_client.post(reverse("editorial:section_delete", args=[section.pk]), **HTMX)
    html = response.content.decode()
    assert "Removed the empty section “<bdi>空栏目</bdi>”." in html
    assert "0 entries" not in html
