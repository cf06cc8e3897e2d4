"""Several people working on one issue at the same moment, each in a thread with its own database
connection: editors saving entries (sometimes from a stale version), editors reordering,
a reviewer approving, a publisher trying to publish until every entry is approved.

Afterwards nothing is lost or doubled: every successful save is in the entry or superseded by a
later successful save of it, each refused save was reported as a conflict, positions are 1..n
in every section, the export numbers entries the same way, and the audit log has exactly one
row for each change that took effect.
"""

import random
import threading
import time
from collections import Counter, defaultdict

import pytest
from django.conf import settings
from django.db import connection

from editorial import services, workflow
from editorial.canonical import markdown_to_issue
from editorial.models import AuditEvent, Entry, EntryStatus, Issue, IssueStatus, Revision, Section
from editorial.services import EditConflict
from editorial.store import issue_markdown
from editorial.workflow import TransitionError
from tests.support.factories import make_issue, make_user, shown_versions

SECTIONS = 4
PER_SECTION = 6
EDITS_PER_EDITOR = 25
MOVES_PER_MOVER = 20
DEADLINE_S = 90


def build_issue(writer):
    sections = {
        f"栏目{s}": [
            (f"原标题 {s}-{i}", f"https://example.com/load/{s}/{i}", f"摘要 {s}-{i}")
            for i in range(1, PER_SECTION + 1)
        ]
        for s in range(1, SECTIONS + 1)
    }
    return make_issue(
        2026,
        40,
        sections,
        status=IssueStatus.IN_REVIEW,
        entry_status=EntryStatus.SUBMITTED,
        author=writer,
    )


class Worker(threading.Thread):
    """A thread that runs `job(log)`, keeps what it raised, and closes its own connection."""

    def __init__(self, name, job):
        super().__init__(name=name, daemon=True)
        self.job = job
        self.log: list[tuple] = []
        self.error: BaseException | None = None

    def run(self):
        try:
            self.job(self.log)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error
        finally:
            connection.close()


def editor_job(user, entry_pks, seed, published):
    rng = random.Random(seed)

    def job(log):
        for n in range(EDITS_PER_EDITOR):
            pk = rng.choice(entry_pks)
            current = Entry.objects.get(pk=pk)
            time.sleep(rng.random() * 0.004)  # a person reads before saving: others may save
            title = f"{user.username} 第 {n} 次修改"
            try:
                saved = services.entry_update(
                    current,
                    title=title,
                    url=current.url,
                    summary=current.summary,
                    version=current.version,
                    by=user,
                )
            except EditConflict as conflict:
                log.append(("conflict", pk, conflict.mine["version"], conflict.current.version))
            except TransitionError:
                assert published.is_set() or Issue.objects.get().status == IssueStatus.PUBLISHED
                log.append(("refused", pk))
            else:
                log.append(("saved", pk, saved.version, saved.title))

    return job


def mover_job(user, section_pk, seed):
    """Reorders one section only, so it knows that section's order and never asks for a move
    that changes nothing (a no-op writes no audit row, which would blur the count)."""
    rng = random.Random(seed)

    def job(log):
        order = list(
            Entry.objects.filter(section_id=section_pk)
            .order_by("position")
            .values_list("pk", flat=True)
        )
        for _ in range(MOVES_PER_MOVER):
            source = rng.randrange(len(order))
            target = rng.choice([i for i in range(len(order)) if i != source])
            entry = Entry.objects.get(pk=order[source])
            try:
                moved = services.entry_move(
                    entry, section=Section(pk=section_pk), position=target + 1, by=user
                )
            except TransitionError:
                log.append(("refused", entry.pk))
                break  # published: nothing can move any more
            assert moved.position == target + 1
            order.insert(target, order.pop(source))
            log.append(("moved", entry.pk, source + 1, target + 1))
        log.append(("order", section_pk, order))

    return job


def reviewer_job(user, issue_pk, stop, editing_done, seed):
    """Approves one entry at a time (with the version read) while editing goes on, and all the
    remaining ones at once when it is over."""
    rng = random.Random(seed)

    def job(log):
        while not stop.is_set():
            issue = Issue.objects.get(pk=issue_pk)
            submitted = list(
                Entry.objects.filter(section__issue=issue, status=EntryStatus.SUBMITTED)
            )
            try:
                if submitted and not editing_done.is_set():
                    entry = rng.choice(submitted)
                    workflow.entry_approve(entry, by=user, version=entry.version)
                    log.append(("approved", 1))
                else:
                    count = len(
                        workflow.entries_approve_remaining(
                            issue, by=user, versions=shown_versions(issue)
                        )
                    )
                    log.append(("approved", count))
            except TransitionError:
                # Changed after reading it (stale version), approved by the bulk meanwhile,
                # or the issue is published now: nothing was written.
                log.append(("refused",))
            time.sleep(0.002)

    return job


def publisher_job(user, issue_pk, published, editing_done):
    def job(log):
        deadline = time.monotonic() + DEADLINE_S
        while time.monotonic() < deadline:
            try:
                revision = workflow.issue_publish(Issue.objects.get(pk=issue_pk), by=user)
            except TransitionError:
                log.append(("not yet",))
                time.sleep(0.003 if not editing_done.is_set() else 0.02)
                continue
            published.set()
            log.append(("published", revision.pk))
            return

    return job


@pytest.mark.django_db(transaction=True)
def test_editing_reordering_approving_and_publishing_one_issue_at_once():
    writer = make_user("editor", username="writer")
    editors = [make_user("editor", username=f"editor{i}") for i in range(3)]
    movers = [make_user("editor", username=f"mover{i}") for i in range(2)]
    reviewer = make_user("reviewer", username="approver")
    publisher = make_user("reviewer", username="publisher")
    issue = build_issue(writer)
    sections = list(issue.sections.order_by("position"))
    moved_sections = [s.pk for s in sections[: len(movers)]]
    entry_pks = list(Entry.objects.filter(section__issue=issue).values_list("pk", flat=True))
    original = {e.pk: (e.title, e.version) for e in Entry.objects.all()}
    assert AuditEvent.objects.count() == 0
    assert settings.DIGEST_FOUR_EYES  # the reviewer approves what `writer` wrote

    stop, published, editing_done = threading.Event(), threading.Event(), threading.Event()
    editing = [
        Worker(f"editor{i}", editor_job(user, entry_pks, i, published))
        for i, user in enumerate(editors)
    ] + [
        Worker(f"mover{i}", mover_job(user, section_pk, 100 + i))
        for i, (user, section_pk) in enumerate(zip(movers, moved_sections, strict=True))
    ]
    approver = Worker("reviewer", reviewer_job(reviewer, issue.pk, stop, editing_done, 7))
    publishing = Worker("publisher", publisher_job(publisher, issue.pk, published, editing_done))
    everyone = [*editing, approver, publishing]
    for worker in everyone:
        worker.start()
    for worker in editing:
        worker.join(DEADLINE_S)
    editing_done.set()
    publishing.join(DEADLINE_S)
    stop.set()
    approver.join(DEADLINE_S)
    assert not any(worker.is_alive() for worker in everyone), "a worker is stuck"
    assert [w.error for w in everyone if w.error] == []

    logs = {worker.name: worker.log for worker in everyone}
    events = list(AuditEvent.objects.order_by("pk"))
    by_action = Counter(event.action for event in events)
    issue.refresh_from_db()

    # The publisher got through once, with every entry approved, and nothing changed after.
    assert issue.status == IssueStatus.PUBLISHED
    assert [entry for entry in logs["publisher"] if entry[0] == "published"]
    revision = Revision.objects.get(issue=issue)
    assert revision.number == 1
    assert revision.markdown == issue_markdown(issue)
    assert set(Entry.objects.values_list("status", flat=True)) == {EntryStatus.APPROVED}

    # No update lost: per entry, the successful saves' versions follow each other without a gap
    # and the entry holds the text of the last one.
    saves = defaultdict(list)
    conflicts = 0
    for name in (w.name for w in editing if w.name.startswith("editor")):
        for record in logs[name]:
            if record[0] == "saved":
                saves[record[1]].append((record[2], record[3]))
            elif record[0] == "conflict":
                _, pk, mine, current = record
                assert mine < current  # refused because someone saved first, and said so
                conflicts += 1
    total_saves = sum(len(v) for v in saves.values())
    assert total_saves > 0
    for entry in Entry.objects.all():
        title, version = original[entry.pk]
        mine = sorted(saves.get(entry.pk, []))
        assert [v for v, _ in mine] == list(range(version + 1, version + 1 + len(mine)))
        assert entry.version == version + len(mine)
        assert entry.title == (mine[-1][1] if mine else title)

    # Every save wrote one audit row whose "before" is the text the previous save left.
    update_events = [e for e in events if e.action == "entry_update"]
    assert len(update_events) == total_saves
    chain = defaultdict(list)
    for event in update_events:
        chain[event.entry_id].append(event.data["title"])
    for pk, changes in chain.items():
        expected_before = original[pk][0]
        for before, after in changes:
            assert before == expected_before
            expected_before = after

    # Positions are 1..n in every section; each mover's idea of its section is the truth.
    for section in issue.sections.all():
        positions = list(section.entries.order_by("position").values_list("position", flat=True))
        assert positions == list(range(1, PER_SECTION + 1))
    moves = 0
    for name in (w.name for w in editing if w.name.startswith("mover")):
        *steps, (_, section_pk, order) = logs[name]
        moves += sum(1 for step in steps if step[0] == "moved")
        stored = list(
            Entry.objects.filter(section_id=section_pk)
            .order_by("position")
            .values_list("pk", flat=True)
        )
        assert stored == order
    assert moves > 0
    assert by_action["entry_move"] == moves
    for event in (e for e in events if e.action == "entry_move"):
        old, new = event.data["position"]
        assert old != new

    # The export numbers each section's entries 1..n in the stored order.
    data = markdown_to_issue(issue_markdown(issue), publication=settings.DIGEST_PUBLICATION)
    assert [(s.title, [e.title for e in s.entries]) for s in data.sections] == [
        (s.title, list(s.entries.order_by("position").values_list("title", flat=True)))
        for s in issue.sections.order_by("position")
    ]
    assert _numbering(revision.markdown) == [
        list(range(1, PER_SECTION + 1)) for _ in range(SECTIONS)
    ]

    # One audit row per approval that took effect, one publication, nothing else.
    approvals = sum(r[1] for r in logs["reviewer"] if r[0] == "approved")
    assert by_action["entry_approve"] == approvals
    assert by_action["issue_publish"] == 1
    assert set(by_action) <= {"entry_update", "entry_move", "entry_approve", "issue_publish"}
    assert len(events) == total_saves + moves + approvals + 1
    # Something really ran at the same time: some saves were refused as conflicts, or at least
    # the workers interleaved (the audit rows of different actors alternate).
    actors = [e.actor_id for e in events]
    switches = sum(1 for a, b in zip(actors, actors[1:], strict=False) if a != b)
    assert switches >= 10, (conflicts, switches)


def _numbering(markdown: str) -> list[list[int]]:
    """The entry numbers (`**n.**`) of each section of a canonical file, in order."""
    sections: list[list[int]] = []
    for line in markdown.splitlines():
        if line.startswith("## "):
            sections.append([])
        elif line.startswith("**") and ".** **" in line:
            sections[-1].append(int(line[2 : line.index(".**")]))
    return sections
