"""The entry's Source in the composer: an optional field of the entry form, filled from the
inbox item's site name when a link is added from the inbox; checked like any input, audited,
undone, and reviewed like the text: readers see it, so changing it sends an approved entry back
for review, shows the reviewer the change and counts for four eyes."""

import pytest
from django.urls import reverse

from editorial import audit
from editorial.compose.changes import attach_changes_since_review
from editorial.models import AuditEvent, Entry, EntryStatus, InboxItem
from editorial.services import entry_delete, entry_restore
from editorial.workflow.four_eyes import text_authors
from tests.support.factories import english_client, make_issue, make_user
from tests.support.htmx import HTMX
from tests.support.pages import assert_valid_fragment


@pytest.fixture
def entry(issue):
    return Entry.objects.get(section__issue=issue, section__position=1, position=1)


def post(client, entry, **fields):
    data = {"title": entry.title, "url": entry.url, "summary": entry.summary}
    data |= {"version": entry.version, **fields}
    return client.post(reverse("editorial:entry_edit", args=[entry.pk]), data, **HTMX)


def test_the_edit_form_offers_the_source(editor_client, entry):
    Entry.objects.filter(pk=entry.pk).update(source_name="InfoQ")
    html = editor_client.get(reverse("editorial:entry_edit", args=[entry.pk]), **HTMX)
    text = html.content.decode()
    assert "Source (optional)" in text
    assert f'name="edit-{entry.pk}-source_name" value="InfoQ"' in text
    assert_valid_fragment(text)


def test_saving_the_source_asks_for_review_again_and_is_audited(editor_client, entry):
    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.APPROVED)
    entry.refresh_from_db()
    reviewer = make_user("reviewer", username="approver")
    audit.record(entry.section.issue, by=reviewer, action="entry_approve", entry=entry)
    response = post(editor_client, entry, source_name=" 腾讯云 开发者 ")
    assert response.status_code == 200
    entry.refresh_from_db()
    assert (entry.source_name, entry.status, entry.version) == ("腾讯云 开发者", "submitted", 2)
    event = AuditEvent.objects.get(entry=entry, action="entry_update")
    assert event.data == {"source_name": ["", "腾讯云 开发者"]}
    # The reviewer sees what changed since the approval, and its author may not approve it.
    attach_changes_since_review([entry])
    assert [change.field for change in entry.changes_since_review] == ["source_name"]
    assert event.actor_id in text_authors([entry])[entry.pk]
    # Undo puts the old source back.
    undo = editor_client.post(reverse("editorial:change_undo", args=[event.pk]), **HTMX)
    assert undo.status_code == 200
    entry.refresh_from_db()
    assert entry.source_name == ""


def test_a_text_edit_without_the_field_keeps_the_source(editor_client, entry):
    Entry.objects.filter(pk=entry.pk).update(source_name="InfoQ")
    entry.refresh_from_db()
    data = {"title": "新标题", "url": entry.url, "summary": entry.summary, "version": 1}
    # A form drawn before the field was offered (an old tab) does not send it.
    saved = editor_client.post(reverse("editorial:entry_edit", args=[entry.pk]), data, **HTMX)
    assert saved.status_code == 200
    entry.refresh_from_db()
    assert (entry.title, entry.source_name) == ("新标题", "InfoQ")
    cleared = post(editor_client, entry, source_name="")
    assert cleared.status_code == 200
    entry.refresh_from_db()
    assert entry.source_name == ""


def test_a_source_too_long_is_a_message_and_nothing_is_saved(editor_client, entry):
    response = post(editor_client, entry, source_name="源" * 201)
    assert response.status_code == 422
    assert "at most 200 characters" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.source_name, entry.version) == ("", 1)


def test_a_new_entry_may_have_a_source(editor_client, issue):
    section = issue.sections.first()
    response = editor_client.post(
        reverse("editorial:entry_create", args=[section.pk]),
        {
            "title": "新条目",
            "url": "https://example.com/new",
            "summary": "摘要",
            "source_name": "极客时间",
        },
        **HTMX,
    )
    assert response.status_code == 200
    assert Entry.objects.get(title="新条目").source_name == "极客时间"


def test_a_link_added_from_the_inbox_brings_its_site_name(editor_client, issue):
    item = InboxItem.objects.create(
        url="https://mp.weixin.qq.com/s/AbCdEf",
        title="云原生网关",
        site_name="云计算技术动态",
        fetch_state="done",
    )
    editor_client.post(
        reverse("editorial:inbox_add", args=[item.pk]), {"section": issue.sections.first().pk}
    )
    entry = Entry.objects.get(url=item.url)
    assert entry.source_name == "云计算技术动态"
    preview = editor_client.get(reverse("reader:issue_preview", args=[2024, 33]))
    assert "云计算技术动态</span>" in preview.content.decode()


def test_a_deleted_entry_comes_back_with_its_source(editor, entry):
    Entry.objects.filter(pk=entry.pk).update(source_name="InfoQ", final_url_key="a" * 64)
    event = entry_delete(Entry.objects.get(pk=entry.pk), by=editor)
    restored = entry_restore(event, by=editor)
    assert (restored.source_name, restored.final_url_key) == ("InfoQ", "a" * 64)


def test_an_issue_without_sources_is_unchanged(editor_client):
    make_issue(2024, 34)
    assert not Entry.objects.exclude(source_name="").exists()


def test_the_source_is_shown_on_the_card_and_to_the_reviewer(editor_client, entry):
    Entry.objects.filter(pk=entry.pk).update(source_name="InfoQ <中文>")
    issue = entry.section.issue
    composer = editor_client.get(issue.get_composer_url()).content.decode()
    assert '<span class="composer-entry__source">· InfoQ &lt;中文&gt;</span>' in composer
    reviewer_client = english_client()
    reviewer_client.force_login(make_user("reviewer", username="sees-source"))
    review = reviewer_client.get(reverse("editorial:review_issue", args=[issue.year, issue.number]))
    assert (
        '<p class="review-entry__source">Source: InfoQ &lt;中文&gt;</p>' in review.content.decode()
    )
