"""The publication state: read on a connection of its own outside transactions, and kept in
memory between changes and until the next scheduled time: on PostgreSQL until a trigger
notifies every app process that the revisions changed, on SQLite until the data_version of the
thread's kept connection says another connection committed."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from editorial import state_connection, workflow
from editorial.models import Issue
from editorial.selectors.reader import publication_state
from tests.factories import make_published_issue, make_user
from tests.reader.conftest import add_revision

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def listening(settings):
    settings.DIGEST_READER_STATE_KEPT = True
    yield
    state_connection.close_all()


# What a kept state costs: nothing on PostgreSQL; on SQLite the one pragma that tells whether
# another connection committed (counted like any statement).
KEPT_COSTS = {"postgresql": [], "sqlite": [state_connection.DATA_VERSION]}


def statements(call) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        call()
    return [q["sql"] for q in captured]


def reads(now) -> list[str]:
    return statements(lambda: publication_state(now))


def assert_kept(now):
    assert reads(now) == KEPT_COSTS[connection.vendor]


def commit_elsewhere(change) -> None:
    """Run change() in another thread (its own Django connection, committed there) and, on
    PostgreSQL, wait until the notification of it has arrived."""
    listener = state_connection._listener(connection) if connection.vendor == "postgresql" else None
    generation = listener.generation if listener else 0
    failed = []

    def run():
        try:
            change()
        except Exception as error:  # noqa: BLE001 - reported by the test's thread
            failed.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert not failed, failed
    if listener:
        wait_for_notification(listener, generation)


def wait_until_listening():
    listener = state_connection._listener(connection)
    deadline = time.monotonic() + 30
    while not listener.ready:
        assert time.monotonic() < deadline, "the listener did not connect"
    return listener


def wait_for_notification(listener, generation: int):
    deadline = time.monotonic() + 30
    while listener.generation == generation:
        assert time.monotonic() < deadline, "no notification arrived"


def test_the_state_follows_publications_corrections_and_scheduled_times(listening):
    issue = make_published_issue(2024, 32)
    postgres = connection.vendor == "postgresql"
    now = timezone.now()
    if postgres:
        listener = wait_until_listening()
    first = publication_state(now)
    assert first.visible == 1
    assert_kept(now)

    for change in (
        lambda: add_revision(issue, retitle="改"),
        lambda: make_published_issue(2024, 33),
    ):
        generation = listener.generation if postgres else 0
        change()
        if postgres:
            wait_for_notification(listener, generation)
        now = timezone.now()
        state = publication_state(now)
        assert state.key != first.key
        first = state
        assert_kept(now)

    when = timezone.now() + timedelta(minutes=5)
    generation = listener.generation if postgres else 0
    make_published_issue(2024, 34, when=when)
    if postgres:
        wait_for_notification(listener, generation)
    before = publication_state(timezone.now())
    assert before.visible == 3
    assert_kept(timezone.now())
    assert reads(when - timedelta(seconds=1)) == KEPT_COSTS[connection.vendor]  # not yet
    after = publication_state(when + timedelta(seconds=1))  # the time has come: read again
    assert after.visible == 4
    assert len(reads(when + timedelta(seconds=2))) == len(KEPT_COSTS[connection.vendor])


def test_inside_a_transaction_the_state_is_read_through_it(listening):
    from django.db import transaction

    with transaction.atomic():
        make_published_issue(2024, 32)
        assert publication_state(timezone.now()).visible == 1
    assert publication_state(timezone.now()).visible == 1


def test_a_commit_from_another_thread_shows_at_the_next_read(listening):
    """Publications, a publication brought forward and a withdrawal through the workflow, each
    committed on another thread's connection, show at the next read on this one."""
    scheduled_at = timezone.now() + timedelta(days=2)
    scheduled = make_published_issue(2024, 40, when=scheduled_at)
    reviewer = make_user("reviewer", username="rev")
    if connection.vendor == "postgresql":
        wait_until_listening()
    state = publication_state(timezone.now())
    assert state.visible == 0
    assert_kept(timezone.now())

    commit_elsewhere(lambda: make_published_issue(2024, 41))
    state = publication_state(timezone.now())
    assert state.visible == 1
    assert_kept(timezone.now())

    commit_elsewhere(lambda: workflow.issue_publish_now(scheduled, by=reviewer))
    state = publication_state(timezone.now())
    assert state.visible == 2

    later = make_published_issue(2024, 42, when=timezone.now() + timedelta(days=2))
    commit_elsewhere(lambda: workflow.issue_withdraw(later, by=reviewer, comment="再等等"))
    assert publication_state(timezone.now()).visible == 2
    assert publication_state(timezone.now() + timedelta(days=3)).visible == 2


def test_a_commit_on_a_connection_outside_django_shows(listening):
    """A revision moved by a plain connection of the database's own driver (another program,
    the shell): seen at the next read."""
    make_published_issue(2024, 32)
    make_published_issue(2024, 33)
    if connection.vendor == "postgresql":
        listener = wait_until_listening()
    now = timezone.now()
    assert publication_state(now).visible == 2
    assert_kept(now)

    generation = listener.generation if connection.vendor == "postgresql" else 0
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        placeholder = "?" if connection.vendor == "sqlite" else "%s"
        other.execute(
            f"UPDATE editorial_revision SET published_at = {placeholder} "  # noqa: S608
            f"WHERE id = (SELECT MAX(id) FROM editorial_revision)",
            [connection.ops.adapt_datetimefield_value(now + timedelta(days=1))],
        )
        other.commit()
    finally:
        other.close()
    if connection.vendor == "postgresql":
        wait_for_notification(listener, generation)
    assert publication_state(now).visible == 1


def test_a_kept_connection_that_fails_is_replaced(listening):
    make_published_issue(2024, 32)
    now = timezone.now()
    assert publication_state(now).visible == 1
    if connection.vendor == "sqlite":
        state_connection._local.connection.close()  # as if the file went away
        # Read on a new kept connection, and not kept (the failed one could not tell whether
        # anything changed); then kept from the new connection's own first data_version.
        assert [q.split()[0] for q in reads(now)] == ["SELECT"]
        assert [q.split()[0] for q in reads(now)] == ["PRAGMA", "SELECT"]
        assert_kept(now)
        assert publication_state(now).visible == 1
    else:
        assert publication_state(now).visible == 1


def test_a_warm_cached_page_costs_no_query_beyond_the_kept_state(listening, client):
    """An anonymous page answered from the full-response cache: no query at all on
    PostgreSQL, the data_version pragma alone on SQLite."""
    make_published_issue(2024, 32)
    if connection.vendor == "postgresql":
        wait_until_listening()
    assert client.get("/issues/2024/32/").status_code == 200
    response = None

    def get():
        nonlocal response
        response = client.get("/issues/2024/32/")

    assert statements(get) == KEPT_COSTS[connection.vendor]
    assert response.status_code == 200
    etag = response["ETag"]
    assert (
        statements(lambda: client.get("/issues/2024/32/", HTTP_IF_NONE_MATCH=etag))
        == (KEPT_COSTS[connection.vendor])
    )
    commit_elsewhere(lambda: add_revision(Issue.objects.get(number=32), retitle="另一个标题"))
    assert "另一个标题" in client.get("/issues/2024/32/").content.decode()
