"""System checks for settings that have no safe default in production. A failed check stops
`manage.py check`, `migrate` (and so `make serve`) and `runserver` with one line naming the
setting, not a traceback."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register


@register()
def site_url_check(app_configs, **kwargs):
    """DIGEST_SITE_URL: an absolute http(s) address without a path; feed ids and every
    absolute link in the feed are made from it."""
    value = settings.DIGEST_SITE_URL
    parts = urlsplit(value)
    if not value:
        problem = "is not set"
    elif parts.scheme not in ("http", "https") or not parts.hostname:
        problem = f"is not an http(s) address: {value!r}"
    elif parts.path or parts.query or parts.fragment:
        problem = f"must be the scheme and host only, without a path: {value!r}"
    else:
        return []
    return [
        Error(
            f"DIGEST_SITE_URL {problem}. Set it to the site's public address, e.g. "
            "https://digest.example.org (feed ids and links are made from it).",
            id="digest.E001",
        )
    ]
