"""What a test needs and cannot find (Chromium, a ../shared file, a service, a gettext tool)."""

import os

import pytest


def missing(message: str):
    """Fail under CI=true, where every piece must be there; skip elsewhere, saying what is
    missing."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
