"""Pasting a whole draft into an issue through the composer: the panel, its form in every mode,
a paste by htmx (the sections list, the notice, the form emptied) and by a plain post (back to
the composer), and refusals that keep the text and name the line, in the user's language."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from editorial.models import AuditEvent, Entry, IssueStatus
from tests.support.factories import make_issue
from tests.support.htmx import HTMX, MODES
from tests.support.pages import (
    assert_valid_fragment,
    assert_valid_html,
    entries_of,
    is_full_page,
    messages_of,
)

DRAFT = """\
## 云计算技术

**1.** **第二栏的新条目**

https://example.com/second

**摘要:** 第二栏。

## 新栏目

**1.** **新栏目的条目**

https://example.com/new-a

**2.** **又一条**

https://example.com/new-b
"""
BROKEN = DRAFT.replace("https://example.com/new-b", "example.com/new-b")  # line 17


def paste_url(issue) -> str:
    return reverse("editorial:draft_paste", args=[issue.year, issue.number])


def test_the_composer_offers_the_panel_while_the_issue_is_editable(editor_client, issue):
    page = editor_client.get(issue.get_composer_url()).content.decode()
    assert 'id="paste-details"' in page and f'href="{paste_url(issue)}"' in page
    published = make_issue(2024, 40, status=IssueStatus.PUBLISHED, entry_status="approved")
    assert (
        'id="paste-details"' not in editor_client.get(published.get_composer_url()).content.decode()
    )


@pytest.mark.parametrize("mode", MODES)
def test_the_form_in_every_mode(editor_client, issue, mode):
    response = editor_client.get(paste_url(issue), **MODES[mode])
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="paste-form"' in html and 'name="paste-text"' in html
    # The section for entries under no heading: the issue's sections, the first chosen.
    first = issue.sections.get(position=1)
    assert f'<option value="{first.pk}" selected>分布式系统</option>' in html
    assert is_full_page(response) == (mode != "htmx")
    (assert_valid_fragment if mode == "htmx" else assert_valid_html)(html)


def test_an_issue_without_sections_has_no_section_choice(editor_client, db):
    empty = make_issue(2024, 41, sections={})
    html = editor_client.get(paste_url(empty)).content.decode()
    assert 'name="paste-text"' in html and 'name="paste-section"' not in html


def test_a_paste_by_htmx_redraws_the_sections_and_empties_the_form(editor_client, issue):
    response = editor_client.post(paste_url(issue), {"paste-text": DRAFT}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "issue-changed" in json.loads(response["HX-Trigger"])
    assert response["HX-Reswap"] == "morph:outerHTML"
    assert 'id="composer-sections"' in html and "新栏目的条目" in html
    assert "Added 3 entries. New section: “新栏目”." in html
    assert 'id="paste-form"' in html and 'data-hx-swap-oob="true"' in html
    assert "第二栏。</textarea>" not in html  # the form comes back empty
    assert_valid_fragment(html)
    assert entries_of(issue)[-4:] == [
        ("云计算技术", 2, "云计算技术 条目 2"),
        ("云计算技术", 3, "第二栏的新条目"),
        ("新栏目", 1, "新栏目的条目"),
        ("新栏目", 2, "又一条"),
    ]
    quick = AuditEvent.objects.filter(issue=issue, action="entry_create", data__quick_add=True)
    assert quick.count() == 3


def test_a_plain_paste_goes_back_to_the_composer_with_the_note(editor_client, issue):
    second = issue.sections.get(position=2)
    text = "无标题的条目\nhttps://example.com/loose\n\n另一条\nhttps://example.com/loose-2"
    response = editor_client.post(
        paste_url(issue), {"paste-text": text, "paste-section": second.pk}
    )
    assert response.status_code == 302 and response["Location"] == issue.get_composer_url()
    assert messages_of(response) == ["Added 2 entries."]
    assert [e.title for e in Entry.objects.filter(section=second).order_by("position")][-2:] == [
        "无标题的条目",
        "另一条",
    ]


def test_plain_names_are_read_too(editor_client, issue):
    response = editor_client.post(paste_url(issue), {"text": DRAFT})
    assert response.status_code == 302
    assert issue.sections.filter(title="新栏目").exists()


def test_a_refusal_names_the_line_keeps_the_text_and_stores_nothing(editor_client, issue):
    before = (entries_of(issue), AuditEvent.objects.count())
    response = editor_client.post(paste_url(issue), {"paste-text": BROKEN}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#paste-form" and response["HX-Reswap"] == "outerHTML"
    assert "Line 17: URL:" in html
    assert "example.com/new-b\n</textarea>" in html
    assert_valid_fragment(html)
    plain = editor_client.post(paste_url(issue), {"paste-text": BROKEN})
    assert plain.status_code == 200 and "Line 17: URL:" in plain.content.decode()
    assert_valid_html(plain.content)
    assert (entries_of(issue), AuditEvent.objects.count()) == before
    assert not issue.sections.filter(title="新栏目").exists()


def test_the_refusal_is_in_chinese_for_a_chinese_interface(editor, issue):
    client = Client()  # no language chosen: the interface is Chinese
    client.force_login(editor)
    html = client.post(paste_url(issue), {"paste-text": BROKEN}, **HTMX).content.decode()
    assert "第 17 行：链接：" in html


def test_a_published_issue_refuses_and_keeps_the_text(editor_client):
    published = make_issue(2024, 42, status=IssueStatus.PUBLISHED, entry_status="approved")
    before = entries_of(published)
    response = editor_client.post(paste_url(published), {"paste-text": DRAFT}, **HTMX)
    assert response.status_code == 422
    assert "reopen it first" in response.content.decode()
    assert entries_of(published) == before


def test_a_chosen_section_removed_meanwhile_is_a_conflict(editor_client, issue, editor):
    from editorial import services

    second = issue.sections.get(position=2)
    services.section_delete(second, by=editor, confirmed_entries=2)
    response = editor_client.post(
        paste_url(issue),
        {"paste-text": "T\nhttps://t.example/", "paste-section": second.pk},
        **HTMX,
    )
    # The form no longer offers it: refused as a choice, the text kept.
    assert (
        response.status_code == 422
        and "T\nhttps://t.example/</textarea>" in response.content.decode()
    )
