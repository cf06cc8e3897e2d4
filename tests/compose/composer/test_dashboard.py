"""The dashboard (issues by state with entry counts) and the "new issue" form."""

import datetime
import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from editorial.compose.selectors.composer import dashboard_columns
from editorial.models import AuditEvent, EntryStatus, Issue, IssueStatus
from tests.support.factories import make_issue, make_published_issue
from tests.support.htmx import HTMX, MODES
from tests.support.pages import assert_valid_fragment, assert_valid_html, is_full_page, messages_of

DASHBOARD = reverse("editorial:dashboard")
NEW = reverse("editorial:issue_create")


@pytest.fixture
def board(editor):
    """One issue in each column, and an old published one."""
    return {
        "draft": make_issue(2024, 34, entries_per_section=3),
        "in_review": make_issue(
            2024, 33, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED
        ),
        "scheduled": make_published_issue(
            2024, 32, when=timezone.now() + datetime.timedelta(days=2)
        ),
        "published": make_published_issue(
            2024, 31, when=timezone.now() - datetime.timedelta(days=7)
        ),
    }


def test_columns_put_each_issue_in_its_state(board):
    columns = dashboard_columns()
    assert [i.pk for i in columns.draft] == [board["draft"].pk]
    assert [i.pk for i in columns.in_review] == [board["in_review"].pk]
    assert [i.pk for i in columns.scheduled] == [board["scheduled"].pk]
    assert [i.pk for i in columns.published] == [board["published"].pk]


def test_cards_count_entries_by_state(board):
    columns = dashboard_columns()
    draft = columns.draft[0]
    assert draft.entries_total == 6
    assert [(status, n) for status, _label, n in draft.entry_counts] == [("draft", 6)]
    review = columns.in_review[0]
    assert [(status, n) for status, _label, n in review.entry_counts] == [("submitted", 4)]
    assert columns.published[0].readable and not columns.scheduled[0].readable


@pytest.mark.parametrize("mode", MODES)
def test_dashboard_in_every_mode(editor_client, board, mode):
    response = editor_client.get(DASHBOARD, **MODES[mode])
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    for issue in board.values():
        assert issue.label in html
    assert f'href="{reverse("editorial:composer", args=[2024, 34])}"' in html
    # An editor is not shown the review page, which would refuse them.
    assert f'href="{reverse("editorial:review_issue", args=[2024, 33])}"' not in html
    assert f'href="{reverse("reader:issue", args=[2024, 31])}"' in html
    # Scheduled: not readable yet.
    assert f'href="{reverse("reader:issue", args=[2024, 32])}"' not in html
    if mode == "htmx":
        assert not is_full_page(response)
        assert 'id="board"' in html
        assert_valid_fragment(html)
    else:
        assert is_full_page(response)
        assert_valid_html(html)


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(DASHBOARD).status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_issues_or_entries(editor_client):
    make_issue(2024, 1, entries_per_section=1)
    few = _dashboard_queries(editor_client)
    for number in range(2, 12):
        make_issue(2024, number, entries_per_section=10)
    for number in range(12, 16):
        make_published_issue(2024, number)
    assert _dashboard_queries(editor_client) == few


def test_counting_is_one_query(board):
    with CaptureQueriesContext(connection) as queries:
        dashboard_columns()
    assert len(queries) == 1


# New issue


def test_new_issue_suggests_the_next_number_and_the_previous_sections(editor_client, editor):
    make_issue(2024, 32)
    with mock.patch("editorial.compose.views.dashboard._current_year", return_value=2024):
        response = editor_client.get(NEW)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["year"].value() == 2024
    assert form["number"].value() == 33
    html = response.content.decode()
    checkbox = r'<input type="checkbox" name="sections" value="([^"]*)"[^>]* checked'
    checked = re.findall(checkbox, html)
    assert {"分布式系统", "云计算技术"} <= set(checked)
    assert_valid_html(html)


def test_a_year_without_issues_starts_at_one(editor_client):
    make_issue(2024, 32)
    response = editor_client.get(NEW, {"year": "2025"})
    assert response.context["form"]["number"].value() == 1


def test_the_default_year_is_the_current_year_in_shanghai(editor_client):
    # 2025-12-31 17:00 UTC is already 2026-01-01 01:00 in Shanghai.
    moment = datetime.datetime(2025, 12, 31, 17, 0, tzinfo=datetime.UTC)
    with mock.patch("editorial.compose.views.dashboard.datetime") as fake:
        fake.datetime.now.side_effect = lambda tz: moment.astimezone(tz)
        response = editor_client.get(NEW)
    assert response.context["form"]["year"].value() == 2026


def test_htmx_year_change_gets_the_form_with_the_new_suggestion(editor_client):
    make_issue(2030, 4)
    response = editor_client.get(NEW, {"year": "2030"}, **HTMX)
    assert not is_full_page(response)
    assert 'id="issue-number-field"' in response.content.decode()
    assert response.context["form"]["number"].value() == 5
    assert_valid_fragment(response.content)


def test_history_restore_of_new_issue_is_a_page(editor_client):
    response = editor_client.get(NEW, **MODES["history_restore"])
    assert is_full_page(response)


def test_create_with_checked_and_extra_sections(editor_client, editor):
    make_issue(2024, 32)
    response = editor_client.post(
        NEW,
        {
            "year": "2024",
            "number": "33",
            "sections": ["云计算技术"],
            "extra_sections": "新栏目\n\n云计算技术\n",
        },
    )
    issue = Issue.objects.get(year=2024, number=33)
    assert response.status_code == 302
    assert response["Location"] == reverse("editorial:composer", args=[2024, 33])
    assert list(issue.sections.order_by("position").values_list("title", flat=True)) == [
        "云计算技术",
        "新栏目",
    ]
    assert issue.created_by == editor
    assert AuditEvent.objects.filter(issue=issue, action="issue_create").count() == 1
    assert messages_of(response) == [f"Issue {issue.label} created."]


def test_create_by_htmx_redirects_the_page(editor_client):
    response = editor_client.post(NEW, {"year": "2024", "number": "1"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("editorial:composer", args=[2024, 1])


def test_duplicates_are_refused_with_a_clear_message(editor_client):
    make_issue(2024, 33)
    for headers, status in [({}, 200), (HTMX, 422)]:
        response = editor_client.post(NEW, {"year": "2024", "number": "33"}, **headers)
        assert response.status_code == status
        html = response.content.decode()
        assert "Issue 2024/33 already exists: open it or choose another number." in html
        assert reverse("editorial:composer", args=[2024, 33]) in html
        assert 'aria-invalid="true"' in html
    assert Issue.objects.count() == 1


def test_bad_numbers_are_refused(editor_client):
    response = editor_client.post(NEW, {"year": "24", "number": "0"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "year" in errors and "number" in errors
    assert Issue.objects.count() == 0
    assert_valid_html(response.content)
