"""The WeChat copy (editorial.renderings.wechat): golden files for the shared sample and for an
issue with every kind of text, and properties over generated issues: only the tags, attributes
and styles WeChat keeps, links only to WeChat articles, every other URL once under 参考链接 in
order of first use with its marker, and every title and summary exactly as stored.
Golden files: see tests/support/renderings.py."""

import re

import pytest
from hypothesis import given

from editorial.canonical.parse import markdown_to_issue
from editorial.links import is_wechat_article
from editorial.renderings.wechat import REFERENCES_HEADING, issue_to_wechat
from tests.support.renderings import EVERY_KIND, LONG_URL, PUBLICATION, Parsed, golden, issues

ALLOWED_TAGS = {"section", "h1", "h2", "p", "a", "sup"}


def test_the_sample_issue_matches_its_golden_files(sample_path):
    issue = markdown_to_issue(sample_path.read_bytes(), publication=PUBLICATION)
    copy = issue_to_wechat(issue)
    assert copy.html == golden("2024-32.wechat.html", copy.html)
    assert copy.text == golden("2024-32.wechat.txt", copy.text)
    assert copy.references == ()  # every link of the sample is a WeChat article


def test_every_kind_of_text_matches_its_golden_files():
    copy = issue_to_wechat(EVERY_KIND)
    assert copy.html == golden("every-kind.wechat.html", copy.html)
    assert copy.text == golden("every-kind.wechat.txt", copy.text)
    assert [ref.url for ref in copy.references] == [
        LONG_URL,
        "https://doc.rust-lang.org/book/ch10-01-syntax.html",
        "http://example.net/a?b=1&c=2",
    ]


def test_the_same_issue_gives_the_same_bytes():
    assert issue_to_wechat(EVERY_KIND) == issue_to_wechat(EVERY_KIND)


def test_text_is_escaped_never_altered():
    copy = issue_to_wechat(EVERY_KIND)
    assert "<script>" not in copy.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in copy.html
    assert "&amp;copy;" in copy.html  # "&copy;" typed stays those six characters
    assert "Vec&lt;u8&gt;" in copy.html
    # The address inside a summary is text, not a link.
    assert 'href="https://example.org/page"' not in copy.html
    # A WeChat article's query keeps every character, escaped in the attribute.
    assert (
        'href="https://mp.weixin.qq.com/s?__biz=MzA&amp;mid=1&amp;idx=1&amp;sn=abc&amp;chksm=x#rd"'
        in copy.html
    )


def test_an_empty_section_is_not_written():
    copy = issue_to_wechat(EVERY_KIND)
    assert "没有条目的分区" not in copy.html
    assert "没有条目的分区" not in copy.text


# --- properties over generated issues -----------------------------------------------------------


@given(issues)
def test_only_what_wechat_keeps(issue):
    parsed = Parsed(issue_to_wechat(issue).html)
    root, *rest = parsed.tags
    assert root[0] == "section"
    for tag, attributes in parsed.tags:
        assert tag in ALLOWED_TAGS
        assert set(attributes) <= ({"style", "href"} if tag == "a" else {"style"})
        style = attributes["style"]
        assert "var(" not in style and "position" not in style
        assert not re.search(r"background", style)  # no panel that dark mode cannot invert


@given(issues)
def test_links_only_to_wechat_articles_and_every_other_url_once(issue):
    copy = issue_to_wechat(issue)
    parsed = Parsed(copy.html)
    links = [attributes["href"] for tag, attributes in parsed.tags if tag == "a"]
    assert all(is_wechat_article(url) for url in links)
    written = [e for s in issue.sections for e in s.entries]
    others = list(dict.fromkeys(e.url for e in written if not is_wechat_article(e.url)))
    assert [ref.url for ref in copy.references] == others  # each once, in order of first use
    assert [ref.number for ref in copy.references] == list(range(1, len(others) + 1))
    lines = copy.text.split("\n")
    for ref in copy.references:
        line = f"[{ref.number}] {ref.title}: {ref.url}"
        assert lines.count(line) == 1
        users = [e for e in written if e.url == ref.url]
        assert copy.text.count(f" [{ref.number}]\n") == len(users)  # its marker on each entry
    if copy.references:
        assert REFERENCES_HEADING in parsed.visible


@given(issues)
def test_every_title_and_summary_is_shown_exactly(issue):
    copy = issue_to_wechat(issue)
    visible = Parsed(copy.html).visible
    for section in issue.sections:
        for entry in section.entries:
            assert entry.title in visible
            assert entry.summary in visible
            assert entry.title in copy.text and entry.summary in copy.text
        if section.entries:
            assert section.title in visible


@pytest.mark.parametrize(
    ("url", "article"),
    [
        ("https://mp.weixin.qq.com/s/OC836VOuzn9BHPIUrzOhiA", True),
        ("http://mp.weixin.qq.com/s?__biz=MzA&mid=1&idx=1&sn=abc", True),
        ("https://MP.WEIXIN.QQ.COM./s/x1", True),
        ("https://mp.weixin.qq.com/s/", False),
        ("https://mp.weixin.qq.com/s", False),
        ("https://mp.weixin.qq.com/mp/profile_ext?action=home", False),
        ("https://mp.weixin.qq.com.evil.example/s/x1", False),
        ("https://weixin.qq.com/s/x1", False),
        ("ftp://mp.weixin.qq.com/s/x1", False),
        ("https://[::1/s/x", False),
    ],
)
def test_what_counts_as_a_wechat_article(url, article):
    assert is_wechat_article(url) is article
