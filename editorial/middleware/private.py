"""Who may keep a response: everything but the reader site is private and never stored.

Reader pages are editorial.reader.cache's: the same bytes for every anonymous visitor
(`public`, a short s-maxage), and for a logged-in visitor a private copy that the browser
revalidates with its ETag. What else declares itself public (the favicon's redirect, static
files) is the same for everyone too. Everything else is for one visitor at one moment: the
editorial screens and their htmx fragments, the admin, the login page (it carries a CSRF
token), logging out, redirects, and every error page and refusal (403, 404, 409, 422, 429)
a logged-in visitor gets, the reader's included. Those answers are `private, no-store`, so
that neither a shared cache nor the browser keeps a page with someone's drafts, name or
token (the back button after logging out shows nothing).
"""

from django.utils.cache import patch_cache_control

from editorial.middleware.language import reader_route


def _directives(response) -> set[str]:
    value = response.get("Cache-Control", "")
    return {d.split("=", 1)[0].strip().lower() for d in value.split(",") if d.strip()}


def kept_by_others(request, response) -> bool:
    """Whether the response is someone else's to cache: declared public, or a reader page
    (not an error) for a logged-in visitor, which reader_cache keeps private and revalidated."""
    if "public" in _directives(response):
        return True
    return response.status_code < 400 and reader_route(request.path_info) is not None


class PrivateResponseMiddleware:
    """`Cache-Control: private, no-store` on every response no one may keep (see above).

    First in MIDDLEWARE, so that it sees every response last: those answered early (a
    malformed request's 400, a cached reader page) included.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not kept_by_others(request, response):
            patch_cache_control(response, private=True, no_store=True)
        return response
