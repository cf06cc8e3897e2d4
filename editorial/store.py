"""The thin adapter between the pure canonical format and the models."""

import hashlib
from dataclasses import replace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from editorial.canonical.data import EntryData, IssueData, SectionData
from editorial.canonical.export import issue_to_markdown
from editorial.canonical.parse import markdown_to_issue
from editorial.renderings.wechat import issue_to_wechat
from editorial.rules import entry_field_errors


class IssueExists(Exception):
    """The file's issue is already stored and replacing it was not asked for."""


def issue_to_data(issue) -> IssueData:
    """The issue's current content as plain data (two queries: sections, then entries)."""
    from editorial.models import Entry

    sections = issue.sections.order_by("position", "pk").prefetch_related(
        Prefetch("entries", queryset=Entry.objects.order_by("position", "pk"))
    )
    return IssueData(
        publication=settings.DIGEST_PUBLICATION,
        year=issue.year,
        number=issue.number,
        sections=tuple(
            SectionData(
                title=section.title,
                entries=tuple(
                    EntryData(
                        title=e.title, url=e.url, summary=e.summary, source_name=e.source_name
                    )
                    for e in section.entries.all()
                ),
            )
            for section in sections
        ),
    )


def issue_markdown(issue) -> str:
    """The canonical markdown of the issue as it stands now."""
    return issue_to_markdown(issue_to_data(issue))


def checksum(text: str) -> str:
    """SHA-256 of the text's UTF-8 bytes, hex (64 characters)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def revision_contents(issue) -> dict:
    """What a revision freezes of the issue as it stands, by Revision's field names: the
    canonical markdown and the WeChat copy (HTML and plain text), with the SHA-256 of the
    markdown and of the HTML, and the entries' source names (a list of strings per section,
    in order). ValueError if the issue holds what the format cannot carry."""
    data = issue_to_data(issue)
    markdown = issue_to_markdown(data)
    wechat = issue_to_wechat(data)
    return {
        "markdown": markdown,
        "checksum": checksum(markdown),
        "wechat_html": wechat.html,
        "wechat_text": wechat.text,
        "wechat_checksum": checksum(wechat.html),
        "source_names": [[entry.source_name for entry in s.entries] for s in data.sections],
    }


def with_source_names(data: IssueData, source_names) -> IssueData:
    """`data` (parsed from a revision's markdown) with the source names frozen beside it
    (Revision.source_names: a list of strings per section). Names that do not fit the data's
    shape (a revision frozen before they were kept holds []) are left out: "" for those."""

    def name(section_index: int, entry_index: int) -> str:
        try:
            value = source_names[section_index][entry_index]
        except (IndexError, KeyError, TypeError):
            return ""
        return value if isinstance(value, str) else ""

    return replace(
        data,
        sections=tuple(
            replace(
                section,
                entries=tuple(
                    replace(entry, source_name=name(i, j))
                    for j, entry in enumerate(section.entries)
                ),
            )
            for i, section in enumerate(data.sections)
        ),
    )


def _entry_problems(entry: EntryData) -> list[tuple[str, str]]:
    return list(entry_field_errors(entry.title, entry.url, entry.summary).items())


def parse_markdown(text: str | bytes, *, require_summaries: bool) -> IssueData:
    """Parse and check a canonical file against the publication and the input rules.

    Raises CanonicalFormatError with the line number of the first problem.
    """
    return markdown_to_issue(
        text,
        publication=settings.DIGEST_PUBLICATION,
        validate_entry=_entry_problems,
        require_summaries=require_summaries,
    )


@transaction.atomic
def store_issue(data: IssueData, *, draft: bool = False, replace: bool = False, by=None):
    """Store parsed issue data in one transaction: as published (with its revision) or as a
    draft. An existing issue is refused unless replace is true; then its content is replaced
    and, when published, a new revision is added."""
    from editorial.models import (
        AuditEvent,
        Entry,
        EntryStatus,
        Issue,
        IssueStatus,
        Revision,
        Section,
    )

    now = timezone.now()
    issue = Issue.objects.select_for_update().filter(year=data.year, number=data.number).first()
    if issue and not replace:
        raise IssueExists(f"issue {data.year}/{data.number} already exists (use --replace)")
    previous_status = issue.status if issue else ""
    if issue:
        issue.sections.all().delete()
    else:
        issue = Issue(year=data.year, number=data.number, created_by=by)
    issue.status = IssueStatus.DRAFT if draft else IssueStatus.PUBLISHED
    issue.published_at = None if draft else now
    try:
        with transaction.atomic():  # a savepoint: a concurrent import of the same issue wins
            issue.save()
    except IntegrityError:
        raise IssueExists(
            f"issue {data.year}/{data.number} already exists (use --replace)"
        ) from None

    entry_status = EntryStatus.DRAFT if draft else EntryStatus.APPROVED
    entries = []
    for position, section_data in enumerate(data.sections, start=1):
        section = Section.objects.create(issue=issue, title=section_data.title, position=position)
        entries.extend(
            Entry(
                section=section,
                title=e.title,
                url=e.url,
                summary=e.summary,
                position=entry_position,
                status=entry_status,
                created_by=by,
                updated_by=by,
            )
            for entry_position, e in enumerate(section_data.entries, start=1)
        )
    for entry in entries:
        entry.set_derived_fields()  # bulk_create bypasses Entry.save(), which sets them
    Entry.objects.bulk_create(entries)
    # One entry_create row per entry, with its text: the audit trail stays complete (replaying
    # an entry's rows gives its text), and four eyes knows who wrote it.
    AuditEvent.objects.bulk_create(
        AuditEvent(
            issue=issue,
            entry=entry,
            subject=entry.title,
            actor=by,
            action="entry_create",
            to_state=entry.status,
            data={
                "section": entry.section_id,
                "section_title": entry.section.title,
                "position": entry.position,
                "title": entry.title,
                "url": entry.url,
                "summary": entry.summary,
                "imported": True,
            },
        )
        for entry in entries
    )

    revision = None
    if not draft:
        last = issue.revisions.order_by("-number").values_list("number", flat=True).first() or 0
        revision = Revision.objects.create(
            issue=issue,
            number=last + 1,
            **revision_contents(issue),
            published_at=now,
            published_by=by,
            note="" if last == 0 else "Replaced by import.",
        )
    AuditEvent.objects.create(
        issue=issue,
        actor=by,
        action="issue_imported",
        subject=str(issue),
        from_state=previous_status,
        to_state=issue.status,
        comment=f"{len(entries)} entries" + (f", revision {revision.number}" if revision else ""),
    )
    return issue


def same_link_warnings(data: IssueData) -> list[str]:
    """Links of the file that are the same link (links.url_key) as another entry of the file or
    as an entry already stored in another issue: one line each, "section S, entry N: …". A
    warning, never a refusal. One query."""
    from editorial.selectors.links import same_links_in_batch

    places = [
        (s, n, entry.url)
        for s, section in enumerate((s for s in data.sections if s.entries), start=1)
        for n, entry in enumerate(section.entries, start=1)
    ]
    repeats, stored = same_links_in_batch([url for _s, _n, url in places])
    warnings = []
    for first, again in repeats:
        s, n, _url = places[again]
        s0, n0, _url = places[first]
        warnings.append(f"section {s}, entry {n}: the same link as section {s0}, entry {n0}")
    for position, entries in sorted(stored.items()):
        s, n, _url = places[position]
        elsewhere = [
            f"{e.section.issue.year}/{e.section.issue.number}, entry {e.entry_number}"
            for e in entries
            if (e.section.issue.year, e.section.issue.number) != (data.year, data.number)
        ]
        if elsewhere:
            warnings.append(f"section {s}, entry {n}: this link was in " + "; ".join(elsewhere))
    return warnings
