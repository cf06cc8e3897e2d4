"""The checks themselves: they find what a browser would execute, and only that."""

import pytest

from tests.support import security_checks as checks
from tests.support.payloads import TEXT_PAYLOADS


@pytest.mark.parametrize(
    "html",
    [
        "<p>XSS01 <script>alert(1)</script></p>",
        '<script src="https://evil.example/x.js"></script>',
        "<img src=x onerror=alert(1)>",
        "<div OnMouseOver='x()'>t</div>",
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href=" &#14; JaVaScRiPt:alert(1)">x</a>',
        '<iframe src="data:text/html,x"></iframe>',
        "<svg onload=alert(1)>",
        "<math><mtext>x</mtext></math>",
        '<form action="vbscript:x"><button>b</button></form>',
        '<meta http-equiv="Refresh" content="0;url=javascript:alert(1)">',
        '<div hx-get="javascript:alert(1)">x</div>',
        '<div hx-on:click="alert(1)">x</div>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<object data="data:text/html;base64,PHNjcmlwdD4=">',
    ],
)
def test_executable_markup_is_found(html):
    problems, _ = checks.html_problems(f"<!DOCTYPE html><html><body>{html}</body></html>")
    assert problems


@pytest.mark.parametrize("payload", TEXT_PAYLOADS)
def test_escaped_payloads_are_inert_text(payload):
    from django.utils.html import escape

    page = f"<!DOCTYPE html><p title='{escape(payload)}'>XSS01 {escape(payload)}</p>"
    problems, markers = checks.html_problems(page)
    assert problems == []
    assert markers == {"XSS01"}


def test_our_own_scripts_and_json_data_are_allowed():
    page = (
        '<script src="/static/js/composer.4f2a.js" defer></script>'
        '<script type="application/json" id="data">{"a": "\\u003c/script\\u003e"}</script>'
    )
    assert checks.html_problems(page)[0] == []


def test_markdown_raw_html_is_found_unless_escaped():
    assert checks.raw_html_lines("**1.** **a <b>x</b>**\n") != []
    assert checks.raw_html_lines("**1.** **a \\<b\\>x\\</b\\>**\n") == []
    assert checks.raw_html_lines("**摘要:** 5 > 3 and 3 < 4\n") == []


def test_format_escaping_follows_format_md():
    assert checks.escape_as_format_says("a*b_c`d[e]f<g>h\\i") == (
        "a\\*b\\_c\\`d\\[e\\]f\\<g\\>h\\\\i"
    )
    assert checks.escape_as_format_says("&copy; &#169; &#xA9; & x") == (
        "\\&copy; \\&#169; \\&#xA9; & x"
    )


def test_feed_checks_parse_the_html_inside():
    feed = (
        b'<?xml version="1.0" encoding="utf-8"?>'
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
        b'<link href="https://example.com/"/>'
        b'<content type="html">&lt;img src=x onerror=alert(1)&gt; XSS02</content>'
        b"</entry></feed>"
    )
    problems, markers = checks.feed_problems(feed)
    assert problems and markers == {"XSS02"}
