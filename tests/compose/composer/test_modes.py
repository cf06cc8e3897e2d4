"""Every page of the composer in its three modes: a plain request and an htmx history restore get
the whole page, an htmx request the fragment; the answer varies on HX-Request either way."""

import pytest
from django.urls import reverse

from editorial import services
from tests.support.htmx import HTMX, MODES
from tests.support.pages import assert_valid_fragment, assert_valid_html, is_full_page


@pytest.fixture
def pages(issue, editor):
    section = issue.sections.order_by("position").first()
    entry = section.entries.order_by("position").first()
    y, n = issue.year, issue.number
    return [
        ("editorial:dashboard", []),
        ("editorial:issue_create", []),
        ("editorial:composer", [y, n]),
        ("editorial:preview", [y, n]),
        ("editorial:history", [y, n]),
        ("editorial:section_rename", [section.pk]),
        ("editorial:section_delete", [section.pk]),
        ("editorial:entry_create", [section.pk]),
        ("editorial:quick_add", [section.pk]),
        ("editorial:entry", [entry.pk]),
        ("editorial:entry_edit", [entry.pk]),
        ("editorial:entry_menu", [entry.pk]),
        ("editorial:entry_review", [entry.pk]),
        ("editorial:entry_move", [entry.pk]),
        ("editorial:entry_delete", [entry.pk]),
        ("editorial:check_url", []),
    ]


@pytest.mark.parametrize("mode", MODES)
def test_every_page_in_every_mode(editor_client, pages, mode):
    for name, args in pages:
        response = editor_client.get(reverse(name, args=args), **MODES[mode])
        assert response.status_code == 200, name
        assert "HX-Request" in response["Vary"], name
        html = response.content.decode()
        if mode == "htmx":
            assert not is_full_page(response), name
            assert_valid_fragment(html)
        else:
            assert is_full_page(response), name
            assert "<main" in html, name
            assert_valid_html(html)


def test_the_download_is_the_same_file_for_htmx(editor_client, issue):
    url = reverse("editorial:markdown", args=[issue.year, issue.number])
    assert editor_client.get(url, **HTMX).content == editor_client.get(url).content


def test_the_undo_notice_is_on_the_page_only_for_a_deletion_not_undone(
    editor_client, issue, editor
):
    section = issue.sections.order_by("position").first()
    event = services.entry_delete(section.entries.first(), by=editor)
    url = issue.get_composer_url()
    assert "data-undo" in editor_client.get(url, {"undo": event.pk}).content.decode()
    other = services.section_rename(section, title="改名", by=editor)
    assert other.title == "改名"
    rename_event = issue.events.get(action="section_rename")
    for value in (rename_event.pk, "x", 999999):
        assert "data-undo" not in editor_client.get(url, {"undo": value}).content.decode()
