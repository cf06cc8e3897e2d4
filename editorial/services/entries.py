"""Entries: create, edit (refusing stale versions), move, delete and undo a deletion."""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from editorial import audit, workflow
from editorial.models import AuditEvent, Comment, Entry, Issue, Section
from editorial.rules import TEXT_FIELDS, clean_entry_fields, clean_source_name, required_int
from editorial.services.positions import (
    clamp,
    close_gap,
    end_position,
    make_room,
    move_within,
)
from editorial.workflow import guards
from editorial.workflow.guards import TransitionError, Vanished


class EditConflict(Exception):
    """A save against a version that is no longer the stored one; nothing was written.

    `current` is the entry as saved now; `mine` the refused edit {"title", "url", "summary",
    "version"} (cleaned text), so both can be shown.
    """

    def __init__(self, current: Entry, mine: dict):
        self.message = _("Someone else saved this entry after you opened it.")
        super().__init__(self.message)
        self.current = current
        self.mine = mine


class EntryGone(Vanished):
    """A save to an entry that was deleted meanwhile; nothing was written. `mine` is the
    refused edit {"title", "url", "summary", "version"} as typed (cleaned when it could be),
    so the editor's text can be shown and kept; `message` names who deleted the entry."""

    def __init__(self, vanished: Vanished, mine: dict):
        super().__init__(vanished.message, issue=vanished.issue, event=vanished.event)
        self.mine = mine


def lock_section(section: Section) -> tuple[Issue, Section]:
    """Lock the section's issue and the section row, read afresh (guards.lock_section)."""
    return guards.lock_section(section.pk)


def create_entry(
    issue, section, fields: tuple, *, by, position=None, data=None, source_name="", final_url_key=""
) -> Entry:
    """Insert cleaned (title, url, summary) into a locked section, audited; no checks here.
    `source_name` (cleaned) and `final_url_key` (an inbox item's, see Entry) are stored as
    given."""
    rows = Entry.objects.filter(section=section)
    end = end_position(rows)
    position = clamp(position, end)
    if position < end:
        make_room(rows, position)
    title, url, summary = fields
    entry = Entry.objects.create(
        section=section,
        title=title,
        url=url,
        summary=summary,
        source_name=source_name,
        final_url_key=final_url_key,
        position=position,
        status=workflow.status_for_new_entry(issue),
        created_by=by,
        updated_by=by,
    )
    audit.record(
        issue,
        by=by,
        action="entry_create",
        entry=entry,
        to_state=entry.status,
        data={
            "section": section.pk,
            "section_title": section.title,
            "position": position,
            # The text as created: replaying the entry's audit rows gives its current text.
            "title": title,
            "url": url,
            "summary": summary,
            **({"source_name": source_name} if source_name else {}),
            **(data or {}),
        },
    )
    return entry


@transaction.atomic
def entry_create(
    section, *, title, url, summary="", by, position=None, source_name="", final_url_key=""
) -> Entry:
    """A new entry, appended to the section unless `position` (1-based) is given.
    In an issue under review it starts submitted. One audit row. `source_name`: the site or
    account readers see (clean_source_name: ValidationError when too long); `final_url_key`:
    where an inbox item's page was read (its same-link key)."""
    issue, section = lock_section(section)
    guards.refuse_if_published(issue)
    guards.require_editor(by)
    fields = clean_entry_fields(title, url, summary)
    entry = create_entry(
        issue,
        section,
        fields,
        by=by,
        position=position,
        source_name=clean_source_name(source_name),
        final_url_key=final_url_key,
    )
    guards.touch(issue)
    return entry


def _version(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError({"version": _("The form is missing its version.")}) from None


def _typed(title, url, summary, version) -> dict:
    try:
        fields = clean_entry_fields(title, url, summary)
    except ValidationError:
        fields = (title or "", url or "", summary or "")
    return {**dict(zip(TEXT_FIELDS, fields, strict=True)), "version": version}


@transaction.atomic
def entry_update(entry, *, title, url, summary, version, by, source_name=None) -> Entry:
    """Save new text over `version`: EditConflict if the stored version moved on, EntryGone
    if the entry was deleted meanwhile (both carry the editor's text). A real change bumps
    the version and writes one audit row with {field: [old, new]}; an approved or
    changes-requested entry goes back to submitted (the audit comment says why). A no-op
    writes nothing. The entry returned has its section and issue (as locked) and
    .audit_event, the row this save wrote (None for a no-op). `source_name` (None: as it
    is) is reviewed like the text: readers see it, so a change of it alone also sends an
    approved entry back to submitted."""
    try:
        issue, current = guards.lock_entry(entry)
    except Vanished as gone:
        raise EntryGone(gone, _typed(title, url, summary, version)) from None
    guards.refuse_if_published(issue)
    guards.require_editor(by)
    mine = dict(zip(TEXT_FIELDS, clean_entry_fields(title, url, summary), strict=True))
    version = required_int(version, "version", _("The form is missing its version."))
    if version != current.version:
        raise EditConflict(current, {**mine, "version": version})
    changes = {
        field: [getattr(current, field), value]
        for field, value in mine.items()
        if getattr(current, field) != value
    }
    if source_name is not None:
        source_name = clean_source_name(source_name)
        if source_name != current.source_name:
            changes["source_name"] = [current.source_name, source_name]
    current.audit_event = None
    if not changes:
        return current
    for field, (_old, new) in changes.items():
        setattr(current, field, new)
    from_state = current.status
    current.status, reason = workflow.status_after_edit(current)
    current.version += 1
    current.updated_by = by
    current.save(update_fields=[*changes, "status", "version", "updated_by", "updated_at"])
    moved = current.status != from_state
    current.audit_event = audit.record(
        issue,
        by=by,
        action="entry_update",
        entry=current,
        from_state=from_state if moved else "",
        to_state=current.status if moved else "",
        comment=reason,
        data=changes,
    )
    guards.touch(issue)
    return current


@transaction.atomic
def entry_move(entry, *, section, position, by) -> Entry:
    """Move to `position` (1-based; None: the end) in `section`, the same or another section
    of the entry's issue. Positions stay contiguous in both. One audit row; a no-op writes
    nothing. A fixed number of queries, however long the sections are."""
    issue, entry = guards.lock_entry(entry)
    guards.refuse_if_published(issue)
    guards.require_editor(by)
    source = entry.section
    target = (
        source
        if section.pk == source.pk
        else (Section.objects.select_for_update().filter(pk=section.pk, issue=issue).first())
    )
    if target is None:
        if not Section.objects.filter(pk=section.pk).exists():
            raise guards.vanished("section", section.pk)
        raise ValidationError(
            {"section": _("An entry can only move to a section of its own issue.")}
        )
    old_position = entry.position
    rows = Entry.objects.filter(section=target)
    if target == source:
        position = clamp(position, end_position(rows) - 1)
        if position == old_position:
            return entry
        move_within(rows, entry, position)
        entry.save(update_fields=["position", "updated_at"])
    else:
        position = clamp(position, end_position(rows))
        make_room(rows, position)
        entry.section, entry.position = target, position
        entry.save(update_fields=["section", "position", "updated_at"])
        close_gap(Entry.objects.filter(section=source), old_position)
    audit.record(
        issue,
        by=by,
        action="entry_move",
        entry=entry,
        data={
            "section": [source.pk, target.pk],
            "section_title": [source.title, target.title],
            "position": [old_position, position],
        },
    )
    guards.touch(issue)
    return entry


def entry_snapshot(entry: Entry) -> dict:
    """Everything needed to rebuild a deleted entry: fields, status, author, place, comments
    and the ids of its audit rows (to link them again)."""
    return {
        "entry": entry.pk,
        "title": entry.title,
        "url": entry.url,
        "summary": entry.summary,
        "source_name": entry.source_name,
        "final_url_key": entry.final_url_key,
        "status": entry.status,
        "version": entry.version,
        "created_by": entry.created_by_id,
        "created_at": entry.created_at.isoformat(),
        "section": entry.section_id,
        "section_title": entry.section.title,
        "position": entry.position,
        "comments": [
            {
                "id": c.pk,
                "parent_id": c.parent_id,
                "author_id": c.author_id,
                "body": c.body,
                "created_at": c.created_at.isoformat(),
            }
            # .all() so that a caller's prefetch_related is used.
            for c in sorted(entry.comments.all(), key=lambda c: (c.created_at, c.pk))
        ],
        "events": [event.pk for event in entry.events.all()],
    }


def rebuild_entry(issue, section, snapshot: dict, *, position: int, by) -> Entry:
    """Create an entry again from its snapshot, at a free `position`, with its comments:
    the same row (same id, same version, same comment ids), so a form still open on it keeps
    working."""
    User = get_user_model()
    wanted = {snapshot["created_by"], *(c["author_id"] for c in snapshot["comments"])}
    users = set(User.objects.filter(pk__in=wanted - {None}).values_list("pk", flat=True))
    same_id = snapshot.get("entry")
    if same_id is not None and Entry.objects.filter(pk=same_id).exists():
        same_id = None  # never the case for a real deletion; a copy gets a new id
    entry = Entry.objects.create(
        pk=same_id,
        section=section,
        title=snapshot["title"],
        url=snapshot["url"],
        summary=snapshot["summary"],
        # Snapshots taken before these were kept have neither.
        source_name=snapshot.get("source_name", ""),
        final_url_key=snapshot.get("final_url_key", ""),
        position=position,
        status=workflow.status_for_restored_entry(issue, snapshot["status"]),
        version=snapshot["version"],
        created_by_id=snapshot["created_by"] if snapshot["created_by"] in users else None,
        updated_by=by,
    )
    # created_at is auto_now_add: the original times are put back with plain UPDATEs.
    entry.created_at = datetime.datetime.fromisoformat(snapshot["created_at"])
    Entry.objects.filter(pk=entry.pk).update(created_at=entry.created_at)
    new_ids, comments = {}, []
    for old in snapshot["comments"]:  # oldest first, so a parent is always rebuilt first
        old_id = old["id"] if same_id is not None else None
        comment = Comment.objects.create(
            pk=old_id,
            entry=entry,
            parent_id=new_ids.get(old["parent_id"]),
            author_id=old["author_id"] if old["author_id"] in users else None,
            body=old["body"],
        )
        comment.created_at = datetime.datetime.fromisoformat(old["created_at"])
        new_ids[old["id"]] = comment.pk
        comments.append(comment)
    if comments:
        Comment.objects.bulk_update(comments, ["created_at"])
    AuditEvent.objects.filter(
        pk__in=snapshot.get("events", []), issue=issue, entry__isnull=True
    ).update(entry=entry)
    return entry


@transaction.atomic
def entry_delete(entry, *, by) -> AuditEvent:
    """Delete the entry (and its comments); the returned audit row's data holds what
    entry_restore needs. One audit row. TransitionError for the last entry of an issue in
    review (guards.refuse_emptying_issue_in_review)."""
    issue, entry = guards.lock_entry(entry)
    guards.refuse_if_published(issue)
    guards.require_editor(by)
    guards.refuse_emptying_issue_in_review(issue, removing=1)
    snapshot = entry_snapshot(entry)
    entry.delete()
    close_gap(Entry.objects.filter(section_id=snapshot["section"]), snapshot["position"])
    event = audit.record(
        issue,
        by=by,
        action="entry_delete",
        subject=snapshot["title"],
        from_state=snapshot["status"],
        data=snapshot,
    )
    guards.touch(issue)
    return event


def fresh_deletion(event: AuditEvent, action: str) -> AuditEvent:
    """The deletion event re-read under the issue lock; TransitionError unless it can be undone."""
    fresh = AuditEvent.objects.filter(pk=event.pk).first()
    if fresh is None or fresh.action != action:
        raise TransitionError(_("Only a deletion can be undone."))
    if fresh.data.get("restored"):
        raise TransitionError(_("This deletion was undone already."))
    return fresh


@transaction.atomic
def entry_restore(event: AuditEvent, *, by) -> Entry:
    """Undo an entry_delete event, once: the entry goes back to its section at its old position
    (or the end, if the section is shorter now); refused if the section was removed. The
    event is marked restored; one audit row for the restore."""
    issue = guards.lock_issue(event.issue_id)
    event = fresh_deletion(event, "entry_delete")
    guards.refuse_if_published(issue)
    guards.require_editor(by)
    snapshot = event.data
    section = Section.objects.filter(pk=snapshot["section"], issue=issue).first()
    if section is None:
        raise TransitionError(
            _("The section “%(title)s” was removed, so this entry cannot go back to it.")
            % {"title": snapshot["section_title"]}
        )
    rows = Entry.objects.filter(section=section)
    position = clamp(snapshot["position"], end_position(rows))
    make_room(rows, position)
    entry = rebuild_entry(issue, section, snapshot, position=position, by=by)
    event.data = {**snapshot, "restored": True, "restored_entry": entry.pk}
    event.save(update_fields=["data"])
    audit.record(
        issue,
        by=by,
        action="entry_restore",
        entry=entry,
        to_state=entry.status,
        data={"event": event.pk, "section": section.pk, "position": position},
    )
    guards.touch(issue)
    return entry
