"""Fetching other people's pages safely (SSRF: public addresses only, pinned connections,
checked redirects, timeouts, a size limit) and reading what they say about themselves."""

from editorial.inbox.fetching.client import MAX_BYTES, MAX_REDIRECTS, Page, decode_html, fetch_page
from editorial.inbox.fetching.errors import FetchError, describe
from editorial.inbox.fetching.extract import PageMeta, extract_page
from editorial.inbox.fetching.notices import not_the_article

__all__ = [
    "MAX_BYTES",
    "MAX_REDIRECTS",
    "FetchError",
    "Page",
    "PageMeta",
    "decode_html",
    "describe",
    "extract_page",
    "fetch_page",
    "not_the_article",
]
