"""The interface language of a request, and which requests are reader pages.

Reader pages carry their language in the URL (Chinese unprefixed, English under /en/), so one
URL is one document for every visitor and every shared cache. The editorial screens, the login
page and the admin keep the visitor's choice in Django's language cookie. The browser's
Accept-Language is never used: the digest is a Chinese publication, Chinese unless chosen.
"""

from functools import lru_cache

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers

READER_NAMESPACE = "reader"
# The namespaces whose pages carry their language in the URL (under i18n_patterns): the reader
# site, and the subscription pages linked from it (editorial.subscribers).
URL_LANGUAGE_NAMESPACES = frozenset({READER_NAMESPACE, "subscribers"})


def path_language(path_info: str) -> str:
    """The language a reader URL is in: its prefix (/en/…), or the default language."""
    return translation.get_language_from_path(path_info) or settings.LANGUAGE_CODE


@lru_cache(maxsize=4096)
def _route(path_info: str) -> tuple[str, str] | None:
    with translation.override(path_language(path_info)):
        try:
            match = resolve(path_info)
        except Resolver404:
            return None
    return match.namespace, match.url_name


def reader_route(path_info: str) -> str | None:
    """The URL name of the reader page at path_info ("issue", "archive", …), or None when the
    path is not a reader page. Independent of the thread's active language."""
    route = _route(path_info)
    return route[1] if route and route[0] == READER_NAMESPACE else None


def language_in_url(path_info: str) -> bool:
    """Whether the page at path_info takes its language from its URL (a reader or
    subscription page: Chinese unprefixed, English under /en/)."""
    route = _route(path_info)
    return bool(route and route[0] in URL_LANGUAGE_NAMESPACES)


class LanguageMiddleware:
    """Activate the language of the URL on reader and subscription pages, the chosen one
    elsewhere.

    Replaces Django's LocaleMiddleware, which with prefix_default_language=False would answer
    every unprefixed URL, the editorial screens included, in the default language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        path = request.path_info
        from_url = translation.get_language_from_path(path) or (
            settings.LANGUAGE_CODE if language_in_url(path) else None
        )
        language = from_url or translation.get_language_from_request(request, check_path=False)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        if from_url is None:
            patch_vary_headers(response, ("Cookie",))  # the language cookie chose it
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
