"""An issue in review always has entries: removing its last entry (or a section holding them) is
refused at every door, saying why, and changes nothing; moving entries stays free. The rule
lives in one place, guards.refuse_emptying_issue_in_review; the race with "submit" is in
tests/workflow/test_concurrency.py."""

import pytest
from django.urls import reverse

from editorial import services, workflow
from editorial.models import AuditEvent, Entry, EntryStatus, IssueStatus, Section
from editorial.services import history
from tests.support.factories import make_issue
from tests.support.htmx import HTMX
from tests.support.record import client_for, messages_of

pytestmark = pytest.mark.django_db

REFUSAL = "This issue is in review: it must keep at least one entry. Send it back to draft first."


def one_entry_in_review(writer, number=50):
    """In review: the section 栏目 with one submitted entry, and the empty section 空栏目."""
    issue = make_issue(
        2024,
        number,
        {"栏目": [("唯一的条目", f"https://example.com/{number}", "摘要")], "空栏目": []},
        status=IssueStatus.IN_REVIEW,
        entry_status=EntryStatus.SUBMITTED,
        author=writer,
    )
    return issue, Entry.objects.get(section__issue=issue)


def unchanged(issue, before: tuple) -> bool:
    return state(issue) == before


def state(issue) -> tuple:
    return (
        sorted(Entry.objects.filter(section__issue=issue).values_list("pk", flat=True)),
        sorted(Section.objects.filter(issue=issue).values_list("pk", flat=True)),
        AuditEvent.objects.count(),
    )


# The rule, through the services -----------------------------------------------------------------


def test_the_last_entry_of_an_issue_in_review_is_not_deleted(writer):
    issue, entry = one_entry_in_review(writer)
    before = state(issue)
    with pytest.raises(workflow.TransitionError) as refused:
        services.entry_delete(entry, by=writer)
    assert refused.value.message == REFUSAL
    assert unchanged(issue, before)


def test_a_section_holding_the_last_entries_is_not_removed_even_when_confirmed(writer):
    issue, entry = one_entry_in_review(writer)
    before = state(issue)
    with pytest.raises(workflow.TransitionError) as refused:
        services.section_delete(entry.section, by=writer, confirmed_entries=1)
    assert refused.value.message == REFUSAL
    # Refused outright, not asked to confirm again: a confirmation would not help.
    with pytest.raises(workflow.TransitionError) as again:
        services.section_delete(entry.section, by=writer, confirmed_entries=0)
    assert not isinstance(again.value, services.SectionNotEmpty)
    assert unchanged(issue, before)


def test_what_leaves_an_entry_is_removed_as_before(writer):
    issue = make_issue(
        2024, 51, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED, author=writer
    )
    first, second = issue.sections.order_by("position")
    services.entry_delete(first.entries.first(), by=writer)
    services.section_delete(first, by=writer, confirmed_entries=1)  # its last entry
    empty = services.section_create(issue, title="空栏目", by=writer)
    services.section_delete(empty, by=writer)
    services.entry_delete(second.entries.first(), by=writer)
    assert Entry.objects.filter(section__issue=issue).count() == 1
    with pytest.raises(workflow.TransitionError, match="must keep at least one entry"):
        services.entry_delete(second.entries.get(), by=writer)


def test_a_draft_may_lose_its_last_entry(writer):
    issue = make_issue(2024, 52, {"栏目": [("条目", "https://example.com/d", "")]}, author=writer)
    services.entry_delete(Entry.objects.get(section__issue=issue), by=writer)
    assert not Entry.objects.filter(section__issue=issue).exists()


def test_the_last_entry_may_move(writer):
    issue, entry = one_entry_in_review(writer)
    empty = issue.sections.get(title="空栏目")
    services.entry_move(entry, section=empty, position=1, by=writer)
    services.section_delete(entry.section, by=writer)  # the section it left, empty now
    assert Entry.objects.get(pk=entry.pk).section == empty


def test_after_sending_back_it_can_go(writer, reviewer):
    issue, entry = one_entry_in_review(writer)
    workflow.issue_send_back(issue, by=reviewer, comment="重写")
    services.entry_delete(entry, by=writer)
    assert not Entry.objects.filter(section__issue=issue).exists()


# Every door -------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["plain", "htmx"])
def test_the_composer_refuses_deleting_the_last_entry(writer, mode):
    issue, entry = one_entry_in_review(writer)
    before = state(issue)
    client = client_for(writer)
    url = reverse("editorial:entry_delete", args=[entry.pk])
    response = client.post(url, **(HTMX if mode == "htmx" else {}))
    if mode == "htmx":
        assert response.status_code == 409
        assert REFUSAL in response.content.decode()
    else:
        assert (response.status_code, response["Location"]) == (302, issue.get_composer_url())
        assert messages_of(response) == [REFUSAL]
    assert unchanged(issue, before)


@pytest.mark.parametrize("mode", ["plain", "htmx"])
def test_the_composer_refuses_removing_the_section_of_the_last_entry(writer, mode):
    issue, entry = one_entry_in_review(writer)
    before = state(issue)
    client = client_for(writer)
    url = reverse("editorial:section_delete", args=[entry.section_id])
    response = client.post(url, {"confirm_entries": "1"}, **(HTMX if mode == "htmx" else {}))
    if mode == "htmx":
        assert response.status_code == 409
        assert REFUSAL in response.content.decode()
    else:
        assert (response.status_code, response["Location"]) == (302, issue.get_composer_url())
        assert messages_of(response) == [REFUSAL]
    assert unchanged(issue, before)


def test_the_admin_refuses_deleting_the_last_entry(writer, staff_editor):
    issue, entry = one_entry_in_review(writer)
    before = state(issue)
    client = client_for(staff_editor)
    response = client.post(
        reverse("admin:editorial_entry_delete", args=[entry.pk]), {"post": "yes"}
    )
    change = reverse("admin:editorial_entry_change", args=[entry.pk])
    assert (response.status_code, response["Location"]) == (302, change)
    assert messages_of(response) == [REFUSAL]
    assert unchanged(issue, before)


def test_no_other_admin_door_removes_the_last_entry(writer, staff_editor):
    """No bulk delete action, no inline deletion, no removal of a section with entries."""
    issue, entry = one_entry_in_review(writer)
    before = state(issue)
    client = client_for(staff_editor)
    for model, obj in (("entry", entry), ("section", entry.section)):
        client.post(
            reverse(f"admin:editorial_{model}_changelist"),
            {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"},
        )
    response = client.post(
        reverse("admin:editorial_section_delete", args=[entry.section_id]), {"post": "yes"}
    )
    assert response.status_code == 403
    inline = {
        "issue": issue.pk,
        "title": entry.section.title,
        "entries-TOTAL_FORMS": "1",
        "entries-INITIAL_FORMS": "1",
        "entries-0-id": entry.pk,
        "entries-0-section": entry.section_id,
        "entries-0-DELETE": "on",
    }
    response = client.post(
        reverse("admin:editorial_section_change", args=[entry.section_id]), inline
    )
    assert response.status_code == 302  # saved as it was: the inline is read-only
    sections = {
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "sections-TOTAL_FORMS": "2",
        "sections-INITIAL_FORMS": "2",
        **{
            f"sections-{i}-{name}": value
            for i, section in enumerate(issue.sections.order_by("position"))
            for name, value in (("id", section.pk), ("issue", issue.pk), ("DELETE", "on"))
        },
    }
    response = client.post(reverse("admin:editorial_issue_change", args=[issue.pk]), sections)
    assert response.status_code == 302
    assert unchanged(issue, before)


def test_a_section_renamed_on_its_admin_page_keeps_its_entries(writer, staff_editor):
    """The page posts its read-only inline too (as a browser does): the rename goes through the
    service, the entries stay (this answered 500 once the rename had run)."""
    issue, entry = one_entry_in_review(writer)
    response = client_for(staff_editor).post(
        reverse("admin:editorial_section_change", args=[entry.section_id]),
        {
            "title": "新栏目名",
            "entries-TOTAL_FORMS": "1",
            "entries-INITIAL_FORMS": "1",
            "entries-0-id": entry.pk,
            "entries-0-section": entry.section_id,
        },
    )
    assert response.status_code == 302
    assert Section.objects.get(pk=entry.section_id).title == "新栏目名"
    assert AuditEvent.objects.filter(action="section_rename", actor=staff_editor).count() == 1
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_undoing_the_add_of_the_last_entry_is_not_a_way_around(writer):
    """Undo takes back edits, moves, renames and removals; an add is not undone (that would be
    a removal): the history refuses it, and the entry stays."""
    issue, entry = one_entry_in_review(writer)
    added = services.entry_create(entry.section, title="新", url="https://example.com/n", by=writer)
    services.entry_delete(entry, by=writer)
    before = state(issue)
    event = AuditEvent.objects.get(entry=added, action="entry_create")
    with pytest.raises(workflow.TransitionError, match="cannot be undone"):
        history.undo_change(event, by=writer)
    response = client_for(writer).post(reverse("editorial:change_undo", args=[event.pk]), **HTMX)
    assert response.status_code == 409
    assert unchanged(issue, before)
