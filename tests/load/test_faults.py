"""A database error in the middle of a transition, an edit or an import leaves nothing
half-written: every table is exactly as it was before the call.

Each test makes one write fail part-way (after others of the same call have been made), with
real transactions (transactional_db), so the service's own transaction is the one that must
roll back.
"""

from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from editorial import audit, services, workflow
from editorial.canonical import issue_to_markdown
from editorial.models import (
    AuditEvent,
    Comment,
    Entry,
    EntryStatus,
    Issue,
    IssueStatus,
    Presence,
    Revision,
    Section,
)
from editorial.store import issue_to_data, parse_markdown, store_issue
from tests.support.factories import make_issue, make_published_issue, make_user, shown_versions
from tests.support.htmx import HTMX

pytestmark = pytest.mark.django_db(transaction=True)

MODELS = (Issue, Section, Entry, Revision, Comment, AuditEvent, Presence)


def snapshot() -> dict:
    """Every row of every editorial table, as plain values."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in MODELS}


def failing_on_call(real, n: int):
    """A stand-in for `real` that works n - 1 times, then raises DatabaseError."""
    calls = {"count": 0}

    def call(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] >= n:
            raise DatabaseError("simulated failure in the middle of the transaction")
        return real(*args, **kwargs)

    call.calls = calls
    return call


def audit_failing_on(n: int):
    return mock.patch("editorial.audit.record", failing_on_call(audit.record, n))


def assert_untouched(before: dict, call) -> None:
    with pytest.raises(DatabaseError):
        call()
    assert snapshot() == before


@pytest.fixture
def people():
    return {
        "writer": make_user("editor", username="writer"),
        "editor": make_user("editor", username="editor"),
        "reviewer": make_user("reviewer", username="reviewer"),
    }


def test_issue_submit_failing_after_some_entries_moved(people):
    issue = make_issue(2026, 1, author=people["writer"])  # four draft entries
    before = snapshot()
    with audit_failing_on(3) as record:
        assert_untouched(before, lambda: workflow.issue_submit(issue, by=people["editor"]))
    assert record.calls["count"] == 3  # two entries' rows were written before the failure
    assert Issue.objects.get().status == IssueStatus.DRAFT
    assert set(Entry.objects.values_list("status", flat=True)) == {EntryStatus.DRAFT}


def test_issue_publish_failing_after_the_status_and_audit_row(people):
    issue = make_issue(
        2026,
        2,
        status=IssueStatus.IN_REVIEW,
        entry_status=EntryStatus.APPROVED,
        author=people["writer"],
    )
    before = snapshot()
    failing = failing_on_call(Revision.objects.create, 1)
    with mock.patch.object(Revision.objects, "create", failing):
        assert_untouched(before, lambda: workflow.issue_publish(issue, by=people["reviewer"]))
    issue.refresh_from_db()
    assert (issue.status, issue.published_at) == (IssueStatus.IN_REVIEW, None)
    # The same call works once the database does.
    workflow.issue_publish(issue, by=people["reviewer"])
    assert Revision.objects.count() == 1


def test_approving_the_remaining_entries_failing_part_way(people):
    issue = make_issue(
        2026,
        3,
        status=IssueStatus.IN_REVIEW,
        entry_status=EntryStatus.SUBMITTED,
        author=people["writer"],
    )
    before = snapshot()
    with audit_failing_on(3):
        assert_untouched(
            before,
            lambda: workflow.entries_approve_remaining(
                issue, by=people["reviewer"], versions=shown_versions(issue)
            ),
        )


def test_reopen_failing_at_its_audit_row(people):
    issue = make_published_issue(2026, 4)
    before = snapshot()
    with audit_failing_on(1):
        assert_untouched(
            before,
            lambda: workflow.issue_reopen(issue, by=people["reviewer"], comment="一处更正"),
        )
    assert Issue.objects.get().status == IssueStatus.PUBLISHED


def test_moving_an_entry_to_another_section_failing_after_the_move(people):
    issue = make_issue(2026, 5, entries_per_section=3)
    first, second = issue.sections.order_by("position")
    entry = first.entries.order_by("position").first()
    before = snapshot()
    failing = failing_on_call(lambda *a, **k: None, 1)
    with mock.patch("editorial.services.entries.close_gap", failing):
        assert_untouched(
            before,
            lambda: services.entry_move(entry, section=second, position=1, by=people["editor"]),
        )


def test_quick_add_failing_at_the_third_entry(people):
    issue = make_issue(2026, 6)
    section = issue.sections.order_by("position").first()
    text = "\n\n".join(f"标题 {i}\nhttps://example.com/quick/{i}\n摘要 {i}" for i in range(1, 6))
    before = snapshot()
    with audit_failing_on(3):
        assert_untouched(
            before,
            lambda: services.entries_quick_add(section, text=text, by=people["editor"]),
        )
    assert Entry.objects.filter(section=section).count() == 2  # the two it had


def test_a_pasted_draft_failing_after_a_new_section_and_two_entries(people):
    issue = make_issue(2026, 8)
    text = (
        "## 分布式系统\n\n**1.** **一**\n\nhttps://example.com/paste/1\n\n"
        "## 新栏目\n\n**1.** **二**\n\nhttps://example.com/paste/2\n\n"
        "**2.** **三**\n\nhttps://example.com/paste/3\n"
    )
    before = snapshot()
    with audit_failing_on(4):  # the new section, then the entries: the third entry's row fails
        assert_untouched(
            before, lambda: services.draft_paste(issue, text=text, by=people["editor"])
        )
    assert not issue.sections.filter(title="新栏目").exists()


def test_deleting_a_section_failing_at_its_audit_row(people):
    issue = make_issue(2026, 7)
    section = issue.sections.order_by("position").first()
    before = snapshot()
    with audit_failing_on(1):
        assert_untouched(
            before,
            lambda: services.section_delete(
                section, by=people["editor"], confirmed_entries=section.entries.count()
            ),
        )


def test_undoing_a_deletion_failing_after_the_entry_is_rebuilt(people):
    issue = make_issue(2026, 8)
    entry = Entry.objects.filter(section__issue=issue).first()
    services.comment_add(entry, by=people["reviewer"], body="请补充来源")
    event = services.entry_delete(entry, by=people["editor"])
    before = snapshot()
    with audit_failing_on(1):
        assert_untouched(before, lambda: services.entry_restore(event, by=people["editor"]))
    event.refresh_from_db()
    assert not event.data.get("restored")
    services.entry_restore(event, by=people["editor"])  # and it can still be undone


def test_importing_a_new_issue_failing_at_the_entries():
    data = issue_to_data(make_published_issue(2026, 9))
    Issue.objects.all().delete()
    before = snapshot()
    failing = failing_on_call(Entry.objects.bulk_create, 1)
    with mock.patch.object(Entry.objects, "bulk_create", failing):
        assert_untouched(before, lambda: store_issue(data))
    assert not Issue.objects.exists()


def test_replacing_a_published_issue_failing_at_its_new_revision():
    issue = make_published_issue(2026, 10)
    data = issue_to_data(issue)
    changed = data.__class__(
        publication=data.publication,
        year=data.year,
        number=data.number,
        sections=data.sections[:1],
    )
    before = snapshot()
    failing = failing_on_call(Revision.objects.create, 1)
    with mock.patch.object(Revision.objects, "create", failing):
        assert_untouched(before, lambda: store_issue(changed, replace=True))
    # The old content is all there, sections, entries and revision.
    assert issue_to_data(Issue.objects.get()) == data


def test_import_command_keeps_earlier_files_and_nothing_of_the_failing_one(tmp_path: Path):
    first = make_published_issue(2026, 11)
    second = make_published_issue(2026, 12)
    files = []
    for issue in (first, second):
        path = tmp_path / f"{issue.year}-{issue.number}.md"
        path.write_text(issue_to_markdown(issue_to_data(issue)), encoding="utf-8")
        files.append(str(path))
    Issue.objects.all().delete()
    assert parse_markdown(Path(files[1]).read_text(), require_summaries=True)
    failing = failing_on_call(Revision.objects.create, 2)  # the second file's revision
    with (
        mock.patch.object(Revision.objects, "create", failing),
        pytest.raises(DatabaseError),
    ):
        call_command("import_issue", *files)
    assert list(Issue.objects.values_list("number", flat=True)) == [11]
    assert Section.objects.filter(issue__number=12).count() == 0
    assert Entry.objects.count() == Entry.objects.filter(section__issue__number=11).count()


def test_a_failing_save_through_the_view_answers_500_and_writes_nothing(people):
    issue = make_issue(2026, 13)
    entry = Entry.objects.filter(section__issue=issue).first()
    client = Client(raise_request_exception=False)
    client.force_login(people["editor"])
    before = snapshot()
    with audit_failing_on(1):
        response = client.post(
            reverse("editorial:entry_edit", args=[entry.pk]),
            {"title": "新标题", "url": entry.url, "summary": "新摘要", "version": entry.version},
            **HTMX,
        )
    assert response.status_code == 500
    assert snapshot() == before
    assert b"Traceback" not in response.content
