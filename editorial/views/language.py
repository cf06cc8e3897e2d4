"""The language switch of the screens that keep the choice in a cookie (editorial, login)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from editorial.middleware.language import path_language


@require_safe
def switch_language(request, language):
    """Remember `language` in the language cookie and go back to `next` (in that language when
    it is a reader page): a plain link, so the switch works without a form or JavaScript.

    A GET that sets a preference, like Django's set_language without its POST: it changes
    nothing but the interface language of the visitor's own browser, so a forged link can do no
    more than that. Unknown languages are 404; a `next` off this site goes to the home page.
    """
    if language not in dict(settings.LANGUAGES) or not check_for_language(language):
        raise Http404(_("This language is not available."))
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    # Resolved in the language of next's own URL (its /en/ prefix, or none).
    with translation.override(path_language(urlsplit(next_url).path)):
        next_url = translate_url(next_url, language)
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    add_never_cache_headers(response)
    return response
