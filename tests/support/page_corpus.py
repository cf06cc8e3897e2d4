"""A corpus of pages as they are on the web, written for the tests: what public bug reports of
bookmark managers and extractors (linkding, karakeep, wallabag, linkwarden, trafilatura, w3lib,
nextcloud bookmarks) describe, each served by a local server and read through the inbox's
worker. Every case says what the inbox must keep: the title, the source's name, the date, and
the state (fetched, or failed with the code of what happened instead).

CORPUS is the table: path -> Case. Each route is what the server answers at that path; a few
cases need more than one path (redirect chains, login redirects): EXTRA_ROUTES.
"""

import datetime
import gzip
import zlib
from dataclasses import dataclass, field

from tests.support.page_servers import WECHAT_ARTICLE, redirect

DONE = ("done", "")


@dataclass(frozen=True)
class Case:
    """`route`: (status, headers, body bytes). Expected: `title`, `site`, `date` (a date or
    None) and `state` ((fetch_state, fetch_error))."""

    route: tuple
    title: str = ""
    site: str = ""
    date: datetime.date | None = None
    state: tuple[str, str] = DONE
    why: str = field(default="", compare=False)


def page(head: str = "", body: str = "<p>正文。</p>", *, meta_charset: str = "") -> str:
    charset = f'<meta charset="{meta_charset}">' if meta_charset else ""
    return f"<!DOCTYPE html><html><head>{charset}{head}</head><body>{body}</body></html>"


def served(
    text: str,
    *,
    codec: str = "utf-8",
    content_type: str = "text/html; charset=utf-8",
    status: int = 200,
    headers: dict | None = None,
) -> tuple:
    """A route: `text` encoded with `codec`, answered with `content_type` and `status`."""
    head = {"Content-Type": content_type} if content_type else {}
    return (status, {**head, **(headers or {})}, text.encode(codec))


def compressed(text: str, encoding: str) -> tuple:
    """A UTF-8 page sent with Content-Encoding `encoding`: "gzip", "deflate" (zlib-wrapped, as
    RFC 9110 says) or "raw-deflate" (sent as "deflate", as many servers do)."""
    body = text.encode()
    if encoding == "gzip":
        data = gzip.compress(body)
    elif encoding == "deflate":
        data = zlib.compress(body)
    else:
        raw = zlib.compressobj(wbits=-15)
        data = raw.compress(body) + raw.flush()
    wire = "gzip" if encoding == "gzip" else "deflate"
    return (200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": wire}, data)


def titled(title: str, body: str = "<p>正文。</p>", **kwargs) -> tuple:
    return served(page(f"<title>{title}</title>", body), **kwargs)


LONG_CHINESE = "<p>" + "云计算技术动态：容器安全的十个实践，从镜像扫描到运行时防护。" * 12 + "</p>"
CLOUDFLARE = page(
    "<title>Just a moment...</title>",
    '<div id="challenge-running">Checking if the site connection is secure</div>'
    '<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1"></script>',
)
LOGIN_FORM = page(
    "<title>登录</title>",
    '<form method="post" action="/session"><label>用户名 <input name="user"></label>'
    '<label>密码 <input type="password" name="pw"></label><button>登录</button></form>',
)
WECHAT_SCRIPT_ONLY = page(
    "<title></title>",
    '<div id="js_content"><p>Raft 把共识拆成选主、日志复制与安全性三个子问题。</p></div>'
    "<p>版权所有 2019 腾讯</p>"
    "<script>\n"
    'var nickname = htmlDecode("分布式实验室");\n'
    "var msg_title = '深入理解 Raft 共识算法：从选主到日志复制'.html(false);\n"
    'var msg_desc = htmlDecode("本文主要介绍了 Raft 的选主与日志复制。");\n'
    'var ct = "1718000000";\n'
    "</script>",
)
WECHAT_ESCAPED = page(
    "",
    "<script>\n"
    'var nickname = htmlDecode("云原生社区 \\x26amp; 朋友");\n'
    "var msg_title = '\\x26quot;零信任\\x26quot; 网络的落地'.html(false);\n"
    'var ct = "1725120000";\n'
    "</script>",
)
WECHAT_DELETED = page(
    "<title></title>",
    '<div class="weui-msg"><p class="weui-msg__title">该内容已被发布者删除</p></div>',
)
WECHAT_BLOCKED = page(
    "<title></title>",
    '<div class="weui-msg"><p class="weui-msg__title">此内容因违规无法查看</p></div>',
)
JSON_LD = """<script type="application/ld+json">{"@context": "https://schema.org",
"@type": "BlogPosting", "headline": "eBPF 可观测性实践",
"datePublished": "2024-03-18T09:30:00+08:00",
"publisher": {"@type": "Organization", "name": "云原生周刊"}}</script>"""


CORPUS: dict[str, Case] = {
    # --- encodings: as browsers decode them ------------------------------------------------
    "/enc/utf8-bom-vs-latin1": Case(
        served(
            page("<title>深入理解 Raft 共识算法</title>"),
            codec="utf-8-sig",
            content_type="text/html; charset=iso-8859-1",
        ),
        title="深入理解 Raft 共识算法",
        why="a UTF-8 byte-order mark wins over a header saying iso-8859-1",
    ),
    "/enc/utf16-bom": Case(
        served(page("<title>服务网格入门</title>"), codec="utf-16"),
        title="服务网格入门",
        why="a UTF-16 byte-order mark wins over the header's utf-8",
    ),
    "/enc/shift-jis-header": Case(
        titled("①クラウド入門", codec="cp932", content_type="text/html; charset=shift_jis"),
        title="①クラウド入門",
        why="shift_jis is decoded as Windows-932 (① is an NEC extension), not as �@",
    ),
    "/enc/shift-jis-meta": Case(
        served(
            page("<title>②コンテナ技術</title>", meta_charset="Shift_JIS"),
            codec="cp932",
            content_type="text/html",
        ),
        title="②コンテナ技術",
        why="the same label in the page's meta tag",
    ),
    "/enc/x-sjis": Case(
        titled("③サーバーレス", codec="cp932", content_type="text/html; charset=x-sjis"),
        title="③サーバーレス",
        why="x-sjis is a WHATWG label of Shift_JIS",
    ),
    "/enc/big5": Case(
        titled("香港增補字符集：嘅", codec="big5hkscs", content_type="text/html; charset=big5"),
        title="香港增補字符集：嘅",
        why="big5 is decoded as Big5-HKSCS",
    ),
    "/enc/euc-kr": Case(
        titled("똠방각하 클라우드", codec="cp949", content_type="text/html; charset=euc-kr"),
        title="똠방각하 클라우드",
        why="euc-kr is decoded as Windows-949 (UHC)",
    ),
    "/enc/gb2312": Case(
        titled("云计算技术动态 €", codec="gb18030", content_type="text/html; charset=gb2312"),
        title="云计算技术动态 €",
        why="gb2312 is decoded as GB 18030",
    ),
    "/enc/gbk-meta": Case(
        served(
            page("<title>容器安全：镜像扫描</title>", meta_charset="gbk"),
            codec="gbk",
            content_type="text/html",
        ),
        title="容器安全：镜像扫描",
        why="a charset in the meta tag when the header has none",
    ),
    "/enc/gbk-undeclared": Case(
        served(
            page("<title>容器安全：运行时防护</title>", LONG_CHINESE),
            codec="gbk",
            content_type="text/html",
        ),
        title="容器安全：运行时防护",
        why="no label anywhere: detected",
    ),
    "/enc/base64-label": Case(
        titled("对象存储的一致性模型", LONG_CHINESE, content_type="text/html; charset=base64"),
        title="对象存储的一致性模型",
        why="a charset that is no text encoding falls back to detection (no 500)",
    ),
    "/enc/rot13-label": Case(
        titled("消息队列选型", LONG_CHINESE, content_type="text/html; charset=rot13"),
        title="消息队列选型",
        why="rot13 is a codec of Python's, not a text encoding",
    ),
    "/enc/latin1-is-cp1252": Case(
        titled(
            "Café crème – “quoted” guide",
            "<p>A guide.</p>",
            codec="cp1252",
            content_type="text/html; charset=latin1",
        ),
        title="Café crème – “quoted” guide",
        why="latin1 is windows-1252 for browsers: its curly quotes and dashes",
    ),
    "/enc/meta-utf16-means-utf8": Case(
        served(page("<title>微服务拆分</title>", meta_charset="utf-16"), content_type="text/html"),
        title="微服务拆分",
        why="a page that read its own meta tag saying UTF-16 is not UTF-16",
    ),
    "/enc/header-over-meta": Case(
        served(page("<title>日志平台</title>", meta_charset="gbk")),
        title="日志平台",
        why="the header's charset wins over the meta tag",
    ),
    # --- text decoded exactly once ---------------------------------------------------------
    "/text/title-amp-quot": Case(
        titled("Rust 的 &amp;quot;所有权&amp;quot;"),
        title="Rust 的 &quot;所有权&quot;",
        why="trafilatura#218: &amp;quot; is the text &quot;, not a quotation mark",
    ),
    "/text/og-title-entities": Case(
        served(page('<meta property="og:title" content="AT&amp;T 与 &lt;T&gt; 泛型">')),
        title="AT&T 与 <T> 泛型",
        why="an attribute's entities decoded once",
    ),
    "/text/numeric-entities": Case(
        titled("&#x4E91;&#35745;&#31639; &#8212; 入门"),
        title="云计算 — 入门",
        why="numeric character references",
    ),
    # --- the site's name: trimmed only when it is the site's --------------------------------
    "/site/title-dash-site": Case(
        served(
            page(
                "<title>分布式事务的取舍 - 测试博客</title>"
                '<meta property="og:site_name" content="测试博客">'
            )
        ),
        title="分布式事务的取舍",
        site="测试博客",
    ),
    "/site/site-bar-title": Case(
        served(
            page(
                "<title>测试博客 | 深入理解 Raft</title>"
                '<meta property="og:site_name" content="测试博客">'
            )
        ),
        title="深入理解 Raft",
        site="测试博客",
    ),
    "/site/title-underscore-site": Case(
        served(
            page(
                "<title>Kubernetes 调度器详解_开源中国</title>"
                '<meta property="og:site_name" content="开源中国">'
            )
        ),
        title="Kubernetes 调度器详解",
        site="开源中国",
    ),
    "/site/title-bar-site-fullwidth": Case(
        served(
            page(
                "<title>深入理解 Raft 共识算法：从选主到日志复制 | 测试博客</title>"
                '<meta property="og:site_name" content="测试博客">'
            )
        ),
        title="深入理解 Raft 共识算法：从选主到日志复制",
        site="测试博客",
        why="the bookmarklet's document.title, the site's suffix trimmed",
    ),
    "/site/dash-not-a-site": Case(
        served(
            page(
                "<title>OpenAI o1 - 推理模型的原理</title>"
                '<meta property="og:site_name" content="机器之心">'
            )
        ),
        title="OpenAI o1 - 推理模型的原理",
        site="机器之心",
        why='" - " that is no site name: the title stays whole',
    ),
    "/site/dash-no-site": Case(
        titled("OpenAI o1 - 推理模型的原理"),
        title="OpenAI o1 - 推理模型的原理",
        why="no site name stated: nothing is cut",
    ),
    "/site/em-dash-case": Case(
        served(
            page(
                "<title>Kubernetes 1.31 发布说明 — The Kubernetes Blog</title>"
                '<meta property="og:site_name" content="the kubernetes blog">'
            )
        ),
        title="Kubernetes 1.31 发布说明",
        site="the kubernetes blog",
    ),
    "/site/only-the-name": Case(
        served(page('<title>测试博客</title><meta property="og:site_name" content="测试博客">')),
        title="测试博客",
        site="测试博客",
        why="a title that is only the name keeps it",
    ),
    "/site/json-ld": Case(
        served(page(JSON_LD + "<title>eBPF 可观测性实践 | 云原生周刊</title>")),
        title="eBPF 可观测性实践",
        site="云原生周刊",
        date=datetime.date(2024, 3, 18),
        why="structured data first: headline, publisher, datePublished",
    ),
    "/site/application-name": Case(
        served(
            page(
                "<title>向量数据库综述 · 技术周报</title>"
                '<meta name="application-name" content="技术周报">'
            )
        ),
        title="向量数据库综述",
        site="技术周报",
    ),
    "/site/og-over-title": Case(
        served(
            page(
                "<title>页面标题 - 站点</title>"
                '<meta property="og:title" content="干净的 og 标题">'
                '<meta property="og:site_name" content="站点">'
            )
        ),
        title="干净的 og 标题",
        site="站点",
    ),
    "/site/twitter-card": Case(
        served(page('<meta name="twitter:title" content="只有 Twitter 卡片的标题">')),
        title="只有 Twitter 卡片的标题",
    ),
    # --- WeChat's articles -------------------------------------------------------------------
    "/s/wechat-script": Case(
        served(WECHAT_SCRIPT_ONLY),
        title="深入理解 Raft 共识算法：从选主到日志复制",
        site="分布式实验室",
        date=datetime.date(2024, 6, 10),
        why="msg_title, nickname and ct; the footer's 版权所有 2019 is not the date",
    ),
    "/s/wechat-meta": Case(
        served(WECHAT_ARTICLE),
        title="云原生网关的演进：从 Ingress 到 Gateway API",
        site="云计算技术动态",
        date=datetime.date(2024, 8, 5),
    ),
    "/s/wechat-escaped": Case(
        served(WECHAT_ESCAPED),
        title='"零信任" 网络的落地',
        site="云原生社区 & 朋友",
        # ct 1725120000 is 2024-08-31 16:00 UTC, already 09-01 in Asia/Shanghai.
        date=datetime.date(2024, 9, 1),
        why="\\x26 escapes and htmlDecode decoded once; ct's date in the site's time zone",
    ),
    "/s/wechat-deleted": Case(
        served(WECHAT_DELETED), state=("failed", "deleted"), why="answers 200, says deleted"
    ),
    "/s/wechat-blocked": Case(served(WECHAT_BLOCKED), state=("failed", "deleted")),
    # --- dates: from metadata or ct, never from the body -----------------------------------
    "/date/footer-only": Case(
        titled("没有日期的文章", "<p>正文。</p><footer>版权所有 2019</footer>"),
        title="没有日期的文章",
        why="a footer's year is not the article's date",
    ),
    "/date/body-only": Case(
        titled("正文里的日期", "<p>发表于 2023-05-06，更新于 2023 年 6 月 1 日。</p>"),
        title="正文里的日期",
    ),
    "/date/article-published-time": Case(
        served(
            page(
                "<title>有日期的文章</title>"
                '<meta property="article:published_time" content="2024-07-02T08:00:00+08:00">'
            ),
        ),
        title="有日期的文章",
        date=datetime.date(2024, 7, 2),
    ),
    "/date/pubdate": Case(
        served(page('<title>pubdate</title><meta name="pubdate" content="2022-11-30">')),
        title="pubdate",
        date=datetime.date(2022, 11, 30),
    ),
    # --- not the article -----------------------------------------------------------------------
    "/challenge/200": Case(served(CLOUDFLARE), state=("failed", "challenge")),
    "/challenge/403": Case(served(CLOUDFLARE, status=403), state=("failed", "challenge")),
    "/challenge/503": Case(served(CLOUDFLARE, status=503), state=("failed", "challenge")),
    "/wall/redirect": Case(
        redirect("/login?next=/wall/redirect"),
        state=("failed", "login"),
        why="a redirect to a login page",
    ),
    "/wall/form": Case(served(LOGIN_FORM), state=("failed", "login")),
    "/wall/accounts-redirect": Case(
        redirect("/accounts/login/?next=/x", status=303), state=("failed", "login")
    ),
    "/wall/box-beside-article": Case(
        titled(
            "长文：共识算法的演进",
            "<article>"
            + "<p>这是一篇很长的文章，讲的是分布式系统的共识算法与它们的演进。</p>" * 30
            + '</article><aside><input type="password" name="pw"></aside>',
        ),
        title="长文：共识算法的演进",
        why="a login box beside a whole article does not make it a login page",
    ),
    "/challenge/attention-403": Case(
        titled(
            "Attention Required! | Cloudflare", "<p>Sorry, you have been blocked</p>", status=403
        ),
        state=("failed", "challenge"),
    ),
    "/soft-404": Case(titled("404 - 页面不存在", "<p>回到首页</p>"), state=("failed", "soft_404")),
    "/soft-404-english": Case(
        titled("Page Not Found", "<p>Sorry.</p>"), state=("failed", "soft_404")
    ),
    "/status/404": Case(titled("不在了", status=404), state=("failed", "not_found")),
    "/status/410": Case(titled("删了", status=410), state=("failed", "gone")),
    "/status/500": Case(titled("出错", status=500), state=("failed", "http")),
    "/status/403": Case(
        titled("403 Forbidden", "<h1>Forbidden</h1>", status=403),
        state=("failed", "http"),
        why="an error status whose page is no bot check stays an error",
    ),
    "/status/503-maintenance": Case(
        titled("系统维护中", "<p>稍后再来。</p>", status=503), state=("failed", "http")
    ),
    "/status/pdf": Case(
        (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7\n"), state=("failed", "not_html")
    ),
    # --- redirects and meta refresh -------------------------------------------------------
    "/refresh/start": Case(
        served(page('<meta http-equiv="refresh" content="0; url=/refresh/real">', "正在跳转…")),
        title="真正的文章",
        why="a meta refresh is followed",
    ),
    "/refresh/quoted": Case(
        served(page('<meta http-equiv="Refresh" content="0;URL=\'/refresh/real\'">')),
        title="真正的文章",
        why="the target quoted, the name capitalised",
    ),
    "/refresh/later": Case(
        served(
            page('<title>十分钟后跳转</title><meta http-equiv="refresh" content="600; url=/x">')
        ),
        title="十分钟后跳转",
        why="a refresh minutes later is a page to read, not a redirect",
    ),
    "/refresh/loop": Case(
        served(page('<meta http-equiv="refresh" content="0; url=/refresh/loop-back">')),
        state=("failed", "redirects"),
    ),
    "/redirect/chain": Case(
        redirect("/redirect/chain-2", status=301),
        title="三跳之后",
        why="a chain of 301s",
    ),
    "/redirect/too-many": Case(redirect("/redirect/too-many-1"), state=("failed", "redirects")),
    # --- compression ----------------------------------------------------------------------
    "/deflate/zlib": Case(
        compressed(page("<title>zlib 包装的 deflate</title>"), "deflate"),
        title="zlib 包装的 deflate",
    ),
    "/deflate/raw": Case(
        compressed(page("<title>裸 deflate</title>"), "raw-deflate"),
        title="裸 deflate",
        why="raw deflate, which browsers read too",
    ),
    "/gzip/shift-jis": Case(
        (
            200,
            {"Content-Type": "text/html; charset=shift_jis", "Content-Encoding": "gzip"},
            gzip.compress(page("<title>④圧縮されたページ</title>").encode("cp932")),
        ),
        title="④圧縮されたページ",
        why="decompressed first, then decoded as the header says",
    ),
    "/gzip": Case(compressed(page("<title>gzip 压缩</title>"), "gzip"), title="gzip 压缩"),
}

# The other paths some cases lead to.
EXTRA_ROUTES = {
    # No password field here: the redirect to a login path says it alone.
    "/login": titled("欢迎回来", "<p>请先登录。</p>"),
    "/accounts/login/": served(LOGIN_FORM),
    "/refresh/real": served(page("<title>真正的文章</title>")),
    "/refresh/loop-back": served(
        page('<meta http-equiv="refresh" content="0; url=/refresh/loop">')
    ),
    "/redirect/chain-2": redirect("/redirect/chain-3", status=301),
    "/redirect/chain-3": redirect("/redirect/chain-end", status=301),
    "/redirect/chain-end": served(page("<title>三跳之后</title>")),
    **{f"/redirect/too-many-{n}": redirect(f"/redirect/too-many-{n + 1}") for n in range(1, 10)},
}
