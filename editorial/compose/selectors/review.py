"""Reads for the review screens: issues waiting for review, an issue's entries with their comments.

Query budget: review_issues and scheduled_issues one query each; an issue's review page five
(counted_sections: the sections with their counts; review_sections: entries with authors,
comments with authors, the same links elsewhere, what changed since the last review) however
many entries there are.
"""

from django.db.models import Count, Q
from django.utils import timezone

from editorial.compose.changes import attach_changes_since_review
from editorial.links import display_url
from editorial.models import Comment, Entry, EntryStatus, Issue, IssueStatus
from editorial.selectors.links import attach_same_links


def _with_entry_counts(queryset, entries="sections__entries"):
    """Each row with its number of entries (reached through `entries`) by state."""

    def count(status):
        return Count(entries, filter=Q(**{f"{entries}__status": status}))

    return queryset.annotate(
        entries_total=Count(entries),
        entries_submitted=count(EntryStatus.SUBMITTED),
        entries_changes_requested=count(EntryStatus.CHANGES_REQUESTED),
        entries_approved=count(EntryStatus.APPROVED),
    )


def review_issues():
    """Issues in review, oldest first, each with its number of entries by state."""
    queryset = Issue.objects.filter(status=IssueStatus.IN_REVIEW).order_by("year", "number")
    return list(_with_entry_counts(queryset))


def scheduled_issues(now=None):
    """Published issues whose publication time has not come yet, soonest first."""
    now = now or timezone.now()
    return list(
        Issue.objects.filter(status=IssueStatus.PUBLISHED, published_at__gt=now).order_by(
            "published_at"
        )
    )


def counted_sections(issue):
    """The issue's sections in order, each with its number of entries by state
    (.entries_total, .entries_submitted, .entries_changes_requested, .entries_approved) and
    .entries_awaiting (submitted or changes requested). One query."""
    sections = list(_with_entry_counts(issue.sections.order_by("position"), "entries"))
    for section in sections:
        section.issue = issue
        section.entries_awaiting = section.entries_submitted + section.entries_changes_requested
    return sections


def entry_counts(sections) -> dict[str, int]:
    """The number of entries of these sections (read by counted_sections) by state, plus
    "total": added up from the sections' counts, no query."""
    counts = {
        "submitted": sum(section.entries_submitted for section in sections),
        "changes_requested": sum(section.entries_changes_requested for section in sections),
        "approved": sum(section.entries_approved for section in sections),
        "total": sum(section.entries_total for section in sections),
    }
    counts["draft"] = counts["total"] - counts["submitted"] - counts["changes_requested"]
    counts["draft"] -= counts["approved"]
    return counts


class CommentThreads(list):
    """An entry's root comments (each with .thread_replies); .total counts replies too."""

    @property
    def total(self) -> int:
        return len(self) + sum(len(root.thread_replies) for root in self)


def entry_threads(entries) -> dict[int, CommentThreads]:
    """Comments of these entries as threads: {entry id: [root comment, ...]}, each root with
    .thread_replies (every reply below it, oldest first). One query."""
    ids = [entry.pk for entry in entries]
    comments = list(
        Comment.objects.filter(entry_id__in=ids)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    by_id = {comment.pk: comment for comment in comments}
    threads = {pk: CommentThreads() for pk in ids}
    for comment in comments:
        comment.thread_replies = []
    for comment in comments:
        root = comment
        # Replies to replies join the thread of their root comment, in time order.
        while root.parent_id is not None and root.parent_id in by_id:
            root = by_id[root.parent_id]
        if root is comment:
            threads[comment.entry_id].append(comment)
        else:
            root.thread_replies.append(comment)
    return threads


def review_sections(issue, sections):
    """Fill these sections of the issue (from counted_sections) with .entries_list; every
    entry has .shown_url (punycode host), .comment_threads (see entry_threads), .same_links
    (see selectors.links) and .changes_since_review (see compose.changes). Four queries at
    most (entries with their authors, comments, the same links elsewhere, the audit rows of
    the entries awaiting review), however many entries."""
    entries_queryset = (
        Entry.objects.filter(section__in=[section.pk for section in sections])
        .select_related("created_by", "updated_by")
        .defer("search_text")
        .order_by("position", "pk")
    )
    by_section = {section.pk: section for section in sections}
    for section in sections:
        section.entries_list = []
    entries = list(entries_queryset) if sections else []
    for entry in entries:
        section = by_section[entry.section_id]
        entry.section = section
        section.entries_list.append(entry)
    threads = entry_threads(entries)
    attach_same_links(entries)
    attach_changes_since_review(entries)
    for entry in entries:
        entry.shown_url = display_url(entry.url)
        entry.comment_threads = threads[entry.pk]
    return sections
