"""What the domain-layer tests compare: positions, titles, audit rows."""

from editorial.models import AuditEvent, Entry, Section


def entry_positions(section) -> list[int]:
    return list(Entry.objects.filter(section=section).values_list("position", flat=True))


def section_positions(issue) -> list[int]:
    return list(Section.objects.filter(issue=issue).values_list("position", flat=True))


def titles(section) -> list[str]:
    return list(Entry.objects.filter(section=section).values_list("title", flat=True))


def assert_contiguous(issue) -> None:
    """Sections and the entries of every section are numbered 1..n with no gap."""
    assert section_positions(issue) == list(range(1, issue.sections.count() + 1))
    for section in Section.objects.filter(issue=issue):
        positions = entry_positions(section)
        assert positions == list(range(1, len(positions) + 1)), section.title


def audit_count(issue) -> int:
    return AuditEvent.objects.filter(issue=issue).count()


def new_events(issue, before: int) -> list[AuditEvent]:
    """Audit rows written after the first `before`, oldest first."""
    return list(AuditEvent.objects.filter(issue=issue).order_by("pk")[before:])


def first_entry(issue) -> Entry:
    return Entry.objects.filter(section__issue=issue).order_by("section__position", "position")[0]
