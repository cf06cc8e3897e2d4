"""Undo from the history: the last changes of an issue, each taken back to the exact state it
started from, through the same services as any edit (so an undo is itself versioned, audited
and refused when the issue is published).

A change can be undone while what it wrote is still there: an edit while the entry's text is
the text the edit saved, a move while the entry is where the move put it, a rename while the
section has that title, a deletion once. Anything else is refused with a sentence that says
why (TransitionError), and nothing changes.
"""

from django.utils.translation import gettext as _

from editorial.models import AuditEvent, Entry, Section
from editorial.rules import TEXT_FIELDS
from editorial.services.entries import (
    EditConflict,
    entry_move,
    entry_restore,
    entry_update,
)
from editorial.services.sections import section_rename, section_restore
from editorial.workflow import guards

# The changes an undo can take back, and how many of an issue's newest rows offer it.
UNDOABLE = ("entry_update", "entry_move", "entry_delete", "section_delete", "section_rename")
UNDO_DEPTH = 20


def offers_undo(event: AuditEvent, newest_ids=()) -> bool:
    """Whether the history offers to undo `event`: an undoable action among the issue's
    UNDO_DEPTH newest rows (`newest_ids`), not a deletion already restored. Whether it still
    applies is checked when asked (undo_change)."""
    if event.action not in UNDOABLE or event.pk not in newest_ids:
        return False
    return not (isinstance(event.data, dict) and event.data.get("restored"))


def newest_ids(issue) -> set[int]:
    """The ids of the issue's UNDO_DEPTH newest audit rows. One query."""
    return set(
        AuditEvent.objects.filter(issue=issue)
        .order_by("-pk")
        .values_list("pk", flat=True)[:UNDO_DEPTH]
    )


def _changed_since() -> guards.TransitionError:
    return guards.TransitionError(
        _("This was changed again since: undo the later change first, or edit it by hand.")
    )


def _gone() -> guards.TransitionError:
    return guards.TransitionError(_("What this change touched is no longer there."))


def _undo_update(event: AuditEvent, by):
    entry = Entry.objects.filter(pk=event.entry_id).first()
    if entry is None:
        raise _gone()
    changes = event.data
    if any(getattr(entry, field) != pair[1] for field, pair in changes.items()):
        raise _changed_since()
    text = {
        field: changes[field][0] if field in changes else getattr(entry, field)
        for field in TEXT_FIELDS
    }
    source_name = changes["source_name"][0] if "source_name" in changes else None
    try:
        return entry_update(entry, **text, version=entry.version, by=by, source_name=source_name)
    except EditConflict:
        # Someone saved between the check above and this write: the same refusal.
        raise _changed_since() from None


def _undo_move(event: AuditEvent, by):
    entry = Entry.objects.filter(pk=event.entry_id).first()
    if entry is None:
        raise _gone()
    (old_section, new_section) = event.data["section"]
    (old_position, new_position) = event.data["position"]
    if (entry.section_id, entry.position) != (new_section, new_position):
        raise _changed_since()
    section = Section.objects.filter(pk=old_section, issue=event.issue_id).first()
    if section is None:
        raise _gone()
    return entry_move(entry, section=section, position=old_position, by=by)


def _undo_rename(event: AuditEvent, by):
    section = Section.objects.filter(pk=event.data["section"], issue=event.issue_id).first()
    if section is None:
        raise _gone()
    old, new = event.data["title"]
    if section.title != new:
        raise _changed_since()
    return section_rename(section, title=old, by=by)


def undo_change(event: AuditEvent, *, by):
    """Take `event` back: the entry, section or text as it was just before it. Returns what was
    restored (an Entry or a Section). TransitionError when it no longer applies;
    PermissionDenied for a user without the editor role."""
    guards.require_editor(by)
    if event.action == "entry_delete":
        return entry_restore(event, by=by)
    if event.action == "section_delete":
        return section_restore(event, by=by)
    undo = {
        "entry_update": _undo_update,
        "entry_move": _undo_move,
        "section_rename": _undo_rename,
    }.get(event.action)
    if undo is None or not isinstance(event.data, dict):
        raise guards.TransitionError(_("This change cannot be undone."))
    return undo(event, by)
