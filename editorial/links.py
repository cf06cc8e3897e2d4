"""URL rules: what an entry URL may be, how it is shown, and when two URLs are the same link."""

import hashlib
import re
from urllib.parse import unquote_plus, urlsplit, urlunsplit

import idna
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from w3lib.url import canonicalize_url

from editorial.canonical.data import (
    MAX_URL_LENGTH,
    has_invisible,
    host_problem,
    netloc_host,
)
from editorial.text import UNCARRIABLE

URL_KEY_LENGTH = 64  # a SHA-256 in hex: the same for every URL, so no link can overflow it
# White space, controls and the characters no document can carry.
_FORBIDDEN = re.compile(rf"[\s{UNCARRIABLE}\x85]")
# Characters RFC 3986 never allows unencoded; "<" or a quote in a link could close markup
# wherever the URL is written out.
_UNSAFE = re.compile(r'[<>"{}|\\^`]')
_DEFAULT_PORTS = {"http": 80, "https": 443}
_url_validator = URLValidator(schemes=["http", "https"])


# --- what makes two links the same -------------------------------------------------------------
# The one place that says which query parameters only track who shared a link, and how a WeChat
# article is identified. Parameter names are compared without regard to case.

TRACKING_PARAMETER_PREFIXES = ("utm_",)
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",  # Facebook
        "gclid",  # Google Ads
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",  # Microsoft Ads
        "yclid",  # Yandex
        "twclid",  # X / Twitter
        "igshid",  # Instagram
        "mc_cid",  # Mailchimp
        "mc_eid",
        "_hsenc",  # HubSpot
        "_hsmi",
        "mkt_tok",  # Marketo
        "spm",  # Alibaba / Taobao
        "share_source",
        "share_medium",
        "share_from",
        "vd_source",  # bilibili
    }
)
WECHAT_HOSTS = frozenset({"mp.weixin.qq.com"})
# A WeChat article is `/s/<id>`, or `/s?__biz=…&mid=…&idx=…&sn=…`; everything else in its query
# (chksm, scene, from, sharer_*, …) varies with who shared it and how.
WECHAT_ARTICLE_IDENTITY = ("__biz", "mid", "idx", "sn")


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PARAMETER_PREFIXES)


# --- validation --------------------------------------------------------------------------------


def validate_entry_url(url: str) -> None:
    """Absolute http(s) URL, at most 2048 characters, no white space, control or invisible
    formatting characters, with a host IDNA accepts. Raises ValidationError (code url_*)."""
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
    if has_invisible(url):
        raise ValidationError(
            _(
                "URL: invisible formatting characters (such as zero-width spaces or direction "
                "marks) are not allowed."
            ),
            code="url_invisible",
        )
    # Lower case as written: the database's own check (entry_url_http) compares exactly.
    if not url.startswith(("http://", "https://")):
        raise ValidationError(
            _("URL: only absolute http:// or https:// addresses are allowed."), code="url_scheme"
        )
    if _UNSAFE.search(url):
        raise ValidationError(
            _('URL: the characters < > " { } | \\ ^ ` must be percent-encoded.'), code="url_chars"
        )
    try:
        _url_validator(url)
        host = netloc_host(urlsplit(url).netloc)
    except (ValidationError, ValueError):
        raise ValidationError(
            _("URL: this is not a valid web address."), code="url_invalid"
        ) from None
    if host_problem(host):
        raise ValidationError(
            _("URL: the host name %(host)s is not a valid international domain name."),
            code="url_host",
            params={"host": host},
        )


# --- display -----------------------------------------------------------------------------------


def _ascii_host(host: str) -> str:
    if host.isascii():
        return host
    try:
        return idna.encode(host.rstrip("."), uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
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
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    host = netloc_host(parts.netloc)
    if host.isascii():
        return url
    userinfo, at, _rest = parts.netloc.rpartition("@")
    port = parts.netloc[len(userinfo) + len(at) + len(host) :]
    netloc = f"{userinfo}{at}{_ascii_host(host)}{port}"
    return urlunsplit(parts._replace(netloc=netloc))


def is_wechat_article(url: str) -> bool:
    """True for the address of a WeChat official-account article (https or http on
    mp.weixin.qq.com, path /s/<id> or /s with its query): the only links WeChat lets an
    article carry."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return False
    path = parts.path
    article = (path == "/s" and bool(parts.query)) or (path.startswith("/s/") and len(path) > 3)
    return parts.scheme in _DEFAULT_PORTS and host in WECHAT_HOSTS and article


# --- the same link -----------------------------------------------------------------------------


def same_link_form(url: str) -> str:
    """The text two links share when they are the same link: w3lib's canonical URL (IRI and
    percent-encoding, host case and punycode, query order, no fragment) without the scheme,
    the default port, a trailing slash or tracking parameters; a WeChat article by its
    identity alone. Readable, for tests and debugging; url_key stores its digest."""
    url = url.strip()
    try:
        canonical = canonicalize_url(url)
        parts = urlsplit(canonical)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except (ValueError, UnicodeError):
        return url
    if port and port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    pairs = [pair for pair in parts.query.split("&") if pair]
    names = [unquote_plus(pair.partition("=")[0]) for pair in pairs]
    if host in WECHAT_HOSTS and (path.startswith("/s/") or path == "/s"):
        if path.startswith("/s/"):
            pairs = []
        else:
            identity = {
                n: p for n, p in zip(names, pairs, strict=True) if n in WECHAT_ARTICLE_IDENTITY
            }
            if len(identity) == len(WECHAT_ARTICLE_IDENTITY):
                pairs = [identity[name] for name in WECHAT_ARTICLE_IDENTITY]
    else:
        pairs = [p for n, p in zip(names, pairs, strict=True) if not _is_tracking(n)]
    query = "&".join(pairs)
    return f"{host}{path}?{query}" if query else f"{host}{path}"


def url_key(url: str) -> str:
    """The same-link key as stored: the SHA-256 (64 hex digits) of same_link_form(url). Two
    URLs are the same link exactly when their keys are equal."""
    return hashlib.sha256(same_link_form(url).encode("utf-8", "surrogatepass")).hexdigest()
