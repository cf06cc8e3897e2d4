"""What to look at before an issue goes to WeChat: warnings in words, never blocks.

WeChat's limits are in one place below (LIMITS). Each check reads the issue's data and its copy
and says what a reader in WeChat would meet: a body too long to save, a title too long for the
title field, links that become references, hosts readers in mainland China may not reach, and
text WeChat's editor is known to change.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from editorial.canonical.data import IssueData
from editorial.renderings.wechat import WeChatCopy, article_title


@dataclass(frozen=True)
class Limits:
    """WeChat official-account article limits, as its editor enforces them."""

    body_characters: int = 20_000  # visible characters of the body (the editor refuses more)
    title_characters: int = 32
    title_bytes: int = 64  # UTF-8: a Chinese character takes 3


LIMITS = Limits()

# Hosts (and their subdomains) that readers in mainland China usually cannot open without a
# VPN: a link there reaches few of the account's readers.
UNREACHABLE_HOSTS = frozenset(
    {
        "google.com", "googleapis.com", "googleusercontent.com", "gstatic.com", "goo.gl",
        "youtube.com", "youtu.be", "blogspot.com", "blogger.com",
        "twitter.com", "x.com", "t.co", "facebook.com", "fb.com", "instagram.com",
        "whatsapp.com", "threads.net", "t.me", "telegram.org", "discord.com", "discord.gg",
        "reddit.com", "medium.com", "quora.com", "wikipedia.org", "wikimedia.org",
        "vimeo.com", "dropbox.com", "pinterest.com", "tumblr.com", "twitch.tv",
        "substack.com", "huggingface.co", "openai.com", "chatgpt.com", "claude.ai",
        "nytimes.com", "wsj.com", "bloomberg.com", "bbc.com", "bbc.co.uk",
        "raw.githubusercontent.com", "gist.github.com",
    }
)  # fmt: skip

# Characters WeChat's editor turns into a line break or drops where they stand between visible
# characters (public report: liuxiaopai-ai/raphael-publish#16, zero-width spaces).
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# An address in running text: WeChat shows it as text that cannot be opened.
BARE_ADDRESS = re.compile(r"https?://|www\.", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """One thing to look at: `level` "warning" (readers would miss something) or "note" (good
    to know), the sentence that says it, and the entries it concerns ("section › n. title")."""

    level: str
    message: str
    entries: tuple[str, ...] = field(default_factory=tuple)


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def visible_length(html: str) -> int:
    """Characters a reader sees in `html`: its text, without the line breaks between blocks."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return len("".join(parser.parts).replace("\n", ""))


def _unreachable_host(url: str) -> str | None:
    """The URL's host when it is one of UNREACHABLE_HOSTS or below one, else None."""
    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:
        return None
    parts = host.split(".")
    for start in range(len(parts) - 1):
        if ".".join(parts[start:]) in UNREACHABLE_HOSTS:
            return host
    return None


def wechat_checks(issue: IssueData, copy: WeChatCopy) -> list[Finding]:
    """The findings for `issue` and its copy, warnings first, in the order of the issue."""
    warnings: list[Finding] = []
    notes: list[Finding] = []
    length = visible_length(copy.html)
    if length > LIMITS.body_characters:
        text = _(
            "The body has %(n)s characters; WeChat saves at most %(limit)s. "
            "Split the issue or shorten summaries."
        )
        warnings.append(Finding("warning", text % {"n": length, "limit": LIMITS.body_characters}))
    title = article_title(issue)
    size = len(title.encode("utf-8"))
    if len(title) > LIMITS.title_characters or size > LIMITS.title_bytes:
        text = _(
            "The title “%(title)s” has %(chars)d characters (%(bytes)d bytes); WeChat's title "
            "field takes %(max_chars)d characters (%(max_bytes)d bytes)."
        )
        values = {"title": title, "chars": len(title), "bytes": size}
        values |= {"max_chars": LIMITS.title_characters, "max_bytes": LIMITS.title_bytes}
        warnings.append(Finding("warning", text % values))
    unreachable, zero_width, bare = [], [], []
    for section in issue.sections:
        for n, entry in enumerate(section.entries, start=1):
            where = f"{section.title} › {n}. {entry.title}"
            if host := _unreachable_host(entry.url):
                unreachable.append(f"{where} ({host})")
            if any(ZERO_WIDTH.search(text) for text in (entry.title, entry.summary)):
                zero_width.append(where)
            if any(BARE_ADDRESS.search(text) for text in (entry.title, entry.summary)):
                bare.append(where)
    if unreachable:
        text = ngettext(
            "%(count)d link leads to a site readers in mainland China usually cannot open.",
            "%(count)d links lead to sites readers in mainland China usually cannot open.",
            len(unreachable),
        )
        warnings.append(Finding("warning", text % {"count": len(unreachable)}, tuple(unreachable)))
    if zero_width:
        text = _("Zero-width characters: WeChat's editor may break the line where they stand.")
        warnings.append(Finding("warning", text, tuple(zero_width)))
    if bare:
        text = _(
            "A web address in a title or summary: WeChat shows it as text that cannot be opened."
        )
        warnings.append(Finding("warning", text, tuple(bare)))
    if copy.references:
        text = ngettext(
            "%(count)d link is not a WeChat article: WeChat allows no link to it, so it is "
            "listed under 参考链接 as [1], with its marker on the entry.",
            "%(count)d links are not WeChat articles: WeChat allows no link to them, so they "
            "are listed under 参考链接 as [1] to [%(count)d], with their markers on the entries.",
            len(copy.references),
        )
        listed = tuple(f"[{ref.number}] {ref.title}" for ref in copy.references)
        notes.append(Finding("note", text % {"count": len(copy.references)}, listed))
    text = _("%(n)s of %(limit)s characters; the title has %(chars)d of %(max_chars)d.")
    values = {"n": length, "limit": LIMITS.body_characters}
    values |= {"chars": len(title), "max_chars": LIMITS.title_characters}
    notes.append(Finding("note", text % values))
    return warnings + notes
