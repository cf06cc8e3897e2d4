"""Helpers for the review views: request modes and issues in each state."""

import pytest

from editorial.models import EntryStatus, IssueStatus
from tests.support.factories import english_client, make_issue


@pytest.fixture
def client():
    """A visitor who chose the English interface, so assertions read in English."""
    return english_client()


@pytest.fixture
def issue_in_review(editor):
    """2024/33 in review: two sections of two submitted entries, written by the editor."""
    return make_issue(
        2024, 33, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED, author=editor
    )


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
