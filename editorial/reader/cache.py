"""The reader site for anonymous visitors: one document per URL, answered from a full-response
cache before the expensive middleware.

A request without a session or messages cookie is anonymous: whoever sends it gets the same
bytes (no cookie set, no CSRF token, no per-visitor ETag), so its response is
`Cache-Control: public` with a short s-maxage and stale-while-revalidate, and nginx or a CDN
may keep it. Such a request for a reader page is looked up here, before sessions, auth, CSRF and
locale, in Django's cache (Redis when REDIS_URL is set) under a key made of the URL and the
publication state (selectors.reader.publication_state: the count, newest id and newest time of
the revisions readers can see at the current time; kept by each process for a second or until
the next scheduled time, editorial.reader.state). A
publication, a correction or a scheduled time arriving changes that state, so the next request
looks under a new key and gets the new page at once, on every app server, without anything
being invalidated by hand. A conditional request is answered 304 here too, from the page's
validators kept beside it (a few bytes read, not the page).

A request with a session cookie (someone logged in, or who was) or a messages cookie (a message
waiting to be shown) bypasses the cache and gets a private response.

No stored page reads its query string, so the key leaves it out: `?cb=123` is the page itself,
not a new entry (a visitor cannot fill the cache by inventing parameters). The cache is an
accelerator: when it fails, every call is a miss and the page is rendered
(editorial.reader.cache_backend); a page past DIGEST_PAGE_CACHE_MAX_BYTES is rendered, never kept.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import parse_http_date_safe

from editorial.middleware.language import reader_route
from editorial.reader import selectors
from editorial.reader.caching import is_anonymous_request

# Bump when a change to the pages must not be mixed with responses already cached.
RESPONSE_VERSION = "2"
# Reader pages that are not kept whole: search (any query string; cheap enough to run) and the
# editors' preview (private).
NOT_STORED = frozenset({"search", "issue_preview"})
PRIVATE_ROUTES = frozenset({"issue_preview"})
# Vary values that do not apply to an anonymous reader page: it never reads the cookies, and
# its language is in the URL.
_NOT_VARYING = frozenset({"cookie", "accept-language"})
CONDITIONAL = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)
# The headers a 304 keeps from the page it stands for: those of Django's own 304
# (django.utils.cache.get_conditional_response, after RFC 9110 section 15.4.5).
NOT_MODIFIED_HEADERS = (
    "Cache-Control",
    "Content-Location",
    "Date",
    "ETag",
    "Expires",
    "Last-Modified",
    "Vary",
)
# Beside each kept page, under its key with this suffix: what a conditional request needs (its
# validators and the headers of its 304), so that a 304 reads a few bytes, not the page.
VALIDATORS = ":validators"


def reader_now(request):
    """One moment per request, so the cache key, the ETag and the page agree on what is
    visible."""
    if not hasattr(request, "_reader_now"):
        request._reader_now = timezone.now()
    return request._reader_now


def reader_memo(request, key, load):
    """load() once per request: the middleware, the conditional-request functions and the view
    ask for the same state."""
    memo = request.__dict__.setdefault("_reader_memo", {})
    if key not in memo:
        memo[key] = load()
    return memo[key]


def publication_state(request) -> selectors.PublicationState:
    return reader_memo(
        request, ("state",), lambda: selectors.publication_state(reader_now(request))
    )


def shared_cache_control(response) -> None:
    """The headers of a page that any cache may keep for a while: browsers revalidate each
    time (a 304 is cheap), shared caches keep it DIGEST_READER_SHARED_MAX_AGE seconds."""
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=settings.DIGEST_READER_SHARED_MAX_AGE,
        stale_while_revalidate=settings.DIGEST_READER_STALE_SECONDS,
    )


def _private(response):
    """A response for this visitor only: a shared cache must not keep it. A view's own
    no-store or max-age stays."""
    if response.has_header("Cache-Control"):
        patch_cache_control(response, private=True)  # drops "public"
    else:
        patch_cache_control(response, private=True, no_cache=True)
    return response


def _drop_cookie_vary(response) -> None:
    if not response.has_header("Vary"):
        return
    kept = [v.strip() for v in response["Vary"].split(",") if v.strip()]
    kept = [v for v in kept if v.lower() not in _NOT_VARYING]
    if kept:
        response["Vary"] = ", ".join(kept)
    else:
        del response["Vary"]


def _cache_key(request, host: str) -> str:
    state = publication_state(request).key
    # The path only: the pages kept here read no query parameter (search, which does, is
    # not kept), so any query string gives the same page and must not make a new entry.
    location = f"{request.scheme}://{host}{request.path}"
    digest = hashlib.sha256(location.encode()).hexdigest()[:32]
    return f"reader:response:{RESPONSE_VERSION}:{state}:{digest}"


def _from_cache(request, stored, conditional: bool) -> HttpResponse:
    response, last_modified = stored  # a fresh copy: unpickled from the cache
    if request.method == "HEAD":
        response.content = b""
    if not conditional:
        return response
    return get_conditional_response(
        request, etag=response.get("ETag"), last_modified=last_modified, response=response
    )


def _from_validators(request, key: str):
    """The answer to a conditional request (304, or 412 for a failed precondition) from the
    validators kept beside the page, or None: the page is needed (it changed, or they are not
    kept)."""
    validators = cache.get(key + VALIDATORS)
    if validators is None:
        return None
    etag, last_modified, headers = validators
    answer = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if answer is not None and answer.status_code == 304:
        for name, value in headers:
            answer.headers[name] = value
    return answer


def _store(key: str, response) -> None:
    """Keep the response itself (Django's responses pickle without their request), with its
    Last-Modified parsed once; and its validators apart (_from_validators)."""
    if response.streaming or response.cookies:
        return
    if len(response.content) > settings.DIGEST_PAGE_CACHE_MAX_BYTES:
        return  # rendered each time rather than crowding out the rest
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    kept = [(name, response[name]) for name in NOT_MODIFIED_HEADERS if name in response]
    cache.set_many(
        {
            key: (response, last_modified),
            key + VALIDATORS: (response.get("ETag"), last_modified, kept),
        },
        settings.DIGEST_PAGE_CACHE_SECONDS,
    )


class ReaderPageCacheMiddleware:
    """Cache-Control for every reader page, and the full-response cache for anonymous ones.

    Placed right after SecurityMiddleware and WhiteNoiseMiddleware, so that a cached page costs
    the publication state (kept for a second: usually no query) and a cache read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        route = reader_route(request.path_info)
        if route is None:
            return self.get_response(request)
        if not is_anonymous_request(request) or route in PRIVATE_ROUTES:
            return _private(self.get_response(request))

        key = None
        if route not in NOT_STORED:
            try:
                key = _cache_key(request, request.get_host())
            except DisallowedHost:
                return self.get_response(request)  # refused with 400 by the usual path
            conditional = any(h in request.META for h in CONDITIONAL)
            if conditional:
                answer = _from_validators(request, key)
                if answer is not None:
                    return answer
            stored = cache.get(key)
            if stored is not None:
                return _from_cache(request, stored, conditional)

        conditions = {}
        if key and request.method == "GET":
            # A miss is rendered whole, even for a conditional request, so that the page is
            # kept; the condition is then answered from it like a hit.
            conditions = {h: request.META.pop(h) for h in CONDITIONAL if h in request.META}
        response = self.get_response(request)
        if response.cookies:  # something in the chain wrote a cookie: not everyone's page
            response.headers.pop("Cache-Control", None)
            request.META.update(conditions)
            return _private(response)
        _drop_cookie_vary(response)
        if not response.has_header("Cache-Control"):
            shared_cache_control(response)
        if key and request.method == "GET" and response.status_code == 200:
            _store(key, response)
        if conditions:
            request.META.update(conditions)
            last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
            return get_conditional_response(
                request, etag=response.get("ETag"), last_modified=last_modified, response=response
            )
        return response
