"""Comments on entries."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from editorial import audit
from editorial.models import Comment
from editorial.workflow import guards


@transaction.atomic
def comment_add(entry, *, by, body, parent=None) -> Comment:
    """A comment on the entry, or an answer to one of its comments. Allowed in any issue
    state (it is talk about the text, not the text). One audit row."""
    issue, entry = guards.lock_entry(entry)
    guards.require_editor(by)
    body = guards.clean_comment(body, field="body")
    if parent is not None and not Comment.objects.filter(pk=parent.pk, entry=entry).exists():
        raise ValidationError({"parent": _("You can only answer a comment on the same entry.")})
    comment = Comment.objects.create(entry=entry, author=by, body=body, parent=parent)
    audit.record(
        issue,
        by=by,
        action="comment_add",
        entry=entry,
        comment=body,
        data={"comment": comment.pk, "parent": parent.pk if parent else None},
    )
    return comment
