"""Sections through the composer views: add, rename, reorder, remove (asking first when there
are entries) and undo a removal."""

import json

import pytest
from django.urls import reverse

from editorial.models import AuditEvent, Entry, Section
from tests.support.factories import make_issue, make_published_issue
from tests.support.htmx import HTMX, MODES
from tests.support.pages import (
    assert_valid_fragment,
    assert_valid_html,
    entries_of,
    is_full_page,
    messages_of,
)


def titles(issue) -> list[str]:
    return list(issue.sections.order_by("position").values_list("title", flat=True))


def section_of(issue, position=1) -> Section:
    return issue.sections.get(position=position)


def create_url(issue):
    return reverse("editorial:section_create", args=[issue.year, issue.number])


def test_add_section_plain(editor_client, issue):
    response = editor_client.post(create_url(issue), {"title": "开源项目"})
    section = Section.objects.get(title="开源项目")
    assert response.status_code == 302
    assert response["Location"] == f"{issue.get_composer_url()}#section-{section.pk}"
    assert messages_of(response) == ["Added the section “<bdi>开源项目</bdi>”."]
    assert titles(issue) == ["分布式系统", "云计算技术", "开源项目"]


def other_sections_in(html, issue, *, but) -> list[int]:
    """The ids of the issue's other sections (not `but`) that an answer carries."""
    others = issue.sections.exclude(pk=but).values_list("pk", flat=True)
    return [pk for pk in others if f'id="section-{pk}"' in html or f"entries-{pk}" in html]


def test_add_section_htmx_answers_with_the_new_section_only(editor_client, issue):
    response = editor_client.post(create_url(issue), {"title": "开源项目"}, **HTMX)
    section = Section.objects.get(title="开源项目")
    html = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Reswap"] == "none"
    assert json.loads(response["HX-Trigger"]) == {"issue-changed": {"source": "composer"}}
    # The page puts it last (before the "add a section" form) and focuses its title.
    assert json.loads(response["HX-Trigger-After-Settle"]) == {
        "section-moved": {"section": section.pk, "position": 3, "focus": "title"}
    }
    assert html.lstrip().startswith('<div data-hx-swap-oob="beforeend:#composer-sections">')
    assert f'<section class="composer-section" id="section-{section.pk}"' in html
    assert 'id="section-create-form" data-hx-swap-oob="true"' in html  # emptied
    assert "Added the section “<bdi>开源项目</bdi>”." in html
    assert other_sections_in(html, issue, but=section.pk) == []
    assert_valid_fragment(html)


def test_duplicate_section_titles_are_refused(editor_client, issue):
    response = editor_client.post(create_url(issue), {"title": "分布式系统"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#section-create-form"
    assert "This issue already has a section called “分布式系统”." in html
    assert_valid_fragment(html)
    plain = editor_client.post(create_url(issue), {"title": ""})
    assert plain.status_code == 200 and is_full_page(plain)
    assert_valid_html(plain.content)
    assert titles(issue) == ["分布式系统", "云计算技术"]


@pytest.mark.parametrize("mode", MODES)
def test_rename_form_in_every_mode(editor_client, issue, mode):
    section = section_of(issue)
    url = reverse("editorial:section_rename", args=[section.pk])
    response = editor_client.get(url, **MODES[mode])
    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="rename-{section.pk}-form"' in html and 'value="分布式系统"' in html
    assert is_full_page(response) == (mode != "htmx")
    if mode == "htmx":
        assert_valid_fragment(html)
    else:
        assert_valid_html(html)


def test_rename_plain_and_htmx(editor_client, issue):
    section = section_of(issue)
    url = reverse("editorial:section_rename", args=[section.pk])
    response = editor_client.post(url, {"title": "分布式"})
    assert response.status_code == 302 and titles(issue)[0] == "分布式"
    response = editor_client.post(url, {"title": "分布式架构"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and titles(issue)[0] == "分布式架构"
    # htmx: the header alone (title, count, tools), the focus on the new title; no entries.
    assert response["HX-Retarget"] == f"#section-header-{section.pk}"
    assert response["HX-Reswap"] == "outerHTML"
    assert html.lstrip().startswith(
        f'<header class="composer-section__header" id="section-header-{section.pk}">'
    )
    assert f'id="section-title-{section.pk}" data-focus tabindex="-1">分布式架构</h2>' in html
    assert "composer-entry" not in html and other_sections_in(html, issue, but=section.pk) == []
    assert "Renamed the section to “<bdi>分布式架构</bdi>”." in html
    assert_valid_fragment(html)
    refused = editor_client.post(url, {"title": "云计算技术"}, **HTMX)
    assert refused.status_code == 422
    assert refused["HX-Retarget"] == f"#rename-{section.pk}-form"
    assert_valid_fragment(refused.content)


def test_reorder_sections(editor_client, issue):
    second = section_of(issue, 2)
    url = reverse("editorial:section_move", args=[second.pk])
    response = editor_client.post(url, {"direction": "up"})
    assert response.status_code == 302
    assert titles(issue) == ["云计算技术", "分布式系统"]
    response = editor_client.post(url, {"direction": "down"}, **HTMX)
    html = response.content.decode()
    assert titles(issue) == ["分布式系统", "云计算技术"]
    # What changed only: the notice and where the section is now, not the sections.
    assert 'id="composer-sections"' not in html
    assert "Moved the section “<bdi>云计算技术</bdi>” to position 2." in html
    assert response["HX-Reswap"] == "none"
    moved = json.loads(response["HX-Trigger-After-Settle"])["section-moved"]
    assert moved == {"section": second.pk, "position": 2, "focus": "down"}
    assert_valid_fragment(html)
    editor_client.post(url, {"position": 1})
    assert titles(issue) == ["云计算技术", "分布式系统"]


def test_entries_follow_their_section(editor_client, issue):
    editor_client.post(
        reverse("editorial:section_move", args=[section_of(issue, 2).pk]), {"direction": "up"}
    )
    assert entries_of(issue)[0] == ("云计算技术", 1, "云计算技术 条目 1")


def test_an_empty_section_is_removed_at_once(editor_client, issue):
    editor_client.post(create_url(issue), {"title": "空栏目"})
    empty = Section.objects.get(title="空栏目")
    response = editor_client.post(reverse("editorial:section_delete", args=[empty.pk]), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert titles(issue) == ["分布式系统", "云计算技术"]
    # htmx: the section goes out of band, the notice offers to undo; the others are not sent.
    assert response["HX-Reswap"] == "none"
    assert f'<div id="section-{empty.pk}" data-hx-swap-oob="delete"></div>' in html
    event = AuditEvent.objects.get(action="section_delete")
    assert reverse("editorial:entry_restore", args=[event.pk]) in html
    assert other_sections_in(html, issue, but=empty.pk) == []
    assert_valid_fragment(html)


def test_removing_the_last_section_shows_the_empty_list(editor_client):
    issue = make_issue(2024, 40, {"唯一栏目": []})
    only = issue.sections.get()
    response = editor_client.post(reverse("editorial:section_delete", args=[only.pk]), **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="composer-sections"')
    assert "This issue has no sections yet" in html
    assert_valid_fragment(html)


@pytest.mark.parametrize("mode", MODES)
def test_removing_a_section_with_entries_asks_first(editor_client, issue, mode):
    section = section_of(issue)
    url = reverse("editorial:section_delete", args=[section.pk])
    response = editor_client.get(url, **MODES[mode])
    html = response.content.decode()
    assert response.status_code == 200
    assert "Remove the section “<bdi>分布式系统</bdi>”?" in html
    assert "Its 2 entries go with it, with their comments." in html
    assert 'name="confirm" value="1"' in html
    assert is_full_page(response) == (mode != "htmx")
    if mode == "htmx":
        assert_valid_fragment(html)
    else:
        assert_valid_html(html)
    assert titles(issue) == ["分布式系统", "云计算技术"]


def test_a_post_without_confirmation_only_asks(editor_client, issue):
    section = section_of(issue)
    url = reverse("editorial:section_delete", args=[section.pk])
    response = editor_client.post(url, **HTMX)
    assert response.status_code == 200
    assert response["HX-Retarget"] == f"#section-confirm-{section.pk}"
    assert "Its 2 entries go with it" in response.content.decode()
    assert titles(issue) == ["分布式系统", "云计算技术"]


def test_confirmed_removal_then_undo(editor_client, issue):
    section = section_of(issue)
    before = entries_of(issue)
    url = reverse("editorial:section_delete", args=[section.pk])
    response = editor_client.post(url, {"confirm": "1", "confirm_entries": "2"}, **HTMX)
    event = AuditEvent.objects.get(action="section_delete")
    html = response.content.decode()
    assert titles(issue) == ["云计算技术"]
    assert Entry.objects.filter(section__issue=issue).count() == 2
    assert "Removed the section “<bdi>分布式系统</bdi>” and its 2 entries." in html
    assert reverse("editorial:entry_restore", args=[event.pk]) in html
    assert f'id="section-{section.pk}" data-hx-swap-oob="delete"' in html
    assert "composer-entry" not in html
    assert_valid_fragment(html)
    response = editor_client.post(reverse("editorial:entry_restore", args=[event.pk]))
    assert response.status_code == 302
    assert messages_of(response) == ["Restored the section “<bdi>分布式系统</bdi>”."]
    assert entries_of(issue) == before


def test_undoing_a_removal_by_htmx_answers_with_the_section_only(editor_client, issue):
    section = section_of(issue)
    url = reverse("editorial:section_delete", args=[section.pk])
    editor_client.post(url, {"confirm": "1", "confirm_entries": "2"}, **HTMX)
    event = AuditEvent.objects.get(action="section_delete")
    response = editor_client.post(reverse("editorial:entry_restore", args=[event.pk]), **HTMX)
    html = response.content.decode()
    restored = Section.objects.get(issue=issue, title="分布式系统")
    assert response.status_code == 200
    assert 'id="composer-sections"' not in html
    assert 'data-hx-swap-oob="beforeend:#composer-sections"' in html
    assert f'id="section-{restored.pk}"' in html and html.count('class="composer-entry ') == 2
    assert "Restored the section “<bdi>分布式系统</bdi>”." in html
    assert response["HX-Reswap"] == "none"
    placed = json.loads(response["HX-Trigger-After-Settle"])["section-moved"]
    assert placed == {"section": restored.pk, "position": 1, "focus": "title"}
    assert_valid_fragment(html)
    assert titles(issue) == ["分布式系统", "云计算技术"]


def test_confirmed_removal_plain_redirects_with_undo(editor_client, issue):
    section = section_of(issue)
    response = editor_client.post(
        reverse("editorial:section_delete", args=[section.pk]),
        {"confirm": "1", "confirm_entries": "2"},
    )
    event = AuditEvent.objects.get(action="section_delete")
    assert response["Location"] == f"{issue.get_composer_url()}?undo={event.pk}#composer-notice"
    page = editor_client.get(response["Location"]).content.decode()
    assert "Removed the section “<bdi>分布式系统</bdi>” and its 2 entries." in page


def test_sections_of_a_published_issue_stay(editor_client):
    issue = make_published_issue(2024, 30)
    section = section_of(issue)
    response = editor_client.post(
        reverse("editorial:section_delete", args=[section.pk]),
        {"confirm": "1", "confirm_entries": "2"},
    )
    assert messages_of(response) == ["This issue is published: reopen it first to change it."]
    assert Section.objects.filter(pk=section.pk).exists()
