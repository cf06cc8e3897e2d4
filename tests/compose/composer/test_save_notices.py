"""The notice after saving an entry says what happened to it: the approval withdrawn only when
there was one, sent back for review when changes had been requested, else what was saved."""

import pytest
from django.urls import reverse

from editorial.models import Entry, EntryStatus, IssueStatus
from tests.support.factories import make_issue
from tests.support.htmx import HTMX
from tests.support.pages import messages_of

WITHDRAWN = "Saved. The approval was withdrawn: the entry needs review again."
RESUBMITTED = "Saved; sent back for review."

# status before the save: (the notice, the status after it)
CASES = {
    EntryStatus.APPROVED: (WITHDRAWN, EntryStatus.SUBMITTED),
    EntryStatus.CHANGES_REQUESTED: (RESUBMITTED, EntryStatus.SUBMITTED),
    EntryStatus.SUBMITTED: ("Saved “<bdi>新标题</bdi>”.", EntryStatus.SUBMITTED),
    EntryStatus.DRAFT: ("Saved “<bdi>新标题</bdi>”.", EntryStatus.DRAFT),
}


def an_entry(status: str, editor) -> Entry:
    issue_status = IssueStatus.DRAFT if status == EntryStatus.DRAFT else IssueStatus.IN_REVIEW
    issue = make_issue(2024, 60, status=issue_status, entry_status=status, author=editor)
    return Entry.objects.filter(section__issue=issue).order_by("section__position", "position")[0]


def save(client, entry, mode: str, **changes):
    data = {"title": entry.title, "url": entry.url, "summary": entry.summary, **changes}
    url = reverse("editorial:entry_edit", args=[entry.pk])
    return client.post(url, {**data, "version": entry.version}, **(HTMX if mode == "htmx" else {}))


@pytest.mark.parametrize("mode", ["plain", "htmx"])
@pytest.mark.parametrize("status", list(CASES))
def test_the_notice_says_what_the_save_did(editor_client, editor, status, mode):
    entry = an_entry(status, editor)
    response = save(editor_client, entry, mode, title="新标题")
    notice, after = CASES[status]
    if mode == "plain":
        assert response.status_code == 302
        assert messages_of(response) == [notice]
    else:
        assert response.status_code == 200
        assert notice in response.content.decode()
    assert Entry.objects.get(pk=entry.pk).status == after
    if status != EntryStatus.APPROVED:
        said = " ".join(messages_of(response)) + response.content.decode()
        assert "withdrawn" not in said


def test_a_save_that_changes_nothing_says_saved(editor_client, editor):
    entry = an_entry(EntryStatus.CHANGES_REQUESTED, editor)
    response = save(editor_client, entry, "plain")
    assert messages_of(response) == [f"Saved “<bdi>{entry.title}</bdi>”."]
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.CHANGES_REQUESTED
