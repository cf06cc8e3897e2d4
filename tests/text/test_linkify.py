"""Linkify for readers: links end where Chinese text resumes, brackets balance, IDN TLDs link."""

import html
import re

import pytest

from editorial.text import linkify_summary

_LINK = re.compile(r'<a href="([^"]*)" rel="nofollow noopener">([^<]*)</a>')


def links(text: str) -> list[str]:
    out = str(linkify_summary(text))
    # Whatever is linked, the visible text is the summary as stored.
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text
    return [html.unescape(m[2]) for m in _LINK.finditer(out)]


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        # From the issue.
        (
            "详见 https://example.com/report。下一句（另见 https://example.com/b）。",
            ["https://example.com/report", "https://example.com/b"],
        ),
        *[
            (f"见 https://example.com/a{stop}后文", ["https://example.com/a"])
            for stop in "。，、；：？！…）】》」』”’〉〕｝］｜～"
        ],
        ("“https://example.com/q”", ["https://example.com/q"]),
        ("「https://example.com/q」", ["https://example.com/q"]),
        ("【https://example.com/q】", ["https://example.com/q"]),
        ("（https://example.com/q）", ["https://example.com/q"]),
        ("见https://example.com/a紧跟中文", ["https://example.com/a紧跟中文"]),
        # A closing bracket with no opening partner inside the URL ends it.
        ("(see https://example.com/a) then", ["https://example.com/a"]),
        ("[https://example.com/a]", ["https://example.com/a"]),
        (
            "https://en.wikipedia.org/wiki/Bell_(company)",
            ["https://en.wikipedia.org/wiki/Bell_(company)"],
        ),
        ("(https://en.wikipedia.org/wiki/C_(x))", ["https://en.wikipedia.org/wiki/C_(x)"]),
        ("https://example.com/a[1]", ["https://example.com/a[1]"]),
        # Sentence punctuation after a link stays outside it.
        ("Read https://example.com/a.", ["https://example.com/a"]),
        ("Read https://example.com/a, then", ["https://example.com/a"]),
        ("Read https://example.com/a!", ["https://example.com/a"]),
        # IDN top-level domains and hosts.
        ("见 https://例子.中国/路径。", ["https://例子.中国/路径"]),
        ("见 https://example.рф/x，", ["https://example.рф/x"]),
        ("https://xn--fsqu00a.xn--0zwm56d/a", ["https://xn--fsqu00a.xn--0zwm56d/a"]),
        # Queries, fragments, and www. hosts without a scheme.
        ("https://example.com/a?b=1&c=2#d", ["https://example.com/a?b=1&c=2#d"]),
        ("详见www.example.org。", ["www.example.org"]),
        # Without a scheme or www., names with dots are text: file names end in country
        # domains (.py Paraguay, .md Moldova, .rs Serbia, .sh Saint Helena, .io, .ai).
        ("改了 setup.py、README.md 和 main.rs", []),
        ("运行 install.sh，见 docs.rs 与 example.org。", []),
        # Not links.
        ("re:Invent 2024 · AI：训练", []),
        ("javascript:alert(1) data:text/html", []),
        ("a.b 与 v1.2.3", []),
    ],
)
def test_linkify(text, linked):
    assert links(text) == linked


def test_links_are_nofollow_and_text_is_escaped():
    out = str(linkify_summary("<b>x</b> &copy; https://example.com/a?b=1&c=2"))
    assert "&lt;b&gt;x&lt;/b&gt; &amp;copy; " in out
    assert '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener">' in out


def test_a_www_host_links_over_http():
    assert 'href="http://www.example.org"' in str(linkify_summary("见 www.example.org。"))
