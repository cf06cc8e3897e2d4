"""entry_move and entry_update cost a fixed number of queries, however long the section is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from editorial import services
from editorial.models import Entry, Section
from tests.support.factories import make_issue

# BEGIN, lock, fresh read, permissions (2, first use of the user), target section, end
# position, two shifts of two UPDATEs each, the save, audit, touch, COMMIT.
MOVE_BUDGET = 16
UPDATE_BUDGET = 10


def issue_with(n: int):
    return make_issue(
        2024,
        100 + n,
        {
            "A": [(f"a{i}", f"https://a.example/{i}", "s") for i in range(1, n + 1)],
            "B": [(f"b{i}", f"https://b.example/{i}", "s") for i in range(1, 4)],
        },
    )


def move_queries(n: int, editor, *, across: bool) -> int:
    issue = issue_with(n)
    a, b = Section.objects.get(issue=issue, title="A"), Section.objects.get(issue=issue, title="B")
    entry = Entry.objects.get(section=a, position=n // 2)
    editor = type(editor).objects.get(pk=editor.pk)  # no permission cache carried over
    with CaptureQueriesContext(connection) as queries:
        services.entry_move(entry, section=b if across else a, position=1, by=editor)
    return len(queries)


def update_queries(n: int, editor) -> int:
    issue = issue_with(n)
    entry = Entry.objects.get(section__issue=issue, title=f"a{n // 2}")
    editor = type(editor).objects.get(pk=editor.pk)
    with CaptureQueriesContext(connection) as queries:
        services.entry_update(
            entry, title="changed", url=entry.url, summary="new", version=1, by=editor
        )
    return len(queries)


@pytest.mark.parametrize("n", [10, 200])
@pytest.mark.parametrize("across", [False, True], ids=["within", "across"])
def test_entry_move_stays_within_budget(editor, django_assert_max_num_queries, n, across):
    issue = issue_with(n)
    a, b = Section.objects.get(issue=issue, title="A"), Section.objects.get(issue=issue, title="B")
    entry = Entry.objects.get(section=a, position=n - 1)
    with django_assert_max_num_queries(MOVE_BUDGET):
        services.entry_move(entry, section=b if across else a, position=2, by=editor)


@pytest.mark.parametrize("n", [10, 200])
def test_entry_update_stays_within_budget(editor, django_assert_max_num_queries, n):
    entry = Entry.objects.get(section__issue=issue_with(n), title="a5")
    with django_assert_max_num_queries(UPDATE_BUDGET):
        services.entry_update(entry, title="t", url=entry.url, summary="s", version=1, by=editor)


@pytest.mark.parametrize("across", [False, True], ids=["within", "across"])
def test_entry_move_costs_the_same_for_10_and_200_entries(editor, across):
    assert move_queries(10, editor, across=across) == move_queries(200, editor, across=across)


def test_entry_update_costs_the_same_for_10_and_200_entries(editor):
    assert update_queries(10, editor) == update_queries(200, editor)
