"""Content edits of issues, sections, entries and comments.

Each function is one transaction: it locks the issue row and every row it depends on (the
section, the entry), re-reads them under the lock (guards.Vanished, a 409 naming who removed
a row, when one is gone), refuses changes to a published issue
(TransitionError: reopen it first), checks the user's right (PermissionDenied) and the input
(ValidationError keyed by field), then writes with one AuditEvent per change that took effect.
Statuses are chosen by editorial.workflow, never here.
"""

from editorial.services.comments import comment_add
from editorial.services.entries import (
    EditConflict,
    EntryGone,
    entry_create,
    entry_delete,
    entry_move,
    entry_restore,
    entry_update,
)
from editorial.services.issues import issue_create, next_issue_number
from editorial.services.presence import presence_leave, presence_seen
from editorial.services.quick_add import draft_paste, entries_quick_add, parse_quick_add, read_paste
from editorial.services.sections import (
    SectionNotEmpty,
    section_create,
    section_delete,
    section_move,
    section_rename,
    section_restore,
)

__all__ = [
    "EditConflict",
    "EntryGone",
    "SectionNotEmpty",
    "comment_add",
    "draft_paste",
    "entries_quick_add",
    "entry_create",
    "entry_delete",
    "entry_move",
    "entry_restore",
    "entry_update",
    "issue_create",
    "next_issue_number",
    "parse_quick_add",
    "presence_leave",
    "presence_seen",
    "read_paste",
    "section_create",
    "section_delete",
    "section_move",
    "section_rename",
    "section_restore",
]
