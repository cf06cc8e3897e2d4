"""Pages that answer 200 but are not the article: a challenge page (a bot check standing in
front of the site), a login wall, a notice that the article was deleted or blocked, and a soft
404 (a "page not found" page answered as found). What a reader would see instead of the
article, recognised from the page's own words and form, so that the inbox says what happened
and keeps the editor's title, and the link check warns.

Each rule is a public page's wording; the lists are the one place to add another site's.
"""

import re
from urllib.parse import urlsplit

CHALLENGE = "challenge"
LOGIN = "login"
DELETED = "deleted"
SOFT_404 = "soft_404"

# Bot checks: Cloudflare's "Just a moment..." and its challenge scripts, and the generic wording
# of other web application firewalls.
_CHALLENGE_MARKERS = (
    "cf-browser-verification",
    "challenge-platform",
    "cf_chl_opt",
    "_cf_chl",
    "checking your browser before accessing",
    "ddos protection by",
    "请完成安全验证",
    "访问验证",
)
_CHALLENGE_TITLES = ("just a moment...", "just a moment…", "attention required! | cloudflare")
# What WeChat (and a few Chinese platforms) show in place of an article that is gone.
_DELETED_MARKERS = (
    "该内容已被发布者删除",
    "此内容因违规无法查看",
    "此内容被投诉且经审核涉嫌侵权",
    "此内容发送失败无法查看",
    "该公众号已迁移",
    "内容已删除",
    "该内容已被删除",
    "该微博已被删除",
)
# The login pages links end on when a site wants a session first.
_LOGIN_PATH = re.compile(
    r"/(?:login|log-in|signin|sign-in|sign_in|signup|auth|sso|passport|account/login|"
    r"accounts/login|users/sign_in|session/new)(?:[/.?]|$)",
    re.I,
)
_PASSWORD_FIELD = re.compile(r"<input\b[^>]*\btype\s*=\s*[\"']?password", re.I)
_SOFT_404_TITLES = re.compile(
    r"^\s*(?:404\b|page not found|not found|页面不存在|找不到页面|页面未找到|您访问的页面不存在)",
    re.I,
)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)


def _title(html: str) -> str:
    match = _TITLE.search(html[:100_000])
    return " ".join(match.group(1).split()).casefold() if match else ""


def is_challenge(html: str) -> bool:
    """Whether the page is a bot check ("Just a moment...") standing in front of the site:
    answered with 200 or with an error status (403, 503), it is said the same way."""
    head = html[:300_000]
    lowered = head.casefold()
    return _title(head) in _CHALLENGE_TITLES or any(
        marker in lowered for marker in _CHALLENGE_MARKERS
    )


def not_the_article(html: str, url: str, *, main_text: str = "") -> str | None:
    """CHALLENGE, LOGIN, DELETED or SOFT_404 when the page at `url` (its final address) is not
    the article, else None. `main_text`, the page's extracted text if known, tells a login
    page (a password field and little else) from an article with a login box beside it."""
    head = html[:300_000]
    title = _title(head)
    if is_challenge(head):
        return CHALLENGE
    if any(marker in head for marker in _DELETED_MARKERS) and len(main_text) < 400:
        return DELETED
    try:
        path = urlsplit(url).path
    except ValueError:
        path = ""
    if _LOGIN_PATH.search(path) or (_PASSWORD_FIELD.search(head) and len(main_text) < 400):
        return LOGIN
    if _SOFT_404_TITLES.match(title):
        return SOFT_404
    return None
