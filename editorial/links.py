"""URL rules: what an entry URL may be, how it is shown, and when two URLs are the same link."""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

MAX_URL_LENGTH = 2048
_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f]")
# Characters RFC 3986 never allows unencoded; "<" or a quote in a link could close markup
# wherever the URL is written out (the markdown export writes it verbatim).
_UNSAFE = re.compile(r'[<>"{}|\\^`]')
_DEFAULT_PORTS = {"http": 80, "https": 443}
_url_validator = URLValidator(schemes=["http", "https"])


def validate_entry_url(url: str) -> None:
    """Absolute http(s) URL, at most 2048 characters, no white space or control characters."""
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError(
            _("URL: at most %(max)d characters (this one has %(len)d)."),
            code="url_too_long",
            params={"max": MAX_URL_LENGTH, "len": len(url)},
        )
    if _FORBIDDEN.search(url):
        raise ValidationError(
            _("URL: white space and control characters are not allowed."), code="url_chars"
        )
    if not url.lower().startswith(("http://", "https://")):
        raise ValidationError(
            _("URL: only absolute http:// or https:// addresses are allowed."), code="url_scheme"
        )
    if _UNSAFE.search(url):
        raise ValidationError(
            _('URL: the characters < > " { } | \\ ^ ` must be percent-encoded.'), code="url_chars"
        )
    try:
        _url_validator(url)
    except ValidationError:
        raise ValidationError(
            _("URL: this is not a valid web address."), code="url_invalid"
        ) from None


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def ascii_host(url: str) -> str:
    """The host a link leads to, in punycode when it is not ASCII (so look-alikes show)."""
    try:
        return _ascii_host(urlsplit(url).hostname or "")
    except ValueError:
        return ""


def display_url(url: str) -> str:
    """The URL with a non-ASCII host in punycode, as reviewers see it (spoofing shows)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host.isascii():
        return url
    netloc = parts.netloc.replace(host, _ascii_host(host)) if host in parts.netloc else parts.netloc
    return urlunsplit(parts._replace(netloc=netloc))


def url_key(url: str) -> str:
    """The comparison key of a link: scheme and host case, default port, trailing slash,
    fragment and utm_* parameters do not make two links different."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url.strip()
    scheme = parts.scheme.lower()
    host = _ascii_host((parts.hostname or "").lower())
    if port and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith("utm_")
        ]
    )
    # http and https of the same address are the same link for a reader.
    return urlunsplit(("", host, path, query, "")).removeprefix("//")
