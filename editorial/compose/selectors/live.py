"""The composer's live updates: a cheap "has the issue changed since version N" check.

An issue's version is the id of its newest audit row: every content change and transition
writes one in the same transaction, so a new row is exactly "something changed"."""

from django.db.models import Max, OuterRef

from editorial.models import AuditEvent

# The version as a subquery of an issue query (composer_issue annotates it).
newest_event = AuditEvent.objects.filter(issue=OuterRef("pk")).order_by("-pk").values("pk")[:1]


def issue_version(issue) -> int:
    """The id of the issue's newest audit row (0 when it has none). One indexed query."""
    return AuditEvent.objects.filter(issue=issue).aggregate(newest=Max("pk"))["newest"] or 0
