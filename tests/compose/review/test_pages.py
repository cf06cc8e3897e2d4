"""The review list and the review page: plain, htmx and history restore; what they show."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.models import Comment, EntryStatus, IssueStatus
from tests.support.factories import make_issue, make_published_issue, make_user
from tests.support.htmx import HISTORY_RESTORE, HTMX
from tests.support.review import entries_of

pytestmark = pytest.mark.django_db


def review_url(issue):
    return reverse("editorial:review_issue", args=[issue.year, issue.number])


def test_review_list_shows_issues_in_review_with_counts(reviewer_client, issue_in_review):
    first, second, third, _fourth = entries_of(issue_in_review)
    first.status = EntryStatus.APPROVED
    first.save()
    second.status = third.status = EntryStatus.CHANGES_REQUESTED
    second.save()
    third.save()
    make_issue(2024, 34)  # a draft: not listed
    response = reviewer_client.get(reverse("editorial:review_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert review_url(issue_in_review) in html
    assert reverse("editorial:review_issue", args=[2024, 34]) not in html
    row = html[html.index(review_url(issue_in_review)) :].split("</tr>")[0]
    cells = [cell.split("</td>")[0].strip() for cell in row.split('class="num')[1:]]
    numbers = [cell.rsplit(">", 1)[-1] for cell in cells]
    assert numbers == ["1", "2", "1", "4"]  # submitted, changes requested, approved, total


def test_review_list_without_issues_says_so(reviewer_client):
    response = reviewer_client.get(reverse("editorial:review_list"))
    assert "No issue is waiting for review." in response.content.decode()


def test_review_list_shows_scheduled_issues(reviewer_client):
    when = timezone.now() + timedelta(days=2)
    issue = make_published_issue(2024, 40, when=when)
    html = reviewer_client.get(reverse("editorial:review_list")).content.decode()
    assert issue.get_composer_url() in html
    assert "Scheduled for " + timezone.localtime(when).strftime("%Y-%m-%d %H:%M") in html


@pytest.mark.parametrize("url_name", ["review_list", "review_issue"])
def test_review_pages_in_three_modes(reviewer_client, issue_in_review, url_name):
    args = [] if url_name == "review_list" else [2024, 33]
    url = reverse(f"editorial:{url_name}", args=args)
    plain = reviewer_client.get(url)
    fragment = reviewer_client.get(url, **HTMX)
    restored = reviewer_client.get(url, **HISTORY_RESTORE)
    for response in (plain, fragment, restored):
        assert response.status_code == 200
        assert "HX-Request" in response["Vary"]
    assert "<html" in plain.content.decode()
    assert "<html" in restored.content.decode()
    body = fragment.content.decode()
    assert "<html" not in body
    assert "<header" not in body
    assert issue_in_review.label in body


def test_review_page_shows_every_entry(reviewer_client, issue_in_review, editor):
    html = reviewer_client.get(review_url(issue_in_review)).content.decode()
    for entry in entries_of(issue_in_review):
        assert entry.title in html
        assert f'href="{entry.url}"' in html
        assert entry.summary in html
        assert reverse("editorial:entry_approve", args=[entry.pk]) in html
        # Requesting changes and commenting: the entry's whole review block, fetched in place
        # with that form open.
        block_url = reverse("editorial:entry_review", args=[entry.pk]) + f"?seen={entry.version}"
        for form_open, action in (
            ("request_changes", "editorial:entry_request_changes"),
            ("comment", "editorial:comment_create"),
        ):
            assert f'data-hx-get="{block_url}&amp;open={form_open}"' in html
            block = reviewer_client.get(f"{block_url}&open={form_open}", **HTMX).content.decode()
            assert f'id="entry-review-{entry.pk}"' in block
            assert reverse(action, args=[entry.pk]) in block
            assert '<details class="entry-review__details" open>' in block
    assert "Written by editor" in html
    assert "4 entries: 4 submitted, 0 with changes requested, 0 approved." in html
    assert reverse("editorial:issue_approve_remaining", args=[2024, 33]) in html
    assert reverse("editorial:issue_send_back", args=[2024, 33]) in html


def test_review_page_shows_non_ascii_hosts_in_punycode(reviewer_client):
    spoof = "https://\u0430pple.com/login"  # Cyrillic а
    make_issue(
        2024,
        35,
        {"安全": [("看起来像苹果", spoof, "摘要")]},
        status=IssueStatus.IN_REVIEW,
        entry_status=EntryStatus.SUBMITTED,
    )
    html = reviewer_client.get(reverse("editorial:review_issue", args=[2024, 35])).content.decode()
    assert "<code>https://xn--pple-43d.com/login</code>" in html
    assert "shown in punycode" in html


def test_four_eyes_is_shown_to_the_author(client, issue_in_review):
    author = make_user("reviewer", username="writer")
    entry = entries_of(issue_in_review)[0]
    entry.created_by = author
    entry.save()
    client.force_login(author)
    html = client.get(review_url(issue_in_review)).content.decode()
    why = "You wrote or changed the current title, URL, summary or source of this entry"
    assert html.count(why) == 1
    assert reverse("editorial:entry_approve", args=[entry.pk]) not in html
    # Request changes stays possible: four eyes only guards approval.
    block_url = reverse("editorial:entry_review", args=[entry.pk])
    block_url += f"?seen={entry.version}&open=request_changes"
    assert f'data-hx-get="{block_url.replace("&", "&amp;")}"' in html
    block = client.get(block_url, **HTMX).content.decode()
    assert reverse("editorial:entry_request_changes", args=[entry.pk]) in block
    assert reverse("editorial:entry_approve", args=[entry.pk]) not in block


def test_approved_entries_say_that_editing_sends_them_back(reviewer_client, issue_in_review):
    entry = entries_of(issue_in_review)[0]
    entry.status = EntryStatus.APPROVED
    entry.save()
    html = reviewer_client.get(review_url(issue_in_review)).content.decode()
    assert html.count("Editing an approved entry sends it back to review.") == 1


def test_review_page_shows_comment_threads(reviewer_client, issue_in_review, editor, reviewer):
    entry = entries_of(issue_in_review)[0]
    root = Comment.objects.create(entry=entry, author=reviewer, body="来源可靠吗？")
    reply = Comment.objects.create(entry=entry, author=editor, body="是官方博客。", parent=root)
    Comment.objects.create(entry=entry, author=reviewer, body="好的", parent=reply)
    html = reviewer_client.get(review_url(issue_in_review)).content.decode()
    assert "3 comments" in html
    thread = html[html.index(f'id="comment-{root.pk}"') :]
    assert thread.index("来源可靠吗？") < thread.index("是官方博客。") < thread.index("好的")
    # Every reply in a thread answers its root comment.
    assert f'name="parent" value="{root.pk}"' in html
    assert f'name="parent" value="{reply.pk}"' not in html


def test_review_page_query_count_does_not_grow_with_entries(
    reviewer_client, django_assert_max_num_queries, editor, reviewer
):
    sections = {
        f"栏目 {s}": [(f"条目 {s}-{i}", f"https://example.com/{s}/{i}", "摘要") for i in range(8)]
        for s in range(4)
    }
    issue = make_issue(
        2024,
        36,
        sections,
        status=IssueStatus.IN_REVIEW,
        entry_status=EntryStatus.SUBMITTED,
        author=editor,
    )
    for entry in entries_of(issue):
        Comment.objects.create(entry=entry, author=reviewer, body="?")
    # session, user, 2 x permissions, issue, sections, entries, comments, text authors (four
    # eyes), same links, changes since the last review, counts, revisions
    with django_assert_max_num_queries(13):
        response = reviewer_client.get(review_url(issue))
    assert response.status_code == 200


def test_unknown_issue_is_404(reviewer_client):
    assert reviewer_client.get(reverse("editorial:review_issue", args=[1999, 1])).status_code == 404


def test_editor_may_not_open_the_review_pages(editor_client, issue_in_review):
    assert editor_client.get(reverse("editorial:review_list")).status_code == 403
    assert editor_client.get(review_url(issue_in_review)).status_code == 403


def test_anonymous_htmx_request_keeps_the_page(client, issue_in_review):
    response = client.get(review_url(issue_in_review), **HTMX)
    assert (response.status_code, response["X-Digest-Session"]) == (401, "signed-out")


def test_review_page_of_a_scheduled_issue_shows_the_schedule(reviewer_client):
    when = timezone.now() + timedelta(hours=5)
    issue = make_published_issue(2024, 41, when=when)
    html = reviewer_client.get(review_url(issue)).content.decode()
    assert "Scheduled for " + timezone.localtime(when).strftime("%Y-%m-%d %H:%M") in html
    # Not yet read by anyone: reschedule, publish now or withdraw, never "reopen".
    assert reverse("editorial:issue_reopen", args=[2024, 41]) not in html
    for name in ("issue_reschedule", "issue_publish_now", "issue_withdraw"):
        assert reverse(f"editorial:{name}", args=[2024, 41]) in html
    assert reverse("editorial:entry_approve", args=[entries_of(issue)[0].pk]) not in html
