"""The publication state: read on a connection of its own outside transactions, and on
PostgreSQL kept in memory between changes to the revisions (a trigger notifies every app
process) and until the next scheduled time."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from editorial import state_connection
from editorial.selectors.reader import publication_state
from tests.factories import make_published_issue
from tests.reader.conftest import add_revision

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def listening(settings):
    settings.DIGEST_READER_STATE_KEPT = True
    yield
    state_connection.close_all()


def reads(now) -> int:
    with CaptureQueriesContext(connection) as captured:
        publication_state(now)
    return len(captured)


def wait_until_listening():
    listener = state_connection._listener()
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
    # Kept in memory on PostgreSQL; read every time elsewhere.
    assert reads(now) == (0 if postgres else 1)

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
        assert reads(now) == (0 if postgres else 1)

    when = timezone.now() + timedelta(minutes=5)
    generation = listener.generation if postgres else 0
    make_published_issue(2024, 34, when=when)
    if postgres:
        wait_for_notification(listener, generation)
    before = publication_state(timezone.now())
    assert before.visible == 3
    after = publication_state(when + timedelta(seconds=1))  # the time has come: read again
    assert after.visible == 4


def test_inside_a_transaction_the_state_is_read_through_it(listening):
    from django.db import transaction

    with transaction.atomic():
        make_published_issue(2024, 32)
        assert publication_state(timezone.now()).visible == 1
    assert publication_state(timezone.now()).visible == 1
