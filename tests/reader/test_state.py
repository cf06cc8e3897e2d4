"""The publication state: kept by each process for DIGEST_READER_STATE_SECONDS, or until the
next scheduled time, then read again in one query; read every time inside a transaction. The
clock is the test's (editorial.reader.state takes one), so nothing waits for real time."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from editorial import workflow
from editorial.models import Issue, Revision
from editorial.reader import selectors
from editorial.reader import state as reader_state
from tests.support.factories import make_published_issue, make_user
from tests.support.reader import add_revision

pytestmark = pytest.mark.django_db(transaction=True)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(settings, monkeypatch):
    settings.DIGEST_READER_STATE_SECONDS = 1
    reader_state.forget()
    tick = Clock()
    kept = reader_state.kept_for_a_moment

    def with_clock(now, read, clock=tick):
        return kept(now, read, clock)

    monkeypatch.setattr(selectors, "kept_for_a_moment", with_clock)
    yield tick
    reader_state.forget()


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def state(now=None):
    return selectors.publication_state(now or timezone.now())


def test_the_state_is_read_in_one_query_and_kept_for_a_second(clock):
    issue = make_published_issue(2024, 32)
    assert queries(state) == 1
    first = state()
    assert first.visible == 1
    assert queries(state) == 0  # kept
    add_revision(issue, retitle="改")
    assert state().key == first.key  # still within the second
    clock.now += 0.999
    assert state().key == first.key
    clock.now += 0.002  # the second is over: read again
    assert queries(state) == 1
    assert state().visible == 2 and state().key != first.key


def test_a_scheduled_time_arriving_is_seen_at_once(clock):
    make_published_issue(2024, 32)
    when = timezone.now() + timedelta(minutes=5)
    make_published_issue(2024, 33, when=when)
    assert state(when - timedelta(seconds=1)).visible == 1
    assert queries(lambda: state(when - timedelta(seconds=1))) == 0
    # The clock of the memo has not moved, but the scheduled time has come.
    assert state(when).visible == 2
    assert queries(lambda: state(when)) == 0


def test_publications_and_withdrawals_by_the_workflow_are_seen_after_the_second(clock):
    reviewer = make_user("reviewer", username="rev")
    scheduled = make_published_issue(2024, 40, when=timezone.now() + timedelta(days=2))
    assert state().visible == 0
    workflow.issue_publish_now(Issue.objects.get(pk=scheduled.pk), by=reviewer)
    clock.now += 1
    assert state().visible == 1
    later = make_published_issue(2024, 42, when=timezone.now() + timedelta(days=2))
    workflow.issue_withdraw(later, by=reviewer, comment="再等等")
    clock.now += 1
    assert state(timezone.now() + timedelta(days=3)).visible == 1


def test_a_deleted_revision_changes_the_state(clock):
    issue = make_published_issue(2024, 32)
    add_revision(issue)
    before = state()
    Revision.objects.filter(issue=issue, number=2).delete()
    clock.now += 1
    assert state().visible == 1 and state().key != before.key


def test_inside_a_transaction_the_state_is_read_every_time(clock):
    from django.db import transaction

    with transaction.atomic():
        make_published_issue(2024, 32)
        assert queries(state) == 1
        assert queries(state) == 1
        assert state().visible == 1


def test_zero_seconds_reads_every_time(clock, settings):
    settings.DIGEST_READER_STATE_SECONDS = 0
    assert queries(state) == 1
    assert queries(state) == 1


def test_the_state_agrees_with_the_rule(clock):
    """The state's count and newest revision are those of Revision.visible_to_readers."""
    issue = make_published_issue(2024, 32)
    add_revision(issue)
    make_published_issue(2024, 33, when=timezone.now() + timedelta(hours=1))
    now = timezone.now()
    visible = Revision.objects.visible_to_readers(now)
    found = state(now)
    assert found.visible == visible.count() == 2
    assert found.last_pk == visible.order_by("-pk").first().pk


def test_a_warm_cached_page_costs_no_query(clock, client):
    make_published_issue(2024, 32)
    assert client.get("/issues/2024/32/").status_code == 200
    response = client.get("/issues/2024/32/")
    assert response.status_code == 200
    assert queries(lambda: client.get("/issues/2024/32/")) == 0
    etag = response["ETag"]
    assert queries(lambda: client.get("/issues/2024/32/", HTTP_IF_NONE_MATCH=etag)) == 0
    add_revision(Issue.objects.get(number=32), retitle="另一个标题")
    clock.now += 1
    assert "另一个标题" in client.get("/issues/2024/32/").content.decode()
