"""What a page states about itself, read as a reader sees it (read_metadata): the order of
sources, text decoded exactly once, the site's own name trimmed from titles and nothing else,
WeChat's script variables, and dates only from metadata."""

import datetime

import pytest

from editorial.inbox.fetching.extract import read_metadata, without_site_name


def page(head: str = "", body: str = "<p>正文</p>") -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'
    )


def test_entities_are_decoded_once():
    """adbar/trafilatura#218: trafilatura's metadata unescapes text lxml already decoded, so a
    title that says "&quot;" (written &amp;quot;) came out as a quotation mark."""
    meta = read_metadata(
        page(
            "<title>Rust 的 &amp;quot;所有权&amp;quot; 与 &lt;T&gt;</title>"
            '<meta name="description" content="用 &amp;amp; 连接 &amp;lt;b&amp;gt;">'
        )
    )
    assert meta.title == "Rust 的 &quot;所有权&quot; 与 <T>"
    assert meta.description == "用 &amp; 连接 &lt;b&gt;"


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        (
            "深入理解 Raft 共识算法：从选主到日志复制 | 测试博客",
            "测试博客",
            "深入理解 Raft 共识算法：从选主到日志复制",
        ),
        ("测试博客 - 深入理解 Raft", "测试博客", "深入理解 Raft"),
        (
            "Kubernetes 1.31 发布说明 — The Kubernetes Blog",
            "the kubernetes blog",
            "Kubernetes 1.31 发布说明",
        ),
        # Not the site's name: the title stays whole.
        ("OpenAI o1 - 推理模型的原理", "", "OpenAI o1 - 推理模型的原理"),
        ("OpenAI o1 - 推理模型的原理", "机器之心", "OpenAI o1 - 推理模型的原理"),
        # Only the name: nothing would be left, so nothing is cut.
        ("测试博客", "测试博客", "测试博客"),
    ],
)
def test_the_site_name_is_trimmed_only_when_it_is_the_sites(title, site, expected):
    assert without_site_name(title, site) == expected


def test_the_title_tag_loses_the_site_name_the_page_states():
    meta = read_metadata(
        page(
            "<title>深入理解 Raft 共识算法：从选主到日志复制 | 测试博客</title>"
            '<meta property="og:site_name" content="测试博客">'
        )
    )
    assert meta.title == "深入理解 Raft 共识算法：从选主到日志复制"
    assert meta.site_name == "测试博客"


def test_sources_in_order_structured_data_first():
    ld = """<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "WebSite", "name": "站点"},
      {"@type": ["NewsArticle"], "headline": "结构化标题",
       "datePublished": "2024-07-01T08:00:00+08:00",
       "publisher": {"@type": "Organization", "name": "出版方"},
       "description": "结构化摘要"}]}</script>"""
    meta = read_metadata(
        page(
            ld + '<meta property="og:title" content="OG 标题">'
            '<meta property="article:published_time" content="2024-06-01">'
            "<title>标签标题</title>"
        )
    )
    assert (meta.title, meta.site_name, meta.description) == ("结构化标题", "出版方", "结构化摘要")
    assert meta.published_on == datetime.date(2024, 7, 1)


def test_broken_structured_data_is_passed_over():
    meta = read_metadata(
        page('<script type="application/ld+json">{not json</script><title>还能读</title>')
    )
    assert meta.title == "还能读"


WECHAT_SCRIPT = """<script>
var nickname = htmlDecode("云计算技术动态");
var msg_title = '深入理解 \\x26quot;Raft\\x26quot; 共识算法'.html(false);
var msg_desc = htmlDecode("从选主到日志复制，&amp; 更多。");
var ct = "1718000000";
</script>"""


def test_wechat_script_variables():
    meta = read_metadata(page(body="<p>版权所有 2019</p>" + WECHAT_SCRIPT))
    assert meta.title == '深入理解 "Raft" 共识算法'
    assert meta.site_name == "云计算技术动态"
    assert meta.description == "从选主到日志复制，& 更多。"
    # 1718000000 is 2024-06-10 14:13 in Asia/Shanghai: the date of ct, not the footer's 2019.
    assert meta.published_on == datetime.date(2024, 6, 10)


def test_no_date_is_guessed_from_the_body():
    meta = read_metadata(
        page("<title>无日期</title>", "<p>发表于 2019 年 3 月 5 日。版权所有 2019</p>")
    )
    assert meta.published_on is None


@pytest.mark.parametrize(
    "html",
    ["", "<", "\x00\x01", "<html>" * 1000, "<?xml version='1.0' encoding='latin-1'?><html/>"],
)
def test_what_is_no_page_states_nothing(html):
    meta = read_metadata(html)
    assert meta.published_on is None
    assert isinstance(meta.title, str)
