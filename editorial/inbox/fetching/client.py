"""Opening a URL safely: every hop checked and pinned, redirects followed by hand (at most 5),
DNS and connect timeouts inside one deadline for the whole fetch (DNS, connect, headers, body,
redirects), at most 2 MB read, HTML only."""

import codecs
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import webencodings
from charset_normalizer import from_bytes
from django.conf import settings

from editorial.inbox.fetching.addresses import resolve_target
from editorial.inbox.fetching.errors import FetchError
from editorial.inbox.fetching.notices import is_challenge
from editorial.inbox.fetching.transport import PinnedTransport

MAX_REDIRECTS = 5
MAX_BYTES = 2 * 1024 * 1024
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
# The statuses bot checks answer with as often as 200 (Cloudflare's "Just a moment...": 403 and
# 503): such an answer's page is read to tell a bot check from an error.
CHALLENGE_STATUSES = {403, 429, 503}
HTML_TYPES = {"text/html", "application/xhtml+xml"}
HEADERS = {
    "User-Agent": "digest/1.0 (link collector; +https://github.com/)",
    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
    "Accept-Encoding": "gzip, deflate",
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# The byte-order marks, which win over every declaration (WHATWG Encoding, "decode").
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
# What browsers decode a WHATWG encoding with, where Python's codec of the same name is narrower:
# Shift_JIS is Windows-932 (NEC and IBM extensions: ①), Big5 is Big5-HKSCS, EUC-KR is
# Windows-949 (UHC), GBK is decoded as GB 18030.
_WIDER = {
    "shift_jis": "cp932",
    "big5": "big5hkscs",
    "euc-kr": "cp949",
    "gbk": "gb18030",
    "gb2312": "gb18030",
}


@dataclass
class Opened:
    """An answer whose headers are read: `url` the final URL after redirects."""

    response: httpx.Response
    url: str
    redirected: bool
    deadline: float


@dataclass
class Page:
    """A fetched HTML page: `url` after redirects, `html` decoded text, `truncated` when the
    body was cut at MAX_BYTES."""

    url: str
    html: str
    truncated: bool


def _deadline() -> float:
    return time.monotonic() + settings.DIGEST_FETCH_TOTAL_TIMEOUT


def _timeout(deadline: float) -> httpx.Timeout:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError("timeout")
    return httpx.Timeout(left, connect=min(settings.DIGEST_FETCH_CONNECT_TIMEOUT, left))


def _parse(url: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise FetchError("invalid") from None
    if parsed.scheme not in ("http", "https"):
        raise FetchError("scheme")
    return parsed


@contextmanager
def open_url(url: str, *, method: str = "GET", deadline: float | None = None) -> Iterator[Opened]:
    """Send `method` to `url`, following up to five redirects, each hop's host resolved, checked
    and pinned (addresses.resolve_target). Yields the final answer with its body unread; any
    failure is a FetchError."""
    deadline = deadline or _deadline()
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        parsed = _parse(current)
        host = parsed.raw_host.decode("ascii")
        target = resolve_target(parsed.scheme, host, parsed.port, deadline=deadline)
        client = httpx.Client(
            transport=PinnedTransport(target, deadline),
            follow_redirects=False,
            trust_env=False,
            headers=HEADERS,
            timeout=_timeout(deadline),
        )
        try:
            try:
                response = client.send(client.build_request(method, parsed), stream=True)
            except httpx.TimeoutException:
                raise FetchError("timeout") from None
            except httpx.HTTPError:
                raise FetchError("unreachable") from None
            try:
                location = response.headers.get("location")
                if response.status_code in REDIRECT_STATUSES and location:
                    try:
                        current = str(parsed.join(location))
                    except (httpx.InvalidURL, ValueError):
                        raise FetchError("invalid") from None
                    if response.status_code == 303 and method != "HEAD":
                        method = "GET"
                    continue
                yield Opened(response, current, current != url, deadline)
                return
            finally:
                response.close()
        finally:
            client.close()
    raise FetchError("redirects")


def _read_limited(opened: Opened) -> tuple[bytes, bool]:
    """At most MAX_BYTES of the body, before the deadline: (bytes, cut)."""
    chunks, size = [], 0
    try:
        for chunk in opened.response.iter_raw():
            if time.monotonic() > opened.deadline:
                raise FetchError("timeout")
            chunks.append(chunk)
            size += len(chunk)
            if size >= MAX_BYTES:
                return b"".join(chunks)[:MAX_BYTES], True
    except httpx.TimeoutException:
        raise FetchError("timeout") from None
    except httpx.HTTPError:
        raise FetchError("unreachable") from None
    return b"".join(chunks), False


def _codec(label: str | bytes | None) -> str | None:
    """The Python codec a browser decodes with for an encoding label (WHATWG labels:
    "latin1" is windows-1252, "x-sjis" is Shift_JIS, …, widened as _WIDER says), or None for
    a label that names no text encoding ("base64", "rot13", "nonsense")."""
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    encoding = webencodings.lookup((label or "").strip().strip("\"'"))
    if encoding is None:
        return None
    name = encoding.name.lower()
    return _WIDER.get(name) or codecs.lookup(encoding.codec_info.name).name


def _detected(body: bytes) -> str | None:
    best = from_bytes(body[:200_000]).best()
    if best is None:
        return None
    name = codecs.lookup(best.encoding).name
    return _codec(name.replace("_", "-")) or name


def decode_html(body: bytes, content_type: str = "") -> str:
    """Bytes to text as browsers decode them: a byte-order mark first, then the charset of the
    Content-Type header, then the page's <meta> (in its first 4 KB; a meta saying UTF-16 means
    UTF-8), then what charset-normalizer detects, else UTF-8. Labels are WHATWG's, decoded with
    the wider codecs browsers use (_WIDER); a label that is no text encoding is ignored.
    Undecodable bytes become U+FFFD, never an error."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, errors="replace")
    declared = None
    for part in content_type.split(";")[1:]:
        key, _eq, value = part.partition("=")
        if key.strip().lower() == "charset":
            declared = _codec(value)
    if declared is None:
        match = _META_CHARSET.search(body[:4096])
        declared = _codec(match.group(1)) if match else None
        if declared in ("utf-16-le", "utf-16-be"):
            declared = "utf-8"  # a page that read its own meta tag is not UTF-16
    if declared is None:
        declared = _detected(body)
    return body.decode(declared or "utf-8", errors="replace")


def _content_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "")


def _raise_for_status(response: httpx.Response) -> None:
    status = response.status_code
    if status == 404:
        raise FetchError("not_found", status)
    if status == 410:
        raise FetchError("gone", status)
    if status >= 400:
        raise FetchError("http", status)


# <meta http-equiv="refresh" content="0; url=/real-article">: a page that sends the reader on.
_META_REFRESH = re.compile(r"""<meta[^>]+http-equiv\s*=\s*["']?refresh["']?[^>]*>""", re.I)
_REFRESH_TARGET = re.compile(
    r"""content\s*=\s*["']?\s*(\d*)\s*[;,]\s*url\s*=\s*['"]?([^'">]+)""", re.I
)
META_REFRESH_MAX_SECONDS = 10  # a later refresh is a page to read first, not a redirect


def meta_refresh_target(html: str, url: str) -> str | None:
    """Where a page's meta refresh sends the reader at once (within META_REFRESH_MAX_SECONDS),
    as an absolute URL, or None."""
    for tag in _META_REFRESH.findall(html[:20_000]):
        match = _REFRESH_TARGET.search(tag)
        if match and int(match.group(1) or 0) <= META_REFRESH_MAX_SECONDS:
            try:
                return str(httpx.URL(url).join(match.group(2).strip()))
            except (httpx.InvalidURL, ValueError):
                return None
    return None


def _read_body(opened: Opened) -> tuple[bytes, bool]:
    """The body as sent before compression, at most MAX_BYTES read: (bytes, cut)."""
    raw, truncated = _read_limited(opened)
    # Compressed bodies: iter_raw reads the wire bytes (the limit counts what is received);
    # decode them only when they are not compressed.
    encoding = opened.response.headers.get("content-encoding", "identity").lower()
    if encoding not in ("identity", ""):
        raw = _decompress(raw, encoding)
    return raw, truncated


def _is_challenge_page(opened: Opened) -> bool:
    """Whether an error answer's page is a bot check; one that cannot be read is not."""
    try:
        raw, _cut = _read_body(opened)
    except FetchError:
        return False
    return is_challenge(decode_html(raw, _content_type(opened.response)))


def _fetch_once(url: str, deadline: float) -> Page:
    with open_url(url, deadline=deadline) as opened:
        response = opened.response
        content_type = _content_type(response)
        if response.status_code in CHALLENGE_STATUSES and _is_challenge_page(opened):
            raise FetchError("challenge", response.status_code)
        _raise_for_status(response)
        mime = content_type.split(";")[0].strip().lower()
        if mime and mime not in HTML_TYPES:
            raise FetchError("not_html")
        raw, truncated = _read_body(opened)
        if not mime and not raw.lstrip()[:1] == b"<":
            raise FetchError("not_html")
        return Page(url=opened.url, html=decode_html(raw, content_type), truncated=truncated)


def fetch_page(url: str) -> Page:
    """GET an HTML page safely (see open_url) and decode it, following a meta refresh as a
    browser does (each hop checked like a redirect, MAX_REDIRECTS in all, one deadline for
    the whole). FetchError on any failure: an error status, a body that is not HTML
    ("not_html"), a timeout, a refused address, too many redirects, a bot check answered
    with an error status ("challenge"; one answered with 200 is a page, see notices)."""
    deadline = _deadline()
    for _hop in range(MAX_REDIRECTS + 1):
        page = _fetch_once(url, deadline)
        target = meta_refresh_target(page.html, page.url)
        if target is None or target == page.url:
            return page
        url = target
    raise FetchError("redirects")


def _decompress(raw: bytes, encoding: str) -> bytes:
    """gzip or deflate bodies (a cut one as far as it goes), at most MAX_BYTES out. "deflate"
    is zlib-wrapped by the standard (RFC 9110) and raw deflate from many servers; browsers
    read both, and so does this."""
    import zlib

    encoding = encoding.lower().strip()
    if encoding not in ("gzip", "deflate", "x-gzip"):
        raise FetchError("unreadable")
    for wbits in (47,) if encoding in ("gzip", "x-gzip") else (15, -15):
        try:
            return zlib.decompressobj(wbits).decompress(raw, MAX_BYTES)
        except zlib.error:
            continue
    raise FetchError("unreadable")
