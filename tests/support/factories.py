"""Small helpers that build users and issues in code."""

import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from editorial.models import Entry, EntryStatus, Issue, IssueStatus, Revision, Section
from editorial.roles import EDITORS, REVIEWERS
from editorial.store import revision_contents

_counter = itertools.count(1)


def make_user(role: str = "editor", *, username: str | None = None, active: bool = True):
    """A user with a role: "editor", "reviewer", "superuser", "reader" (no group)."""
    username = username or f"{role}{next(_counter)}"
    User = get_user_model()
    if role == "superuser":
        return User.objects.create_superuser(username, f"{username}@example.com", "pw")
    user = User.objects.create_user(username, password="pw", is_active=active)
    group = {"editor": EDITORS, "reviewer": REVIEWERS}.get(role)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def make_issue(
    year: int = 2024,
    number: int = 33,
    sections: dict | None = None,
    *,
    status: str = IssueStatus.DRAFT,
    entry_status: str = EntryStatus.DRAFT,
    author=None,
    entries_per_section: int = 2,
):
    """An issue with sections {title: [(title, url, summary), ...]} or a default two-section one."""
    if sections is None:
        sections = {
            title: [
                (
                    f"{title} 条目 {i}",
                    f"https://example.com/{year}/{number}/{s}/{i}",
                    f"摘要 {s}-{i}",
                )
                for i in range(1, entries_per_section + 1)
            ]
            for s, title in enumerate(["分布式系统", "云计算技术"], start=1)
        }
    issue = Issue.objects.create(
        year=year,
        number=number,
        status=status,
        published_at=timezone.now() if status == IssueStatus.PUBLISHED else None,
    )
    for position, (title, entries) in enumerate(sections.items(), start=1):
        section = Section.objects.create(issue=issue, title=title, position=position)
        for entry_position, (entry_title, url, summary) in enumerate(entries, start=1):
            Entry.objects.create(
                section=section,
                title=entry_title,
                url=url,
                summary=summary,
                position=entry_position,
                status=entry_status,
                created_by=author,
            )
    return issue


def make_published_issue(year: int = 2024, number: int = 32, sections=None, *, when=None, **kw):
    """A published issue with its first revision, visible from `when` (default now)."""
    issue = make_issue(
        year,
        number,
        sections,
        status=IssueStatus.PUBLISHED,
        entry_status=EntryStatus.APPROVED,
        **kw,
    )
    when = when or timezone.now()
    issue.published_at = when
    issue.save(update_fields=["published_at"])
    Revision.objects.create(issue=issue, number=1, **revision_contents(issue), published_at=when)
    return issue


def english_client() -> Client:
    """A test client whose visitor chose the English interface (the language cookie)."""
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def shown_versions(issue) -> dict[int, int]:
    """{entry id: version} of every entry of the issue: what its review page shows now, as
    the "approve all remaining" form carries it."""
    return dict(Entry.objects.filter(section__issue=issue).values_list("pk", "version"))


def make_issue_in_review(number: int, entries: int, author, year: int = 2024):
    """An issue in review with `entries` submitted entries spread over five sections (for the
    tests that compare a page or an answer at 10 and at 500 entries)."""
    sections = {
        f"栏目 {s}": [
            (f"条目 {s}-{i}", f"https://example.com/{number}/{s}/{i}", f"摘要 {s}-{i}")
            for i in range(entries // 5)
        ]
        for s in range(5)
    }
    return make_issue(
        year,
        number,
        sections,
        status=IssueStatus.IN_REVIEW,
        entry_status=EntryStatus.SUBMITTED,
        author=author,
    )
