"""Content edits: positions stay 1..n, conflicts refuse, bad input changes nothing, undo works."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from editorial import services
from editorial.models import (
    AuditEvent,
    Comment,
    Entry,
    EntryStatus,
    Issue,
    IssueStatus,
    Presence,
    Section,
)
from editorial.services import EditConflict
from editorial.services.presence import PRESENCE_EXPIRY
from editorial.workflow import TransitionError, entry_request_changes
from tests.support.factories import make_issue, make_published_issue, make_user
from tests.support.services import (
    assert_contiguous,
    audit_count,
    first_entry,
    new_events,
    section_positions,
    titles,
)


def long_issue(n=5, number=70, **kw):
    """Two sections: A with entries a1..an, B with b1..b3."""
    return make_issue(
        2024,
        number,
        {
            "A": [(f"a{i}", f"https://a.example/{i}", f"sa{i}") for i in range(1, n + 1)],
            "B": [(f"b{i}", f"https://b.example/{i}", f"sb{i}") for i in range(1, 4)],
        },
        **kw,
    )


def sections(issue):
    return Section.objects.get(issue=issue, title="A"), Section.objects.get(issue=issue, title="B")


def entry(title):
    return Entry.objects.get(title=title)


# --- issues ---------------------------------------------------------------------------------------


def test_next_issue_number(db):
    assert services.next_issue_number(2024) == 1
    make_issue(2024, 31)
    make_issue(2024, 32)
    make_issue(2023, 50)
    assert services.next_issue_number(2024) == 33
    assert services.next_issue_number(2025) == 1


def test_issue_create_with_sections(editor):
    issue = services.issue_create(
        year=2024,
        number=33,
        by=editor,
        section_titles=["分布式系统", " ", "云计算技术", "分布式系统"],
    )
    assert (issue.status, issue.created_by) == (IssueStatus.DRAFT, editor)
    assert list(issue.sections.values_list("title", "position")) == [
        ("分布式系统", 1),
        ("云计算技术", 2),
    ]
    [event] = AuditEvent.objects.filter(issue=issue)
    assert (event.action, event.data) == (
        "issue_create",
        {"sections": ["分布式系统", "云计算技术"]},
    )


@pytest.mark.parametrize(
    ("year", "number", "field"), [(2024, 32, "number"), (999, 1, "year"), (2024, 0, "number")]
)
def test_issue_create_refuses_taken_or_bad_numbers(editor, year, number, field):
    make_issue(2024, 32)
    with pytest.raises(ValidationError) as raised:
        services.issue_create(year=year, number=number, by=editor)
    assert field in raised.value.message_dict
    assert Issue.objects.count() == 1 and not AuditEvent.objects.exists()


# --- sections -------------------------------------------------------------------------------------


def test_section_create_rename_move_delete(editor, draft_issue):
    third = services.section_create(draft_issue, title="  工具 ", by=editor)
    assert (third.title, third.position) == ("工具", 3)
    with pytest.raises(ValidationError):
        services.section_create(draft_issue, title="工具", by=editor)

    services.section_rename(third, title="开源工具", by=editor)
    before = audit_count(draft_issue)
    services.section_rename(third, title="开源工具", by=editor)  # no-op
    assert audit_count(draft_issue) == before
    with pytest.raises(ValidationError):
        services.section_rename(third, title="云计算技术", by=editor)

    services.section_move(third, position=1, by=editor)
    assert list(Section.objects.filter(issue=draft_issue).values_list("title", flat=True)) == [
        "开源工具",
        "分布式系统",
        "云计算技术",
    ]
    assert_contiguous(draft_issue)
    services.section_move(third, position=99, by=editor)  # brought into range: the end
    assert Section.objects.get(pk=third.pk).position == 3
    assert_contiguous(draft_issue)

    first = Section.objects.get(issue=draft_issue, position=1)
    event = services.section_delete(first, by=editor, confirmed_entries=first.entries.count())
    assert section_positions(draft_issue) == [1, 2]
    assert_contiguous(draft_issue)
    assert event.data["title"] == "分布式系统" and len(event.data["entries"]) == 2
    actions = [e.action for e in new_events(draft_issue, 0)]
    assert actions == [
        "section_create",
        "section_rename",
        "section_move",
        "section_move",
        "section_delete",
    ]


def test_section_restore_brings_back_its_entries(editor, draft_issue):
    section = Section.objects.get(issue=draft_issue, position=1)
    Entry.objects.filter(section=section).update(status=EntryStatus.SUBMITTED)
    entry_request_changes(
        Entry.objects.filter(section=section).first(), by=make_user("reviewer"), comment="?"
    )
    before_titles = titles(section)
    event = services.section_delete(section, by=editor, confirmed_entries=section.entries.count())
    assert not Comment.objects.exists()

    restored = services.section_restore(event, by=editor)

    assert (restored.title, restored.position) == ("分布式系统", 1)
    assert titles(restored) == before_titles
    assert Comment.objects.get().body == "?"
    assert_contiguous(draft_issue)
    with pytest.raises(TransitionError):
        services.section_restore(event, by=editor)


def test_section_restore_is_refused_when_its_title_is_taken_again(editor, draft_issue):
    section = Section.objects.get(issue=draft_issue, position=1)
    event = services.section_delete(section, by=editor, confirmed_entries=section.entries.count())
    services.section_create(draft_issue, title=section.title, by=editor)
    before = audit_count(draft_issue)
    with pytest.raises(TransitionError, match="exists again"):
        services.section_restore(event, by=editor)
    assert audit_count(draft_issue) == before and draft_issue.sections.count() == 2


# --- entries: create and update -------------------------------------------------------------------


def test_entry_create_appends_or_inserts(editor):
    issue = long_issue(3)
    a, _b = sections(issue)
    created = services.entry_create(
        a, title=" New <i>one</i> ", url="https://n.example/", summary="", by=editor
    )
    # Text is kept as typed: only the outer white space goes.
    assert (created.title, created.position) == ("New <i>one</i>", 4)
    assert created.status == EntryStatus.DRAFT
    services.entry_create(a, title="first", url="https://f.example/", by=editor, position=1)
    services.entry_create(a, title="mid", url="https://m.example/", by=editor, position=3)
    assert titles(a) == ["first", "a1", "mid", "a2", "a3", "New <i>one</i>"]
    assert_contiguous(issue)
    assert [e.action for e in new_events(issue, 0)] == ["entry_create"] * 3


def test_entry_created_in_review_starts_submitted(editor, review_issue):
    section = review_issue.sections.first()
    created = services.entry_create(section, title="t", url="https://t.example/", by=editor)
    assert created.status == EntryStatus.SUBMITTED


def test_a_published_issue_must_be_reopened_first(editor):
    issue = make_published_issue(2024, 32)
    entry = first_entry(issue)
    with pytest.raises(TransitionError, match="reopen it first"):
        services.entry_create(entry.section, title="t", url="https://t.example/", by=editor)
    with pytest.raises(TransitionError, match="reopen it first"):
        services.entry_update(
            entry, title="t", url=entry.url, summary="", version=entry.version, by=editor
        )
    with pytest.raises(TransitionError, match="reopen it first"):
        services.entry_delete(entry, by=editor)
    with pytest.raises(TransitionError, match="reopen it first"):
        services.section_create(issue, title="x", by=editor)
    assert audit_count(issue) == 0


def test_entry_update_saves_and_audits_what_changed(editor, draft_issue):
    entry = first_entry(draft_issue)
    old_title = entry.title

    saved = services.entry_update(
        entry, title="New  title", url=entry.url, summary=entry.summary, version=1, by=editor
    )

    entry.refresh_from_db()
    assert (entry.title, entry.version, entry.updated_by) == ("New title", 2, editor)
    assert saved.version == 2
    [event] = AuditEvent.objects.filter(issue=draft_issue)
    assert (event.action, event.entry, event.data) == (
        "entry_update",
        entry,
        {"title": [old_title, "New title"]},
    )
    assert event.from_state == event.to_state == ""


def test_editing_an_approved_entry_sends_it_back_to_review(editor, approved_issue):
    entry = first_entry(approved_issue)
    services.entry_update(
        entry, title=entry.title, url=entry.url, summary="Longer summary.", version=1, by=editor
    )
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED
    [event] = AuditEvent.objects.filter(issue=approved_issue)
    assert (event.from_state, event.to_state) == (EntryStatus.APPROVED, EntryStatus.SUBMITTED)
    assert "Approval withdrawn" in event.comment


def test_a_no_op_edit_writes_nothing(editor, approved_issue):
    entry = first_entry(approved_issue)
    services.entry_update(
        entry, title=f" {entry.title} ", url=entry.url, summary=entry.summary, version=1, by=editor
    )
    entry.refresh_from_db()
    assert (entry.version, entry.status) == (1, EntryStatus.APPROVED)
    assert audit_count(approved_issue) == 0


def test_a_stale_version_is_a_conflict_and_changes_nothing(editor, draft_issue):
    entry = first_entry(draft_issue)
    services.entry_update(
        entry, title="Theirs", url=entry.url, summary="their summary", version=1, by=editor
    )
    before = audit_count(draft_issue)

    with pytest.raises(EditConflict) as raised:
        services.entry_update(
            entry,
            title="Mine <b>bold</b>",
            url=entry.url,
            summary="my summary",
            version=1,
            by=make_user("editor"),
        )

    conflict = raised.value
    assert (conflict.current.title, conflict.current.version) == ("Theirs", 2)
    assert conflict.mine == {
        "title": "Mine <b>bold</b>",
        "url": entry.url,
        "summary": "my summary",
        "version": 1,
    }
    entry.refresh_from_db()
    assert (entry.title, entry.summary, entry.version) == ("Theirs", "their summary", 2)
    assert audit_count(draft_issue) == before


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("url", {"url": "javascript:alert(1)"}),
        ("url", {"url": "ftp://example.com/file"}),
        ("title", {"title": "x" * 301}),
        ("title", {"title": " \x00\u3000\ufffe "}),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(editor, draft_issue, field, changes):
    entry = first_entry(draft_issue)
    fields = {"title": entry.title, "url": entry.url, "summary": entry.summary, **changes}
    with pytest.raises(ValidationError) as raised:
        services.entry_update(entry, **fields, version=1, by=editor)
    assert list(raised.value.message_dict) == [field]
    with pytest.raises(ValidationError):
        services.entry_create(entry.section, **fields, by=editor)
    fresh = Entry.objects.get(pk=entry.pk)
    assert (fresh.title, fresh.url, fresh.version) == (entry.title, entry.url, 1)
    assert Entry.objects.count() == 4 and audit_count(draft_issue) == 0


# --- entries: move --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "position", "expected"),
    [
        ("a3", 1, ["a3", "a1", "a2", "a4", "a5"]),
        ("a3", 5, ["a1", "a2", "a4", "a5", "a3"]),
        ("a1", 4, ["a2", "a3", "a4", "a1", "a5"]),
        ("a5", 2, ["a1", "a5", "a2", "a3", "a4"]),
        ("a2", 99, ["a1", "a3", "a4", "a5", "a2"]),
        ("a2", None, ["a1", "a3", "a4", "a5", "a2"]),
    ],
)
def test_entry_move_within_a_section(editor, title, position, expected):
    issue = long_issue(5)
    a, _b = sections(issue)
    moved = services.entry_move(entry(title), section=a, position=position, by=editor)
    assert titles(a) == expected
    assert moved.position == expected.index(title) + 1
    assert_contiguous(issue)
    [event] = AuditEvent.objects.filter(issue=issue)
    assert event.action == "entry_move" and event.entry == moved


@pytest.mark.parametrize(
    ("position", "expected_b"),
    [
        (1, ["a2", "b1", "b2", "b3"]),
        (2, ["b1", "a2", "b2", "b3"]),
        (4, ["b1", "b2", "b3", "a2"]),
        (None, ["b1", "b2", "b3", "a2"]),
    ],
)
def test_entry_move_across_sections(editor, position, expected_b):
    issue = long_issue(3)
    a, b = sections(issue)
    comment = Comment.objects.create(entry=entry("a2"), author=editor, body="keep me")

    services.entry_move(entry("a2"), section=b, position=position, by=editor)

    assert titles(a) == ["a1", "a3"] and titles(b) == expected_b
    assert_contiguous(issue)
    assert Comment.objects.get(pk=comment.pk).entry == entry("a2")  # comments follow the entry
    [event] = AuditEvent.objects.filter(issue=issue)
    assert event.data["section"] == [a.pk, b.pk]
    assert event.data["position"] == [2, expected_b.index("a2") + 1]


def test_a_move_to_the_same_place_writes_nothing(editor):
    issue = long_issue(3)
    a, _b = sections(issue)
    services.entry_move(entry("a2"), section=a, position=2, by=editor)
    assert audit_count(issue) == 0


def test_an_entry_cannot_move_to_another_issue(editor):
    issue = long_issue(3)
    other = make_issue(2024, 71)
    with pytest.raises(ValidationError):
        services.entry_move(entry("a2"), section=other.sections.first(), position=1, by=editor)
    assert entry("a2").section.issue == issue and audit_count(issue) == 0


def test_moves_keep_positions_contiguous_whatever_the_order(editor):
    issue = long_issue(6)
    a, b = sections(issue)
    plan = [("a1", b, 2), ("b3", a, 1), ("a6", a, 3), ("a1", a, 7), ("b1", b, 3), ("a4", b, 1)]
    for title, section, position in plan:
        services.entry_move(entry(title), section=section, position=position, by=editor)
        assert_contiguous(issue)
    assert len(titles(a)) + len(titles(b)) == 9


# --- entries: delete and restore ------------------------------------------------------------------


def test_delete_keeps_what_undo_needs_and_restore_puts_it_back(editor):
    issue = long_issue(4, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED)
    a, _b = sections(issue)
    reviewer = make_user("reviewer")
    target = entry("a2")
    services.entry_update(
        target, title="a2 edited", url=target.url, summary="s", version=1, by=editor
    )
    entry_request_changes(target, by=reviewer, comment="Why?")
    question = Comment.objects.get()
    answer = services.comment_add(target, by=editor, body="Because.", parent=question)
    history = set(AuditEvent.objects.filter(entry=target).values_list("pk", flat=True))

    event = services.entry_delete(target, by=editor)

    assert titles(a) == ["a1", "a3", "a4"]
    assert_contiguous(issue)
    assert not Comment.objects.exists()
    data = event.data
    assert (event.action, event.subject, event.entry) == ("entry_delete", "a2 edited", None)
    assert {k: data[k] for k in ("title", "url", "summary", "status", "created_by")} == {
        "title": "a2 edited",
        "url": "https://a.example/2",
        "summary": "s",
        "status": EntryStatus.CHANGES_REQUESTED,
        "created_by": None,
    }
    assert (data["section"], data["section_title"], data["position"]) == (a.pk, "A", 2)
    assert [(c["author_id"], c["body"]) for c in data["comments"]] == [
        (reviewer.pk, "Why?"),
        (editor.pk, "Because."),
    ]
    assert data["comments"][0]["created_at"] == question.created_at.isoformat()

    restored = services.entry_restore(event, by=editor)

    assert titles(a) == ["a1", "a2 edited", "a3", "a4"]
    assert (restored.status, restored.summary) == (EntryStatus.CHANGES_REQUESTED, "s")
    assert_contiguous(issue)
    old_question, old_answer = Comment.objects.filter(entry=restored).order_by("created_at")
    assert (old_question.author, old_question.created_at) == (reviewer, question.created_at)
    assert (old_answer.parent, old_answer.body, old_answer.created_at) == (
        old_question,
        "Because.",
        answer.created_at,
    )
    assert history <= set(AuditEvent.objects.filter(entry=restored).values_list("pk", flat=True))
    event.refresh_from_db()
    assert event.data["restored"] is True
    assert AuditEvent.objects.filter(action="entry_restore", entry=restored).count() == 1

    before = audit_count(issue)
    with pytest.raises(TransitionError, match="undone already"):
        services.entry_restore(event, by=editor)
    assert audit_count(issue) == before and len(titles(a)) == 4


def test_restore_goes_to_the_end_when_the_section_got_shorter(editor):
    issue = long_issue(4)
    a, _b = sections(issue)
    event = services.entry_delete(entry("a4"), by=editor)
    services.entry_delete(entry("a3"), by=editor)
    services.entry_restore(event, by=editor)
    assert titles(a) == ["a1", "a2", "a4"]
    assert_contiguous(issue)


def test_restore_is_refused_when_the_section_was_removed(editor):
    issue = long_issue(3)
    a, _b = sections(issue)
    event = services.entry_delete(entry("a2"), by=editor)
    services.section_delete(a, by=editor, confirmed_entries=a.entries.count())
    before = audit_count(issue)
    with pytest.raises(TransitionError, match="cannot go back"):
        services.entry_restore(event, by=editor)
    assert audit_count(issue) == before and not Entry.objects.filter(title="a2").exists()


def test_only_a_deletion_can_be_restored(editor):
    issue = long_issue(3)
    a, _b = sections(issue)
    services.section_rename(a, title="A2", by=editor)
    with pytest.raises(TransitionError, match="Only a deletion"):
        services.entry_restore(AuditEvent.objects.get(), by=editor)


def test_a_draft_restored_into_an_issue_in_review_is_submitted(editor):
    issue = long_issue(3, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.DRAFT)
    event = services.entry_delete(entry("a1"), by=editor)
    assert services.entry_restore(event, by=editor).status == EntryStatus.SUBMITTED
    assert_contiguous(issue)


# --- comments and presence ------------------------------------------------------------------------


def test_comment_add_and_answer(editor, reviewer, draft_issue):
    entry_ = first_entry(draft_issue)
    question = services.comment_add(entry_, by=reviewer, body=" Source? ")
    answer = services.comment_add(entry_, by=editor, body="The paper.", parent=question)
    assert (question.body, answer.parent) == ("Source?", question)
    assert [e.action for e in AuditEvent.objects.filter(issue=draft_issue)] == ["comment_add"] * 2
    other = Entry.objects.filter(section__issue=draft_issue).exclude(pk=entry_.pk).first()
    with pytest.raises(ValidationError):
        services.comment_add(other, by=editor, body="x", parent=question)
    with pytest.raises(ValidationError):
        services.comment_add(entry_, by=editor, body="   ")
    assert Comment.objects.count() == 2


def test_presence_returns_the_others_seen_within_the_expiry(editor, reviewer, draft_issue):
    now = timezone.now()
    third = make_user("editor", username="zoe")
    stale = make_user("editor", username="old")
    Presence.objects.create(
        issue=draft_issue, user=stale, seen_at=now - PRESENCE_EXPIRY - datetime.timedelta(seconds=1)
    )
    Presence.objects.create(
        issue=draft_issue, user=third, seen_at=now - PRESENCE_EXPIRY + datetime.timedelta(seconds=1)
    )
    other_issue = make_issue(2024, 80)
    Presence.objects.create(issue=other_issue, user=reviewer, seen_at=now)

    assert services.presence_seen(draft_issue, user=editor, now=now) == [third]
    assert services.presence_seen(draft_issue, user=reviewer, now=now) == [editor, third]
    assert services.presence_seen(draft_issue, user=editor, now=now) == [reviewer, third]
    assert Presence.objects.filter(issue=draft_issue, user=editor).count() == 1
    assert audit_count(draft_issue) == 0
