"""The add form's suggestion from a pasted URL (the inbox's url_suggestion view) against pages
the tests serve on 127.0.0.1: what the page says, offered and never saved; every failure a
short notice, never a 500."""

import pytest
from django.urls import reverse

from editorial.inbox.services import suggestion as suggestion_service
from editorial.models import Entry, InboxItem
from tests.support.factories import english_client, make_issue, make_user
from tests.support.htmx import HTMX
from tests.support.page_servers import WECHAT_ARTICLE, html, local_server, redirect, stall
from tests.support.pages import assert_valid_fragment, assert_valid_html, is_full_page

URL = reverse("editorial:url_suggestion")
HOSTILE = (
    "<html><head><title>Pin&lt;T&gt; &amp;amp; 标题</title></head><body><p>x</p></body></html>"
)
LOGIN = (
    "<html><head><title>登录</title></head><body>"
    '<form><input name="u"><input type="password" name="p"></form></body></html>'
)


@pytest.fixture
def pages():
    routes = {
        "/s/AbCdEf": html(WECHAT_ARTICLE),
        "/hostile": html(HOSTILE),
        "/bare": html("<html><body><p>没有标题的页面</p></body></html>"),
        "/short": redirect("/real-article", 301),
        "/real-article": html("<html><head><title>真正的文章</title></head></html>"),
        "/missing": html("<p>no</p>", status=404),
        "/login": html(LOGIN),
        "/image": (200, {"Content-Type": "image/png"}, b"\x89PNG\r\n"),
        "/slow": stall,
    }
    with local_server(routes) as server:
        yield server


def suggest(client, url, *, prefix="add-7", issue="", **headers):
    """The add form's panel asking: the form's fields under its prefix, and the panel's values."""
    data = {
        f"{prefix}-title": "",
        f"{prefix}-url": url,
        f"{prefix}-summary": "",
        "suggest_for": prefix,
        "issue": issue,
    }
    return client.post(URL, data, **(headers or HTMX))


def test_the_page_title_and_description_are_offered(editor_client, pages):
    response = suggest(editor_client, pages.url("/s/AbCdEf"))
    text = response.content.decode()
    assert response.status_code == 200
    assert not is_full_page(response)
    assert_valid_fragment(text)
    assert (
        '<dd data-page-value data-field="add-7-title">'
        "云原生网关的演进：从 Ingress 到 Gateway API</dd>"
    ) in text
    assert (
        '<dd data-page-value data-field="add-7-summary">'
        "本文主要介绍了 Gateway API 的设计与落地实践。</dd>"
    ) in text
    assert "Use title and summary" in text
    assert 'aria-keyshortcuts="Alt+Enter"' in text
    assert "Alt+Enter" in text
    # Offered, not saved: the editor decides.
    assert not Entry.objects.filter(url__contains="/s/AbCdEf").exists()
    assert not InboxItem.objects.exists()


def test_the_page_text_is_escaped_and_decoded_once(editor_client, pages):
    text = suggest(editor_client, pages.url("/hostile")).content.decode()
    # The page's text is "Pin<T> &amp; 标题": shown as that text, escaped for HTML once.
    assert 'data-field="add-7-title">Pin&lt;T&gt; &amp;amp; 标题</dd>' in text
    assert "<T>" not in text


def test_a_page_that_says_nothing_says_so(editor_client, pages):
    text = suggest(editor_client, pages.url("/bare")).content.decode()
    assert "The page gives no title or description." in text
    assert "data-use-page" not in text


def test_a_redirect_to_a_link_already_used_is_warned_about(editor_client, pages, editor):
    issue = make_issue(2024, 40, author=editor)
    section = issue.sections.first()
    used = Entry.objects.create(
        section=section, title="已经用过", url=pages.url("/real-article"), position=9
    )
    text = suggest(editor_client, pages.url("/short"), issue=str(issue.pk)).content.decode()
    assert "真正的文章" in text
    assert "This link is already used once:" in text
    assert f"#entry-{used.pk}" in text
    assert "(this issue)" in text


def test_the_typed_link_is_left_to_the_field_check(editor_client, pages, editor):
    """The link as typed is warned about under the field while it is typed (check_url): the
    suggestion does not say it a second time."""
    issue = make_issue(2024, 41, author=editor)
    Entry.objects.create(
        section=issue.sections.first(), title="用过", url=pages.url("/real-article"), position=9
    )
    text = suggest(editor_client, pages.url("/real-article")).content.decode()
    assert "真正的文章" in text
    assert "already used" not in text


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("/missing", "not found (404)"),
        ("/login", "the page needs a login"),
        ("/image", "not a web page"),
    ],
)
def test_a_page_that_cannot_be_used_says_why(editor_client, pages, path, reason):
    response = suggest(editor_client, pages.url(path))
    text = response.content.decode()
    assert response.status_code == 200
    assert f"Could not read the page: {reason}." in text
    assert "data-use-page" not in text
    assert "登录" not in text  # a login page's title is not the article's


def test_a_server_that_never_answers_is_given_up_at_the_deadline(editor_client, pages, settings):
    settings.DIGEST_FETCH_TOTAL_TIMEOUT = 0.3
    text = suggest(editor_client, pages.url("/slow")).content.decode()
    assert "Could not read the page: timed out." in text
    assert pages.hits[-1][1] == "/slow"


def test_a_server_that_hangs_up_is_unreachable(editor_client):
    def hang_up(handler, server):
        handler.wfile.write(b"garbage\r\n")
        handler.close_connection = True

    with local_server({"/": hang_up}) as server:
        text = suggest(editor_client, server.url("/")).content.decode()
    assert "Could not read the page: the site could not be reached." in text


def test_a_private_address_is_refused_without_a_request(editor_client, pages, settings):
    settings.DIGEST_FETCH_ALLOWED_ADDRESSES = []
    text = suggest(editor_client, pages.url("/s/AbCdEf")).content.decode()
    assert "Could not read the page: address not allowed (not a public address)." in text
    assert pages.hits == []


def test_a_port_that_is_not_the_webs_is_refused(editor_client, pages, settings):
    settings.DIGEST_FETCH_ALLOWED_PORTS = frozenset({80, 443})
    text = suggest(editor_client, pages.url("/s/AbCdEf")).content.decode()
    assert "Could not read the page: only the web&#x27;s ports (80 and 443) are fetched." in text
    assert pages.hits == []


def test_a_page_that_breaks_the_reader_is_a_notice_not_a_500(editor_client, pages, monkeypatch):
    def broken(html, url):
        raise RecursionError("a page nested too deep")

    monkeypatch.setattr(suggestion_service, "extract_page", broken)
    response = suggest(editor_client, pages.url("/s/AbCdEf"))
    assert response.status_code == 200
    assert "Could not read the page: the page could not be read." in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["", "   ", "example.com/page", "javascript:alert(1)", "ftp://127.0.0.1/x", "http://"],
)
def test_what_is_not_a_web_address_is_not_fetched(editor_client, pages, url):
    response = suggest(editor_client, url)
    assert response.status_code == 200
    assert response.content.decode().strip() == ""
    assert pages.hits == []


def test_a_url_over_the_limit_is_not_fetched(editor_client, pages):
    response = suggest(editor_client, pages.url("/s/AbCdEf?q=" + "x" * 2100))
    assert response.content.decode().strip() == ""
    assert pages.hits == []


def test_without_htmx_the_same_as_a_page(editor_client, pages):
    response = suggest(editor_client, pages.url("/s/AbCdEf"), HTTP_ACCEPT="text/html")
    text = response.content.decode()
    assert response.status_code == 200
    assert is_full_page(response)
    assert_valid_html(text)
    assert "HX-Request" in response["Vary"]
    assert "云原生网关的演进：从 Ingress 到 Gateway API" in text
    assert "data-use-page" not in text  # the button fills a form; the page has none


def test_only_editors_may_ask_and_only_by_post(reviewer_client, pages, db):
    reader = english_client()
    reader.force_login(make_user("reader", username="plain-reader"))
    assert suggest(reader, pages.url("/s/AbCdEf")).status_code == 403
    assert (
        suggest(english_client(), pages.url("/s/AbCdEf"), HTTP_ACCEPT="text/html").status_code
        == 302
    )
    assert reviewer_client.get(URL, {"url": pages.url("/s/AbCdEf")}).status_code == 405
    assert pages.hits == []
    assert suggest(reviewer_client, pages.url("/s/AbCdEf")).status_code == 200


def test_the_add_form_has_the_panel_and_the_edit_form_does_not(editor_client, editor):
    issue = make_issue(2024, 42, author=editor)
    section = issue.sections.order_by("position").first()
    entry = section.entries.first()
    added = editor_client.get(reverse("editorial:entry_create", args=[section.pk]), **HTMX)
    text = added.content.decode()
    panel = f'id="add-{section.pk}-url-suggestion"'
    assert panel in text
    assert f'data-hx-post="{URL}"' in text
    assert 'data-hx-sync="this:replace"' in text
    assert f"&quot;suggest_for&quot;: &quot;add-{section.pk}&quot;" in text
    assert f"&quot;issue&quot;: &quot;{issue.pk}&quot;" in text
    edit = editor_client.get(reverse("editorial:entry_edit", args=[entry.pk]), **HTMX)
    assert "url-suggestion" not in edit.content.decode()
