"""Reads for the composer screens: the dashboard, one issue with everything its composer shows,
single entries for fragments, duplicate links and the issue's history.

Query budget: dashboard_columns one query; composer_issue five (issue, sections, entries with
their authors, comments with their authors, the same links elsewhere) however many entries the
issue has.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from editorial.compose.selectors.live import newest_event
from editorial.compose.selectors.review import entry_threads
from editorial.models import AuditEvent, Entry, EntryStatus, Issue, IssueStatus, Revision, Section
from editorial.selectors.links import (  # noqa: F401 - the composer's same-link helpers
    attach_same_links,
    same_link_entries,
    same_links_for_url,
)
from editorial.workflow import submission_facts

PUBLISHED_ON_DASHBOARD = 12


@dataclass
class DashboardColumns:
    """The dashboard's four columns, each a list of issues annotated with entry counts."""

    draft: list = field(default_factory=list)
    in_review: list = field(default_factory=list)
    scheduled: list = field(default_factory=list)
    published: list = field(default_factory=list)


def _entry_count(status: str) -> Count:
    return Count("sections__entries", filter=Q(sections__entries__status=status))


def revision_exists(revisions=None) -> Exists:
    """For annotate() on issues: whether the row's issue has a revision (among `revisions`,
    e.g. Revision.objects.visible_to_readers(now): one readers see)."""
    revisions = Revision.objects.all() if revisions is None else revisions
    return Exists(revisions.filter(issue=OuterRef("pk")))


def dashboard_columns(now=None, published_limit: int = PUBLISHED_ON_DASHBOARD) -> DashboardColumns:
    """Every unpublished or scheduled issue and the latest published ones, in one query; each
    issue has .entries_total, .entry_counts [(status, label, n)] and .readable."""
    now = now or timezone.now()
    # Published and visible; an issue whose (first or corrected) publication is still to come
    # is in the scheduled column.
    latest_published = (
        Issue.objects.visible_to_readers(now)
        .filter(status=IssueStatus.PUBLISHED)
        .exclude(published_at__gt=now)
    ).order_by("-published_at", "-year", "-number")[:published_limit]
    counts = {f"entries_{status}": _entry_count(status) for status in EntryStatus.values}
    issues = (
        Issue.objects.filter(
            Q(status__in=[IssueStatus.DRAFT, IssueStatus.IN_REVIEW])
            | Q(status=IssueStatus.PUBLISHED, published_at__gt=now)
            | Q(pk__in=latest_published.values("pk"))
        )
        .annotate(
            entries_total=Count("sections__entries"),
            readable=revision_exists(Revision.objects.visible_to_readers(now)),
            has_revision=revision_exists(),
            **counts,
        )
        .order_by("-year", "-number")
    )
    columns = DashboardColumns()
    for issue in issues:
        issue.entry_counts = [
            (status, label, getattr(issue, f"entries_{status}"))
            for status, label in EntryStatus.choices
            if getattr(issue, f"entries_{status}")
        ]
        if issue.status == IssueStatus.PUBLISHED:
            target = columns.scheduled if issue.published_at > now else columns.published
        else:
            target = getattr(columns, issue.status)
        target.append(issue)
    columns.scheduled.sort(key=lambda issue: issue.published_at)
    columns.published.sort(key=lambda issue: issue.published_at, reverse=True)
    return columns


def previous_issue(year: int | None = None, number: int | None = None) -> Issue | None:
    """The newest issue (before year/number when given), for the sections a new issue offers."""
    issues = Issue.objects.order_by("-year", "-number")
    if year is not None and number is not None:
        issues = issues.filter(Q(year__lt=year) | Q(year=year, number__lt=number))
    return issues.prefetch_related(
        Prefetch("sections", queryset=Section.objects.order_by("position"))
    ).first()


def _prepare_entries(issue: Issue, sections) -> None:
    """Link the prefetched objects both ways and add .comment_threads and .same_links (the
    author names come with the entries: with_author_names)."""
    entries = [entry for section in sections for entry in section.entries_list]
    threads = entry_threads(entries) if entries else {}
    attach_same_links(entries)
    for section in sections:
        section.issue = issue
        for entry in section.entries_list:
            entry.section = section
            entry.comment_threads = threads.get(entry.pk, [])


def with_author_names(entries):
    """`entries` with .created_by_name and .updated_by_name (None when unknown): what an
    entry's menu says of who wrote and edited it, without reading the users as objects."""
    return entries.annotate(
        created_by_name=F("created_by__username"), updated_by_name=F("updated_by__username")
    )


def _entries_queryset():
    # Not the folded search text: the composer never shows it.
    return with_author_names(Entry.objects.defer("search_text")).order_by("position", "pk")


def composer_issue(year: int, number: int) -> Issue:
    """The issue with .version (selectors.live: read before its content, so a change made
    while the page is read shows as a newer version), .readable (a revision readers see),
    .has_revision (one published, whether readers see it yet or not) and
    .sections_list, each section with .entries_list (author names, comment threads and same
    links attached): five queries whatever the number of entries. 404 if none."""
    now = timezone.now()
    issue = get_object_or_404(
        Issue.objects.annotate(
            version=Coalesce(Subquery(newest_event), 0),
            readable=revision_exists(Revision.objects.visible_to_readers(now)),
            has_revision=revision_exists(),
            **submission_facts(),  # whether this editor may take it back (issue_actions)
        ).prefetch_related(
            Prefetch(
                "sections",
                queryset=Section.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("entries", queryset=_entries_queryset(), to_attr="entries_list")
                ),
                to_attr="sections_list",
            )
        ),
        year=year,
        number=number,
    )
    _prepare_entries(issue, issue.sections_list)
    return issue


def composer_section(pk: int) -> Section:
    """One section with its issue, its entries and their comment threads (404 if none)."""
    section = get_object_or_404(
        Section.objects.select_related("issue").prefetch_related(
            Prefetch("entries", queryset=_entries_queryset(), to_attr="entries_list")
        ),
        pk=pk,
    )
    _prepare_entries(section.issue, [section])
    return section


def composer_entry(pk: int) -> Entry:
    """One entry with its section, issue, author names, comment threads and same links
    (404)."""
    entry = get_object_or_404(
        with_author_names(Entry.objects.select_related("section__issue")), pk=pk
    )
    prepare_entry(entry)
    return entry


def prepare_entry(entry: Entry) -> Entry:
    """Add what an entry card shows beyond the model: .comment_threads and .same_links."""
    entry.comment_threads = entry_threads([entry])[entry.pk]
    attach_same_links([entry])
    return entry


def sibling_sections(issue: Issue) -> list[Section]:
    """The issue's sections in order (for "move to section" choices)."""
    return list(issue.sections.order_by("position", "pk"))


def duplicate_links(url: str, *, exclude_entry: int | None = None) -> list:
    """Entries whose link is the same as `url` (links.url_key), newest issue first, each with
    its section, issue, .entry_number and .where_url (see selectors.links)."""
    return same_links_for_url(url, exclude_entry=exclude_entry)


def issue_history(issue: Issue):
    """The issue's audit events, newest first, with who did them (a queryset to paginate)."""
    return (
        AuditEvent.objects.filter(issue=issue)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )
