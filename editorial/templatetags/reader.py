"""Template tags for text on pages: summaries, hosts, numerals, search highlights, typed text
isolated in a sentence."""

from django import template
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from editorial.bidi import isolated as isolate
from editorial.canonical import to_chinese_numeral
from editorial.links import ascii_host
from editorial.search import fold_query, match_spans
from editorial.text import linkify_summary

register = template.Library()

EXCERPT_CHARS = 160


@register.filter
def summary_html(text: str) -> SafeString:
    """A summary for readers: escaped, with bare http(s) URLs as nofollow links."""
    return linkify_summary(text)


@register.filter
def isolated(text: str) -> SafeString:
    """Typed text (a title) inside a translated sentence: escaped, in <bdi> (text.isolated)."""
    return isolate(text)


@register.filter
def url_host(url: str) -> str:
    """The host a link leads to, in punycode when it is not ASCII (so look-alikes show)."""
    return ascii_host(url)


@register.filter
def issue_numeral(number: int) -> str:
    """The issue number in Chinese numerals (32 → 三十二)."""
    try:
        return to_chinese_numeral(int(number))
    except (TypeError, ValueError):
        return str(number)


@register.simple_tag
def content_lang() -> str:
    """The language the digest is written in, as an HTML lang value."""
    return settings.DIGEST_CONTENT_LANGUAGE


@register.simple_tag
def ui_lang() -> str:
    """The interface's current language as an HTML lang value (zh-hans → zh-Hans)."""
    language = get_language() or settings.LANGUAGE_CODE
    return "zh-Hans" if language.lower() == "zh-hans" else language


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """Text with each occurrence of query (as search finds it: NFKC case-folded) in <mark>;
    every piece escaped on its own, so neither the text nor the query can inject markup."""
    text = str(text or "")
    pieces, last = [], 0
    for start, end in match_spans(text, fold_query(query or "")):
        pieces.append(escape(text[last:start]))
        pieces.append(f"<mark>{escape(text[start:end])}</mark>")
        last = end
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece escaped above


@register.filter
def excerpt(text: str, query: str) -> str:
    """About EXCERPT_CHARS characters of text around the first occurrence of query."""
    text = str(text or "")
    if len(text) <= EXCERPT_CHARS:
        return text
    spans = match_spans(text, fold_query(query or ""))
    start = 0
    if spans:
        start = max(0, min(spans[0][0] - EXCERPT_CHARS // 3, len(text) - EXCERPT_CHARS))
    end = start + EXCERPT_CHARS
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
