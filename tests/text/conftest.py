"""Helpers for the text and link tests: typed text from every Unicode category, publishing."""

import pytest
from django.core.cache import cache

from tests.support.factories import english_client


@pytest.fixture
def reader():
    cache.clear()
    return english_client()
