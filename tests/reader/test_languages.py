"""The interface language of reader pages is in the URL (Chinese unprefixed, English under /en/),
with hreflang alternates and a switch of plain links; the editorial screens keep the choice in
the language cookie; old links and the old switch keep working."""

import re

import pytest
from django.test import Client

from tests.support.factories import make_published_issue, make_user
from tests.support.reader import parse_strict

pytestmark = pytest.mark.django_db

ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')
PAGES = ["/", "/issues/", "/issues/2024/32/", "/issues/2024/32/r/1/", "/search/?q=%E6%9D%A1"]


@pytest.fixture(autouse=True)
def issue():
    return make_published_issue(2024, 32)


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html)[1]


def switch_links(html: str) -> dict[str, str]:
    """{link text: href} of the header's language switch."""
    document = parse_strict(html)
    nav = next(n for n in document.iter("nav") if "language-switch" in n.get("class", ""))
    assert list(nav.iter("form")) == [] and list(nav.iter("select")) == []
    return {a.text: a.get("href") for a in nav.iter("a")}


@pytest.mark.parametrize("url", PAGES)
def test_both_languages_by_url(url):
    zh = Client().get(url).content.decode()
    en = Client().get(f"/en{url}").content.decode()
    assert html_lang(zh) == "zh-Hans" and "往期" in zh and "Archive" not in zh
    assert html_lang(en) == "en" and "Archive" in en and ">往期<" not in en


@pytest.mark.parametrize("url", PAGES)
def test_hreflang_alternates_name_both_versions(url):
    for prefix in ("", "/en"):
        html = Client().get(prefix + url).content.decode()
        alternates = dict(
            re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
        )
        expected_query = url.partition("?")[2]
        assert alternates == {
            "zh-Hans": f"http://testserver{url}".replace("&", "&amp;"),
            "en": f"http://testserver/en{url}".replace("&", "&amp;"),
            "x-default": f"http://testserver{url}".replace("&", "&amp;"),
        }
        if expected_query:
            assert expected_query in alternates["en"]


@pytest.mark.parametrize("url", PAGES)
def test_the_switch_is_plain_links_to_the_same_page(url):
    zh = switch_links(Client().get(url).content.decode())
    en = switch_links(Client().get(f"/en{url}").content.decode())
    assert zh == en == {"简体中文": url, "English": f"/en{url}"}


def test_the_current_language_is_marked():
    html = Client().get("/en/issues/").content.decode()
    assert '<a href="/en/issues/" aria-current="true" lang="en">English</a>' in html
    assert '<a href="/issues/" hreflang="zh-Hans" lang="zh-Hans">简体中文</a>' in html


def test_internal_links_stay_in_the_page_language():
    html = Client().get("/en/").content.decode()
    assert 'href="/en/issues/"' in html and 'href="/en/search/"' in html
    assert 'href="/en/issues/2024/32/"' in html
    assert 'href="/issues/"' not in html.replace('hreflang="zh-Hans"', "").split("</nav>", 2)[0]


def test_unprefixed_chinese_is_not_also_under_a_prefix():
    assert Client().get("/zh-hans/issues/").status_code == 404


# Old links and the old switch.


def test_old_links_keep_working_for_a_visitor_with_the_old_cookie():
    """A link from before (no prefix) is the Chinese page, the same bytes for everyone: the
    language cookie of the old switch no longer changes a reader page (a shared cache could
    not tell them apart); the switch is one click away."""
    old = Client()
    old.cookies["django_language"] = "en"
    for url in PAGES:
        response = old.get(url)
        assert response.status_code == 200
        assert response.content == Client().get(url).content
        assert switch_links(response.content.decode())["English"] == f"/en{url}"


def test_the_old_switch_form_still_works_and_leads_to_the_url():
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/issues/2024/32/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/issues/2024/32/"
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/en/issues/"})
    assert response["Location"] == "/issues/"


# The cookie-based screens.


def test_editorial_screens_switch_with_a_link_that_sets_the_cookie():
    client = Client()
    client.force_login(make_user("editor"))
    html = client.get("/editorial/").content.decode()
    assert html_lang(html) == "zh-Hans"
    links = switch_links(html)
    assert links["English"] == "/i18n/en/?next=%2Feditorial%2F"
    response = client.get(links["English"])
    assert response.status_code == 302 and response["Location"] == "/editorial/"
    assert response.cookies["django_language"].value == "en"
    assert "no-store" in response["Cache-Control"]
    html = client.get("/editorial/").content.decode()
    assert html_lang(html) == "en"
    assert switch_links(html)["简体中文"] == "/i18n/zh-hans/?next=%2Feditorial%2F"
    # Reader pages still take their language from the URL, logged in or not.
    assert html_lang(client.get("/issues/").content.decode()) == "zh-Hans"
    assert html_lang(client.get("/en/issues/").content.decode()) == "en"


def test_the_login_page_follows_the_cookie():
    client = Client()
    assert html_lang(client.get("/accounts/login/").content.decode()) == "zh-Hans"
    client.get("/i18n/en/?next=/accounts/login/")
    assert html_lang(client.get("/accounts/login/").content.decode()) == "en"


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("/i18n/en/?next=/issues/2024/32/", "/en/issues/2024/32/"),
        ("/i18n/zh-hans/?next=/en/issues/", "/issues/"),
        ("/i18n/en/?next=https://evil.example/", "/en/"),
        ("/i18n/en/?next=//evil.example/", "/en/"),
        ("/i18n/en/", "/en/"),
    ],
)
def test_the_switch_view_goes_back_on_this_site_in_the_chosen_language(url, location):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == location


def test_the_switch_view_refuses_unknown_languages_and_posts():
    assert Client().get("/i18n/fr/?next=/").status_code == 404
    assert Client().post("/i18n/en/?next=/").status_code == 405
    assert Client().get("/i18n/fr/?next=/").cookies == {}
