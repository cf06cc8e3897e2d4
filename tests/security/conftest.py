"""Fixtures of the security tests: an empty page cache, and one person in each role."""

import pytest
from django.core.cache import cache

from tests.support.factories import make_user


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people():
    return {
        "editor": make_user("editor", username="editor"),
        "reviewer": make_user("reviewer", username="reviewer"),
        "publisher": make_user("reviewer", username="publisher"),
        "admin": make_user("superuser", username="admin"),
    }
