"""URL rules, how links are shown, when two links are the same link, and URL lines in the file."""

import html

import pytest
from django.core.exceptions import ValidationError
from markdown_it import MarkdownIt

from editorial.canonical import markdown_to_issue
from editorial.canonical.escaping import url_line
from editorial.links import (
    URL_KEY_LENGTH,
    WECHAT_ARTICLE_IDENTITY,
    display_url,
    same_link_form,
    url_key,
    validate_entry_url,
)

WECHAT = "https://mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ==&mid=2650917371&idx=1&sn=8c1f9e2b"
BAIDU = "https://www.baidu.com/s?wd=" + "云计算技术动态" * 33

SAME = [
    # From the issue.
    (WECHAT, WECHAT + "&scene=1&from=timeline"),
    (WECHAT, WECHAT + "&chksm=bd5c3a2f8a2bb339#rd"),
    (
        WECHAT,
        WECHAT.replace(
            "__biz=MzA3MDM3NjE5NQ==&mid=2650917371", "mid=2650917371&__biz=MzA3MDM3NjE5NQ=="
        ),
    ),
    ("https://example.com/a?x=1&y=2", "https://example.com/a?y=2&x=1"),
    (
        "https://zh.wikipedia.org/wiki/云计算",
        "https://zh.wikipedia.org/wiki/%E4%BA%91%E8%AE%A1%E7%AE%97",
    ),
    ("https://example.net/post/a", "http://example.net/post/a/"),
    # WeChat's short form, whatever its query.
    (
        "https://mp.weixin.qq.com/s/OC836VOuzn9BHPIUrzOhiA",
        "https://mp.weixin.qq.com/s/OC836VOuzn9BHPIUrzOhiA?scene=1&from=groupmessage",
    ),
    (
        "https://mp.weixin.qq.com/s/OC836VOuzn9BHPIUrzOhiA",
        "http://MP.WEIXIN.QQ.COM/s/OC836VOuzn9BHPIUrzOhiA/#wechat_redirect",
    ),
    # IDN and punycode, percent-encoding case.
    ("https://例子.测试/路径", "https://xn--fsqu00a.xn--0zwm56d/%E8%B7%AF%E5%BE%84"),
    ("https://例子.测试/", "https://XN--FSQU00A.xn--0zwm56d"),
    ("https://example.com/a%2fb", "https://example.com/a%2Fb"),
    ("https://example.com/%7Euser", "https://example.com/~user"),
    ("https://example.com/?q=a%20b", "https://example.com/?q=a+b"),
    # Scheme, host case, default ports, trailing slashes, fragments, empty query.
    ("https://Example.COM/a", "http://example.com/a"),
    ("http://example.com:80/a", "https://example.com:443/a"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com/a/", "https://example.com/a#section-2"),
    ("https://example.com/a?", "https://example.com/a"),
    # Tracking parameters, in any case.
    ("https://example.com/a?id=3", "https://example.com/a?utm_source=x&id=3&UTM_Medium=y"),
    ("https://example.com/a", "https://example.com/a?utm_campaign=z&fbclid=abc&gclid=def"),
    ("https://example.com/a?id=3", "https://example.com/a?id=3&spm=a2c6h.12873639&mc_cid=1"),
]

DIFFERENT = [
    (WECHAT, WECHAT.replace("idx=1", "idx=2")),  # the second article of the same message
    (WECHAT, WECHAT.replace("sn=8c1f9e2b", "sn=0000")),
    (WECHAT, WECHAT.replace("mid=2650917371", "mid=2650917372")),
    (
        "https://mp.weixin.qq.com/s/OC836VOuzn9BHPIUrzOhiA",
        "https://mp.weixin.qq.com/s/OC836VOuzn9BHPIUrzOhiB",
    ),
    ("https://example.com/a?id=3", "https://example.com/a?id=4"),
    ("https://example.com/a?id=3", "https://example.com/a?ID=3"),
    ("https://example.com:8080/a", "https://example.com/a"),
    ("https://example.com/A", "https://example.com/a"),
    ("https://example.com/a/b", "https://example.com/a%2Fb"),
    ("https://example.com/a", "https://www.example.com/a"),
    ("https://example.com/?q=云", "https://example.com/?q=雲"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_the_same_link(a, b):
    assert same_link_form(a) == same_link_form(b)
    assert url_key(a) == url_key(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_links(a, b):
    assert url_key(a) != url_key(b)


def test_wechat_identity_is_the_named_parameters():
    assert WECHAT_ARTICLE_IDENTITY == ("__biz", "mid", "idx", "sn")
    form = same_link_form(WECHAT + "&chksm=1&scene=1&from=timeline&sharer_shareid=9")
    assert form == "mp.weixin.qq.com/s?__biz=MzA3MDM3NjE5NQ%3D%3D&mid=2650917371&idx=1&sn=8c1f9e2b"


@pytest.mark.parametrize(
    "url", [BAIDU, "https://example.com/" + "云" * 2000, "https://e.com/" + "a" * 2034]
)
def test_the_key_has_one_length_whatever_the_url(url):
    validate_entry_url(url)
    key = url_key(url)
    assert len(key) == URL_KEY_LENGTH == 64
    assert all(c in "0123456789abcdef" for c in key)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://ex\u200bample.com/", "url_invisible"),
        ("https://example.com/\u200d", "url_invisible"),
        ("https://example.com/\u202etxt.exe", "url_invisible"),
        ("https://example.com/\u2066x\u2069", "url_invisible"),
        ("https://example.com/\ufeff", "url_invisible"),
        ("https://example.com/soft\u00adhyphen", "url_invisible"),
        ("https://example.com/\ufffe", "url_chars"),
        ("https://example.com/\uffff", "url_chars"),
        ("https://example.com/\x00", "url_chars"),
        ("https://example.com/\x85", "url_chars"),
        ("https://example.com/\u3000", "url_chars"),
        ("https://☃.net/", "url_host"),
        ("https://xn--zz.com/", "url_host"),
        ("https://ab--cd.中国/", "url_host"),
        ("HTTPS://example.com/", "url_scheme"),
    ],
)
def test_refused_urls(url, code):
    with pytest.raises(ValidationError) as refused:
        validate_entry_url(url)
    assert refused.value.code == code
    assert refused.value.messages[0].startswith("URL")


@pytest.mark.parametrize(
    "url",
    ["https://例子.测试/路径", "https://xn--fsqu00a.xn--0zwm56d/", "https://bücher.de/", BAIDU],
)
def test_accepted_urls(url):
    validate_entry_url(url)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://例子.测试/路径", "https://xn--fsqu00a.xn--0zwm56d/路径"),
        ("https://user@Bücher.de:8080/x", "https://user@xn--bcher-kva.de:8080/x"),
        ("https://аррӏе.com/", "https://xn--80ak6aa92e.com/"),
        ("https://example.com/x", "https://example.com/x"),
    ],
)
def test_a_non_ascii_host_is_shown_in_punycode(url, shown):
    assert display_url(url) == shown


# --- URL lines (FORMAT.md) ---------------------------------------------------------------------

_commonmark = MarkdownIt("commonmark")


@pytest.mark.parametrize(
    ("url", "line"),
    [
        ("https://en.wikipedia.org/wiki/Bell_Labs", "https://en.wikipedia.org/wiki/Bell_Labs"),
        ("https://example.com/_draft_/post", "<https://example.com/_draft_/post>"),
        (
            "https://github.com/django/django/blob/main/django/__init__.py",
            "<https://github.com/django/django/blob/main/django/__init__.py>",
        ),
        ("https://example.com/?q=*rust*", "<https://example.com/?q=*rust*>"),
        ("https://example.com/a&copy;b", "<https://example.com/a&copy;b>"),
        ("https://example.com/a?b=1&c=2", "https://example.com/a?b=1&c=2"),
        ("https://example.com/云_计算", "https://example.com/云_计算"),
        ("https://example.com/a_", "<https://example.com/a_>"),
        ("https://example.com/[x]", "<https://example.com/[x]>"),
        ("https://example.com/`x`", "<https://example.com/`x`>"),
        (
            "https://mp.weixin.qq.com/s/OC836VOuzn9BHPIUrzOhiA",
            "https://mp.weixin.qq.com/s/OC836VOuzn9BHPIUrzOhiA",
        ),
    ],
)
def test_url_lines_and_what_a_renderer_shows(url, line):
    assert url_line(url) == line
    rendered = _commonmark.render(line + "\n")
    # Whatever the form, the renderer shows exactly the URL as text, with no emphasis or code.
    assert "<em>" not in rendered and "<strong>" not in rendered and "<code>" not in rendered
    text = rendered.removeprefix("<p>").removesuffix("</p>\n")
    if text.startswith("<a "):
        text = text[text.index(">") + 1 : -len("</a>")]
    assert html.unescape(text) == url


@pytest.mark.parametrize("url", ["https://example.com/_draft_/post", "https://example.com/plain"])
@pytest.mark.parametrize("bracketed", [True, False])
def test_import_reads_url_lines_bare_or_bracketed(url, bracketed):
    written = f"<{url}>" if bracketed else url
    text = f"# 云计算技术动态 2024 年第一期\n\n## A\n\n**1.** **t**\n\n{written}\n\n**摘要:** s\n"
    data = markdown_to_issue(text, publication="云计算技术动态")
    assert data.sections[0].entries[0].url == url
