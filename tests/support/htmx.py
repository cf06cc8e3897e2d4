"""The htmx protocol as tests speak it: the request headers of htmx, of its history restore,
the three modes every view answers in, and an `htmx` fixture with the headers."""

import pytest

HTMX = {"HTTP_HX_REQUEST": "true"}
HISTORY_RESTORE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}
MODES = {"plain": {}, "htmx": HTMX, "history_restore": HISTORY_RESTORE}


@pytest.fixture
def htmx() -> dict[str, str]:
    """The headers of an htmx request: client.get(url, **htmx)."""
    return dict(HTMX)
