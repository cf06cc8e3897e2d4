"""Template filters of the reader pages."""

import html

import pytest

from editorial.templatetags.reader import issue_numeral, summary_html, url_host
from editorial.text import linkify_summary


@pytest.mark.parametrize(
    "text",
    [
        "纯文本摘要，没有链接。",
        "<b>粗</b> & \"引号\" 'x'",
        "re:Invent 2024 · AI：训练",
        "",
        "http://",
    ],
)
def test_summary_without_a_dot_is_escaped_text_exactly_as_linkify_would_leave_it(text):
    fast = summary_html(text)
    assert "<a " not in fast and "<a " not in linkify_summary(text)
    assert html.unescape(fast) == text == html.unescape(str(linkify_summary(text)))
    assert "<" not in fast.replace("&lt;", "")


def test_summary_with_an_address_is_linkified():
    out = summary_html("详见 https://example.com/a?b=1&c=2 与 www.example.org。<i>x</i>")
    assert '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener">' in out
    assert '<a href="http://www.example.org" rel="nofollow noopener">' in out
    assert "&lt;i&gt;x&lt;/i&gt;" in out


def test_url_host_shows_non_ascii_hosts_in_punycode():
    assert url_host("https://mp.weixin.qq.com/s/abc") == "mp.weixin.qq.com"
    assert url_host("https://例子.测试/路径") == "xn--fsqu00a.xn--0zwm56d"
    assert url_host("https://[::1") == ""


def test_issue_numeral():
    assert issue_numeral(32) == "三十二"
    assert issue_numeral(110) == "一百一十"
