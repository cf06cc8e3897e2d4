"""Entry numbers as the markdown writes them, read in the database."""

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery

from editorial.models import Entry, Section


def with_markdown_numbers(entries: QuerySet) -> QuerySet:
    """`entries` annotated with .entry_number (its number in its section, as in the markdown)
    and .section_index (its section's place among the sections that have entries): stored
    positions may have gaps, the exported numbers never do. Two correlated subqueries, no extra
    query."""
    entry_number = (
        Entry.objects.filter(section=OuterRef("section"), position__lte=OuterRef("position"))
        .order_by()
        .values("section")
        .annotate(n=Count("pk"))
        .values("n")
    )
    section_index = (
        Section.objects.filter(
            issue=OuterRef("section__issue"), position__lte=OuterRef("section__position")
        )
        .filter(Exists(Entry.objects.filter(section=OuterRef("pk"))))
        .order_by()
        .values("issue")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return entries.annotate(
        entry_number=Subquery(entry_number), section_index=Subquery(section_index)
    )
