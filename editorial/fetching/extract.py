"""What a fetched page says about itself: title, description, site name, date and main text,
read with trafilatura (Open Graph, Twitter cards, meta description, <title>, dates). The values
are the page's, hostile like any input: they are stored as plain text and escaped on output."""

import datetime
import html as html_module
import logging
import re
from dataclasses import dataclass

import trafilatura

from editorial.rules import SUMMARY_MAX, TITLE_MAX
from editorial.text import clean_text

SITE_NAME_MAX = 200
MAIN_TEXT_MAX = 20_000

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


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


def _title_tag(html: str) -> str:
    """The <title> element's text, for fragments trafilatura does not take for a page."""
    match = _TITLE.search(html[:200_000])
    return html_module.unescape(match.group(1)) if match else ""


def _plain(value, limit: int) -> str:
    return clean_text(str(value or ""))[:limit]


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _main_text(html: str, url: str) -> str:
    text = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=False, favor_recall=True
    )
    # Paragraphs stay apart (one per line), each line plain text.
    lines = (clean_text(line) for line in (text or "").splitlines())
    return "\n".join(line for line in lines if line)[:MAIN_TEXT_MAX]


def extract_page(html: str, url: str) -> PageMeta:
    """Metadata and main text of a page; empty fields when the page does not say."""
    try:
        meta = trafilatura.extract_metadata(html, default_url=url)
    except Exception:  # noqa: BLE001 - a broken page is no page, never a crash
        meta = None
    try:
        main_text = _main_text(html, url)
    except Exception:  # noqa: BLE001 - as above
        main_text = ""
    if meta is None:
        return PageMeta(title=_plain(_title_tag(html), TITLE_MAX), main_text=main_text)
    return PageMeta(
        title=_plain(meta.title or _title_tag(html), TITLE_MAX),
        description=_plain(meta.description, SUMMARY_MAX),
        site_name=_plain(meta.sitename, SITE_NAME_MAX),
        published_on=_date(meta.date),
        main_text=main_text,
    )
