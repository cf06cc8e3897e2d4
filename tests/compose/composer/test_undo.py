"""Undo from the notice and the history: each of the last changes goes back to the exact state
before it, through the services (audited), and only while what it wrote is still there."""

import json

import pytest
from django.urls import reverse

from editorial import services
from editorial.models import AuditEvent, Entry
from editorial.services.history import UNDO_DEPTH, newest_ids, offers_undo, undo_change
from editorial.workflow import TransitionError
from tests.support.htmx import HTMX
from tests.support.pages import entries_of, messages_of


def first_entry(issue):
    return Entry.objects.get(section__issue=issue, section__position=1, position=1)


def test_an_edit_is_undone_to_the_exact_earlier_text(issue, editor):
    entry = first_entry(issue)
    before = (entry.title, entry.url, entry.summary)
    services.entry_update(
        entry,
        title="新标题",
        url="https://example.org/new",
        summary="新摘要",
        version=entry.version,
        by=editor,
    )
    event = AuditEvent.objects.filter(action="entry_update").latest("pk")
    undo_change(event, by=editor)
    entry.refresh_from_db()
    assert (entry.title, entry.url, entry.summary) == before
    assert entry.version == 3  # the undo is an edit of its own
    with pytest.raises(TransitionError):  # what it wrote is no longer there
        undo_change(event, by=editor)


def test_a_move_and_a_rename_are_undone(issue, editor):
    before = entries_of(issue)
    entry = first_entry(issue)
    services.entry_move(entry, section=issue.sections.get(position=2), position=1, by=editor)
    undo_change(AuditEvent.objects.filter(action="entry_move").latest("pk"), by=editor)
    assert entries_of(issue) == before
    section = issue.sections.get(position=1)
    services.section_rename(section, title="新栏目", by=editor)
    undo_change(AuditEvent.objects.filter(action="section_rename").latest("pk"), by=editor)
    section.refresh_from_db()
    assert section.title == "分布式系统"


def test_an_edit_changed_again_since_is_not_undone(issue, editor):
    entry = first_entry(issue)
    services.entry_update(
        entry, title="一", url=entry.url, summary=entry.summary, version=1, by=editor
    )
    first = AuditEvent.objects.filter(action="entry_update").latest("pk")
    services.entry_update(
        entry, title="二", url=entry.url, summary=entry.summary, version=2, by=editor
    )
    with pytest.raises(TransitionError, match="changed again since"):
        undo_change(first, by=editor)
    assert Entry.objects.get(pk=entry.pk).title == "二"


def test_the_history_offers_undo_for_the_last_changes_only(issue, editor):
    entry = first_entry(issue)
    for n in range(UNDO_DEPTH + 2):
        services.entry_update(
            entry,
            title=f"第{n}版",
            url=entry.url,
            summary=entry.summary,
            version=n + 1,
            by=editor,
        )
    newest = newest_ids(issue)
    events = list(AuditEvent.objects.filter(issue=issue, action="entry_update").order_by("pk"))
    assert not offers_undo(events[0], newest)
    assert offers_undo(events[-1], newest)


@pytest.mark.parametrize("mode", ["plain", "htmx"])
def test_the_undo_view_in_its_modes(editor_client, issue, editor, mode):
    entry = first_entry(issue)
    response = editor_client.post(
        reverse("editorial:entry_edit", args=[entry.pk]),
        {"title": "改了", "url": entry.url, "summary": entry.summary, "version": 1},
        **HTMX,
    )
    assert "editorial/undo/" in response.content.decode()  # the notice offers it
    event = AuditEvent.objects.filter(action="entry_update").latest("pk")
    history = editor_client.get(reverse("editorial:history", args=[issue.year, issue.number]))
    assert reverse("editorial:change_undo", args=[event.pk]) in history.content.decode()
    url = reverse("editorial:change_undo", args=[event.pk])
    if mode == "plain":
        response = editor_client.post(url)
        assert response.status_code == 302
        assert messages_of(response) == ["Undone: <bdi>edited an entry</bdi> “<bdi>改了</bdi>”."]
    else:
        response = editor_client.post(url, **HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Undone: <bdi>edited an entry</bdi>" in html
        # The card alone, in place of the one shown: not the sections.
        assert response["HX-Retarget"] == f"#entry-{entry.pk}"
        assert 'id="composer-sections"' not in html
        assert "分布式系统 条目 1" in html
        refused = editor_client.post(url, **HTMX)
        assert refused.status_code == 409
    assert Entry.objects.get(pk=entry.pk).title == "分布式系统 条目 1"


def test_an_edit_saved_while_the_undo_runs_is_refused_not_an_error(
    editor_client, issue, editor, monkeypatch
):
    """A save landing between the undo's check and its write: 409 with the refusal, not a
    500 from the stale version, and the colleague's text is kept."""
    from editorial.services import history

    entry = first_entry(issue)
    services.entry_update(
        entry, title="一", url=entry.url, summary=entry.summary, version=1, by=editor
    )
    event = AuditEvent.objects.filter(action="entry_update").latest("pk")
    real_update = history.entry_update

    def colleague_saves_first(stale, **fields):
        current = Entry.objects.get(pk=stale.pk)
        real_update(
            current,
            title="一",
            url=current.url,
            summary="同事的摘要",
            version=current.version,
            by=editor,
        )
        return real_update(stale, **fields)

    monkeypatch.setattr(history, "entry_update", colleague_saves_first)
    url = reverse("editorial:change_undo", args=[event.pk])
    response = editor_client.post(url, **HTMX)
    assert response.status_code == 409
    assert "changed again since" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.title, entry.summary, entry.version) == ("一", "同事的摘要", 3)


def test_undoing_a_move_answers_with_the_move(editor_client, issue):
    entry = first_entry(issue)
    editor_client.post(reverse("editorial:entry_move", args=[entry.pk]), {"position": 2}, **HTMX)
    event = AuditEvent.objects.filter(action="entry_move").latest("pk")
    response = editor_client.post(reverse("editorial:change_undo", args=[event.pk]), **HTMX)
    assert response.status_code == 200
    assert 'id="composer-sections"' not in response.content.decode()
    assert response["HX-Reswap"] == "none"
    moved = json.loads(response["HX-Trigger-After-Settle"])["entry-moved"]
    assert moved == {"entry": entry.pk, "section": entry.section_id, "position": 1, "focus": ""}
    assert Entry.objects.get(pk=entry.pk).position == 1
