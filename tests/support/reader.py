"""Reader helpers: big published issues, revisions, times, strict HTML parsing."""

from datetime import timedelta

import html5lib
from django.utils import timezone

from editorial.models import Revision
from editorial.store import revision_contents
from tests.support.factories import make_published_issue


def sections_with(entries: int, *, sections: int = 2, year: int = 2024, number: int = 32) -> dict:
    """`entries` entries spread over `sections` sections, for make_issue/make_published_issue."""
    result = {}
    for s in range(1, sections + 1):
        count = entries // sections + (1 if s <= entries % sections else 0)
        result[f"栏目{s}"] = [
            (f"标题 {s}-{i}", f"https://example.com/{year}/{number}/{s}/{i}", f"摘要 {s}-{i}")
            for i in range(1, count + 1)
        ]
    return result


def publish_big_issue(entries: int, year: int = 2024, number: int = 32, *, sections=2, **kw):
    """A published issue with `entries` entries over `sections` sections."""
    content = sections_with(entries, sections=sections, year=year, number=number)
    return make_published_issue(year, number, content, **kw)


def add_revision(issue, *, note: str = "更正了一个标题。", when=None, retitle: str | None = None):
    """A further revision of a published issue (what publishing a correction leaves behind);
    with `retitle`, the first entry's live title changes first."""
    if retitle is not None:
        entry = issue.sections.order_by("position").first().entries.order_by("position").first()
        entry.title = retitle
        entry.save()
    last = issue.revisions.order_by("-number").first()
    return Revision.objects.create(
        issue=issue,
        number=last.number + 1,
        **revision_contents(issue),
        note=note,
        published_at=when or timezone.now(),
    )


def later(**kw):
    return timezone.now() + timedelta(**kw)


def parse_strict(content: bytes | str):
    """Parse as HTML5, raising on any parse error."""
    return html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(content)
