"""Pages that answer 200 without the article (editorial.inbox.fetching.notices), and the meta
refresh a browser follows: the inbox says what happened and keeps the editor's title; the link
check warns. Local servers stand in for what public reports of bookmark managers describe
(a Cloudflare "Just a moment..." page stored as the title, a login page stored as "登录", a
meta refresh not followed, a deleted WeChat article passing the link check)."""

import pytest
from django.urls import reverse

from editorial.inbox.fetching import FetchError, fetch_page, not_the_article
from editorial.inbox.fetching.notices import CHALLENGE, DELETED, LOGIN, SOFT_404
from editorial.inbox.services.link_check import check_link
from editorial.models import InboxItem
from tests.support.page_servers import WECHAT_ARTICLE, html, local_server, redirect

CLOUDFLARE = """<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>
<div id="challenge-running">Checking if the site connection is secure</div>
<script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1"></script></body></html>"""
LOGIN_PAGE = """<html><head><title>登录</title></head><body><form method="post">
<input name="user"><input type="password" name="pw"><button>登录</button></form></body></html>"""
WECHAT_DELETED = """<html><head><title></title></head><body>
<div class="weui-msg"><p class="weui-msg__title">该内容已被发布者删除</p></div></body></html>"""
SOFT_404_PAGE = (
    "<html><head><title>404 - 页面不存在</title></head><body><p>回到首页</p></body></html>"
)
ARTICLE_WITH_LOGIN_BOX = (
    "<html><head><title>长文</title></head><body><article>"
    + "<p>这是一篇很长的文章，讲的是分布式系统的共识算法。</p>" * 40
    + '</article><aside><input type="password" name="pw"></aside></body></html>'
)


@pytest.mark.parametrize(
    ("page", "url", "kind"),
    [
        (CLOUDFLARE, "https://example.com/a", CHALLENGE),
        (LOGIN_PAGE, "https://example.com/a", LOGIN),
        (
            "<html><title>Welcome</title><p>hi</p></html>",
            "https://example.com/login?next=/a",
            LOGIN,
        ),
        (WECHAT_DELETED, "https://mp.weixin.qq.com/s/gone", DELETED),
        (SOFT_404_PAGE, "https://example.com/a", SOFT_404),
        (WECHAT_ARTICLE, "https://mp.weixin.qq.com/s/AbCdEf", None),
        (ARTICLE_WITH_LOGIN_BOX, "https://example.com/long", None),
        ("<title>Logins explained</title><p>x</p>", "https://example.com/blog/logins", None),
    ],
)
def test_what_is_not_the_article(page, url, kind):
    main_text = "正文" * 300 if page is ARTICLE_WITH_LOGIN_BOX else ""
    assert not_the_article(page, url, main_text=main_text) == kind


def test_a_meta_refresh_is_followed_like_a_redirect():
    routes = {
        "/start": html(
            '<meta http-equiv="refresh" content="0; url=/real-article"><p>正在跳转…</p>'
        ),
        "/real-article": html("<title>真正的文章</title><p>正文</p>"),
        "/later": html('<meta http-equiv="refresh" content="600; url=/real-article"><p>稍后</p>'),
        "/loop": html('<meta http-equiv="Refresh" content="0;URL=\'/loop\'"><p>again</p>'),
        "/ping": html('<meta http-equiv="refresh" content="0; url=/pong">'),
        "/pong": html('<meta http-equiv="refresh" content="0; url=/ping">'),
    }
    with local_server(routes) as server:
        page = fetch_page(server.url("/start"))
        assert page.url == server.url("/real-article")
        assert "真正的文章" in page.html
        # A refresh minutes later is a page to read, not a redirect; one to itself is the end.
        assert "稍后" in fetch_page(server.url("/later")).html
        assert "again" in fetch_page(server.url("/loop")).html
        with pytest.raises(FetchError) as caught:
            fetch_page(server.url("/ping"))
    assert caught.value.code == "redirects"


def test_a_meta_refresh_to_a_private_address_is_refused(settings):
    settings.DIGEST_FETCH_ALLOWED_ADDRESSES = ["127.0.0.1"]
    routes = {"/go": html('<meta http-equiv="refresh" content="0; url=http://10.0.0.1/admin">')}
    with local_server(routes) as server, pytest.raises(FetchError) as caught:
        fetch_page(server.url("/go"))
    assert caught.value.code == "address"


@pytest.mark.parametrize(
    ("page", "words"),
    [
        (CLOUDFLARE, "bot check"),
        (LOGIN_PAGE, "needs a login"),
        (WECHAT_DELETED, "deleted or blocked"),
    ],
)
def test_the_inbox_says_what_happened_and_keeps_the_title(editor_client, run_tasks, page, words):
    with local_server({"/s/x": html(page)}) as server, run_tasks():
        editor_client.post(
            reverse("editorial:inbox_save"),
            {"url": server.url("/s/x"), "title": "深入理解 Raft 共识算法"},
        )
    item = InboxItem.objects.get()
    assert item.fetch_state == "failed"
    assert item.title == "深入理解 Raft 共识算法"
    assert words in item.fetch_error_text
    assert words in editor_client.get(reverse("editorial:inbox")).content.decode()


def test_the_link_check_warns_about_what_is_not_the_article():
    routes = {
        "/s/deleted": html(WECHAT_DELETED),
        "/private": redirect("/login?next=/private"),
        "/login": html(LOGIN_PAGE),
        "/protected": html(CLOUDFLARE),
        "/protected-403": html(CLOUDFLARE, status=403),
        "/protected-503": html(CLOUDFLARE, status=503),
        "/forbidden": html("<title>403 Forbidden</title>", status=403),
        "/soft-404": html(SOFT_404_PAGE),
        "/s/fine": html(WECHAT_ARTICLE),
    }
    with local_server(routes) as server:
        outcomes = {path: check_link(server.url(path)).outcome for path in routes}
    assert outcomes == {
        "/s/deleted": "deleted",
        "/private": "login",
        "/login": "login",
        "/protected": "challenge",
        "/protected-403": "challenge",
        "/protected-503": "challenge",
        "/forbidden": "error",
        "/soft-404": "not_found",
        "/s/fine": "ok",
    }
