"""Two people changing one issue at the same moment: the issue lock makes them take turns."""

import pytest
from django.utils import translation

from editorial import services, workflow
from editorial.models import AuditEvent, Entry, IssueStatus
from editorial.services import EditConflict
from editorial.workflow import TransitionError
from tests.support.factories import make_issue, make_user
from tests.support.services import assert_contiguous, first_entry, titles
from tests.support.threads import run_together

# No serialized_rollback: it flushes without the post_migrate signal after each test, so the next
# transactional test (a browser journey) would start with no role groups and no permissions. The
# plain flush emits post_migrate, whose handler (editorial.roles.ensure_role_groups) puts the
# groups back.
pytestmark = pytest.mark.django_db(transaction=True)


def test_two_saves_from_the_same_version_one_wins_one_conflicts():
    issue = make_issue(2024, 33)
    alice, bob = make_user("editor"), make_user("editor")
    entry = first_entry(issue)

    def save(user, title):
        return lambda: services.entry_update(
            Entry.objects.get(pk=entry.pk),
            title=title,
            url=entry.url,
            summary="s",
            version=1,
            by=user,
        )

    results = run_together(save(alice, "Alice's title"), save(bob, "Bob's title"))

    conflicts = [r for r in results if isinstance(r, EditConflict)]
    saved = [r for r in results if isinstance(r, Entry)]
    assert len(conflicts) == 1 and len(saved) == 1, results
    winner, conflict = saved[0], conflicts[0]
    stored = Entry.objects.get(pk=entry.pk)
    assert (stored.title, stored.version) == (winner.title, 2)
    # The loser sees the winner's text as saved and keeps their own.
    assert conflict.current.title == winner.title
    assert conflict.mine["title"] != winner.title and conflict.mine["version"] == 1
    assert AuditEvent.objects.filter(action="entry_update").count() == 1


def test_simultaneous_inserts_and_moves_keep_positions_contiguous():
    issue = make_issue(2024, 34, entries_per_section=4)
    editors = [make_user("editor") for _ in range(3)]
    first, second = issue.sections.order_by("position")

    def add(user, prefix):
        def job():
            for i in range(4):
                services.entry_create(
                    first,
                    title=f"{prefix}{i}",
                    url=f"https://{prefix}.example/{i}",
                    by=user,
                    position=1 + i % 3,
                )

        return job

    def shuffle(user):
        def job():
            for _ in range(4):
                entry = Entry.objects.filter(section=second).order_by("position").first()
                services.entry_move(entry, section=first, position=2, by=user)

        return job

    results = run_together(add(editors[0], "x"), add(editors[1], "y"), shuffle(editors[2]))

    assert results == [None, None, None]
    assert len(titles(first)) == 4 + 8 + 4 and titles(second) == []
    assert_contiguous(issue)


RACE_ROUNDS = 20


def in_english(job):
    """The job in English, as the test itself runs (a thread starts without the override)."""

    def run():
        with translation.override("en"):
            return job()

    return run


def test_deleting_the_last_entry_while_the_issue_is_submitted_never_leaves_review_empty():
    """Round after round, an editor deletes the only entry of a draft while another submits it:
    one of the two is refused, and never is an issue in review left without entries."""
    deleter, submitter = make_user("editor"), make_user("editor")
    outcomes = set()
    for number in range(1, RACE_ROUNDS + 1):
        issue = make_issue(
            2025, number, {"栏目": [("唯一的条目", f"https://example.com/{number}", "摘要")]}
        )
        entry = first_entry(issue)
        deleted, submitted = run_together(
            in_english(lambda entry=entry: services.entry_delete(entry, by=deleter)),
            in_english(lambda issue=issue: workflow.issue_submit(issue, by=submitter)),
        )
        issue.refresh_from_db()
        left = Entry.objects.filter(section__issue=issue).count()
        assert not (issue.status == IssueStatus.IN_REVIEW and left == 0), f"round {number}"
        refused = [r for r in (deleted, submitted) if isinstance(r, TransitionError)]
        assert len(refused) == 1, (number, deleted, submitted)
        if isinstance(submitted, TransitionError):  # the deletion came first
            assert (issue.status, left) == (IssueStatus.DRAFT, 0)
            assert "at least one entry before review" in submitted.message
        else:  # the submission came first: the entry stays
            assert (issue.status, left) == (IssueStatus.IN_REVIEW, 1)
            assert "must keep at least one entry" in deleted.message
        deletions = AuditEvent.objects.filter(issue=issue, action="entry_delete").count()
        assert deletions == (left == 0)
        outcomes.add(issue.status)
    assert outcomes, "no round ran"
