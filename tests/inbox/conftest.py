"""Fixtures of the inbox tests: the loopback servers are the only addresses fetches may reach."""

import pytest

from tests.support.factories import english_client, make_user

ALL_PORTS = range(1, 65536)


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.DIGEST_FETCH_ALLOWED_ADDRESSES = ["127.0.0.1"]
    settings.DIGEST_FETCH_ALLOWED_PORTS = ALL_PORTS  # the servers listen on any free port


@pytest.fixture
def editor_client(db):
    client = english_client()
    client.force_login(make_user("editor", username="inbox-editor"))
    return client


@pytest.fixture
def reviewer_client(db):
    client = english_client()
    client.force_login(make_user("reviewer", username="inbox-reviewer"))
    return client


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run what a request queues after its commit (the immediate task backend)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run
