"""Reads for the reader site, each with a fixed number of queries whatever the issue's size.

What readers see of an issue is its latest revision whose publication time has come: a
reopened issue stays readable in its last published form and a scheduled one appears on time.
"""

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.db.models import Count, Exists, Max, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from editorial.canonical import CanonicalFormatError, IssueData, markdown_to_issue
from editorial.models import Entry, Issue, IssueStatus, Revision, readers_see
from editorial.reader.state import kept_for_a_moment
from editorial.search import filter_matching, fold_query, text_matches
from editorial.selectors.numbering import with_markdown_numbers
from editorial.text import clean_text

logger = logging.getLogger(__name__)

YEAR_RANGE = range(1000, 10000)
NUMBER_RANGE = range(1, 10000)
REVISION_RANGE = range(1, 2**31)
SEARCH_MAX_RESULTS = 500
SEARCH_QUERY_MAX = 100
_HEADING_PUBLICATION = re.compile(r"# (?P<publication>.+) [0-9]{4} 年第")


def is_valid_issue_number(year: int, number: int) -> bool:
    """Whether year and number can name an issue at all (before asking the database)."""
    return year in YEAR_RANGE and number in NUMBER_RANGE


def _visible(now: datetime):
    return Revision.objects.visible_to_readers(now)


def _latest_visible_of(issue_ref: str, now: datetime):
    """Subquery: the newest revision of the outer row's issue that readers may see."""
    return _visible(now).filter(issue=OuterRef(issue_ref)).order_by("-number")


# Publication state: the key that every cross-issue page (archive, feed) depends on.


@dataclass(frozen=True)
class PublicationState:
    visible: int
    last_pk: int | None
    last_at: datetime | None

    @cached_property  # asked on every anonymous reader request; the state may be kept a while
    def key(self) -> str:
        stamp = self.last_at.timestamp() if self.last_at else 0
        return f"{self.visible}-{self.last_pk or 0}-{stamp:.0f}"


def publication_state(now: datetime) -> PublicationState:
    """How many revisions readers can see and the newest of them.

    It changes whenever something is published, corrected or reaches its scheduled time, so
    caches keyed on it never serve a page from before that moment. Every anonymous reader
    request asks this first (editorial.reader.cache): each process keeps it for a second, or
    until the next scheduled time (editorial.reader.state), then reads it in one query.
    """
    return kept_for_a_moment(now, _read_publication_state)


def _read_publication_state(now: datetime) -> tuple[PublicationState, datetime | None]:
    visible, scheduled = readers_see(now), ~readers_see(now)
    row = Revision.objects.order_by().aggregate(
        visible=Count("pk", filter=visible),
        last_pk=Max("pk", filter=visible),
        last_at=Max("published_at", filter=visible),
        next_at=Min("published_at", filter=scheduled),
    )
    state = PublicationState(row["visible"], row["last_pk"], row["last_at"])
    return state, row["next_at"]


# One issue.


def issue_revisions(year: int, number: int, now: datetime) -> list[Revision]:
    """The issue's visible revisions, newest first, without their markdown (one query)."""
    if not is_valid_issue_number(year, number):
        return []
    return list(
        _visible(now)
        .filter(issue__year=year, issue__number=number)
        .select_related("issue")
        .defer("markdown")
        .order_by("-number")
    )


def newest_issue_revisions(now: datetime) -> list[Revision]:
    """The visible revisions of the newest visible issue, newest first (one query)."""
    newest = Issue.objects.visible_to_readers(now).order_by("-year", "-number").values("pk")[:1]
    return list(
        _visible(now)
        .filter(issue=Subquery(newest))
        .select_related("issue")
        .defer("markdown")
        .order_by("-number")
    )


@dataclass(frozen=True)
class IssuePage:
    """One issue as readers see it: its visible revisions (newest first) and the one shown."""

    revisions: list[Revision]
    current: Revision

    @property
    def latest(self) -> Revision:
        return self.revisions[0]

    @property
    def issue(self) -> Issue:
        return self.current.issue

    @property
    def is_current(self) -> bool:
        return self.current.pk == self.latest.pk


def _page_from(revisions: list[Revision], revision_number: int | None) -> IssuePage | None:
    if not revisions:
        return None
    if revision_number is None:
        return IssuePage(revisions, revisions[0])
    current = next((r for r in revisions if r.number == revision_number), None)
    return IssuePage(revisions, current) if current else None


def issue_page(year: int, number: int, now: datetime, revision_number: int | None = None):
    """The issue showing its latest visible revision, or the numbered one; None if readers
    cannot see it (one query, markdown not loaded)."""
    return _page_from(issue_revisions(year, number, now), revision_number)


def newest_issue_page(now: datetime) -> IssuePage | None:
    """The newest visible issue, showing its latest visible revision (one query)."""
    return _page_from(newest_issue_revisions(now), None)


def revision_markdown_and_sources(revision_pk: int) -> tuple[str, list]:
    """The frozen markdown of one revision and its entries' source names (a list of strings
    per section; [] for a revision published before they were kept). One query."""
    return tuple(
        Revision.objects.filter(pk=revision_pk).values_list("markdown", "source_names").get()
    )


def visible_revision(year: int, number: int, now: datetime, revision_number: int | None = None):
    """One visible revision with its markdown: the latest, or the numbered one (one query)."""
    if not is_valid_issue_number(year, number):
        return None
    revisions = _visible(now).filter(issue__year=year, issue__number=number)
    if revision_number is not None:
        if revision_number not in REVISION_RANGE:
            return None
        revisions = revisions.filter(number=revision_number)
    return revisions.select_related("issue").order_by("-number").first()


def revision_issue_data(markdown: str) -> IssueData | None:
    """A frozen revision as data; None (logged) if it no longer reads as the canonical format."""
    try:
        return markdown_to_issue(markdown, publication=settings.DIGEST_PUBLICATION)
    except CanonicalFormatError:
        # A revision frozen before the publication was renamed still names the old one.
        match = _HEADING_PUBLICATION.match(markdown)
        if match and match["publication"] != settings.DIGEST_PUBLICATION:
            try:
                return markdown_to_issue(markdown, publication=match["publication"])
            except CanonicalFormatError:
                pass
        # A revision frozen before the plain-text rule may hold characters the rule removes
        # (a control character, a noncharacter): read it as the rule would have stored it.
        cleaned = "\n".join(clean_text(line) for line in markdown.split("\n"))
        if cleaned != markdown:
            try:
                return markdown_to_issue(cleaned, publication=settings.DIGEST_PUBLICATION)
            except CanonicalFormatError:
                pass
        logger.exception("A published revision does not parse as the canonical format")
        return None


# Archive and feed.


@dataclass(frozen=True)
class ArchiveIssue:
    year: int
    number: int
    first_published: datetime
    last_published: datetime
    revision_count: int
    entry_count: int

    @property
    def url(self) -> str:
        return reverse("reader:issue", args=[self.year, self.number])


def archive_issues(now: datetime) -> list[ArchiveIssue]:
    """Every visible issue, newest first, with dates and entry counts (one query).

    The count is of the issue's live entries: for a reopened issue in the middle of a correction
    it may already include the change that readers will see once it is published again.
    """
    visible = _visible(now).filter(issue=OuterRef("pk"))
    entry_count = (
        Entry.objects.filter(section__issue=OuterRef("pk"))
        .order_by()
        .values("section__issue")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        Issue.objects.annotate(
            first_published=Subquery(visible.order_by("number").values("published_at")[:1]),
            last_published=Subquery(visible.order_by("-number").values("published_at")[:1]),
            revision_count=Subquery(
                visible.order_by().values("issue").annotate(n=Count("pk")).values("n")
            ),
            entry_count=Coalesce(Subquery(entry_count), 0),
        )
        .filter(first_published__isnull=False)
        .order_by("-year", "-number")
        .values(
            "year", "number", "first_published", "last_published", "revision_count", "entry_count"
        )
    )
    return [ArchiveIssue(**row) for row in rows]


def feed_revisions(now: datetime, limit: int = 20) -> list[Revision]:
    """The latest visible revision of each of the newest `limit` issues, with its markdown and
    `first_published` (one query)."""
    first = _visible(now).filter(issue=OuterRef("issue")).order_by("number")
    return list(
        _visible(now)
        .filter(pk=Subquery(_latest_visible_of("issue", now).values("pk")[:1]))
        .annotate(first_published=Subquery(first.values("published_at")[:1]))
        .select_related("issue")
        .order_by("-issue__year", "-issue__number")[:limit]
    )


# Search.


@dataclass(frozen=True)
class SearchHit:
    year: int
    number: int
    section_index: int
    entry_number: int
    section_title: str
    title: str
    url: str
    summary: str

    @property
    def issue_key(self) -> tuple[int, int]:
        return (self.year, self.number)

    @property
    def issue_url(self) -> str:
        return reverse("reader:issue", args=[self.year, self.number])

    @property
    def anchor(self) -> str:
        return f"s{self.section_index}-e{self.entry_number}"

    @property
    def reader_url(self) -> str:
        return f"{self.issue_url}#{self.anchor}"


def _settled_issues(now: datetime):
    """Visible issues whose live entries are exactly what readers see: published, not reopened,
    and with no correction waiting for its time."""
    return (
        Issue.objects.visible_to_readers(now)
        .filter(status=IssueStatus.PUBLISHED)
        .exclude(Exists(Revision.objects.scheduled_for_readers(now).filter(issue=OuterRef("pk"))))
        .values("pk")
    )


_SEARCH_ORDER = (
    "-section__issue__year",
    "-section__issue__number",
    "section__position",
    "position",
)


# The newest issues are searched first by reading their entries' folded text, with no index:
# a common word (the usual query) fills the page's limit there and the rest of the archive is
# never read. Only when they hold too few matches is the rest searched through the index, which
# is quick exactly when the word is rare. Either way the cost is bounded, whatever the query
# and however big the archive (bench/search_bench.py: 100,000 entries).
SEARCH_FIRST_ISSUES = 8


def _live_matches(query: str, now: datetime, limit: int) -> list[tuple[int, int, int]]:
    """(year, number, pk) of the matching entries of settled issues, in reading order, at most
    `limit`: no text and no numbering, so a common word costs little however many it finds.
    One query, or two when the newest SEARCH_FIRST_ISSUES issues hold fewer than `limit`."""
    folded = fold_query(query)
    settled = _settled_issues(now)
    newest = settled.order_by("-year", "-number")[:SEARCH_FIRST_ISSUES]

    def matches(issues, use_index: bool, at_most: int):
        chosen = filter_matching(
            Entry.objects.filter(section__issue__in=issues), folded, use_index=use_index
        )
        return list(
            chosen.order_by(*_SEARCH_ORDER).values_list(
                "section__issue__year", "section__issue__number", "pk"
            )[:at_most]
        )

    found = matches(newest, False, limit)
    if len(found) < limit:
        rest = settled.exclude(pk__in=newest)
        found += matches(rest, True, limit - len(found))
    return found


def _live_hits(pks: list[int]) -> dict[int, SearchHit]:
    """The hits of entries `pks`, numbered as in the markdown (one query)."""
    rows = with_markdown_numbers(Entry.objects.filter(pk__in=pks)).values_list(
        "pk",
        "section__issue__year",
        "section__issue__number",
        "section_index",
        "entry_number",
        "section__title",
        "title",
        "url",
        "summary",
    )
    return {pk: SearchHit(*hit) for pk, *hit in rows}


class SearchResults(Sequence):
    """The hits of one search in reading order (newest issue first). Their order and number
    come from the light match query; a slice (a page of results, as Paginator takes it) stays
    unread until it is iterated, which reads the full rows it holds in one query, so a page
    costs the same whether the query matched 3 entries or 500."""

    def __init__(self, order: list[tuple[str, object]]):
        self._order = order  # ("live", entry pk) or ("frozen", SearchHit)

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return SearchResults(self._order[index])  # still unread: a page reads on use
        return self._load([self._order[index]])[0]

    def __iter__(self):
        return iter(self._load(self._order))

    @staticmethod
    def _load(order) -> list[SearchHit]:
        pks = [value for kind, value in order if kind == "live"]
        live = _live_hits(pks) if pks else {}
        return [live[value] if kind == "live" else value for kind, value in order]


def _frozen_hits(query: str, now: datetime) -> list[SearchHit]:
    # Reopened issues and those with a correction scheduled: read what readers see, the frozen
    # revision, never the live entries being edited. There are rarely more than one or two.
    unsettled = Issue.objects.not_settled_for_readers(now).values("pk")
    revisions = (
        _visible(now)
        .filter(issue__in=unsettled)
        .filter(pk=Subquery(_latest_visible_of("issue", now).values("pk")[:1]))
        .select_related("issue")
    )
    folded_query = fold_query(query)
    hits = []
    for revision in revisions:
        data = revision_issue_data(revision.markdown)
        if data is None:
            continue
        for s, section in enumerate((s for s in data.sections if s.entries), start=1):
            for e, entry in enumerate(section.entries, start=1):
                if text_matches(folded_query, entry.title, entry.summary):
                    hits.append(
                        SearchHit(
                            revision.issue.year,
                            revision.issue.number,
                            s,
                            e,
                            section.title,
                            entry.title,
                            entry.url,
                            entry.summary,
                        )
                    )
    return hits


def clean_search_query(raw: str) -> tuple[str, bool]:
    """The query as searched: plain text by the rule every field follows (text.clean_text),
    at most SEARCH_QUERY_MAX characters; and whether it had to be shortened."""
    query = clean_text(raw)
    if len(query) > SEARCH_QUERY_MAX:
        return query[:SEARCH_QUERY_MAX].rstrip(), True
    return query, False


def search_entries(query: str, now: datetime, limit: int = SEARCH_MAX_RESULTS) -> SearchResults:
    """Entries of visible issues whose NFKC case-folded title or summary contains the NFKC
    case-folded `query` (editorial.search), whatever the issue's state; newest issue first,
    at most limit + 1 of them so the caller can tell there were more. Two queries find them
    (live entries, frozen revisions); reading a page of them is one more (SearchResults)."""
    if not query:
        return SearchResults([])
    # Live matches and frozen ones never share an issue (a reopened issue is read from its
    # revision), so the issue decides the order between them and each keeps its own inside.
    keyed = [
        ((-year, -number, i), ("live", pk))
        for i, (year, number, pk) in enumerate(_live_matches(query, now, limit + 1))
    ]
    keyed += [
        ((-hit.year, -hit.number, hit.section_index, hit.entry_number), ("frozen", hit))
        for hit in _frozen_hits(query, now)
    ]
    keyed.sort(key=lambda pair: pair[0])
    return SearchResults([entry for _, entry in keyed[: limit + 1]])
