"""The duplicate-link warning while a URL is typed: the same link after normalising (case,
default port, trailing slash, utm_* parameters, fragment) in this issue or any other one."""

import pytest
from django.urls import reverse

from editorial.models import Entry
from tests.support.factories import make_issue, make_published_issue
from tests.support.htmx import HTMX, MODES
from tests.support.pages import assert_valid_fragment, assert_valid_html, is_full_page

CHECK = reverse("editorial:check_url")
STORED = "https://Example.com/articles/42?id=7"


@pytest.fixture
def earlier(db):
    """A published issue (2024/30) whose entry links to STORED."""
    return make_published_issue(2024, 30, {"旧栏目": [("旧文章", STORED, "旧摘要")]})


def warning(client, url, **params):
    response = client.get(CHECK, {"url": url, **params}, **HTMX)
    assert response.status_code == 200
    assert not is_full_page(response)
    return response.content.decode()


@pytest.mark.parametrize(
    "typed",
    [
        "https://example.com/articles/42?id=7",
        "HTTPS://EXAMPLE.COM/articles/42?id=7",
        "https://example.com:443/articles/42/?id=7",
        "https://example.com/articles/42?id=7&utm_source=feed&utm_medium=rss",
        "https://example.com/articles/42?id=7#comments",
        "http://example.com/articles/42?id=7",
    ],
)
def test_the_same_link_written_differently_is_found_in_another_issue(editor_client, earlier, typed):
    html = warning(editor_client, typed)
    assert "This link is already used once:" in html
    assert "<bdi>2024 年第三十期</bdi> · <bdi>旧栏目</bdi> · <bdi>旧文章</bdi>" in html
    # A published issue: the link goes to the entry on the reader page.
    assert f'href="{reverse("reader:issue", args=[2024, 30])}#s1-e1"' in html
    assert_valid_fragment(html)


def test_a_different_link_gives_no_warning(editor_client, earlier):
    assert warning(editor_client, "https://example.com/articles/43?id=7").strip() == ""
    assert warning(editor_client, "https://example.com/articles/42?id=8").strip() == ""
    assert warning(editor_client, "").strip() == ""


def test_duplicates_in_this_issue_link_to_the_composer(editor_client, issue):
    entry = Entry.objects.get(section__issue=issue, section__position=2, position=1)
    html = warning(editor_client, entry.url + "/", issue=issue.pk)
    assert f'href="{issue.get_composer_url()}#entry-{entry.pk}"' in html
    assert "(this issue)" in html


def test_the_entry_being_edited_is_not_its_own_duplicate(editor_client, issue):
    entry = Entry.objects.get(section__issue=issue, section__position=1, position=1)
    assert warning(editor_client, entry.url, entry=entry.pk).strip() == ""
    other = make_issue(2024, 34, {"栏目": [("同一链接", entry.url, "")]})
    html = warning(editor_client, entry.url, entry=entry.pk)
    assert "同一链接" in html and other.label in html


@pytest.mark.parametrize("mode", MODES)
def test_the_check_as_a_page(editor_client, earlier, mode):
    response = editor_client.get(CHECK, {"url": STORED.lower()}, **MODES[mode])
    html = response.content.decode()
    assert "旧文章" in html
    if mode == "htmx":
        assert_valid_fragment(html)
    else:
        assert is_full_page(response)
        assert 'aria-live="polite"' in html
        assert_valid_html(html)
    empty = editor_client.get(CHECK, {"url": "https://nowhere.example/"}).content.decode()
    assert "This link is not in any issue yet." in empty


def test_add_and_edit_forms_ask_while_typing(editor_client, issue):
    section = issue.sections.get(position=1)
    # The composer fetches a section's add form when its panel opens.
    add_url = reverse("editorial:entry_create", args=[section.pk])
    assert (
        f'href="{add_url}" data-menu-link'
        in editor_client.get(issue.get_composer_url()).content.decode()
    )
    page = editor_client.get(add_url, **HTMX).content.decode()
    assert f'data-hx-target="#add-{section.pk}-url-check"' in page
    assert 'data-hx-trigger="input changed delay:400ms"' in page
    assert f'<div class="url-check" id="add-{section.pk}-url-check" aria-live="polite">' in page


def test_a_direction_mark_in_one_title_stays_inside_it(editor_client, db):
    """Titles are kept as typed, right-to-left overrides included: in the same-link note each
    title is isolated, so one title's override cannot reverse the next one."""
    make_published_issue(2024, 31, {"栏目\u202e": [("文章\u202e", STORED, "摘要")]})
    html = warning(editor_client, STORED)
    assert "<bdi>栏目\u202e</bdi> · <bdi>文章\u202e</bdi>" in html
    assert_valid_fragment(html)
