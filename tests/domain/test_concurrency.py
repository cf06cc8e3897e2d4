"""Two people changing one issue at the same moment: the issue lock makes them take turns."""

import threading

import pytest
from django.db import connection

from editorial import services
from editorial.models import AuditEvent, Entry
from editorial.services import EditConflict
from tests.domain.helpers import assert_contiguous, first_entry, titles
from tests.factories import make_issue, make_user

# No serialized_rollback: it flushes without the post_migrate signal after each test, so the next
# transactional test (a browser journey) would start with no role groups and no permissions. The
# plain flush emits post_migrate, whose handler (editorial.roles.ensure_role_groups) puts the
# groups back.
pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*jobs):
    """Run the jobs in threads started at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # noqa: BLE001 - the test looks at what was raised
            results[index] = error
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


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
