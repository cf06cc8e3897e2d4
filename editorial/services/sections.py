"""Sections: add, rename, reorder, remove (with everything in them) and undo a removal."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from editorial import audit
from editorial.models import AuditEvent, Issue, Section
from editorial.rules import clean_section_title
from editorial.services.entries import (
    entry_snapshot,
    fresh_deletion,
    lock_section,
    rebuild_entry,
)
from editorial.services.positions import clamp, close_gap, end_position, make_room, move_within
from editorial.workflow import guards
from editorial.workflow.guards import TransitionError


def _refuse_taken_title(issue, title: str, *, exclude=None) -> None:
    taken = Section.objects.filter(issue=issue, title=title)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError(
            {"title": _("This issue already has a section called “%(title)s”.") % {"title": title}}
        )


@transaction.atomic
def section_create(issue: Issue, *, title, by) -> Section:
    """A new section at the end of the issue. One audit row."""
    issue = guards.lock_issue(issue.pk)
    guards.refuse_if_published(issue)
    guards.require_editor(by)
    title = clean_section_title(title)
    _refuse_taken_title(issue, title)
    section = add_section(issue, title, by=by)
    guards.touch(issue)
    return section


def add_section(issue: Issue, title: str, *, by) -> Section:
    """Insert a section titled `title` (checked, not taken) at the end of the locked issue,
    audited (section_create); no checks here."""
    position = end_position(Section.objects.filter(issue=issue))
    section = Section.objects.create(issue=issue, title=title, position=position)
    audit.record(
        issue,
        by=by,
        action="section_create",
        subject=title,
        data={"section": section.pk, "position": position},
    )
    return section


@transaction.atomic
def section_rename(section: Section, *, title, by) -> Section:
    """A new title, unique within the issue. One audit row; the same title writes nothing."""
    issue, section = lock_section(section)
    guards.refuse_if_published(issue)
    guards.require_editor(by)
    title = clean_section_title(title)
    old = section.title
    if title == old:
        return section
    _refuse_taken_title(issue, title, exclude=section)
    section.title = title
    section.save(update_fields=["title"])
    audit.record(
        issue,
        by=by,
        action="section_rename",
        subject=title,
        data={"section": section.pk, "title": [old, title]},
    )
    guards.touch(issue)
    return section


@transaction.atomic
def section_move(section: Section, *, position, by) -> Section:
    """Move to `position` (1-based, brought into range); the others shift. One audit row;
    a no-op writes nothing."""
    issue, section = lock_section(section)
    guards.refuse_if_published(issue)
    guards.require_editor(by)
    rows = Section.objects.filter(issue=issue)
    old = section.position
    position = clamp(position, end_position(rows) - 1)
    if position == old:
        return section
    move_within(rows, section, position)
    section.save(update_fields=["position"])
    audit.record(
        issue,
        by=by,
        action="section_move",
        subject=section.title,
        data={"section": section.pk, "position": [old, position]},
    )
    guards.touch(issue)
    return section


class SectionNotEmpty(TransitionError):
    """The section holds another number of entries than the confirmation counted (`count`
    is the number now): nothing was removed; ask again with the new count."""

    def __init__(self, count: int):
        super().__init__(
            ngettext(
                "This section now holds %(count)d entry: confirm again to remove it with it.",
                "This section now holds %(count)d entries: confirm again to remove it with them.",
                count,
            )
            % {"count": count}
        )
        self.count = count


@transaction.atomic
def section_delete(section: Section, *, by, confirmed_entries: int = 0) -> AuditEvent:
    """Remove the section with its entries and their comments, if it holds exactly
    `confirmed_entries` entries: the number the confirmation showed (0: no confirmation,
    so only an empty section goes). Counted under the same lock as the deletion, so an entry
    added meanwhile is never removed unseen (SectionNotEmpty). One audit row, whose data
    holds the section (id, title, position) and a snapshot of every entry, for
    section_restore. TransitionError when its entries are the last of an issue in review
    (guards.refuse_emptying_issue_in_review)."""
    issue, section = lock_section(section)
    guards.refuse_if_published(issue)
    guards.require_editor(by)
    entries = list(
        section.entries.select_for_update(of=("self",))
        .order_by("position")
        .prefetch_related(
            "comments", Prefetch("events", queryset=AuditEvent.objects.only("pk", "entry_id"))
        )
    )
    # A refusal first: confirming again would not help.
    guards.refuse_emptying_issue_in_review(issue, removing=len(entries))
    if len(entries) != confirmed_entries:
        raise SectionNotEmpty(len(entries))
    snapshots = []
    for entry in entries:
        entry.section = section
        snapshots.append(entry_snapshot(entry))
    data = {
        "section": section.pk,
        "title": section.title,
        "position": section.position,
        "entries": snapshots,
    }
    section.delete()
    close_gap(Section.objects.filter(issue=issue), data["position"])
    event = audit.record(issue, by=by, action="section_delete", subject=data["title"], data=data)
    guards.touch(issue)
    return event


@transaction.atomic
def section_restore(event: AuditEvent, *, by) -> Section:
    """Undo a section_delete event, once: the section and its entries come back at the old
    position (or the end). One audit row for the restore."""
    issue = guards.lock_issue(event.issue_id)
    event = fresh_deletion(event, "section_delete")
    guards.refuse_if_published(issue)
    guards.require_editor(by)
    data = event.data
    if Section.objects.filter(issue=issue, title=data["title"]).exists():
        raise TransitionError(
            _("A section called “%(title)s” exists again: rename it, then undo the removal.")
            % {"title": data["title"]}
        )
    rows = Section.objects.filter(issue=issue)
    position = clamp(data["position"], end_position(rows))
    make_room(rows, position)
    same_id = data["section"] if not Section.objects.filter(pk=data["section"]).exists() else None
    section = Section.objects.create(
        pk=same_id, issue=issue, title=data["title"], position=position
    )
    for entry_position, snapshot in enumerate(data["entries"], start=1):
        rebuild_entry(issue, section, snapshot, position=entry_position, by=by)
    event.data = {**data, "restored": True, "restored_section": section.pk}
    event.save(update_fields=["data"])
    audit.record(
        issue,
        by=by,
        action="section_restore",
        subject=section.title,
        data={
            "event": event.pk,
            "section": section.pk,
            "position": position,
            "entries": len(data["entries"]),
        },
    )
    guards.touch(issue)
    return section
