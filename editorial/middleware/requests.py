"""Malformed requests end here, before anything parses them: 400 in the product's own look.

A NUL character in any parameter (query string, form field name or value, the path) can reach
nothing useful: PostgreSQL refuses it in text, so a lookup such as ?status=%00 would end in a
500. A Content-Type whose charset is not UTF-8 would make Django decode the form (and the query
string) in another encoding, or in one it does not know. Both are answered 400 with nothing
changed. The middleware comes first, so the answer carries the security headers itself.
"""

import codecs

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.utils.csp import CSP, build_policy

NUL = "\x00"


def _charset_is_utf8(request) -> bool:
    charset = request.content_params.get("charset") if request.content_params else None
    if charset is None:
        return True
    try:
        return codecs.lookup(charset.strip().strip('"')).name == "utf-8"
    except LookupError:
        return False


def _has_nul(querydict) -> bool:
    return any(
        NUL in key or any(NUL in value for value in values) for key, values in querydict.lists()
    )


def malformed(request) -> bool:
    """True when the request has a NUL in a parameter or a charset other than UTF-8."""
    if not _charset_is_utf8(request):
        return True
    if NUL in request.path_info or _has_nul(request.GET):
        return True
    if request.method == "POST":
        try:
            return _has_nul(request.POST)
        except (MultiPartParserError, UnicodeDecodeError, ValueError):
            return True
    return False


def bad_request_page(request) -> HttpResponseBadRequest:
    """templates/400.html with the headers the later middleware would have added."""
    response = HttpResponseBadRequest(render_to_string("400.html", request=request))
    response.headers[str(CSP.HEADER_ENFORCE)] = build_policy(settings.SECURE_CSP)
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = settings.SECURE_REFERRER_POLICY
    response["Cache-Control"] = "no-store"
    return response


class MalformedRequestMiddleware:
    """Answer 400 to a malformed request (see malformed()) before any other middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if malformed(request):
            return bad_request_page(request)
        return self.get_response(request)
