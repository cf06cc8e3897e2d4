"""Every reader page is valid HTML5 (strict parse) with one h1, headings in order and
landmarks; in both interface languages."""

import html5lib
import pytest
from django.test import Client

from tests.support.factories import make_issue, make_published_issue, make_user
from tests.support.htmx import HTMX
from tests.support.reader import add_revision, parse_strict

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/issues/",
    "/issues/2024/32/",
    "/issues/2024/32/r/1/",
    "/issues/2024/32/r/2/",
    "/search/",
    "/search/?q=%E6%9D%A1%E7%9B%AE",
    "/search/?q=nothing-matches",
    "/search/?q=%E6%9D%A1%E7%9B%AE&page=2",
]


def heading_levels(document) -> list[int]:
    return [
        int(element.tag[1])
        for element in document.iter()
        if isinstance(element.tag, str) and element.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}
    ]


def assert_accessible_page(content: bytes):
    document = parse_strict(content)
    levels = heading_levels(document)
    assert levels.count(1) == 1 and levels[0] == 1, levels
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, levels  # no skipped level going down
    assert document.find(".//main") is not None
    assert document.get("lang") in {"zh-Hans", "en"}
    for nav in document.iter("nav"):
        assert nav.get("aria-label") or nav.get("aria-labelledby")
    ids = [e.get("id") for e in document.iter() if isinstance(e.tag, str) and e.get("id")]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for element in document.iter():
        assert not (isinstance(element.tag, str) and element.get("style")), "inline style"
    return document


@pytest.fixture
def site():
    issue = make_published_issue(
        2024,
        32,
        {
            f"栏目{s}": [
                (f"条目 {s}-{i}", f"https://e.com/{s}/{i}", "摘要 https://x.org")
                for i in range(1, 12)
            ]
            for s in (1, 2)
        },
    )
    add_revision(issue, note="更正 <b>注释</b> & 说明")
    make_issue(2024, 40)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("url", PAGES)
def test_reader_page_is_valid_and_accessible(site, url, language):
    response = Client().get(url if language == "zh-hans" else f"/en{url}")
    assert response.status_code == 200
    document = assert_accessible_page(response.content)
    assert document.get("lang") == ("zh-Hans" if language == "zh-hans" else "en")


def test_table_of_contents_is_a_labelled_nav(client, site):
    document = parse_strict(client.get("/issues/2024/32/").content)
    toc = [nav for nav in document.iter("nav") if nav.get("aria-label") == "Table of contents"]
    assert len(toc) == 1
    assert len(toc[0].findall(".//a")) == 2 + 22


@pytest.mark.parametrize("url", ["/", "/issues/"])
def test_empty_site_pages_are_valid(client, url):
    assert_accessible_page(client.get(url).content)


def test_preview_page_is_valid(client, site):
    client.force_login(make_user("editor"))
    assert_accessible_page(client.get("/issues/2024/40/preview/").content)
    assert_accessible_page(client.get("/issues/2024/32/").content)  # with editor tools


def test_htmx_search_fragment_is_valid(client, site):
    response = client.get("/search/", {"q": "条目"}, **HTMX)
    html5lib.HTMLParser(strict=True).parseFragment(response.content.decode())


def test_issue_body_partial_renders_alone_from_issue_data():
    from django.template.loader import render_to_string

    from editorial.canonical import EntryData, IssueData, SectionData

    data = IssueData(
        "云计算技术动态",
        2024,
        32,
        (
            SectionData(
                "甲",
                (EntryData("一", "https://e.com/1", "摘要"), EntryData("二", "https://e.com/2")),
            ),
            SectionData("乙", ()),
        ),
    )
    html = render_to_string("reader/_issue_body.html", {"issue_data": data})
    html5lib.HTMLParser(strict=True).parseFragment(html)
    assert 'id="s1-e2"' in html and 'id="s2"' in html
    assert "No summary yet." in html or "entry__summary--missing" in html
