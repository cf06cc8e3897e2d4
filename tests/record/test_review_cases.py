"""Cases 1, 2 and 8: four eyes on the text's authors, approvals bound to the versions
seen, and an edit after changes were requested resubmitting the entry."""

import pytest
from django.test import override_settings
from django.urls import reverse

from editorial import services, workflow
from editorial.models import AuditEvent, EntryStatus
from tests.support.factories import make_user
from tests.support.htmx import HTMX
from tests.support.record import (
    approve_remaining,
    client_for,
    entries,
    in_review,
    messages_of,
    page_versions,
    review_url,
)

pytestmark = pytest.mark.django_db


# 1. Four eyes on the text's authors ---------------------------------------------------------


@pytest.mark.parametrize("fields", [("title", "url", "summary"), ("summary",), ("url",)])
def test_1_a_reviewer_who_rewrote_an_entry_may_not_approve_it(writer, reviewer, fields):
    issue = in_review(writer)
    entry = entries(issue)[0]
    client = client_for(reviewer)
    text = {"title": entry.title, "url": entry.url, "summary": entry.summary}
    rewritten = {"title": "我的标题", "url": "https://attacker.example/", "summary": "我的摘要"}
    text.update({name: rewritten[name] for name in fields})
    edit = reverse("editorial:entry_edit", args=[entry.pk])
    assert client.post(edit, {**text, "version": entry.version}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED

    page = client.get(review_url(issue)).content.decode()
    assert "You wrote or changed the current title, URL, summary or source of this entry" in page
    assert reverse("editorial:entry_approve", args=[entry.pk]) not in page

    approve = reverse("editorial:entry_approve", args=[entry.pk])
    response = client.post(approve, {"version": entry.version}, **HTMX)
    assert response.status_code == 403
    response = approve_remaining(client, issue, page_versions(page))
    assert "Left for another reviewer" in " ".join(messages_of(response))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    assert not AuditEvent.objects.filter(entry=entry, action="entry_approve").exists()
    # Everything else was approved, and another reviewer may approve this one.
    assert {e.status for e in entries(issue) if e.pk != entry.pk} == {EntryStatus.APPROVED}
    other = client_for(make_user("reviewer"))
    assert other.post(approve, {"version": entry.version}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED


def test_1_superusers_are_held_to_four_eyes_too(writer, superuser):
    issue = in_review(writer)
    entry = entries(issue)[0]
    services.entry_update(
        entry, title=entry.title, url=entry.url, summary="改过", version=entry.version, by=superuser
    )
    entry.refresh_from_db()
    with pytest.raises(Exception, match="another reviewer must approve it"):
        workflow.entry_approve(entry, by=superuser, version=entry.version)


def test_1_an_entry_written_back_by_its_editor_may_be_approved_again(writer, reviewer):
    """Authorship follows the current text: once the editor has rewritten every field the
    reviewer changed, the reviewer's words are gone and approval is theirs to give."""
    issue = in_review(writer)
    entry = entries(issue)[0]
    original = entry.summary
    services.entry_update(
        entry, title=entry.title, url=entry.url, summary="审稿人改的", version=1, by=reviewer
    )
    services.entry_update(
        entry, title=entry.title, url=entry.url, summary=original, version=2, by=writer
    )
    assert workflow.entry_approve(entry, by=reviewer, version=3).status == EntryStatus.APPROVED


@override_settings(DIGEST_FOUR_EYES=False)
def test_1_four_eyes_off_lets_a_team_of_one_approve_its_own(reviewer):
    issue = in_review(reviewer)
    entry = entries(issue)[0]
    assert workflow.entry_approve(entry, by=reviewer, version=1).status == EntryStatus.APPROVED


# 2. An approval covers the text it saw -------------------------------------------------------


def test_2_approve_all_leaves_an_entry_changed_after_the_page_was_drawn(writer, reviewer):
    issue = in_review(writer)
    first, *others = entries(issue)
    client = client_for(reviewer)
    page = client.get(review_url(issue)).content.decode()
    shown = page_versions(page)
    assert sorted(shown) == sorted(f"{e.pk}:{e.version}" for e in entries(issue))

    services.entry_update(
        first, title=first.title, url=first.url, summary="编辑后来改的", version=1, by=writer
    )
    response = approve_remaining(client, issue, shown)
    said = " ".join(messages_of(response))
    assert f"Approved {len(others)} entries." in said
    assert "changed after this page was drawn" in said and first.title in said
    first.refresh_from_db()
    assert first.status == EntryStatus.SUBMITTED
    assert all(e.status == EntryStatus.APPROVED for e in entries(issue) if e.pk != first.pk)

    # Approving that one entry with the version the reviewer saw is refused too.
    approve = reverse("editorial:entry_approve", args=[first.pk])
    assert client.post(approve, {"version": 1}, **HTMX).status_code == 409
    first.refresh_from_db()
    assert first.status == EntryStatus.SUBMITTED


def test_2_an_entry_added_after_the_page_was_drawn_is_left(writer, reviewer):
    issue = in_review(writer)
    client = client_for(reviewer)
    shown = page_versions(client.get(review_url(issue)).content.decode())
    late = services.entry_create(
        issue.sections.first(),
        title="后来加的",
        url="https://example.com/late",
        summary="s",
        by=writer,
    )
    approve_remaining(client, issue, shown)
    late.refresh_from_db()
    assert late.status == EntryStatus.SUBMITTED


def test_2_an_approval_without_a_version_is_refused(writer, reviewer):
    entry = entries(in_review(writer))[0]
    response = client_for(reviewer).post(
        reverse("editorial:entry_approve", args=[entry.pk]), **HTMX
    )
    assert response.status_code == 422
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED


# 8. Editing a sent-back entry resubmits it ---------------------------------------------------


def test_8_editing_an_entry_with_changes_requested_puts_it_back_to_submitted(writer, reviewer):
    issue = in_review(writer)
    entry = entries(issue)[0]
    workflow.entry_request_changes(entry, by=reviewer, comment="摘要太长")
    response = client_for(writer).post(
        reverse("editorial:entry_edit", args=[entry.pk]),
        {"title": entry.title, "url": entry.url, "summary": "短了", "version": entry.version},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    event = AuditEvent.objects.get(entry=entry, action="entry_update")
    assert (event.from_state, event.to_state) == ("changes_requested", "submitted")
    client = client_for(reviewer)
    approve_remaining(client, issue, page_versions(client.get(review_url(issue)).content.decode()))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED
