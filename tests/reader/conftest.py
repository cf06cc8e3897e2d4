"""Fixtures and helpers for the reader site tests."""

import pytest
from django.core.cache import cache
from django.test import Client

from editorial.middleware.language import reader_route


class EnglishReaderClient(Client):
    """A browser reading the English interface, so assertions on interface text do not depend
    on the Chinese catalogue: reader pages are asked for under /en/ (their language is in the
    URL), the other pages carry the language cookie."""

    def __init__(self, **defaults):
        super().__init__(**defaults)
        self.cookies["django_language"] = "en"

    def request(self, **request):
        path = request["PATH_INFO"]
        if not path.startswith("/en/") and reader_route(path):
            request["PATH_INFO"] = "/en" + path
        return super().request(**request)


@pytest.fixture
def client():
    return EnglishReaderClient()


@pytest.fixture(autouse=True)
def empty_cache():
    """Rendered fragments live in a process-wide cache; each test starts without them."""
    cache.clear()
    yield
    cache.clear()
