"""Reads for the inbox page: the items of one state with "the same link is already in …"
attached, and the sections of the issues an item can be added to.

Query budget: inbox_items three queries (items with who saved them and the entry they became,
entries with the same keys, other inbox items with the same keys); add_targets two.
"""

from collections import defaultdict

from django.db.models import Count, Prefetch

from editorial.models import Entry, InboxItem, InboxState, Issue, IssueStatus, Section

INBOX_PAGE_SIZE = 200


def _items_queryset():
    return InboxItem.objects.select_related("saved_by", "entry__section__issue")


def attach_same_links(items: list) -> list:
    """Each item gets .in_archive (entries with its url_key, issue and section loaded, newest
    issue first) and .in_inbox (other inbox items with its key). Two queries."""
    keys = {item.url_key for item in items}
    entries, others = defaultdict(list), defaultdict(list)
    if keys:
        for entry in (
            Entry.objects.filter(url_key__in=keys)
            .select_related("section__issue")
            .order_by("-section__issue__year", "-section__issue__number", "position")
        ):
            entries[entry.url_key].append(entry)
        for other in InboxItem.objects.filter(url_key__in=keys).only(
            "pk", "url_key", "title", "url", "state", "created_at"
        ):
            others[other.url_key].append(other)
    for item in items:
        # The entry this item became is not "already there": it is where it went.
        item.in_archive = [e for e in entries[item.url_key] if e.pk != item.entry_id]
        item.in_inbox = [o for o in others[item.url_key] if o.pk != item.pk]
    return items


def inbox_items(state: str = InboxState.NEW, limit: int = INBOX_PAGE_SIZE) -> list:
    """The newest items in `state`, with their same-link flags (three queries)."""
    items = list(_items_queryset().filter(state=state)[:limit])
    return attach_same_links(items)


def inbox_item(pk: int) -> InboxItem | None:
    """One item with its same-link flags, or None."""
    item = _items_queryset().filter(pk=pk).first()
    if item is not None:
        attach_same_links([item])
    return item


def inbox_counts() -> dict[str, int]:
    """How many items each state has (one query)."""
    counts = dict.fromkeys(InboxState.values, 0)
    for row in InboxItem.objects.values("state").annotate(n=Count("pk")).order_by():
        counts[row["state"]] = row["n"]
    return counts


def add_targets() -> list[Issue]:
    """Issues an item can go to (not published), newest first, each with .sections_list."""
    return list(
        Issue.objects.exclude(status=IssueStatus.PUBLISHED)
        .order_by("-year", "-number")
        .prefetch_related(
            Prefetch(
                "sections",
                queryset=Section.objects.order_by("position", "pk"),
                to_attr="sections_list",
            )
        )
    )
