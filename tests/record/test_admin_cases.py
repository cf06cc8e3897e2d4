"""Case 3: the admin is one more door to the same services and transitions."""

import pytest
from django.urls import reverse

from editorial import services, workflow
from editorial.models import (
    AuditEvent,
    Comment,
    Entry,
    Section,
)
from tests.support.factories import make_issue, make_published_issue
from tests.support.record import admin_change, client_for, entries

pytestmark = pytest.mark.django_db


# 3. The admin is one more door to the same rules -------------------------------------------


def test_3_a_staff_editor_cannot_rewrite_a_published_issue_through_the_admin(
    staff_editor, reviewer
):
    issue = make_published_issue(2024, 32)
    first, second = entries(issue)[:2]
    comment = Comment.objects.create(entry=first, author=reviewer, body="需要改标题")
    before = (Entry.objects.count(), AuditEvent.objects.count())
    client = client_for(staff_editor)

    response = client.post(
        admin_change("entry", first),
        {
            "title": "改掉",
            "url": "https://attacker.example/",
            "summary": first.summary,
            "seen_version": first.version,
            "status": "approved",
        },
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:editorial_entry_delete", args=[second.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    response = client.post(admin_change("comment", comment), {"body": "looks good, approve"})
    assert response.status_code == 403

    first.refresh_from_db()
    comment.refresh_from_db()
    assert (first.title, first.url, first.status) == ("分布式系统 条目 1", first.url, "approved")
    assert "attacker" not in first.url
    assert comment.body == "需要改标题"
    assert (Entry.objects.count(), AuditEvent.objects.count()) == before


def test_3_an_admin_edit_goes_through_the_service_and_withdraws_the_approval(
    staff_editor, reviewer
):
    issue = make_published_issue(2024, 32)
    workflow.issue_reopen(issue, by=reviewer, comment="更正")
    entry = entries(issue)[0]
    client = client_for(staff_editor)
    response = client.post(
        admin_change("entry", entry),
        {
            "title": "更正后的标题",
            "url": entry.url,
            "summary": entry.summary,
            "seen_version": entry.version,
            "status": "approved",  # not a field: statuses change only by transitions
        },
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.title, entry.status, entry.version) == ("更正后的标题", "submitted", 2)
    event = AuditEvent.objects.get(entry=entry, action="entry_update")
    assert event.actor == staff_editor
    assert (event.from_state, event.to_state) == ("approved", "submitted")
    assert event.data == {"title": ["分布式系统 条目 1", "更正后的标题"]}


def test_3_an_admin_edit_from_a_stale_version_is_refused(staff_editor, writer):
    issue = make_issue(2024, 41, author=writer)
    entry = entries(issue)[0]
    services.entry_update(
        entry, title="别人先改", url=entry.url, summary=entry.summary, version=1, by=writer
    )
    response = client_for(staff_editor).post(
        admin_change("entry", entry),
        {"title": "我的", "url": entry.url, "summary": entry.summary, "seen_version": 1},
    )
    assert response.status_code == 200
    assert "saved this entry after you opened it" in response.content.decode()
    entry.refresh_from_db()
    assert entry.title == "别人先改"


def test_3_admin_adds_and_removes_through_the_services(staff_editor, writer):
    issue = make_issue(2024, 42, author=writer)
    client = client_for(staff_editor)
    section = issue.sections.first()
    response = client.post(
        reverse("admin:editorial_entry_add"),
        {"section": section.pk, "title": "新条目", "url": "https://example.com/n", "summary": ""},
    )
    assert response.status_code == 302
    created = Entry.objects.get(title="新条目")
    assert AuditEvent.objects.filter(entry=created, action="entry_create").exists()
    response = client.post(
        reverse("admin:editorial_entry_delete", args=[created.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="entry_delete", data__entry=created.pk).exists()
    # A section with entries is not removed from the admin (the composer asks first).
    response = client.post(
        reverse("admin:editorial_section_delete", args=[section.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Section.objects.filter(pk=section.pk).exists()
