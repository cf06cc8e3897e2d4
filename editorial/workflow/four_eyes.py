"""Four eyes: a reviewer may not approve an entry whose current text (title, URL, summary) or
source they wrote or changed; DIGEST_FOUR_EYES off relaxes it for a team of one. The one place
that decides it, for one approval, a bulk approval and the approve buttons alike."""

from django.conf import settings
from django.utils.translation import gettext as _

from editorial import roles
from editorial.models import AuditEvent, Entry
from editorial.rules import REVIEWED_FIELDS


def text_authors(entries) -> dict[int, set[int]]:
    """{entry id: ids of the users who wrote its current title, URL, summary or source}, from
    the audit trail: for each field, whoever last set it (entry_create sets them all, an
    entry_update the fields it changed). An entry with no creation row (stored before the
    trail recorded text) counts its created_by for the fields no row covers. One query."""
    entries = list(entries)
    last: dict[int, dict[str, int | None]] = {entry.pk: {} for entry in entries}
    rows = (
        AuditEvent.objects.filter(
            entry_id__in=list(last), action__in=["entry_create", "entry_update"]
        )
        .order_by("created_at", "pk")
        .values_list("entry_id", "action", "actor_id", "data")
    )
    for entry_id, action, actor_id, data in rows:
        changed = (
            REVIEWED_FIELDS
            if action == "entry_create"
            else [f for f in REVIEWED_FIELDS if f in data]
        )
        for name in changed:
            last[entry_id][name] = actor_id
    authors = {}
    for entry in entries:
        writers = last[entry.pk]
        for name in REVIEWED_FIELDS:
            writers.setdefault(name, entry.created_by_id)
        authors[entry.pk] = {pk for pk in writers.values() if pk is not None}
    return authors


def approve_refusal(entry: Entry, user, authors: set[int] | None = None) -> str:
    """Why `user` may not approve the entry's current text ("" when they may): not a
    reviewer, or, while four eyes are on (DIGEST_FOUR_EYES), they wrote or changed its
    current title, URL, summary or source (from the audit trail; superusers included). `authors` is
    the entry's text authors when already read (text_authors), else one query."""
    if not roles.is_reviewer(user):
        return _("Only reviewers can approve entries.")
    if not settings.DIGEST_FOUR_EYES:
        return ""
    if authors is None:
        authors = text_authors([entry]).get(entry.pk, set())
    if user.pk in authors:
        return _(
            "You wrote or changed the current title, URL, summary or source of this entry: "
            "another reviewer must approve it."
        )
    return ""


def may_approve(entry: Entry, user, authors: set[int] | None = None) -> bool:
    """Whether `user` may approve the entry's current text (approve_refusal is "")."""
    return not approve_refusal(entry, user, authors)
