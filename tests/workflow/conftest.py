"""Fixtures for the domain-layer tests: issues in each state, built in code."""

import pytest

from editorial.models import EntryStatus, IssueStatus
from tests.support.factories import make_issue, make_user


@pytest.fixture
def writer(db):
    """Another editor, the author of the entries the reviewer looks at."""
    return make_user("editor", username="writer")


@pytest.fixture
def draft_issue(writer):
    """2024/33, a draft with two sections of two entries each, written by `writer`."""
    return make_issue(2024, 33, author=writer)


@pytest.fixture
def review_issue(writer):
    """2024/34 in review, every entry submitted by `writer`."""
    return make_issue(
        2024, 34, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED, author=writer
    )


@pytest.fixture
def approved_issue(writer):
    """2024/35 in review with every entry approved: ready to publish."""
    return make_issue(
        2024, 35, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.APPROVED, author=writer
    )
