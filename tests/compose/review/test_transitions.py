"""Issue and entry transitions through the views: plain form posts and htmx, success and refusal."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.models import AuditEvent, Comment, Entry, EntryStatus, Issue, IssueStatus, Revision
from tests.support.factories import make_issue, make_published_issue, make_user, shown_versions
from tests.support.htmx import HTMX
from tests.support.pages import messages_of
from tests.support.review import entries_of

pytestmark = pytest.mark.django_db

REVIEW = "/editorial/review/2024/33/"


def issue_url(name, issue):
    return reverse(f"editorial:{name}", args=[issue.year, issue.number])


def entry_url(name, entry):
    return reverse(f"editorial:{name}", args=[entry.pk])


def refresh(obj):
    obj.refresh_from_db()
    return obj


def events(action):
    return AuditEvent.objects.filter(action=action)


# Entries


def test_approve_plain_redirects_back_with_a_message(reviewer_client, issue_in_review):
    entry = entries_of(issue_in_review)[0]
    response = reviewer_client.post(
        entry_url("entry_approve", entry), {"next": REVIEW, "version": entry.version}
    )
    assert response.status_code == 302
    assert response["Location"] == REVIEW
    assert refresh(entry).status == EntryStatus.APPROVED
    assert events("entry_approve").filter(entry=entry).count() == 1
    assert messages_of(response) == [f"Approved: <bdi>{entry.title}</bdi>."]


def test_approve_htmx_returns_the_fragment_and_signals_the_change(reviewer_client, issue_in_review):
    entry = entries_of(issue_in_review)[0]
    response = reviewer_client.post(
        entry_url("entry_approve", entry), {"version": entry.version}, **HTMX
    )
    assert response.status_code == 200
    assert "issue-changed" in json.loads(response["HX-Trigger"])
    html = response.content.decode()
    assert html.startswith(f'<div class="entry-review" id="entry-review-{entry.pk}"')
    assert "Approved" in html
    assert "Editing an approved entry sends it back to review." in html
    assert refresh(entry).status == EntryStatus.APPROVED


def test_approve_without_a_safe_next_goes_to_the_composer(reviewer_client, issue_in_review):
    entry = entries_of(issue_in_review)[0]
    response = reviewer_client.post(
        entry_url("entry_approve", entry), {"next": "https://evil.example/"}
    )
    assert response["Location"] == issue_in_review.get_composer_url()


def test_four_eyes_through_the_view(client, issue_in_review):
    author = make_user("reviewer", username="writer")
    entry = entries_of(issue_in_review)[0]
    Entry.objects.filter(pk=entry.pk).update(created_by=author)
    client.force_login(author)
    plain = client.post(
        entry_url("entry_approve", entry), {"next": REVIEW, "version": entry.version}
    )
    assert plain.status_code == 302
    assert messages_of(plain) == [
        "You wrote or changed the current title, URL, summary or source of this entry: "
        "another reviewer must approve it."
    ]
    fragment = client.post(entry_url("entry_approve", entry), {"version": entry.version}, **HTMX)
    assert fragment.status_code == 403
    assert "HX-Trigger" not in fragment
    html = fragment.content.decode()
    assert 'role="alert"' in html
    assert "another reviewer must approve it" in html
    assert refresh(entry).status == EntryStatus.SUBMITTED
    assert not events("entry_approve").exists()
    # Another reviewer may.
    other = make_user("reviewer")
    client.force_login(other)
    client.post(entry_url("entry_approve", entry), {"version": entry.version})
    assert refresh(entry).status == EntryStatus.APPROVED


def test_four_eyes_off_lets_the_author_approve(client, issue_in_review, settings):
    settings.DIGEST_FOUR_EYES = False
    author = make_user("reviewer", username="solo")
    entry = entries_of(issue_in_review)[0]
    Entry.objects.filter(pk=entry.pk).update(created_by=author)
    client.force_login(author)
    client.post(entry_url("entry_approve", entry), {"version": entry.version})
    assert refresh(entry).status == EntryStatus.APPROVED


def test_stale_approval_is_refused(reviewer_client, issue_in_review):
    entry = entries_of(issue_in_review)[0]
    Entry.objects.filter(pk=entry.pk).update(version=entry.version + 1)
    response = reviewer_client.post(
        entry_url("entry_approve", entry), {"version": entry.version}, **HTMX
    )
    assert response.status_code == 409
    assert "changed after you opened it" in response.content.decode()
    assert refresh(entry).status == EntryStatus.SUBMITTED


def test_approving_twice_is_a_conflict(reviewer_client, issue_in_review):
    entry = entries_of(issue_in_review)[0]
    reviewer_client.post(entry_url("entry_approve", entry), {"version": entry.version})
    response = reviewer_client.post(
        entry_url("entry_approve", entry), {"version": entry.version}, **HTMX
    )
    assert response.status_code == 409
    assert events("entry_approve").count() == 1


def test_request_changes_needs_a_comment(reviewer_client, issue_in_review):
    entry = entries_of(issue_in_review)[0]
    response = reviewer_client.post(
        entry_url("entry_request_changes", entry), {"comment": "  "}, **HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Comment: it cannot be empty." in html
    assert '<details class="entry-review__details" open>' in html
    assert refresh(entry).status == EntryStatus.SUBMITTED
    assert not Comment.objects.exists()
    plain = reviewer_client.post(entry_url("entry_request_changes", entry), {"next": REVIEW})
    assert plain["Location"] == REVIEW
    assert messages_of(plain) == ["Comment: it cannot be empty."]


def test_request_changes_adds_the_comment(reviewer_client, issue_in_review, reviewer):
    entry = entries_of(issue_in_review)[1]
    response = reviewer_client.post(
        entry_url("entry_request_changes", entry), {"comment": "摘要太长，请缩短。"}, **HTMX
    )
    assert response.status_code == 200
    assert "issue-changed" in json.loads(response["HX-Trigger"])
    assert refresh(entry).status == EntryStatus.CHANGES_REQUESTED
    comment = Comment.objects.get()
    assert (comment.entry, comment.author, comment.body) == (entry, reviewer, "摘要太长，请缩短。")
    assert "摘要太长，请缩短。" in response.content.decode()
    event = events("entry_request_changes").get()
    assert (event.from_state, event.to_state) == (EntryStatus.SUBMITTED, "changes_requested")


def test_editor_resubmits_an_entry(editor_client, issue_in_review):
    entry = entries_of(issue_in_review)[0]
    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.CHANGES_REQUESTED)
    response = editor_client.post(entry_url("entry_submit", entry), **HTMX)
    assert response.status_code == 200
    assert refresh(entry).status == EntryStatus.SUBMITTED
    assert events("entry_submit").count() == 1


def test_editor_may_not_approve(editor_client, issue_in_review):
    entry = entries_of(issue_in_review)[0]
    assert (
        editor_client.post(
            entry_url("entry_approve", entry), {"version": entry.version}
        ).status_code
        == 403
    )
    assert editor_client.post(entry_url("entry_request_changes", entry)).status_code == 403
    assert refresh(entry).status == EntryStatus.SUBMITTED


def test_entry_of_a_published_issue_cannot_change(reviewer_client):
    issue = make_published_issue()
    entry = entries_of(issue)[0]
    response = reviewer_client.post(
        entry_url("entry_request_changes", entry), {"comment": "x"}, **HTMX
    )
    assert response.status_code == 409
    assert "reopen it first" in response.content.decode()
    assert refresh(entry).status == EntryStatus.APPROVED


def test_unknown_entry_is_404(reviewer_client):
    assert (
        reviewer_client.post(reverse("editorial:entry_approve", args=[999999])).status_code == 404
    )


def test_get_on_a_transition_is_not_allowed(reviewer_client, issue_in_review):
    entry = entries_of(issue_in_review)[0]
    assert reviewer_client.get(entry_url("entry_approve", entry)).status_code == 405
    assert reviewer_client.get(issue_url("issue_publish", issue_in_review)).status_code == 405


# Comments


def test_comment_and_reply(editor_client, issue_in_review, editor):
    entry = entries_of(issue_in_review)[0]
    response = editor_client.post(
        entry_url("comment_create", entry), {"body": "链接换成原文？", "next": REVIEW}
    )
    assert response["Location"] == REVIEW
    root = Comment.objects.get()
    fragment = editor_client.post(
        entry_url("comment_create", entry), {"body": "已换。", "parent": root.pk}, **HTMX
    )
    assert fragment.status_code == 200
    assert "issue-changed" in json.loads(fragment["HX-Trigger"])
    reply = Comment.objects.exclude(pk=root.pk).get()
    assert (reply.parent, reply.author, reply.entry) == (root, editor, entry)
    html = fragment.content.decode()
    assert html.index("链接换成原文？") < html.index("已换。")
    assert "2 comments" in html


def test_comment_follows_its_entry(client, issue_in_review, editor, reviewer):
    entry = entries_of(issue_in_review)[0]
    client.force_login(editor)
    client.post(entry_url("comment_create", entry), {"body": "注意来源"})
    other_section = issue_in_review.sections.get(position=2)
    Entry.objects.filter(pk=entry.pk).update(section=other_section, position=99)
    client.force_login(reviewer)
    html = client.get(REVIEW).content.decode()
    second_section = html[html.index(f'id="section-title-{other_section.pk}"') :]
    assert "注意来源" in second_section


def test_reply_to_a_comment_of_another_entry_is_refused(editor_client, issue_in_review, editor):
    first, second = entries_of(issue_in_review)[:2]
    foreign = Comment.objects.create(entry=second, author=editor, body="别处")
    response = editor_client.post(
        entry_url("comment_create", first), {"body": "回复", "parent": foreign.pk}, **HTMX
    )
    assert response.status_code == 422
    assert "no longer there" in response.content.decode()
    assert Comment.objects.count() == 1


def test_empty_comment_is_refused(editor_client, issue_in_review):
    entry = entries_of(issue_in_review)[0]
    response = editor_client.post(entry_url("comment_create", entry), {"body": ""}, **HTMX)
    assert response.status_code == 422
    assert not Comment.objects.exists()


def test_reader_may_not_comment(client, issue_in_review):
    client.force_login(make_user("reader"))
    entry = entries_of(issue_in_review)[0]
    assert client.post(entry_url("comment_create", entry), {"body": "hi"}).status_code == 403
    assert not Comment.objects.exists()


# Issues


def test_submit_issue(editor_client, editor):
    issue = make_issue(2024, 33, author=editor)
    response = editor_client.post(issue_url("issue_submit", issue), {"next": "/editorial/"})
    assert response["Location"] == "/editorial/"
    assert refresh(issue).status == IssueStatus.IN_REVIEW
    assert {e.status for e in entries_of(issue)} == {EntryStatus.SUBMITTED}
    assert events("issue_submit").count() == 1
    assert messages_of(response) == [f"Submitted for review: {issue}."]


def test_submit_issue_htmx_refreshes_the_page(editor_client, editor):
    issue = make_issue(2024, 33, author=editor)
    response = editor_client.post(issue_url("issue_submit", issue), **HTMX)
    assert response.status_code == 200
    assert response["HX-Refresh"] == "true"
    assert "HX-Trigger" not in response  # the refresh reloads everything
    assert refresh(issue).status == IssueStatus.IN_REVIEW


def test_submit_issue_gate_says_what_is_missing(editor_client, editor):
    issue = make_issue(2024, 33, author=editor)
    Entry.objects.filter(pk=entries_of(issue)[0].pk).update(summary="")
    response = editor_client.post(issue_url("issue_submit", issue), **HTMX)
    assert response.status_code == 409
    html = response.content.decode()
    assert html.startswith('<section class="issue-actions" id="issue-actions"')
    assert "Every entry needs a summary before review: 1 does not." in html
    assert refresh(issue).status == IssueStatus.DRAFT
    assert not events("issue_submit").exists()
    plain = editor_client.post(issue_url("issue_submit", issue))
    assert plain["Location"] == issue.get_composer_url()
    assert messages_of(plain) == ["Every entry needs a summary before review: 1 does not."]


def test_send_back_needs_a_comment(reviewer_client, issue_in_review):
    response = reviewer_client.post(issue_url("issue_send_back", issue_in_review), **HTMX)
    assert response.status_code == 422
    assert "Comment: it cannot be empty." in response.content.decode()
    assert refresh(issue_in_review).status == IssueStatus.IN_REVIEW
    response = reviewer_client.post(
        issue_url("issue_send_back", issue_in_review), {"comment": "第二栏太短"}
    )
    assert response.status_code == 302
    assert refresh(issue_in_review).status == IssueStatus.DRAFT
    assert events("issue_send_back").get().comment == "第二栏太短"


def test_editor_may_not_send_back_or_publish(editor_client, issue_in_review):
    for name in ("issue_send_back", "issue_publish", "issue_approve_remaining"):
        response = editor_client.post(issue_url(name, issue_in_review), {"comment": "x"})
        assert response.status_code == 403, name
    assert refresh(issue_in_review).status == IssueStatus.IN_REVIEW


def test_approve_remaining_skips_flagged_and_own(client, issue_in_review):
    me = make_user("reviewer", username="me")
    first, second, third, fourth = entries_of(issue_in_review)
    Entry.objects.filter(pk=second.pk).update(status=EntryStatus.CHANGES_REQUESTED)
    Entry.objects.filter(pk=third.pk).update(created_by=me)
    client.force_login(me)
    shown = [f"{pk}:{v}" for pk, v in shown_versions(issue_in_review).items()]
    response = client.post(
        issue_url("issue_approve_remaining", issue_in_review), {"next": REVIEW, "versions": shown}
    )
    assert messages_of(response)[0].startswith("Approved 2 entries.")
    statuses = [refresh(e).status for e in (first, second, third, fourth)]
    assert statuses == ["approved", "changes_requested", "submitted", "approved"]
    again = client.post(
        issue_url("issue_approve_remaining", issue_in_review), {"versions": shown}, **HTMX
    )
    assert again["HX-Refresh"] == "true"
    assert messages_of(again)[-1].startswith("No entry left to approve")


def approve_all(issue):
    Entry.objects.filter(section__issue=issue).update(status=EntryStatus.APPROVED)


def test_publish_now(reviewer_client, issue_in_review, reviewer):
    approve_all(issue_in_review)
    response = reviewer_client.post(issue_url("issue_publish", issue_in_review), {"at": ""})
    assert response.status_code == 302
    issue = refresh(issue_in_review)
    assert issue.status == IssueStatus.PUBLISHED
    assert not issue.is_scheduled
    revision = Revision.objects.get(issue=issue)
    assert (revision.number, revision.published_by) == (1, reviewer)
    assert revision.markdown.startswith("# 云计算技术动态 2024 年第三十三期\n")
    assert Issue.objects.visible_to_readers().filter(pk=issue.pk).exists()
    assert messages_of(response) == [f"Published: readers see revision 1 of {issue} now."]


def test_publish_is_refused_until_every_entry_is_approved(reviewer_client, issue_in_review):
    response = reviewer_client.post(issue_url("issue_publish", issue_in_review), **HTMX)
    assert response.status_code == 409
    assert "Every entry must be approved before publishing: 4 are not." in (
        response.content.decode()
    )
    assert refresh(issue_in_review).status == IssueStatus.IN_REVIEW
    assert not Revision.objects.exists()


def test_publish_in_the_future_schedules(reviewer_client, issue_in_review):
    approve_all(issue_in_review)
    local = timezone.localtime() + timedelta(days=3)
    value = local.strftime("%Y-%m-%dT%H:%M")
    response = reviewer_client.post(
        issue_url("issue_publish", issue_in_review), {"at": value, "next": REVIEW}
    )
    assert response["Location"] == REVIEW
    issue = refresh(issue_in_review)
    assert issue.status == IssueStatus.PUBLISHED
    assert issue.is_scheduled
    # The datetime-local value is read in the current time zone (Asia/Shanghai).
    assert timezone.localtime(issue.published_at).strftime("%Y-%m-%dT%H:%M") == value
    assert str(timezone.localtime(issue.published_at).tzinfo) == "Asia/Shanghai"
    assert not Issue.objects.visible_to_readers().filter(pk=issue.pk).exists()
    assert Issue.objects.visible_to_readers(issue.published_at).filter(pk=issue.pk).exists()
    assert messages_of(response)[0].startswith(
        f"Scheduled for {local.strftime('%Y-%m-%d %H:%M')} (Asia/Shanghai)"
    )
    page = reviewer_client.get(REVIEW).content.decode()
    assert f"Scheduled for {local.strftime('%Y-%m-%d %H:%M')} (Asia/Shanghai)" in page


def test_publish_with_a_past_time_publishes_now(reviewer_client, issue_in_review):
    approve_all(issue_in_review)
    before = timezone.now()
    reviewer_client.post(issue_url("issue_publish", issue_in_review), {"at": "2020-01-01T08:00"})
    issue = refresh(issue_in_review)
    assert issue.status == IssueStatus.PUBLISHED
    assert issue.published_at >= before.replace(microsecond=0)
    assert not issue.is_scheduled


def test_publish_with_a_bad_time_changes_nothing(reviewer_client, issue_in_review):
    approve_all(issue_in_review)
    response = reviewer_client.post(
        issue_url("issue_publish", issue_in_review), {"at": "tomorrow"}, **HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Publish at: enter a date and time such as 2026-12-01T09:00." in html
    assert 'value="tomorrow"' in html
    assert refresh(issue_in_review).status == IssueStatus.IN_REVIEW


def test_publish_htmx_refreshes(reviewer_client, issue_in_review):
    approve_all(issue_in_review)
    response = reviewer_client.post(issue_url("issue_publish", issue_in_review), **HTMX)
    assert response["HX-Refresh"] == "true"
    assert refresh(issue_in_review).status == IssueStatus.PUBLISHED


def test_reopen_and_publish_again_with_a_note(reviewer_client, reviewer):
    issue = make_published_issue(2024, 33)
    url = issue_url("issue_reopen", issue)
    assert reviewer_client.post(url, {"comment": ""}, **HTMX).status_code == 422
    assert refresh(issue).status == IssueStatus.PUBLISHED
    reviewer_client.post(url, {"comment": "第一条链接错了"})
    assert refresh(issue).status == IssueStatus.DRAFT
    assert Issue.objects.visible_to_readers().filter(pk=issue.pk).exists()  # revision 1 stays
    # Correct, review again, publish again: the form asks for a note now.
    entry = entries_of(issue)[0]
    Entry.objects.filter(pk=entry.pk).update(url="https://example.com/fixed")
    Issue.objects.filter(pk=issue.pk).update(status=IssueStatus.IN_REVIEW)
    page = reviewer_client.get(REVIEW).content.decode()
    assert 'name="note"' in page
    assert "Public correction note (required)" in page
    refused = reviewer_client.post(issue_url("issue_publish", issue), {"note": ""}, **HTMX)
    assert refused.status_code == 422
    assert "say in a public note what was corrected" in refused.content.decode()
    assert Revision.objects.filter(issue=issue).count() == 1
    response = reviewer_client.post(
        issue_url("issue_publish", issue), {"note": "更正了第一条的链接。"}
    )
    assert messages_of(response) == [f"Published: readers see revision 2 of {issue} now."]
    revision = Revision.objects.get(issue=issue, number=2)
    assert revision.note == "更正了第一条的链接。"
    assert "https://example.com/fixed" in revision.markdown
    assert refresh(issue).status == IssueStatus.PUBLISHED


def test_first_publication_asks_for_no_note(reviewer_client, issue_in_review):
    html = reviewer_client.get(REVIEW).content.decode()
    assert 'name="note"' not in html
    assert 'type="datetime-local"' in html


def test_editor_may_not_reopen(editor_client):
    issue = make_published_issue()
    assert editor_client.post(issue_url("issue_reopen", issue), {"comment": "x"}).status_code == 403
    assert refresh(issue).status == IssueStatus.PUBLISHED


def test_an_approval_from_the_card_menu_covers_the_text_the_card_showed(
    reviewer_client, issue_in_review
):
    """The card's menu is fetched when it opens: its approve form carries the version the card
    was drawn with (?seen=), so text saved meanwhile is not approved unread."""
    entry = entries_of(issue_in_review)[0]
    shown = entry.version
    composer = reviewer_client.get(issue_in_review.get_composer_url()).content.decode()
    menu_link = next(
        url
        for url in (
            reverse("editorial:entry_menu", args=[entry.pk]),
            reverse("editorial:entry_review", args=[entry.pk]),
        )
        if f'href="{url}?seen={shown}"' in composer
    )
    Entry.objects.filter(pk=entry.pk).update(version=shown + 1)  # a colleague's save
    menu = reviewer_client.get(f"{menu_link}?seen={shown}", **HTMX).content.decode()
    assert f'name="version" value="{shown}"' in menu
    response = reviewer_client.post(entry_url("entry_approve", entry), {"version": shown}, **HTMX)
    assert response.status_code == 409
    assert refresh(entry).status == EntryStatus.SUBMITTED
    # Without JavaScript the menu is a page showing the entry as it is now: that is approved.
    page = reviewer_client.get(f"{menu_link}?seen={shown}").content.decode()
    assert re.findall(r'name="version" value="(\d+)"', page) == [str(shown + 1)]
