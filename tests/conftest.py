"""Fixtures shared by the whole suite."""

import os
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from tests.support.factories import make_user
from tests.support.missing import missing

# One Chromium for the whole run, whichever folder its tests live in.
pytest_plugins = ["tests.support.browser", "tests.support.htmx", "tests.support.smtp"]

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SAMPLE = SHARED / "samples" / "2024-32.md"


def required_file(path: Path) -> Path:
    """A file from ../shared: missing fails under CI=true, skips elsewhere."""
    if not path.exists():
        message = f"{path} is missing"
        missing(message)
    return path


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Code called directly speaks English in tests, so assertions can quote its messages;
    requests still get their language from the middleware (Chinese unless chosen)."""
    with translation.override("en"):
        yield


@pytest.fixture
def sample_path() -> Path:
    return required_file(SAMPLE)


@pytest.fixture
def editor(db):
    return make_user("editor", username="editor")


@pytest.fixture
def reviewer(db):
    return make_user("reviewer", username="reviewer")


@pytest.fixture
def superuser(db):
    return make_user("superuser", username="admin")


# Property tests: no per-example deadline (CI machines are shared and slow at times).
hypothesis_settings.register_profile("default", deadline=None)
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") == "true" else "default")
