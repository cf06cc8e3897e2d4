"""Opening a URL safely: every hop checked and pinned, redirects followed by hand (at most 5),
a connect timeout and a deadline for the whole fetch, at most 2 MB read, HTML only."""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
from charset_normalizer import from_bytes
from django.conf import settings

from editorial.fetching.addresses import resolve_target
from editorial.fetching.errors import FetchError
from editorial.fetching.transport import PinnedTransport

MAX_REDIRECTS = 5
MAX_BYTES = 2 * 1024 * 1024
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
HTML_TYPES = {"text/html", "application/xhtml+xml"}
HEADERS = {
    "User-Agent": "digest/1.0 (link collector; +https://github.com/)",
    "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8",
    "Accept-Encoding": "gzip, deflate",
}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Encodings that pages declare but whose superset is what they really use.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "ascii": "utf-8", "iso-8859-1": "cp1252"}


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
        target = resolve_target(parsed.scheme, parsed.raw_host.decode("ascii"), parsed.port)
        client = httpx.Client(
            transport=PinnedTransport(target),
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


def _usable(name: str | None) -> str | None:
    """A Python codec for a declared charset, or None when it is unknown."""
    if not name:
        return None
    import codecs

    name = name.strip().strip("\"'").lower()
    name = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str = "") -> str:
    """Bytes to text: the charset of the Content-Type header, else of a <meta> tag, else the
    one charset-normalizer detects, else UTF-8 with replacement characters."""
    declared = None
    for part in content_type.split(";")[1:]:
        key, _eq, value = part.partition("=")
        if key.strip().lower() == "charset":
            declared = _usable(value)
    if declared is None:
        match = _META_CHARSET.search(body[:4096])
        declared = _usable(match.group(1).decode("ascii", "ignore")) if match else None
    if declared is None:
        best = from_bytes(body[:200_000]).best()
        declared = _usable(best.encoding) if best else None
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


def fetch_page(url: str) -> Page:
    """GET an HTML page safely (see open_url) and decode it. FetchError on any failure: an
    error status, a body that is not HTML ("not_html"), a timeout, a refused address."""
    with open_url(url) as opened:
        response = opened.response
        _raise_for_status(response)
        content_type = _content_type(response)
        mime = content_type.split(";")[0].strip().lower()
        if mime and mime not in HTML_TYPES:
            raise FetchError("not_html")
        raw, truncated = _read_limited(opened)
        # Compressed bodies: iter_raw reads the wire bytes (the limit counts what is
        # received); decode them only when they are not compressed.
        if response.headers.get("content-encoding", "identity").lower() not in ("identity", ""):
            raw = _decompress(raw, response.headers["content-encoding"])
        if not mime and not raw.lstrip()[:1] == b"<":
            raise FetchError("not_html")
        return Page(url=opened.url, html=decode_html(raw, content_type), truncated=truncated)


def _decompress(raw: bytes, encoding: str) -> bytes:
    """gzip or deflate bodies (a cut one as far as it goes), at most MAX_BYTES out."""
    import zlib

    encoding = encoding.lower().strip()
    if encoding not in ("gzip", "deflate", "x-gzip"):
        raise FetchError("unreadable")
    wbits = 47 if encoding in ("gzip", "x-gzip") else 15
    try:
        return zlib.decompressobj(wbits).decompress(raw, MAX_BYTES)
    except zlib.error:
        raise FetchError("unreadable") from None
