"""Fetching other people's pages safely (SSRF: public addresses only, pinned connections,
checked redirects, timeouts, a size limit) and reading what they say about themselves."""

from editorial.fetching.client import MAX_BYTES, MAX_REDIRECTS, Page, decode_html, fetch_page
from editorial.fetching.errors import FetchError, describe
from editorial.fetching.extract import PageMeta, extract_page

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
]
