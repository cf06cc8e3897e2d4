"""Helpers for the composer views: clients, request modes and an HTML5 validity check."""

import pytest
from django.utils import translation

from tests.support.factories import english_client, make_issue, make_user


@pytest.fixture(autouse=True)
def english():
    """Assertions read the English source strings, whatever catalogues exist."""
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    """A browser whose visitor chose English pages."""
    return english_client()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def issue(editor):
    """Draft 2024/33: sections 分布式系统 and 云计算技术, two entries each, by the editor."""
    return make_issue(2024, 33, author=editor)


@pytest.fixture
def reader_user(db):
    return make_user("reader", username="reader")
