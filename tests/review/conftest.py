"""Helpers for the review views: request modes and issues in each state."""

import pytest
from django.contrib.messages import get_messages

from editorial.models import Entry, EntryStatus, IssueStatus
from tests.factories import english_client, make_issue

HTMX = {"HTTP_HX_REQUEST": "true"}
HISTORY_RESTORE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}
MODES = {"plain": {}, "htmx": HTMX, "history_restore": HISTORY_RESTORE}


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


def entries_of(issue):
    """The issue's entries in reading order, fresh from the database."""
    return list(
        Entry.objects.filter(section__issue=issue).order_by("section__position", "position")
    )


def messages_of(response) -> list[str]:
    """The Django messages a request left for the next page."""
    return [str(message) for message in get_messages(response.wsgi_request)]
