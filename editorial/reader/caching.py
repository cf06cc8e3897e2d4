"""Caching for the reader site: validators for HTTP caches and keys for Django's cache.

Nothing here is ever invalidated by hand. Every key and every ETag is derived from the
published state that the page shows (the revision ids and checksums, or the count and newest of
all visible revisions), read fresh on each request with the current time. A correction, a first
publication or a scheduled issue whose time has come changes that state, so the next request
looks under a new key; entries for the old state are never read again and simply expire after
DIGEST_PAGE_CACHE_SECONDS. That holds for every app server sharing one cache (Redis) or each
keeping its own (local memory), without any signal having to reach them.

What is cached here is the part of a page that is the same for every visitor (the article, the
archive list, the feed): a logged-in visitor's page is rendered around it per request, and an
anonymous visitor's whole page is kept by editorial.reader.cache, keyed on the same state.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language

# Bump when templates change in a way that must not be mixed with fragments already cached.
FRAGMENT_VERSION = "2"


# A visitor who carries one of these is not answered like everyone else: someone logged in (or
# who was), or a message waiting to be shown once.
BYPASS_COOKIES = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)


def is_anonymous_request(request) -> bool:
    """Whether the request gets the same page as any other anonymous one: it carries no
    session cookie and no messages cookie."""
    return not any(name in request.COOKIES for name in BYPASS_COOKIES)


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def fragment_key(kind: str, *parts) -> str:
    """A cache key for a rendered fragment in the current language."""
    raw = ":".join(str(part) for part in parts)
    if len(raw) > 120:  # e.g. a host name in the key; keep keys short and space-free
        raw = hashlib.sha256(raw.encode()).hexdigest()
    return f"reader:{FRAGMENT_VERSION}:{kind}:{_language()}:{raw}"


def cached_fragment[T](key: str, render: Callable[[], T], timeout: int | None = None) -> T:
    """The value cached under key, rendered and stored first if it is not there; kept timeout
    seconds (DIGEST_PAGE_CACHE_SECONDS by default)."""
    value = cache.get(key)
    if value is None:
        value = render()
        cache.set(key, value, settings.DIGEST_PAGE_CACHE_SECONDS if timeout is None else timeout)
    return value


def visitor_tag(request) -> str:
    """A short digest of the visitor's CSRF secret and session cookie; empty for an anonymous
    visitor, whose page is the same as everyone else's.

    A logged-in visitor's page embeds the CSRF token and shows who is logged in, so its ETag
    must change with them: after logging in or out, a browser must not reuse a page with a
    stale token.
    """
    if is_anonymous_request(request):
        return "public"
    get_token(request)  # creates the secret now if needed, so the first ETag is already stable
    secret = request.META.get("CSRF_COOKIE", "")
    session = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
    digest = salted_hmac(
        "editorial.reader.caching.visitor", f"{secret}|{session}", algorithm="sha256"
    )
    return digest.hexdigest()[:12]


def page_etag(request, *parts) -> str:
    """A strong ETag for an HTML page: its content parts, the language and, for a logged-in
    visitor, who it is."""
    parts = [*(str(p) for p in parts), _language(), FRAGMENT_VERSION, visitor_tag(request)]
    return '"' + "-".join(parts) + '"'


def file_etag(*parts) -> str:
    """A strong ETag for a download that is the same for every visitor."""
    return '"' + "-".join(str(p) for p in parts) + '"'


def revision_last_modified(revision) -> datetime:
    """When a revision became what readers see: its publication time, or when it was stored if
    that came later (a backdated publication)."""
    return max(revision.published_at, revision.created_at)
