"""Review helpers: the issue's entries, fresh from the database."""

from editorial.models import Entry


def entries_of(issue):
    """The issue's entries in reading order, fresh from the database."""
    return list(
        Entry.objects.filter(section__issue=issue).order_by("section__position", "position")
    )
