"""The optional summary draft: the page's main text sent to an OpenAI-compatible
chat-completions endpoint (DIGEST_SUMMARY_API_URL, DIGEST_SUMMARY_MODEL, DIGEST_SUMMARY_API_KEY)
with the house style's prompt. The draft is only offered to the editor, never saved here.

The key goes in the Authorization header only: never in a page, a message or a log line.
"""

import logging

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

from editorial.inbox.fetching import FetchError, extract_page, fetch_page
from editorial.links import url_key
from editorial.models import InboxItem
from editorial.rules import SUMMARY_MAX
from editorial.text import clean_text

logger = logging.getLogger(__name__)

TEXT_MAX = 6000
PROMPT = (
    "你是技术周刊《{publication}》的编辑。请为下面这篇文章写一段摘要："
    "用简体中文，两到三句话，以“本文主要介绍了”开头，说明文章讲了什么、有什么要点。"
    "只输出摘要本身，不要标题、列表或其他说明。"
)


class SummaryError(Exception):
    """No draft; `message` says why in words for the editor."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def summary_enabled() -> bool:
    """The endpoint and its model are set (the key may be empty for a local endpoint)."""
    return bool(settings.DIGEST_SUMMARY_API_URL and settings.DIGEST_SUMMARY_MODEL)


def page_text(url: str) -> tuple[str, str]:
    """(title, main text) of the page: from the inbox when it fetched this link already,
    else fetched now with the safe fetcher. SummaryError when the page cannot be read."""
    key = url_key(url)
    saved = (
        InboxItem.objects.filter(url_key=key)
        .exclude(main_text="")
        .order_by("-fetched_at")
        .values_list("title", "main_text")
        .first()
    )
    if saved:
        return saved
    try:
        page = fetch_page(url)
    except FetchError as error:
        raise SummaryError(
            _("The page could not be read: %(reason)s.") % {"reason": error.message}
        ) from None
    meta = extract_page(page.html, page.url)
    return meta.title, meta.main_text


def _answer_text(response: httpx.Response) -> str:
    try:
        content = response.json()["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        content = None
    if not isinstance(content, str) or not clean_text(content):
        raise SummaryError(_("The summary service gave an answer that could not be read."))
    return clean_text(content)[:SUMMARY_MAX]


def draft_summary(url: str) -> str:
    """A summary draft for the page at `url` (plain text, at most SUMMARY_MAX characters).
    SummaryError with a plain message on any failure: page unreadable, service off, timeout,
    an error status, an answer that is not the expected JSON."""
    if not summary_enabled():
        raise SummaryError(_("Summary drafts are not set up on this site."))
    title, text = page_text(url)
    if not text:
        raise SummaryError(_("The page has no text to summarise."))
    payload = {
        "model": settings.DIGEST_SUMMARY_MODEL,
        "messages": [
            {"role": "system", "content": PROMPT.format(publication=settings.DIGEST_PUBLICATION)},
            {"role": "user", "content": f"标题：{title}\n\n{text[:TEXT_MAX]}"},
        ],
        "temperature": 0.3,
    }
    headers = {}
    if settings.DIGEST_SUMMARY_API_KEY:
        headers["Authorization"] = f"Bearer {settings.DIGEST_SUMMARY_API_KEY}"
    timeout = httpx.Timeout(settings.DIGEST_SUMMARY_TIMEOUT, connect=5)
    try:
        with httpx.Client(timeout=timeout, trust_env=False) as client:
            response = client.post(settings.DIGEST_SUMMARY_API_URL, json=payload, headers=headers)
    except httpx.TimeoutException:
        logger.warning("summary draft: the service timed out")
        raise SummaryError(_("The summary service did not answer in time.")) from None
    except httpx.HTTPError as error:
        logger.warning("summary draft: the service could not be reached (%s)", type(error).__name__)
        raise SummaryError(_("The summary service could not be reached.")) from None
    if response.status_code >= 400:
        logger.warning("summary draft: the service answered %s", response.status_code)
        raise SummaryError(
            _("The summary service answered with an error (%(status)d).")
            % {"status": response.status_code}
        )
    return _answer_text(response)
