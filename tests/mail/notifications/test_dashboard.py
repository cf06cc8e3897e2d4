"""The dashboard shows who is signed in what waits for them: their newest notices, with links,
in a number of queries that does not grow with them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from editorial import workflow
from editorial.mail.notifications.events import queue_notices
from editorial.models import Entry, IssueStatus, NoticeKind
from editorial.selectors.notifications import WAITING_SHOWN
from tests.support.factories import english_client, make_issue
from tests.support.notices import make_team
from tests.support.pages import check_html

pytestmark = pytest.mark.django_db


def dashboard(user) -> str:
    client = english_client()
    client.force_login(user)
    response = client.get("/editorial/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_author_sees_the_request_for_changes_with_its_link_and_comment():
    team = make_team()
    issue = make_issue(status=IssueStatus.IN_REVIEW, entry_status="submitted", author=team.author)
    entry = Entry.objects.filter(section__issue=issue).first()
    workflow.entry_request_changes(entry, by=team.reviewer, comment="请改 <script>")
    page = dashboard(team.author)
    check_html(page)
    assert "What waits for you" in page
    assert f'href="/editorial/issues/2024/33/#entry-{entry.pk}"' in page
    assert f"rev1 requested changes on “{entry.title}” in 2024 年第三十三期." in page
    assert "请改 &lt;script&gt;" in page
    assert "Nothing waits for you." in dashboard(team.editor)  # not theirs
    assert "requested changes" not in dashboard(team.reviewer)  # nor the reviewer's own


def test_a_reviewer_sees_the_submission_with_the_review_link():
    team = make_team()
    workflow.issue_submit(make_issue(author=team.author), by=team.author)
    page = dashboard(team.reviewer)
    assert 'href="/editorial/review/2024/33/"' in page
    assert "author submitted 2024 年第三十三期 for review." in page


def test_the_newest_are_shown_and_the_queries_do_not_grow_with_them():
    team = make_team()
    issues = [make_issue(number=n) for n in range(1, 13)]

    def tell(issue, minutes):
        queue_notices(
            [team.author.pk],
            kind=NoticeKind.SENT_BACK,
            issue=issue,
            source=f"test:{issue.pk}",
            now=timezone.now() + datetime.timedelta(minutes=minutes),
            actor=team.reviewer,
        )

    tell(issues[0], 0)
    with CaptureQueriesContext(connection) as one:
        dashboard(team.author)
    for minutes, issue in enumerate(issues[1:], start=1):
        tell(issue, minutes)
    with CaptureQueriesContext(connection) as many:
        page = dashboard(team.author)
    assert len(many) == len(one)
    assert page.count('class="waiting__item') == WAITING_SHOWN
    assert "sent 2024 年第十二期 back to draft" in page  # the newest
    assert "sent 2024 年第一期 back" not in page  # the oldest, past the eight shown
