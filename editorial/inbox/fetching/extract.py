"""What a fetched page says about itself: title, description, site name and date as a reader
sees them (read_metadata), and its main text (trafilatura). The values are the page's, hostile
like any input: they are stored as plain text and escaped on output."""

import datetime
import html as html_module
import json
import logging
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import lxml.html
import trafilatura
from django.conf import settings
from django.core.exceptions import ValidationError

from editorial.links import validate_entry_url
from editorial.rules import MAIN_TEXT_MAX, SITE_NAME_MAX, SUMMARY_MAX, TITLE_MAX
from editorial.text import clean_text

# trafilatura logs every odd page at WARNING; a page we could not read is not our error.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


@dataclass
class PageMeta:
    title: str = ""
    description: str = ""
    site_name: str = ""
    published_on: datetime.date | None = None
    main_text: str = ""
    # The <link rel=canonical> as written (extract_page resolves it into `address`).
    canonical: str = ""
    # Where the page says it is: its canonical address when that is on the same site as the
    # URL it was read at, else that URL (extract_page; "" from read_metadata alone).
    address: str = ""


# --- metadata, as a reader sees it -------------------------------------------------------------
#
# Each field is read from the page's own statements, in this order of sources: structured data
# (JSON-LD), Open Graph, Twitter cards, WeChat's script variables, then <title> and the plain
# meta tags. Text is decoded exactly once: lxml has decoded the entities of attributes and
# elements, so "&amp;quot;" in the page is the text "&quot;". trafilatura's own metadata decodes
# it a second time (adbar/trafilatura#218), which is why it reads the main text only.
# Dates come from metadata or WeChat's "ct" alone, never from the body's text (a footer's
# "版权所有 2019" is not the article's date).

# Separators between a title and the site's name: "Title | Site", "Site - Title", …
_SEPARATORS = ("|", "｜", "-", "–", "—", "_", "·", "::")
_ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "techarticle", "report", "webpage"}
# WeChat's article page carries its facts in script variables: var msg_title = '…'.html(false);
_WECHAT_VAR = re.compile(
    r"""var\s+(msg_title|msg_desc|nickname|ct)\s*=\s*(?:htmlDecode\()?\s*(["'])((?:\\.|(?!\2).)*)\2""",
    re.S,
)
_JS_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.)", re.S)


def _js_string(text: str) -> str:
    """A JavaScript string literal's text: its escapes undone (\x26, \u4e2d, \', \\)."""

    def undo(match):
        code = match.group(1)
        if code[0] in "xu" and len(code) > 1:
            return chr(int(code[1:], 16))
        return {"n": "\n", "t": "\t", "r": "\r"}.get(code, code)

    return _JS_ESCAPE.sub(undo, text)


def _wechat_variables(html: str) -> dict[str, str]:
    """msg_title, msg_desc, nickname and ct as the page's script sets them (first of each);
    their values are HTML-escaped text (WeChat runs them through htmlDecode), decoded once."""
    found: dict[str, str] = {}
    for name, _quote, value in _WECHAT_VAR.findall(html[:500_000]):
        found.setdefault(name, html_module.unescape(_js_string(value)))
    return found


def _tree(html: str):
    parser = lxml.html.HTMLParser(encoding="utf-8", recover=True)
    return lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)


def _meta_tags(tree) -> dict[str, str]:
    """Every <meta> by its property, name or itemprop (lowercased), its first non-empty content."""
    values: dict[str, str] = {}
    for meta in tree.iter("meta"):
        content = (meta.get("content") or "").strip()
        if not content:
            continue
        for key in ("property", "name", "itemprop"):
            name = (meta.get(key) or "").strip().lower()
            if name:
                values.setdefault(name, content)
    return values


def _json_ld(tree) -> dict:
    """The first article-like object of the page's JSON-LD (inside @graph too), or {}."""
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        objects = data if isinstance(data, list) else [data]
        for item in list(objects):
            if isinstance(item, dict) and isinstance(item.get("@graph"), list):
                objects.extend(item["@graph"])
        for item in objects:
            if not isinstance(item, dict):
                continue
            kinds = item.get("@type")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            if any(str(kind).lower() in _ARTICLE_TYPES for kind in kinds):
                return item
    return {}


def _name_of(value) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or "")
    if isinstance(value, list) and value:
        return _name_of(value[0])
    return str(value or "") if isinstance(value, str) else ""


def _first(*values) -> str:
    for value in values:
        text = clean_text(str(value or "")) if isinstance(value, str) else ""
        if text:
            return text
    return ""


def without_site_name(title: str, site_name: str) -> str:
    """`title` without " | site" or "site - " when that part is the page's own site name
    (compared without case or surrounding space); unchanged otherwise, so "OpenAI o1 - 推理模
    型的原理" keeps its second half when the site is not called that."""
    site = site_name.strip().casefold()
    if not site:
        return title
    for separator in _SEPARATORS:
        head, found, tail = title.rpartition(separator)
        if found and tail.strip().casefold() == site and head.strip():
            return head.strip()
        head, found, tail = title.partition(separator)
        if found and head.strip().casefold() == site and tail.strip():
            return tail.strip()
    return title


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10]) if value else None
    except ValueError:
        return None


def _epoch_date(value: str) -> datetime.date | None:
    """The date in the site's time zone of a Unix time in seconds (WeChat's ct)."""
    if not value or not value.isdigit():
        return None
    try:
        moment = datetime.datetime.fromtimestamp(int(value), tz=datetime.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


def _title_tag(tree) -> str:
    title = tree.find(".//title")
    return title.text_content() if title is not None else ""


def _plain(value, limit: int) -> str:
    return clean_text(str(value or ""))[:limit]


def _main_text(html: str, url: str) -> str:
    text = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=False, favor_recall=True
    )
    # Paragraphs stay apart (one per line), each line plain text.
    lines = (clean_text(line) for line in (text or "").splitlines())
    return "\n".join(line for line in lines if line)[:MAIN_TEXT_MAX]


def read_metadata(html: str) -> PageMeta:
    """Title, description, site name and date as the page states them (see above); empty
    fields where it does not. Never raises: a page that cannot be parsed states nothing."""
    try:
        tree = _tree(html)
    except Exception:  # noqa: BLE001 - lxml refuses some documents; they state nothing
        return PageMeta()
    meta, ld, wechat = _meta_tags(tree), _json_ld(tree), _wechat_variables(html)
    site_name = _first(
        meta.get("og:site_name"),
        _name_of(ld.get("publisher")),
        wechat.get("nickname"),
        meta.get("application-name"),
    )
    title = _first(
        ld.get("headline") if isinstance(ld.get("headline"), str) else "",
        meta.get("og:title"),
        meta.get("twitter:title"),
        wechat.get("msg_title"),
        _title_tag(tree),
    )
    description = _first(
        ld.get("description") if isinstance(ld.get("description"), str) else "",
        meta.get("og:description"),
        meta.get("twitter:description"),
        wechat.get("msg_desc"),
        meta.get("description"),
    )
    published_on = (
        _date(ld.get("datePublished"))
        or _date(meta.get("article:published_time"))
        or _epoch_date(wechat.get("ct", ""))
        or _date(meta.get("datepublished") or meta.get("pubdate") or meta.get("publishdate"))
        or _date(meta.get("date") or meta.get("dc.date") or meta.get("dc.date.issued"))
    )
    return PageMeta(
        canonical=_canonical_link(tree),
        title=_plain(without_site_name(title, site_name), TITLE_MAX),
        description=_plain(description, SUMMARY_MAX),
        site_name=_plain(site_name, SITE_NAME_MAX),
        published_on=published_on,
    )


def _canonical_link(tree) -> str:
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            return (link.get("href") or "").strip()
    return ""


def _site(host: str) -> str:
    host = host.lower().rstrip(".")
    return host.removeprefix("www.")


def page_address(canonical: str, url: str) -> str:
    """Where a page read at `url` is: its canonical link (resolved against `url`) when that is
    an http(s) address on the same site (the same host, "www." aside), else `url`. A page
    naming another site's address is not believed: it would make unrelated links "the
    same"."""
    if not canonical:
        return url
    try:
        resolved = urljoin(url, canonical)
        parts, base = urlsplit(resolved), urlsplit(url)
        same_site = _site(parts.hostname or "") == _site(base.hostname or "")
    except ValueError:
        return url
    if parts.scheme not in ("http", "https") or not same_site:
        return url
    try:
        validate_entry_url(resolved)
    except ValidationError:
        return url
    return resolved


def extract_page(html: str, url: str) -> PageMeta:
    """Metadata (read_metadata) and main text (trafilatura) of a page read at `url` (after
    redirects), and its address (page_address); empty fields when the page does not say."""
    meta = read_metadata(html)
    meta.address = page_address(meta.canonical, url)
    try:
        meta.main_text = _main_text(html, url)
    except Exception:  # noqa: BLE001 - a broken page is no page, never a crash
        meta.main_text = ""
    return meta
