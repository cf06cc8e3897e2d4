"""Every legal transition once, every illegal one refused, and the gates between them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from editorial.models import AuditEvent, Comment, Entry, EntryStatus, Issue, IssueStatus, Revision
from editorial.store import checksum, issue_markdown
from editorial.workflow import (
    ENTRY_ACTIONS,
    ENTRY_TRANSITIONS,
    ISSUE_TRANSITIONS,
    TransitionError,
    entries_approve_remaining,
    entry_approve,
    entry_request_changes,
    entry_submit,
    issue_publish,
    issue_reopen,
    issue_send_back,
    issue_submit,
    issue_take_back,
)
from tests.support.factories import make_issue, make_published_issue, make_user, shown_versions
from tests.support.services import audit_count, first_entry, new_events


def set_status(entry, status):
    Entry.objects.filter(pk=entry.pk).update(status=status)
    entry.refresh_from_db()
    return entry


def assert_one_event(issue, before, *, action, actor, from_state, to_state, entry=None):
    [event] = new_events(issue, before)
    assert (event.action, event.actor, event.from_state, event.to_state) == (
        action,
        actor,
        from_state,
        to_state,
    )
    assert event.entry == entry
    return event


# --- legal entry transitions ----------------------------------------------------------------------


@pytest.mark.parametrize("start", [EntryStatus.DRAFT, EntryStatus.CHANGES_REQUESTED])
def test_entry_submit(draft_issue, editor, start):
    entry = set_status(first_entry(draft_issue), start)
    before, since = audit_count(draft_issue), timezone.now()

    result = entry_submit(entry, by=editor)

    entry.refresh_from_db()
    assert result.status == entry.status == EntryStatus.SUBMITTED
    assert entry.updated_at >= since and entry.version == 1
    draft_issue.refresh_from_db()
    assert draft_issue.updated_at >= since
    assert_one_event(
        draft_issue,
        before,
        action="entry_submit",
        actor=editor,
        from_state=start,
        to_state=EntryStatus.SUBMITTED,
        entry=entry,
    )


def test_entry_approve(review_issue, reviewer):
    entry = first_entry(review_issue)
    before, since = audit_count(review_issue), timezone.now()

    entry_approve(entry, by=reviewer, version=entry.version)

    entry.refresh_from_db()
    assert entry.status == EntryStatus.APPROVED
    assert entry.updated_at >= since and entry.version == 1
    assert_one_event(
        review_issue,
        before,
        action="entry_approve",
        actor=reviewer,
        from_state=EntryStatus.SUBMITTED,
        to_state=EntryStatus.APPROVED,
        entry=entry,
    )


@pytest.mark.parametrize("start", [EntryStatus.SUBMITTED, EntryStatus.APPROVED])
def test_entry_request_changes(review_issue, reviewer, start):
    entry = set_status(first_entry(review_issue), start)
    before, since = audit_count(review_issue), timezone.now()

    entry_request_changes(entry, by=reviewer, comment="  The <b>link</b> is dead.\n\nFix it. ")

    entry.refresh_from_db()
    assert entry.status == EntryStatus.CHANGES_REQUESTED
    assert entry.updated_at >= since
    [comment] = Comment.objects.filter(entry=entry)
    assert (comment.author, comment.body) == (reviewer, "The <b>link</b> is dead.\n\nFix it.")
    event = assert_one_event(
        review_issue,
        before,
        action="entry_request_changes",
        actor=reviewer,
        from_state=start,
        to_state=EntryStatus.CHANGES_REQUESTED,
        entry=entry,
    )
    assert event.comment == comment.body and event.data == {"comment": comment.pk}


def test_request_changes_needs_a_comment(review_issue, reviewer):
    entry = first_entry(review_issue)
    before = audit_count(review_issue)
    with pytest.raises(ValidationError) as raised:
        entry_request_changes(entry, by=reviewer, comment=" \x00\n\u3000 ")
    assert "comment" in raised.value.message_dict
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED and audit_count(review_issue) == before


def test_approve_remaining_skips_flagged_and_own_entries(review_issue, reviewer):
    first, second, third, fourth = Entry.objects.filter(section__issue=review_issue).order_by(
        "section__position", "position"
    )
    set_status(second, EntryStatus.CHANGES_REQUESTED)
    Entry.objects.filter(pk=third.pk).update(created_by=reviewer)
    before = audit_count(review_issue)

    assert (
        len(
            entries_approve_remaining(
                review_issue, by=reviewer, versions=shown_versions(review_issue)
            )
        )
        == 2
    )

    statuses = dict(Entry.objects.filter(section__issue=review_issue).values_list("pk", "status"))
    assert statuses == {
        first.pk: EntryStatus.APPROVED,
        second.pk: EntryStatus.CHANGES_REQUESTED,
        third.pk: EntryStatus.SUBMITTED,
        fourth.pk: EntryStatus.APPROVED,
    }
    events = new_events(review_issue, before)
    assert [(e.action, e.entry_id, e.from_state, e.to_state) for e in events] == [
        ("entry_approve", first.pk, EntryStatus.SUBMITTED, EntryStatus.APPROVED),
        ("entry_approve", fourth.pk, EntryStatus.SUBMITTED, EntryStatus.APPROVED),
    ]
    assert (
        len(
            entries_approve_remaining(
                review_issue, by=reviewer, versions=shown_versions(review_issue)
            )
        )
        == 0
    )
    assert audit_count(review_issue) == before + 2


# --- legal issue transitions ----------------------------------------------------------------------


def test_issue_submit_submits_its_entries(draft_issue, editor):
    entries = list(Entry.objects.filter(section__issue=draft_issue).order_by("pk"))
    set_status(entries[1], EntryStatus.CHANGES_REQUESTED)
    set_status(entries[2], EntryStatus.APPROVED)
    before, since = audit_count(draft_issue), timezone.now()

    result = issue_submit(draft_issue, by=editor)

    draft_issue.refresh_from_db()
    assert result.status == draft_issue.status == IssueStatus.IN_REVIEW
    assert draft_issue.updated_at >= since and draft_issue.published_at is None
    statuses = [e.status for e in Entry.objects.filter(section__issue=draft_issue).order_by("pk")]
    assert statuses == ["submitted", "submitted", "approved", "submitted"]
    # Documented count: one row per entry moved (3), plus one for the issue.
    events = new_events(draft_issue, before)
    assert [e.action for e in events] == ["entry_submit"] * 3 + ["issue_submit"]
    assert {e.entry_id for e in events[:3]} == {entries[0].pk, entries[1].pk, entries[3].pk}
    assert events[1].from_state == EntryStatus.CHANGES_REQUESTED
    assert (events[3].from_state, events[3].to_state, events[3].entry) == (
        IssueStatus.DRAFT,
        IssueStatus.IN_REVIEW,
        None,
    )


def test_issue_send_back(review_issue, reviewer):
    before, since = audit_count(review_issue), timezone.now()

    issue_send_back(review_issue, by=reviewer, comment="Section two needs more.")

    review_issue.refresh_from_db()
    assert review_issue.status == IssueStatus.DRAFT and review_issue.updated_at >= since
    event = assert_one_event(
        review_issue,
        before,
        action="issue_send_back",
        actor=reviewer,
        from_state=IssueStatus.IN_REVIEW,
        to_state=IssueStatus.DRAFT,
    )
    assert event.comment == "Section two needs more."
    # Entries keep their statuses.
    assert set(
        Entry.objects.filter(section__issue=review_issue).values_list("status", flat=True)
    ) == {EntryStatus.SUBMITTED}


def test_issue_send_back_needs_a_comment(review_issue, reviewer):
    with pytest.raises(ValidationError):
        issue_send_back(review_issue, by=reviewer, comment="   ")
    review_issue.refresh_from_db()
    assert review_issue.status == IssueStatus.IN_REVIEW


def test_issue_publish_now(approved_issue, reviewer):
    before, since = audit_count(approved_issue), timezone.now()

    revision = issue_publish(approved_issue, by=reviewer)

    approved_issue.refresh_from_db()
    assert approved_issue.status == IssueStatus.PUBLISHED
    assert since <= approved_issue.published_at <= timezone.now()
    assert approved_issue.updated_at >= since
    assert (revision.number, revision.published_by, revision.note) == (1, reviewer, "")
    assert revision.published_at == approved_issue.published_at
    assert revision.markdown == issue_markdown(approved_issue)
    assert revision.checksum == checksum(revision.markdown)
    event = assert_one_event(
        approved_issue,
        before,
        action="issue_publish",
        actor=reviewer,
        from_state=IssueStatus.IN_REVIEW,
        to_state=IssueStatus.PUBLISHED,
    )
    assert event.data["revision"] == 1 and event.data["scheduled"] is False
    assert list(Issue.objects.visible_to_readers()) == [approved_issue]


def test_issue_reopen_keeps_the_last_revision_visible(reviewer):
    issue = make_published_issue(2024, 32, when=timezone.now() - datetime.timedelta(days=1))
    before = audit_count(issue)

    issue_reopen(issue, by=reviewer, comment="A summary has a typo.")

    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT
    assert issue.published_at is not None  # still the time of the visible revision
    assert list(Issue.objects.visible_to_readers()) == [issue]
    assert issue.revisions.get().number == 1
    event = assert_one_event(
        issue,
        before,
        action="issue_reopen",
        actor=reviewer,
        from_state=IssueStatus.PUBLISHED,
        to_state=IssueStatus.DRAFT,
    )
    assert event.comment == "A summary has a typo."


# --- illegal moves: refused, nothing changed ------------------------------------------------------

ILLEGAL_ENTRY_MOVES = [
    (status, action)
    for status in EntryStatus.values
    for action in ENTRY_ACTIONS
    if (status, action) not in ENTRY_TRANSITIONS
]
ISSUE_MOVES = ("submit", "take_back", "send_back", "publish", "reopen")
ILLEGAL_ISSUE_MOVES = [
    (status, action)
    for status in IssueStatus.values
    for action in ISSUE_MOVES
    if (status, action) not in ISSUE_TRANSITIONS
]


def do_entry_move(action, entry, user):
    if action == "request_changes":
        return entry_request_changes(entry, by=user, comment="Please fix.")
    if action == "approve":
        return entry_approve(entry, by=user, version=entry.version)
    return entry_submit(entry, by=user)


def do_issue_move(action, issue, user):
    calls = {
        "submit": lambda: issue_submit(issue, by=user),
        "take_back": lambda: issue_take_back(issue, by=user),
        "send_back": lambda: issue_send_back(issue, by=user, comment="Not yet."),
        "publish": lambda: issue_publish(issue, by=user, note="Fixed."),
        "reopen": lambda: issue_reopen(issue, by=user, comment="Fix."),
    }
    return calls[action]()


def entry_state(entry):
    fresh = Entry.objects.get(pk=entry.pk)
    return fresh.status, fresh.version, fresh.updated_at, Comment.objects.count()


def test_the_tables_cover_every_move():
    assert len(ILLEGAL_ENTRY_MOVES) == 4 * 3 - len(ENTRY_TRANSITIONS) == 7
    moves = [move for move in ISSUE_TRANSITIONS if move[1] in ISSUE_MOVES]
    assert len(ILLEGAL_ISSUE_MOVES) == 3 * 5 - len(moves) == 10


@pytest.mark.parametrize(("status", "action"), ILLEGAL_ENTRY_MOVES)
def test_illegal_entry_move_is_refused(writer, superuser, status, action):
    issue = make_issue(2024, 40, status=IssueStatus.IN_REVIEW, entry_status=status, author=writer)
    entry = first_entry(issue)
    state, before = entry_state(entry), audit_count(issue)

    with pytest.raises(TransitionError) as raised:
        do_entry_move(action, entry, superuser)

    assert raised.value.message
    assert entry_state(entry) == state and audit_count(issue) == before


@pytest.mark.parametrize("action", ENTRY_ACTIONS)
@pytest.mark.parametrize("status", [EntryStatus.SUBMITTED, EntryStatus.DRAFT])
def test_entry_moves_in_a_published_issue_are_refused(superuser, action, status):
    issue = make_published_issue(2024, 41)
    entry = set_status(first_entry(issue), status)
    state, before = entry_state(entry), audit_count(issue)
    with pytest.raises(TransitionError, match="reopen it first"):
        do_entry_move(action, entry, superuser)
    assert entry_state(entry) == state and audit_count(issue) == before


def issue_state(issue):
    fresh = Issue.objects.get(pk=issue.pk)
    return fresh.status, fresh.published_at, fresh.updated_at, fresh.revisions.count()


@pytest.mark.parametrize(("status", "action"), ILLEGAL_ISSUE_MOVES)
def test_illegal_issue_move_is_refused(superuser, status, action):
    # Every gate would pass (entries approved, with summaries): only the state refuses.
    if status == IssueStatus.PUBLISHED:
        issue = make_published_issue(2024, 42)
    else:
        issue = make_issue(2024, 42, status=status, entry_status=EntryStatus.APPROVED)
    state, before = issue_state(issue), audit_count(issue)
    entries = list(Entry.objects.filter(section__issue=issue).values_list("status", flat=True))

    with pytest.raises(TransitionError) as raised:
        do_issue_move(action, issue, superuser)

    assert raised.value.message
    assert issue_state(issue) == state and audit_count(issue) == before
    assert list(Entry.objects.filter(section__issue=issue).values_list("status", flat=True)) == (
        entries
    )


def test_approve_remaining_needs_an_issue_in_review(draft_issue, reviewer):
    with pytest.raises(TransitionError):
        entries_approve_remaining(draft_issue, by=reviewer, versions=shown_versions(draft_issue))
    assert audit_count(draft_issue) == 0


def test_approving_a_text_that_changed_since_it_was_read_is_refused(review_issue, reviewer):
    entry = first_entry(review_issue)
    Entry.objects.filter(pk=entry.pk).update(version=2)
    with pytest.raises(TransitionError, match="changed after you opened it"):
        entry_approve(entry, by=reviewer, version=1)
    assert Entry.objects.get(pk=entry.pk).status == EntryStatus.SUBMITTED
    assert entry_approve(entry, by=reviewer, version=2).status == EntryStatus.APPROVED


# --- gates ----------------------------------------------------------------------------------------


def test_issue_submit_needs_an_entry(editor):
    issue = make_issue(2024, 50, sections={"空的": []})
    with pytest.raises(TransitionError, match="at least one entry"):
        issue_submit(issue, by=editor)
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DRAFT and audit_count(issue) == 0


def test_issue_submit_names_how_many_summaries_are_missing(draft_issue, editor):
    for entry in Entry.objects.filter(section__issue=draft_issue).order_by("pk")[:2]:
        Entry.objects.filter(pk=entry.pk).update(summary="")
    with pytest.raises(TransitionError) as raised:
        issue_submit(draft_issue, by=editor)
    assert raised.value.message == "Every entry needs a summary before review: 2 do not."
    draft_issue.refresh_from_db()
    assert draft_issue.status == IssueStatus.DRAFT and audit_count(draft_issue) == 0
    assert not Entry.objects.filter(section__issue=draft_issue, status="submitted").exists()


def test_publish_needs_every_entry_approved(approved_issue, reviewer):
    set_status(first_entry(approved_issue), EntryStatus.SUBMITTED)
    state = issue_state(approved_issue)
    with pytest.raises(TransitionError) as raised:
        issue_publish(approved_issue, by=reviewer)
    assert raised.value.message == "Every entry must be approved before publishing: 1 is not."
    assert issue_state(approved_issue) == state and audit_count(approved_issue) == 0


def test_publish_needs_every_summary(approved_issue, reviewer):
    Entry.objects.filter(pk=first_entry(approved_issue).pk).update(summary="")
    with pytest.raises(TransitionError) as raised:
        issue_publish(approved_issue, by=reviewer)
    assert raised.value.message == "Every entry needs a summary before publishing: 1 does not."
    assert not Revision.objects.exists() and audit_count(approved_issue) == 0


def test_publish_needs_an_entry(reviewer):
    issue = make_issue(2024, 51, sections={"空的": []}, status=IssueStatus.IN_REVIEW)
    with pytest.raises(TransitionError, match="at least one entry"):
        issue_publish(issue, by=reviewer)
    assert not Revision.objects.exists()


# --- scheduling, reopening and corrections --------------------------------------------------------


def test_scheduled_publication_is_visible_from_its_time(approved_issue, reviewer):
    now = timezone.now()
    at = now + datetime.timedelta(hours=5)

    revision = issue_publish(approved_issue, by=reviewer, at=at)

    approved_issue.refresh_from_db()
    assert approved_issue.status == IssueStatus.PUBLISHED and approved_issue.is_scheduled
    assert approved_issue.published_at == revision.published_at == at
    assert not Issue.objects.visible_to_readers(now=now).exists()
    assert not Issue.objects.visible_to_readers(now=at - datetime.timedelta(seconds=1)).exists()
    assert list(Issue.objects.visible_to_readers(now=at)) == [approved_issue]
    assert AuditEvent.objects.get(action="issue_publish").data["scheduled"] is True


def test_a_time_in_the_past_publishes_now(approved_issue, reviewer):
    since = timezone.now()
    revision = issue_publish(approved_issue, by=reviewer, at=since - datetime.timedelta(days=3))
    assert revision.published_at >= since


def test_reopening_a_scheduled_issue_withdraws_the_unseen_revision(approved_issue, reviewer):
    issue_publish(approved_issue, by=reviewer, at=timezone.now() + datetime.timedelta(days=1))

    issue_reopen(approved_issue, by=reviewer, comment="Wrong week.")

    approved_issue.refresh_from_db()
    assert approved_issue.published_at is None and not approved_issue.revisions.exists()
    assert AuditEvent.objects.get(action="issue_reopen").data == {"withdrawn_revisions": [1]}
    # Never seen by readers, so publishing again is a first publication: no note needed.
    issue_submit(approved_issue, by=reviewer)
    assert issue_publish(approved_issue, by=reviewer).number == 1


def test_republication_adds_a_revision_with_a_correction_note(reviewer, writer):
    from editorial.services import entry_update

    first_time = timezone.now() - datetime.timedelta(days=2)
    issue = make_published_issue(2024, 32, when=first_time, author=writer)
    issue_reopen(issue, by=reviewer, comment="Typo in a title.")
    entry = first_entry(issue)
    corrector = make_user("editor")
    entry_update(
        entry,
        title="Corrected title",
        url=entry.url,
        summary=entry.summary,
        version=entry.version,
        by=corrector,
    )
    issue_submit(issue, by=reviewer)
    assert (
        len(entries_approve_remaining(issue, by=reviewer, versions=shown_versions(issue))) == 1
    )  # the one corrected by an editor

    with pytest.raises(ValidationError) as raised:
        issue_publish(issue, by=reviewer)
    assert "note" in raised.value.message_dict
    assert issue.revisions.count() == 1

    revision = issue_publish(issue, by=reviewer, note="Corrected the first title.")

    assert (revision.number, revision.note) == (2, "Corrected the first title.")
    assert "Corrected title" in revision.markdown
    assert "Corrected title" not in issue.revisions.get(number=1).markdown
    assert list(Issue.objects.visible_to_readers()) == [issue]


def test_publish_signal_is_sent_after_commit(
    approved_issue, reviewer, django_capture_on_commit_callbacks
):
    from editorial.workflow import issue_published

    received = []

    def receiver(sender, **kwargs):
        received.append(kwargs)

    issue_published.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            revision = issue_publish(approved_issue, by=reviewer)
            assert received == []  # not before the commit
        with django_capture_on_commit_callbacks(execute=True):
            issue_reopen(approved_issue, by=reviewer, comment="Fix.")
    finally:
        issue_published.disconnect(receiver)
    assert [(r["issue"].pk, r["revision"], r["action"]) for r in received] == [
        (approved_issue.pk, revision, "publish"),
        (approved_issue.pk, revision, "reopen"),
    ]
