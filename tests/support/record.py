"""Helpers shared by the record's case tests."""

import re

from django.contrib.messages import get_messages
from django.urls import reverse

from editorial.models import Entry, EntryStatus, IssueStatus
from tests.support.factories import english_client, make_issue


def entries(issue) -> list[Entry]:
    return list(
        Entry.objects.filter(section__issue=issue).order_by("section__position", "position")
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def review_url(issue) -> str:
    return reverse("editorial:review_issue", args=[issue.year, issue.number])


def page_versions(html: str) -> list[str]:
    """The ENTRY:VERSION pairs the "approve all remaining" form of a page carries."""
    return re.findall(r'name="versions" value="(\d+:\d+)"', html)


def in_review(writer, number=40):
    return make_issue(
        2024,
        number,
        status=IssueStatus.IN_REVIEW,
        entry_status=EntryStatus.SUBMITTED,
        author=writer,
    )


def approve_remaining(client, issue, versions):
    url = reverse("editorial:issue_approve_remaining", args=[issue.year, issue.number])
    return client.post(url, {"versions": versions})


def admin_change(model, obj):
    return reverse(f"admin:editorial_{model}_change", args=[obj.pk])


def approved_issue(writer, number=43):
    return make_issue(
        2024, number, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.APPROVED, author=writer
    )


def client_for(user):
    client = english_client()
    if user is not None:
        client.force_login(user)
    return client
