"""Reads for the inbox page: the items of one state with "the same link is already in …"
attached, and the sections of the issues an item can be added to.

Query budget: inbox_items three queries (items with who saved them and the entry they became,
entries with the same keys, other inbox items with the same keys); add_targets two;
changed_items one, four when a card changed.
"""

from collections import defaultdict

from django.db.models import Count, Prefetch, Q

from editorial.models import InboxItem, InboxState, Issue, Section
from editorial.models.inbox import change_stamp
from editorial.selectors.links import entries_sharing, same_link_entries
from editorial.workflow.table import STATUSES_TAKING_ENTRIES

INBOX_PAGE_SIZE = 200


def _items_queryset():
    return InboxItem.objects.select_related("saved_by", "entry__section__issue")


def attach_item_same_links(items: list) -> list:
    """Each item gets .in_archive (the entries with the same link, by the one same-link lookup,
    selectors.links.same_link_entries: issue and section loaded, newest issue first) and
    .in_inbox (other inbox items with the same link). An item is the same link by its typed
    URL's key and by where its fetch ended (InboxItem.same_link_keys), and so are the
    entries and items it is compared with. Two queries."""
    keys = {key for item in items for key in item.same_link_keys}
    entries = same_link_entries(keys)
    others = defaultdict(dict)
    if keys:
        rows = InboxItem.objects.filter(Q(url_key__in=keys) | Q(final_url_key__in=keys)).only(
            "pk", "url_key", "final_url_key", "title", "url", "state", "created_at"
        )
        for other in rows:
            for key in other.same_link_keys & keys:
                others[key][other.pk] = other
    for item in items:
        # The entry this item became is not "already there": it is where it went.
        in_archive = entries_sharing(item.same_link_keys, entries, exclude=item.entry_id)
        item.in_archive = in_archive
        in_inbox = {pk: o for key in item.same_link_keys for pk, o in others[key].items()}
        in_inbox.pop(item.pk, None)
        item.in_inbox = sorted(in_inbox.values(), key=lambda o: (o.created_at, o.pk), reverse=True)
    return items


def inbox_items(state: str = InboxState.NEW, limit: int = INBOX_PAGE_SIZE) -> list:
    """The newest items in `state`, with their same-link flags (three queries)."""
    items = list(_items_queryset().filter(state=state)[:limit])
    return attach_item_same_links(items)


def inbox_item(pk: int) -> InboxItem | None:
    """One item with its same-link flags, or None."""
    item = _items_queryset().filter(pk=pk).first()
    if item is not None:
        attach_item_same_links([item])
    return item


def changed_items(shown: dict[int, int]) -> tuple[list[InboxItem], list[int]]:
    """What changed among the cards a page shows, `shown` mapping item pk -> the change stamp
    the page drew it at (InboxItem.change_stamp): (the items whose stamp differs now, with
    their same-link flags, newest first; the pks of those that no longer exist). One query when
    nothing changed, four otherwise, however many cards."""
    now = dict(InboxItem.objects.filter(pk__in=shown).values_list("pk", "updated_at"))
    gone = sorted(pk for pk in shown if pk not in now)
    moved = [pk for pk, updated_at in now.items() if change_stamp(updated_at) != shown[pk]]
    if not moved:
        return [], gone
    return attach_item_same_links(list(_items_queryset().filter(pk__in=moved))), gone


def inbox_counts() -> dict[str, int]:
    """How many items each state has (one query)."""
    counts = dict.fromkeys(InboxState.values, 0)
    for row in InboxItem.objects.values("state").annotate(n=Count("pk")).order_by():
        counts[row["state"]] = row["n"]
    return counts


def add_targets() -> list[Issue]:
    """Issues an item can go to (the workflow's STATUSES_TAKING_ENTRIES: in draft or in
    review), newest first, each with .sections_list and .target_label, the issue and its state
    as the inbox names it ("2024 年第三十三期 · Draft")."""
    issues = list(
        Issue.objects.filter(status__in=STATUSES_TAKING_ENTRIES)
        .order_by("-year", "-number")
        .prefetch_related(
            Prefetch(
                "sections",
                queryset=Section.objects.order_by("position", "pk"),
                to_attr="sections_list",
            )
        )
    )
    for issue in issues:
        issue.target_label = f"{issue.label} · {issue.get_status_display()}"
    return issues
