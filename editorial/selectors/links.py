"""The same link elsewhere: which entries share a link (links.url_key) with what is being typed,
pasted, imported, composed or reviewed, and where each one is ("2024/12, entry 3").

Query budget: one query per call, whatever the number of entries or links asked about (two for
a single entry whose link is used elsewhere: attach_same_links).
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from editorial.canonical.data import url_problem
from editorial.links import url_key
from editorial.models import Entry, IssueStatus
from editorial.selectors.numbering import with_markdown_numbers

SAME_LINKS_SHOWN = 10


def _where(entry, now) -> str:
    # Readers' anchor when readers see the issue as it is; otherwise the entry in its composer.
    issue = entry.section.issue
    if issue.status == IssueStatus.PUBLISHED and issue.published_at and issue.published_at <= now:
        anchor = f"#s{entry.section_index}-e{entry.entry_number}"
        return reverse("reader:issue", args=[issue.year, issue.number]) + anchor
    return issue.get_composer_url(f"entry-{entry.pk}")


def entry_keys(entry: Entry) -> set[str]:
    """The keys an entry is the same link by: its URL's, and where its page was read when it
    came from the inbox (Entry.final_url_key: a link that redirects to this one)."""
    return {key for key in (entry.url_key, entry.final_url_key) if key}


def _having_keys(keys) -> Q:
    return Q(url_key__in=keys) | Q(final_url_key__in=keys)


def same_link_entries(keys: Iterable[str], *, now=None, shared=False) -> dict[str, list[Entry]]:
    """Entries whose url_key or final_url_key is one of `keys`, by key (an entry is listed
    under each of its keys asked about), newest issue first. Each entry has its section and
    issue loaded, .entry_number, .section_index and .where_url. One query.
    `shared`: only the keys two entries or more have (the others' lists would hold just the
    entry asked about), so the common case, no link used twice, reads no rows."""
    keys = {key for key in keys if key}
    if not keys:
        return {}
    now = now or timezone.now()
    rows = Entry.objects.filter(_having_keys(keys))
    if shared:
        repeated = (
            Entry.objects.filter(url_key__in=keys)
            .order_by()
            .values("url_key")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
            .values("url_key")
        )
        # A link read elsewhere than typed (a redirect) is shared with whatever has that key.
        redirected = (
            Entry.objects.filter(final_url_key__in=keys)
            .exclude(final_url_key=F("url_key"))
            .values("final_url_key")
        )
        rows = Entry.objects.filter(Q(url_key__in=repeated) | _having_keys(redirected))
    rows = with_markdown_numbers(rows.select_related("section__issue")).order_by(
        "-section__issue__year", "-section__issue__number", "section__position", "position", "pk"
    )
    found: dict[str, list[Entry]] = defaultdict(list)
    for rank, entry in enumerate(rows):
        entry.where_url = _where(entry, now)
        entry.same_link_rank = rank
        for key in entry_keys(entry) & keys:
            found[key].append(entry)
    return dict(found)


def entries_sharing(keys: set[str], found: dict[str, list[Entry]], *, exclude=None) -> list:
    """The entries of `found` (same_link_entries) under any of `keys`, each once, in its
    order, without the entry whose pk is `exclude`."""
    matches = {entry.pk: entry for key in keys for entry in found.get(key, [])}
    matches.pop(exclude, None)
    return sorted(matches.values(), key=lambda entry: entry.same_link_rank)


def same_links_for_url(url: str, *, exclude_entry: int | None = None) -> list[Entry]:
    """Entries anywhere with the same link as `url` (typed, or where an entry's link led),
    except `exclude_entry`, at most SAME_LINKS_SHOWN, newest issue first; [] for a URL that
    is not valid (yet)."""
    url = (url or "").strip()
    # A URL that is not one yet (half typed, with a NUL) matches nothing; the form says why.
    if url_problem(url):
        return []
    key = url_key(url)
    matches = same_link_entries([key]).get(key, [])
    return [entry for entry in matches if entry.pk != exclude_entry][:SAME_LINKS_SHOWN]


def attach_same_links(entries: list[Entry]) -> None:
    """Give every entry .same_links: the other entries with its link (by its URL's key or
    where its page was read, entry_keys). One query (for a single entry, a light one: where
    the others are is read only when there are some)."""
    if len(entries) == 1:
        keys = entry_keys(entries[0])
        if not Entry.objects.filter(_having_keys(keys)).exclude(pk=entries[0].pk).exists():
            entries[0].same_links = []
            return
    keys = {key for entry in entries for key in entry_keys(entry)}
    found = same_link_entries(keys, shared=True) if entries else {}
    for entry in entries:
        others = entries_sharing(entry_keys(entry), found, exclude=entry.pk)
        entry.same_links = others[:SAME_LINKS_SHOWN]


def same_links_in_batch(urls: list[str]) -> tuple[list[tuple[int, int]], dict[int, list[Entry]]]:
    """For links about to be added together (quick add, import): pairs (i, j), i < j, of
    positions in `urls` that are the same link, and {position: entries already stored with
    that link}. One query."""
    keys = [url_key(url) for url in urls]
    first_seen: dict[str, int] = {}
    repeats = []
    for position, key in enumerate(keys):
        if key in first_seen:
            repeats.append((first_seen[key], position))
        else:
            first_seen[key] = position
    found = same_link_entries(keys)
    stored = {position: found[key] for position, key in enumerate(keys) if key in found}
    return repeats, stored
