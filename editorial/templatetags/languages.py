"""The language switch and the hreflang alternates of the page header."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.urls import reverse, translate_url
from django.utils.translation import get_language, get_language_info

from editorial.middleware.language import URL_LANGUAGE_NAMESPACES

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # in the language itself: 中文（简体）, English
    hreflang: str  # BCP 47: zh-Hans, en
    url: str
    absolute_url: str  # reader pages only (hreflang alternates)
    current: bool


def _hreflang(code: str) -> str:
    return "zh-Hans" if code == "zh-hans" else code


@register.simple_tag(takes_context=True)
def language_links(context) -> dict:
    """{"links": [LanguageLink per language], "alternates": bool} for the current page.

    On a reader or subscription page each link is the same page in the other language (its URL:
    English under /en/); the page then also lists them as hreflang alternates.
    Elsewhere (editorial screens, login) the link goes through the switch_language view,
    which keeps the choice in the language cookie.
    """
    request = context.get("request")
    current = get_language() or settings.LANGUAGE_CODE
    if request is None:
        return {"links": [], "alternates": False}
    match = getattr(request, "resolver_match", None)
    by_url = match is not None and match.namespace in URL_LANGUAGE_NAMESPACES
    try:
        request.get_host()
    except DisallowedHost:  # the error page for that: no absolute links
        by_url = False
    full_path = request.get_full_path()
    links = []
    for code, _name in settings.LANGUAGES:
        if by_url:
            url = translate_url(full_path, code)
        else:
            url = reverse("switch_language", args=[code]) + "?" + urlencode({"next": full_path})
        links.append(
            LanguageLink(
                code=code,
                name=get_language_info(code)["name_local"],
                hreflang=_hreflang(code),
                url=url,
                absolute_url=request.build_absolute_uri(url) if by_url else "",
                current=code == current,
            )
        )
    return {"links": links, "alternates": by_url}
