"""Entries through the composer views: add, quick add, edit, move, delete and undo, each as a
plain form post (redirect and message) and as htmx (fragment and "issue-changed")."""

import json
import re

import pytest
from django.urls import reverse

from editorial import services
from editorial.htmx import LIVE_REGION
from editorial.models import AuditEvent, Entry, EntryStatus, IssueStatus
from tests.support.factories import make_issue, make_published_issue
from tests.support.htmx import HTMX, MODES
from tests.support.pages import (
    assert_valid_fragment,
    assert_valid_html,
    entries_of,
    is_full_page,
    messages_of,
)


def first_entry(issue, section_position=1) -> Entry:
    return Entry.objects.get(section__issue=issue, section__position=section_position, position=1)


def section_of(issue, position=1):
    return issue.sections.get(position=position)


def triggered(response) -> dict:
    return json.loads(response.get("HX-Trigger", "{}"))


NEW = {"title": "新条目", "url": "https://example.com/new", "summary": "新的摘要"}


# Show one entry


@pytest.mark.parametrize("mode", MODES)
def test_entry_card_in_every_mode(editor_client, issue, mode):
    entry = first_entry(issue)
    response = editor_client.get(reverse("editorial:entry", args=[entry.pk]), **MODES[mode])
    assert response.status_code == 200
    assert "HX-Request" in response["Vary"]
    html = response.content.decode()
    assert f'id="entry-{entry.pk}"' in html and entry.title in html
    if mode == "htmx":
        assert not is_full_page(response)
        assert html.lstrip().startswith('<li class="composer-entry')
        assert_valid_fragment(html)
    else:
        assert is_full_page(response)
        assert_valid_html(html)


# Add


def test_add_entry_plain(editor_client, issue, editor):
    section = section_of(issue)
    response = editor_client.post(reverse("editorial:entry_create", args=[section.pk]), NEW)
    entry = Entry.objects.get(title="新条目")
    assert response.status_code == 302
    assert response["Location"] == f"{issue.get_composer_url()}#entry-{entry.pk}"
    assert messages_of(response) == ["Added “<bdi>新条目</bdi>”."]
    assert (entry.section, entry.position, entry.status) == (section, 3, EntryStatus.DRAFT)
    assert entry.created_by == editor


def test_add_entry_htmx_appends_the_card_and_empties_the_form(editor_client, issue):
    section = section_of(issue)
    response = editor_client.post(reverse("editorial:entry_create", args=[section.pk]), NEW, **HTMX)
    entry = Entry.objects.get(title="新条目")
    html = response.content.decode()
    assert response.status_code == 200
    assert triggered(response) == {"issue-changed": {"source": "composer"}}
    assert html.lstrip().startswith('<li class="composer-entry composer-entry--draft')
    assert f'id="entry-{entry.pk}"' in html
    # Out of band: a fresh form (focus on its title), the section's count, the notice.
    assert f'id="add-{section.pk}-form"' in html and 'data-hx-swap-oob="true"' in html
    empty_title = rf'<input type="text" name="add-{section.pk}-title"(?![^>]*value=)[^>]*'
    assert re.search(empty_title + " data-focus", html)
    assert f'id="section-count-{section.pk}" data-hx-swap-oob="true">3 entries' in html
    assert "Added “<bdi>新条目</bdi>”." in html
    assert_valid_fragment(html)


def test_add_entry_errors_keep_the_input_and_name_the_field(editor_client, issue):
    section = section_of(issue)
    url = reverse("editorial:entry_create", args=[section.pk])
    bad = {"title": "好标题", "url": "ftp://example.com/x", "summary": "s"}
    response = editor_client.post(url, bad, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#add-{section.pk}-form"
    assert response["HX-Reswap"] == "outerHTML"
    assert "URL: only absolute http:// or https:// addresses are allowed." in html
    assert 'value="好标题"' in html and 'value="ftp://example.com/x"' in html
    assert f'aria-describedby="add-{section.pk}-url-check add-{section.pk}-url_error"' in html
    assert f'<p class="field__error" id="add-{section.pk}-url_error">' in html
    assert 'aria-invalid="true"' in html
    assert_valid_fragment(html)
    plain = editor_client.post(url, {"title": "", "url": "", "summary": ""})
    assert plain.status_code == 200 and is_full_page(plain)
    assert "Title: it cannot be empty." in plain.content.decode()
    assert_valid_html(plain.content)
    assert Entry.objects.filter(section=section).count() == 2


@pytest.mark.parametrize("mode", MODES)
def test_add_entry_form_in_every_mode(editor_client, issue, mode):
    section = section_of(issue)
    response = editor_client.get(
        reverse("editorial:entry_create", args=[section.pk]), **MODES[mode]
    )
    assert response.status_code == 200
    assert f'id="add-{section.pk}-form"' in response.content.decode()
    assert is_full_page(response) == (mode != "htmx")


def test_entries_added_to_an_issue_in_review_start_submitted(editor_client):
    issue = make_issue(2024, 50, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED)
    editor_client.post(reverse("editorial:entry_create", args=[section_of(issue).pk]), NEW)
    assert Entry.objects.get(title="新条目").status == EntryStatus.SUBMITTED


def test_a_published_issue_refuses_new_entries_with_a_clear_message(editor_client):
    issue = make_published_issue(2024, 30)
    url = reverse("editorial:entry_create", args=[section_of(issue).pk])
    response = editor_client.post(url, NEW, **HTMX)
    assert response.status_code == 422
    assert "This issue is published: reopen it first to change it." in response.content.decode()
    assert not Entry.objects.filter(title="新条目").exists()


# Quick add

QUICK = """第一条
https://example.com/q1
第一条的摘要

第二条
https://example.com/q2
"""


def test_quick_add_plain(editor_client, issue):
    section = section_of(issue, 2)
    url = reverse("editorial:quick_add", args=[section.pk])
    response = editor_client.post(url, {"text": QUICK})
    assert response.status_code == 302
    assert response["Location"] == f"{issue.get_composer_url()}#section-{section.pk}"
    assert messages_of(response) == ["Added 2 entries."]
    assert entries_of(issue)[-2:] == [("云计算技术", 3, "第一条"), ("云计算技术", 4, "第二条")]
    assert Entry.objects.get(title="第一条").summary == "第一条的摘要"


def test_quick_add_canonical_markdown_by_htmx(editor_client, issue):
    section = section_of(issue)
    text = (
        "## 分布式系统\n\n**1.** **规范条目**\n\nhttps://example.com/canon\n\n"
        "**摘要:** 规范的摘要\n"
    )
    response = editor_client.post(
        reverse("editorial:quick_add", args=[section.pk]), {"text": text}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "issue-changed" in triggered(response)
    assert "规范条目" in html and "Added 1 entry." in html
    assert f'id="quick-{section.pk}-form"' in html and 'data-hx-swap-oob="true"' in html
    assert_valid_fragment(html)
    assert Entry.objects.get(title="规范条目").section == section


def test_quick_add_error_names_the_line_keeps_the_text_and_stores_nothing(editor_client, issue):
    section = section_of(issue)
    text = "好的条目\nhttps://example.com/ok\n\n坏的条目\nnot a url\n"
    url = reverse("editorial:quick_add", args=[section.pk])
    before = entries_of(issue)
    response = editor_client.post(url, {"text": text}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#quick-{section.pk}-form"
    assert "Line 5:" in html
    assert "好的条目\nhttps://example.com/ok\n\n坏的条目\nnot a url\n</textarea>" in html
    assert_valid_fragment(html)
    plain = editor_client.post(url, {"text": text})
    assert plain.status_code == 200 and "Line 5:" in plain.content.decode()
    assert_valid_html(plain.content)
    assert entries_of(issue) == before


@pytest.mark.parametrize("mode", MODES)
def test_quick_add_form_in_every_mode(editor_client, issue, mode):
    section = section_of(issue)
    response = editor_client.get(reverse("editorial:quick_add", args=[section.pk]), **MODES[mode])
    assert response.status_code == 200
    assert f'id="quick-{section.pk}-form"' in response.content.decode()
    assert is_full_page(response) == (mode != "htmx")


# Edit


@pytest.mark.parametrize("mode", MODES)
def test_edit_form_in_every_mode(editor_client, issue, mode):
    entry = first_entry(issue)
    response = editor_client.get(reverse("editorial:entry_edit", args=[entry.pk]), **MODES[mode])
    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="edit-{entry.pk}-version" value="{entry.version}"' in html
    assert f'value="{entry.title}"' in html
    # The URL is checked for duplicates on load and while typing.
    assert 'data-hx-trigger="load, input changed delay:400ms"' in html
    assert f"&quot;entry&quot;: &quot;{entry.pk}&quot;" in html  # data-hx-vals, JSON
    assert "data-cancel" in html
    if mode == "htmx":
        assert html.lstrip().startswith('<li class="composer-entry composer-entry--editing"')
        assert_valid_fragment(html)
    else:
        assert is_full_page(response)
        assert_valid_html(html)


def _edit(entry, **changes):
    data = {"title": entry.title, "url": entry.url, "summary": entry.summary}
    data.update(changes)
    data.setdefault("version", entry.version)
    return data


def test_edit_plain_saves_and_redirects(editor_client, issue, editor):
    entry = first_entry(issue)
    url = reverse("editorial:entry_edit", args=[entry.pk])
    response = editor_client.post(url, _edit(entry, title="改过的标题"))
    assert response.status_code == 302
    assert response["Location"] == f"{issue.get_composer_url()}#entry-{entry.pk}"
    assert messages_of(response) == ["Saved “<bdi>改过的标题</bdi>”."]
    entry.refresh_from_db()
    assert (entry.title, entry.version, entry.updated_by) == ("改过的标题", 2, editor)


def test_edit_htmx_returns_the_card(editor_client, issue):
    entry = first_entry(issue)
    url = reverse("editorial:entry_edit", args=[entry.pk])
    response = editor_client.post(url, _edit(entry, summary="新摘要"), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert triggered(response) == {"issue-changed": {"source": "composer"}}
    assert html.lstrip().startswith('<li class="composer-entry composer-entry--draft')
    assert "新摘要" in html
    assert "data-menu-button data-focus" in html  # focus returns to the card's menu
    assert_valid_fragment(html)


def test_editing_an_approved_entry_says_it_needs_review_again(editor_client, editor):
    issue = make_issue(
        2024, 51, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.APPROVED, author=editor
    )
    entry = first_entry(issue)
    url = reverse("editorial:entry_edit", args=[entry.pk])
    response = editor_client.post(url, _edit(entry, title="再改"), **HTMX)
    assert "The approval was withdrawn" in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED


def test_edit_errors_are_shown_and_nothing_changes(editor_client, issue):
    entry = first_entry(issue)
    url = reverse("editorial:entry_edit", args=[entry.pk])
    response = editor_client.post(url, _edit(entry, title="", url="javascript:alert(1)"), **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert "Title: it cannot be empty." in html
    assert f'href="#edit-{entry.pk}-title"' in html  # the error summary links to the field
    assert_valid_fragment(html)
    entry.refresh_from_db()
    assert entry.version == 1


def test_edit_in_a_published_issue_is_refused_with_a_clear_message(editor_client):
    issue = make_published_issue(2024, 30)
    entry = first_entry(issue)
    url = reverse("editorial:entry_edit", args=[entry.pk])
    response = editor_client.post(url, _edit(entry, title="不许改"))
    assert "This issue is published: reopen it first to change it." in response.content.decode()
    entry.refresh_from_db()
    assert entry.title != "不许改"


# Move


def test_move_down_and_up_plain(editor_client, issue):
    entry = first_entry(issue)
    url = reverse("editorial:entry_move", args=[entry.pk])
    response = editor_client.post(url, {"direction": "down"})
    assert response.status_code == 302
    assert response["Location"] == f"{issue.get_composer_url()}#entry-{entry.pk}"
    assert messages_of(response) == [
        f"Moved “<bdi>{entry.title}</bdi>” to position 2 in “<bdi>分布式系统</bdi>”."
    ]
    assert entries_of(issue)[:2] == [
        ("分布式系统", 1, "分布式系统 条目 2"),
        ("分布式系统", 2, "分布式系统 条目 1"),
    ]
    editor_client.post(url, {"direction": "up"})
    assert entries_of(issue)[0] == ("分布式系统", 1, "分布式系统 条目 1")


def test_moving_the_first_entry_up_changes_nothing_and_says_so(editor_client, issue):
    entry = first_entry(issue)
    before = entries_of(issue)
    response = editor_client.post(
        reverse("editorial:entry_move", args=[entry.pk]), {"direction": "up"}, **HTMX
    )
    assert response.status_code == 200
    assert "is already there." in response.content.decode()
    assert entries_of(issue) == before


def test_move_to_another_section_by_htmx(editor_client, issue):
    entry = first_entry(issue)
    target = section_of(issue, 2)
    response = editor_client.post(
        reverse("editorial:entry_move", args=[entry.pk]), {"section": target.pk}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    # What changed only: the two counts, the notice and the event that places the card.
    assert json.loads(response["HX-Trigger-After-Settle"])["entry-moved"] == {
        "entry": entry.pk,
        "section": target.pk,
        "position": 3,
        "focus": "section",
    }
    assert "issue-changed" in triggered(response)
    assert "composer-entry" not in html
    assert f'id="section-count-{target.pk}" data-hx-swap-oob="true">3 entries' in html
    assert "Moved “<bdi>分布式系统 条目 1</bdi>” to position 3 in “<bdi>云计算技术</bdi>”." in html
    assert len(response.content) < 2_000
    assert_valid_fragment(html)
    assert entries_of(issue) == [
        ("分布式系统", 1, "分布式系统 条目 2"),
        ("云计算技术", 1, "云计算技术 条目 1"),
        ("云计算技术", 2, "云计算技术 条目 2"),
        ("云计算技术", 3, "分布式系统 条目 1"),
    ]


def test_move_to_a_position_as_drag_and_drop_does(editor_client, issue):
    entry = Entry.objects.get(section__issue=issue, section__position=2, position=2)
    target = section_of(issue, 1)
    editor_client.post(
        reverse("editorial:entry_move", args=[entry.pk]),
        {"section": target.pk, "position": 1},
        **HTMX,
    )
    assert entries_of(issue)[0] == ("分布式系统", 1, "云计算技术 条目 2")
    # Within a section.
    editor_client.post(
        reverse("editorial:entry_move", args=[entry.pk]), {"section": target.pk, "position": 3}
    )
    assert entries_of(issue)[2] == ("分布式系统", 3, "云计算技术 条目 2")


@pytest.mark.parametrize("mode", MODES)
def test_move_form_in_every_mode(editor_client, issue, mode):
    entry = first_entry(issue)
    response = editor_client.get(reverse("editorial:entry_move", args=[entry.pk]), **MODES[mode])
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="position"' in html and f'id="move-{entry.pk}-section"' in html
    assert is_full_page(response) == (mode != "htmx")
    if mode == "htmx":
        assert_valid_fragment(html)
    else:
        assert_valid_html(html)


def test_moving_to_another_issue_is_refused(editor_client, issue):
    other = make_issue(2024, 60)
    entry = first_entry(issue)
    before = entries_of(issue)
    response = editor_client.post(
        reverse("editorial:entry_move", args=[entry.pk]), {"section": section_of(other).pk}, **HTMX
    )
    assert response.status_code == 409
    assert response["HX-Retarget"] == LIVE_REGION
    assert "An entry can only move to a section of its own issue." in response.content.decode()
    assert entries_of(issue) == before


def test_move_without_a_destination_is_refused(editor_client, issue):
    entry = first_entry(issue)
    response = editor_client.post(reverse("editorial:entry_move", args=[entry.pk]), {})
    assert response.status_code == 302
    assert messages_of(response) == ["Say where to move it."]


# Delete and undo


@pytest.mark.parametrize("mode", MODES)
def test_delete_asks_first_in_every_mode(editor_client, issue, mode):
    entry = first_entry(issue)
    response = editor_client.get(reverse("editorial:entry_delete", args=[entry.pk]), **MODES[mode])
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Delete “<bdi>{entry.title}</bdi>”?" in html
    assert f'action="{reverse("editorial:entry_delete", args=[entry.pk])}"' in html
    assert Entry.objects.filter(pk=entry.pk).exists()
    if mode == "htmx":
        assert html.lstrip().startswith('<div class="confirm" role="alertdialog"')
        assert_valid_fragment(html)
    else:
        assert is_full_page(response)
        assert_valid_html(html)


def test_delete_plain_then_undo_from_the_composer_page(editor_client, issue):
    entry = first_entry(issue)
    before = entries_of(issue)
    response = editor_client.post(reverse("editorial:entry_delete", args=[entry.pk]))
    event = AuditEvent.objects.get(action="entry_delete")
    assert response.status_code == 302
    assert response["Location"] == f"{issue.get_composer_url()}?undo={event.pk}#composer-notice"
    assert not Entry.objects.filter(pk=entry.pk).exists()
    page = editor_client.get(response["Location"]).content.decode()
    assert f"Deleted “<bdi>{entry.title}</bdi>”." in page
    restore = reverse("editorial:entry_restore", args=[event.pk])
    assert f'action="{restore}"' in page
    response = editor_client.post(restore)
    restored = Entry.objects.get(title=entry.title)
    assert response.status_code == 302
    assert response["Location"] == f"{issue.get_composer_url()}#entry-{restored.pk}"
    assert messages_of(response) == [f"Restored “<bdi>{entry.title}</bdi>”."]
    assert entries_of(issue) == before
    # Undone once: the notice is gone and a second undo is refused.
    page = editor_client.get(f"{issue.get_composer_url()}?undo={event.pk}").content.decode()
    assert "data-undo" not in page
    again = editor_client.post(restore)
    assert messages_of(again) == ["This deletion was undone already."]


def test_delete_htmx_then_undo(editor_client, issue):
    entry = first_entry(issue)
    section = entry.section
    response = editor_client.post(reverse("editorial:entry_delete", args=[entry.pk]), **HTMX)
    event = AuditEvent.objects.get(action="entry_delete")
    html = response.content.decode()
    assert response.status_code == 200
    assert "issue-changed" in triggered(response)
    # What changed only: the card is removed by the swap, the count and notice follow, and
    # the page renumbers the cards left (event entry-removed).
    assert json.loads(response["HX-Trigger-After-Settle"]) == {
        "entry-removed": {"section": section.pk}
    }
    assert "composer-entry" not in html
    assert f'id="section-count-{section.pk}" data-hx-swap-oob="true">1 entry' in html
    assert 'id="composer-notice"' in html and 'data-hx-swap-oob="true"' in html
    assert "Undo" in html and "data-undo" in html
    assert_valid_fragment(html)
    response = editor_client.post(reverse("editorial:entry_restore", args=[event.pk]), **HTMX)
    html = response.content.decode()
    restored = Entry.objects.get(title=entry.title)
    assert response.status_code == 200
    assert f'id="entry-{restored.pk}"' in html and "Restored" in html
    assert_valid_fragment(html)
    assert (restored.section, restored.position) == (section, 1)
    # What came back only: the card, added to its list and put in place by the page.
    assert 'id="composer-sections"' not in html
    assert f'data-hx-swap-oob="beforeend:#entries-{section.pk}"' in html
    assert f'id="section-count-{section.pk}" data-hx-swap-oob="true">2 entries' in html
    assert response["HX-Reswap"] == "none"
    placed = json.loads(response["HX-Trigger-After-Settle"])["entry-moved"]
    assert placed == {"entry": restored.pk, "section": section.pk, "position": 1, "focus": "menu"}


def test_restore_refusal_by_htmx_goes_to_the_notice(editor_client, issue, editor):
    entry = first_entry(issue)
    event = services.entry_delete(entry, by=editor)
    services.entry_restore(event, by=editor)
    response = editor_client.post(reverse("editorial:entry_restore", args=[event.pk]), **HTMX)
    assert response.status_code == 409
    assert response["HX-Retarget"] == LIVE_REGION
    assert "This deletion was undone already." in response.content.decode()
    assert 'role="alert"' in response.content.decode()


# A title typed with a right-to-left override (U+202E) and markup: every sentence that names it
# (the notice, the delete confirmation, the message after a plain post) shows it escaped and
# isolated, so it cannot turn the rest of the sentence around.
HOSTILE_TITLE = "\u202e<b>txt.exe</b>"
HOSTILE_SHOWN = "“<bdi>\u202e&lt;b&gt;txt.exe&lt;/b&gt;</bdi>”"


def test_a_typed_title_is_isolated_in_every_sentence_naming_it(editor_client, issue):
    section = section_of(issue)
    url = reverse("editorial:entry_create", args=[section.pk])
    typed = {**NEW, "title": HOSTILE_TITLE}
    html = editor_client.post(url, typed, **HTMX).content.decode()
    assert f"Added {HOSTILE_SHOWN}." in html
    entry = Entry.objects.get(title=HOSTILE_TITLE)
    confirm = editor_client.get(reverse("editorial:entry_delete", args=[entry.pk]), **HTMX)
    assert f"Delete {HOSTILE_SHOWN}?" in confirm.content.decode()
    deleted = editor_client.post(reverse("editorial:entry_delete", args=[entry.pk]), **HTMX)
    assert f"Deleted {HOSTILE_SHOWN}." in deleted.content.decode()
    plain = editor_client.post(url, typed)
    assert messages_of(plain) == [f"Added {HOSTILE_SHOWN}."]
    assert "<b>" not in "".join(messages_of(plain))
