"""Input rules shared by admin, import and composer: text cleaning, URLs, duplicate keys."""

import pytest
from django.core.exceptions import ValidationError

from editorial.links import display_url, url_key, validate_entry_url
from editorial.rules import clean_entry_fields, clean_section_title
from editorial.text import clean_text, linkify_summary


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  plain  ", "plain"),
        # Markup and character references are text: kept exactly, escaped on output.
        ("<b>bold</b> text", "<b>bold</b> text"),
        ("line one\nline two\r\n  three", "line one line two three"),
        ("<script>alert(1)</script>x", "<script>alert(1)</script>x"),
        ("a &amp; b &lt; c", "a &amp; b &lt; c"),
        ("x < y and y > z", "x < y and y > z"),
        ("e\u0301", "\u00e9"),  # NFC
        ("tab\there", "tab here"),
        # Controls go; format characters (here a bidi override) are text.
        ("zero\u0000width\u202e", "zerowidth\u202e"),
        ("<img src=x onerror=alert(1)>云", "<img src=x onerror=alert(1)>云"),
        ("", ""),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_linkify_summary_escapes_and_links_only_web_urls():
    html = linkify_summary(
        "见 https://example.com/a?b=1&c=2 <script>x</script> javascript:alert(1)"
    )
    assert '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener">' in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript' not in html


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/",
        "http://example.com/a/b?c=d#e",
        "https://例子.测试/路径",
        "https://mp.weixin.qq.com/s/OC836VOuzn9BHPIUrzOhiA",
    ],
)
def test_valid_urls(url):
    validate_entry_url(url)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("javascript:alert(1)", "url_scheme"),
        ("JaVaScRiPt:alert(1)", "url_scheme"),
        ("data:text/html,<script>", "url_scheme"),
        ("ftp://example.com/", "url_scheme"),
        ("//example.com/x", "url_scheme"),
        ("/relative", "url_scheme"),
        ("https://exa mple.com/", "url_chars"),
        ("https://example.com/\x07", "url_chars"),
        ("https://example.com/\n", "url_chars"),
        ("https://" + "a" * 2050 + ".com/", "url_too_long"),
        ("https://", "url_invalid"),
    ],
)
def test_invalid_urls_name_the_rule(url, code):
    with pytest.raises(ValidationError) as error:
        validate_entry_url(url)
    assert error.value.code == code
    assert error.value.messages[0].startswith("URL")


def test_display_url_shows_punycode_host():
    assert display_url("https://例子.测试/路径") == "https://xn--fsqu00a.xn--0zwm56d/路径"
    assert display_url("https://example.com/x") == "https://example.com/x"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://Example.com/a/", "https://example.com/a"),
        ("http://example.com:80/a", "https://example.com:443/a"),
        ("https://example.com/a#frag", "https://example.com/a"),
        ("https://example.com/a?utm_source=x&id=3&UTM_medium=y", "https://example.com/a?id=3"),
    ],
)
def test_url_key_treats_as_same_link(a, b):
    assert url_key(a) == url_key(b)


def test_url_key_keeps_real_differences():
    assert url_key("https://example.com/a?id=3") != url_key("https://example.com/a?id=4")
    assert url_key("https://example.com:8080/a") != url_key("https://example.com/a")
    assert url_key("https://example.com/A") != url_key("https://example.com/a")


def test_clean_entry_fields_names_each_field():
    with pytest.raises(ValidationError) as error:
        clean_entry_fields("", "javascript:x", "s" * 2001)
    assert set(error.value.message_dict) == {"title", "url", "summary"}
    assert error.value.message_dict["title"][0].startswith("Title")
    assert error.value.message_dict["summary"][0].startswith("Summary")


def test_clean_entry_fields_title_limit():
    assert clean_entry_fields("t" * 300, "https://e.com/", "")[0] == "t" * 300
    with pytest.raises(ValidationError):
        clean_entry_fields("t" * 301, "https://e.com/", "")


def test_clean_section_title():
    assert clean_section_title(" <i>分布式</i>系统 ") == "<i>分布式</i>系统"
    with pytest.raises(ValidationError):
        clean_section_title(" \x00\u3000 ")
