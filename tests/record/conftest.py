"""People and issues for the record tests."""

import pytest
from django.core.cache import cache

from tests.support.factories import make_user


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def writer(db):
    return make_user("editor", username="writer")


@pytest.fixture
def staff_editor(db):
    """The demo editor: staff, so the admin is open to them (README documents --staff)."""
    user = make_user("editor", username="staffeditor")
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.fixture
def second_reviewer(db):
    return make_user("reviewer", username="reviewer2")
