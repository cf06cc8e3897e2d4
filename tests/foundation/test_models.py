"""What the database itself holds: constraints and querysets."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from editorial.links import url_key
from editorial.models import Entry, Issue, IssueStatus, Section
from tests.support.factories import make_issue, make_published_issue

pytestmark = pytest.mark.django_db


def _violates(**fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.create(**fields)


def test_issue_constraints():
    Issue.objects.create(year=2024, number=1)
    _violates(year=2024, number=1)  # unique year+number
    _violates(year=2024, number=0)
    _violates(year=2024, number=10000)
    _violates(year=999, number=2)
    _violates(year=2024, number=3, status="bogus")
    _violates(year=2024, number=4, status=IssueStatus.PUBLISHED)  # no published_at


def test_section_and_entry_constraints():
    issue = make_issue()
    section = issue.sections.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.create(issue=issue, title=section.title, position=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.create(issue=issue, title="新栏目", position=section.position)
    entry = section.entries.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            section=section, title="x", url="https://e.com", position=entry.position
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(section=section, title="x", url="javascript:alert(1)", position=50)
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            section=section, title="x", url="https://e.com", position=51, status="x"
        )


def test_entry_save_keeps_url_key():
    issue = make_issue()
    entry = Entry.objects.filter(section__issue=issue).first()
    entry.url = "https://Example.com/Path/?utm_source=feed"
    entry.save(update_fields=["url"])
    entry.refresh_from_db()
    assert entry.url_key == url_key("https://example.com/Path")


def test_visible_to_readers_follows_revision_time():
    now = timezone.now()
    past = make_published_issue(2024, 30, when=now - timedelta(hours=1))
    future = make_published_issue(2024, 31, when=now + timedelta(hours=1))
    make_issue(2024, 33)
    assert list(Issue.objects.visible_to_readers(now)) == [past]
    assert set(Issue.objects.visible_to_readers(now + timedelta(hours=2))) == {past, future}
    assert future.is_scheduled and not past.is_scheduled


def test_issue_label_uses_chinese_numerals():
    assert make_issue(2024, 32).label == "2024 年第三十二期"
