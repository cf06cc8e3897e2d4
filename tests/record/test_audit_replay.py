"""The audit log is complete: replaying an entry's rows (its creation, then every change of
text) gives its current title, URL and summary, whichever door changed it."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from editorial import services
from editorial.models import AuditEvent, Entry, Issue
from tests.support.factories import make_user
from tests.support.record import client_for

pytestmark = pytest.mark.django_db
TEXT = ("title", "url", "summary")


def replay(entry: Entry) -> dict:
    """The text the audit rows of `entry` add up to."""
    text = {}
    rows = AuditEvent.objects.filter(entry=entry).order_by("created_at", "pk")
    for row in rows:
        if row.action == "entry_create":
            text = {name: row.data[name] for name in TEXT}
        elif row.action == "entry_update":
            for name in TEXT:
                if name in row.data:
                    old, new = row.data[name]
                    assert text[name] == old, f"{entry.pk}: {name} changed from an unseen value"
                    text[name] = new
    return text


def assert_log_complete():
    for entry in Entry.objects.all():
        assert replay(entry) == {name: getattr(entry, name) for name in TEXT}, entry.pk


def test_replaying_the_audit_rows_gives_every_entrys_text(sample_path, writer, reviewer):
    staff = make_user("editor", username="staff")
    staff.is_staff = True
    staff.save()
    call_command("import_issue", "--draft", str(sample_path), stdout=io.StringIO())
    imported = Issue.objects.get()
    issue = services.issue_create(year=2030, number=1, by=writer, section_titles=["甲", "乙"])
    first, second = issue.sections.order_by("position")

    made = services.entry_create(first, title="一", url="https://example.com/1", by=writer)
    services.entries_quick_add(
        second, text="二\nhttps://example.com/2\n\n三\nhttps://example.com/3\n摘要三", by=writer
    )
    services.entry_update(
        made, title="一改", url="https://example.com/1b", summary="摘", version=1, by=reviewer
    )
    made.refresh_from_db()
    services.entry_update(
        made, title="一改", url=made.url, summary="摘要再改", version=made.version, by=writer
    )
    services.entry_move(made, section=second, position=1, by=writer)
    event = services.entry_delete(made, by=writer)
    services.entry_restore(event, by=reviewer)
    gone = services.section_delete(second, by=writer, confirmed_entries=3)
    services.section_restore(gone, by=writer)

    # The admin and the composer's views are doors too.
    some = Entry.objects.filter(section__issue=imported).first()
    response = client_for(staff).post(
        reverse("admin:editorial_entry_change", args=[some.pk]),
        {"title": "后台改的", "url": some.url, "summary": some.summary, "seen_version": 1},
    )
    assert response.status_code == 302
    response = client_for(writer).post(
        reverse("editorial:entry_edit", args=[made.pk]),
        {"title": "编辑器改的", "url": "https://example.com/1c", "summary": "", "version": 3},
    )
    assert response.status_code == 302

    assert Entry.objects.count() > 10
    assert_log_complete()
