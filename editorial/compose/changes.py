"""What changed in an entry since a reviewer last decided on it (an approval, or a request for
changes): its text then, read back from the audit log, and the difference from its text now,
character by character in Chinese and word by word in Latin script, for the review page."""

import difflib
import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from editorial.models import AuditEvent, EntryStatus
from editorial.rules import REVIEWED_FIELDS

REVIEWS = ("entry_approve", "entry_request_changes")
FIELD_LABELS = {
    "title": _("Title"),
    "url": _("Address"),
    "summary": _("Summary"),
    "source_name": _("Source"),
}

# A token is a word of letters and digits in a script that spaces its words (Latin, Cyrillic,
# Greek, …), a run of white space, or any other single character: a Han, kana or Hangul
# character (those scripts do not space their words), a punctuation mark, an emoji.
_UNSPACED = (
    "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\U00020000-\U0003134f"
)
_TOKEN = re.compile(rf"(?:(?![{_UNSPACED}])\w)+|\s+|.", re.DOTALL)


def tokens(text: str) -> list[str]:
    """`text` cut into the units a difference is counted in (see _TOKEN); "".join gives it back."""
    return _TOKEN.findall(text)


@dataclass(frozen=True)
class Piece:
    """A run of text in a difference: "same", "removed" or "added"."""

    kind: str
    text: str


@dataclass(frozen=True)
class FieldChange:
    """One field's difference: its name ("title", "url", "summary", "source_name"), its label,
    the pieces."""

    field: str
    label: str
    pieces: tuple[Piece, ...]


def difference(old: str, new: str) -> tuple[Piece, ...]:
    """The pieces that turn `old` into `new`: same runs, then what was removed before what was
    added where a run was replaced; adjacent pieces of one kind joined."""
    pieces: list[Piece] = []

    def add(kind: str, parts: list[str]) -> None:
        text = "".join(parts)
        if not text:
            return
        if pieces and pieces[-1].kind == kind:
            pieces[-1] = Piece(kind, pieces[-1].text + text)
        else:
            pieces.append(Piece(kind, text))

    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("same", a[i1:i2])
        else:
            add("removed", a[i1:i2])
            add("added", b[j1:j2])
    return tuple(pieces)


def attach_changes_since_review(entries) -> None:
    """Give every entry .changes_since_review: the FieldChanges of its text since the last
    approval or request for changes, for a submitted entry that was reviewed before and edited
    since (else an empty list). One query, however many entries."""
    entries = list(entries)
    for entry in entries:
        entry.changes_since_review = []
    waiting = {entry.pk: entry for entry in entries if entry.status == EntryStatus.SUBMITTED}
    if not waiting:
        return
    rows = (
        AuditEvent.objects.filter(entry__in=list(waiting), action__in=(*REVIEWS, "entry_update"))
        .order_by("pk")
        .values_list("entry_id", "action", "data")
    )
    # Each entry's edits since its last review, oldest first; None until it was reviewed.
    edits: dict[int, list[dict] | None] = dict.fromkeys(waiting)
    for entry_id, action, data in rows:
        if action in REVIEWS:
            edits[entry_id] = []
        elif edits[entry_id] is not None:
            edits[entry_id].append(data or {})
    for pk, since in edits.items():
        if not since:
            continue
        entry = waiting[pk]
        reviewed = {field: getattr(entry, field) for field in REVIEWED_FIELDS}
        for data in reversed(since):  # undo the edits, newest first: the text at the review
            for field, change in data.items():
                if field in reviewed and isinstance(change, list) and len(change) == 2:
                    reviewed[field] = change[0]
        entry.changes_since_review = [
            FieldChange(
                field, FIELD_LABELS[field], difference(reviewed[field], getattr(entry, field))
            )
            for field in REVIEWED_FIELDS
            if reviewed[field] != getattr(entry, field)
        ]
