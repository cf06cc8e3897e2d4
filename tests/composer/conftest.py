"""Helpers for the composer views: clients, request modes and an HTML5 validity check."""

import html5lib
import pytest
from django.contrib.messages import get_messages
from django.utils import translation

from editorial.models import Entry
from tests.factories import english_client, make_issue, make_user

HTMX = {"HTTP_HX_REQUEST": "true"}
HISTORY_RESTORE = {"HTTP_HX_REQUEST": "true", "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}
MODES = {"plain": {}, "htmx": HTMX, "history_restore": HISTORY_RESTORE}


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


def entries_of(issue) -> list[tuple[str, int, str]]:
    """(section title, position, entry title) in reading order, fresh from the database."""
    return list(
        Entry.objects.filter(section__issue=issue)
        .order_by("section__position", "position")
        .values_list("section__title", "position", "title")
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def is_full_page(response) -> bool:
    return response.content.lstrip().lower().startswith(b"<!doctype html>")


def assert_valid_html(html: str | bytes) -> None:
    """Strict HTML5 parse of a whole page; html5lib raises on the first error."""
    if isinstance(html, bytes):
        html = html.decode()
    html5lib.HTMLParser(strict=True).parse(html)


def assert_valid_fragment(html: str | bytes) -> None:
    """A fragment is valid once wrapped in a minimal document."""
    if isinstance(html, bytes):
        html = html.decode()
    assert not html.lstrip().lower().startswith("<!doctype"), "a fragment, not a page"
    head = "<!DOCTYPE html><html lang=en><head><title>t</title></head>"
    assert_valid_html(f"{head}<body>{html}</body></html>")
