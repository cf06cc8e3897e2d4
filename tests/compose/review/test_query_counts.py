"""An entry's review move on the review page answers with its review block and the page's counts
(out of band) alone: the same queries and about the same bytes for an issue of 10 entries and
one of 500, a small part of the page it changes, and nothing else for the page to fetch."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from editorial.models import Entry
from tests.support.factories import make_issue_in_review
from tests.support.htmx import HTMX

pytestmark = pytest.mark.django_db

# The review page's own controls post page=review (hx-vals on its entry lists).
ON_THE_PAGE = {"page": "review"}

# session, user, permissions, the entry; BEGIN, the issue locked, the entry locked, its text
# authors (four eyes), UPDATE, audit row, the issue's updated_at, COMMIT; the entry again with
# its issue, its comments, the sections' counts; and a request for changes tells the entry's
# authors: who they are, their notices already waiting, the notice written, its mail scheduled
# (editorial.mail.notifications.events)
MOVE_BUDGET = 20
# An answer: the review block (about 2.5 KB: its forms, with the titles in their labels) and the
# counts. The page it changes weighs 20 KB at 10 entries.
ANSWER_BYTES = 5_000


def issue_of(number: int, entries: int, author):
    return make_issue_in_review(number, entries, author)


@pytest.fixture
def issues(editor):
    return [issue_of(60 + size // 10, size, editor) for size in (10, 500)]


def answer_of(request) -> tuple[int, bytes]:
    """(queries, body) of an htmx answer."""
    with CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code == 200
    assert "HX-Refresh" not in response
    return len(queries), response.content


def first_entry(issue) -> Entry:
    return Entry.objects.filter(section__issue=issue).order_by("pk").first()


def move(name, **data):
    """Post an entry's move (`name`) as the review page does, for each issue's first entry."""

    def post(client, entry):
        url = reverse(f"editorial:{name}", args=[entry.pk])
        return client.post(url, {**ON_THE_PAGE, **data}, **HTMX)

    return post


MOVES = {
    "approve": move("entry_approve", version=1),
    "request_changes": move("entry_request_changes", comment="请换成原文链接。"),
}


COUNTS = {
    "approve": "500 entries: 499 submitted, 0 with changes requested, 1 approved.",
    "request_changes": "500 entries: 499 submitted, 1 with changes requested, 0 approved.",
}


@pytest.mark.parametrize("name", sorted(MOVES))
def test_a_move_answers_with_its_block_and_the_counts(reviewer_client, issues, name):
    answers = []
    for issue in issues:
        entry = first_entry(issue)
        answers.append(answer_of(lambda entry=entry: MOVES[name](reviewer_client, entry)))
    (small_queries, small), (large_queries, large) = answers
    assert small_queries == large_queries <= MOVE_BUDGET
    assert abs(len(large) - len(small)) < 100 and len(large) < ANSWER_BYTES
    html = large.decode()
    assert html.startswith(
        f'<div class="entry-review" id="entry-review-{first_entry(issues[1]).pk}"'
    )
    assert '<p class="review-summary__counts" id="review-counts"' in html
    assert 'data-hx-swap-oob="innerHTML"' in html
    assert COUNTS[name] in " ".join(html.split())


def test_a_comment_answers_with_its_block_alone(reviewer_client, issues):
    for issue in issues:
        url = reverse("editorial:comment_create", args=[first_entry(issue).pk])
        _queries, body = answer_of(
            lambda url=url: reviewer_client.post(url, {**ON_THE_PAGE, "body": "来源？"}, **HTMX)
        )
        assert b"review-counts" not in body  # a comment changes no count
        assert len(body) < ANSWER_BYTES


def test_elsewhere_a_move_answers_with_its_block_alone(reviewer_client, issues):
    """The composer's review blocks post no page=review: their page has no such counts."""
    entry = first_entry(issues[0])
    url = reverse("editorial:entry_approve", args=[entry.pk])
    _queries, body = answer_of(lambda: reviewer_client.post(url, {"version": 1}, **HTMX))
    assert b"review-counts" not in body
    assert b"data-hx-swap-oob" not in body


def test_the_page_is_the_larger_part(reviewer_client, issues):
    """What an approval used to fetch again: the whole page (its summary selected from it)."""
    issue = issues[0]
    page = reviewer_client.get(reverse("editorial:review_issue", args=[issue.year, issue.number]))
    _queries, body = answer_of(lambda: MOVES["approve"](reviewer_client, first_entry(issue)))
    assert len(body) * 4 < len(page.content)
