"""Duplicate-link lookups never fail on input that cannot be a stored link."""

import pytest

from editorial.compose.selectors.composer import duplicate_links


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["https://example.com/\x00", "not a url", "", "https://"])
def test_an_invalid_or_nul_url_finds_nothing_and_does_not_fail(url):
    assert duplicate_links(url) == []
