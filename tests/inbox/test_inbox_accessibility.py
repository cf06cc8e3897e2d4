"""axe-core finds nothing on the inbox's pages, in both colour schemes and both languages."""

import pytest
from django.utils import timezone

from editorial.models import Entry, EntryStatus, InboxItem, IssueStatus, LinkCheck
from tests.support.browser import _log_in, close_quietly, track_requests, violations
from tests.support.factories import make_issue, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def inbox_with_every_kind_of_card(editor):
    issue = make_issue(2024, 80, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED)
    entry = Entry.objects.filter(section__issue=issue).first()
    LinkCheck.objects.create(
        entry=entry, url=entry.url, outcome="not_found", status_code=404, checked_at=timezone.now()
    )
    common = {"saved_by": editor, "fetch_state": "done"}
    InboxItem.objects.create(
        url="https://example.com/a",
        title="云原生网关的演进",
        description="本文主要介绍了 Gateway API。",
        site_name="云计算技术动态",
        note="下周用",
        suggested_section="分布式系统",
        **common,
    )
    InboxItem.objects.create(url=entry.url, title="Same link", **common)
    InboxItem.objects.create(
        url="https://example.com/failed",
        saved_by=editor,
        fetch_state="failed",
        fetch_error="timeout",
    )
    InboxItem.objects.create(url="https://example.com/pending", saved_by=editor)
    InboxItem.objects.create(url="https://example.com/used", state="used", entry=entry, **common)
    item = InboxItem.objects.create(url="https://example.com/gone", state="dismissed", **common)
    return issue, item


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_inbox_pages_have_no_accessibility_violations(browser, live_server, scheme, language):
    editor = make_user("reviewer", username="rev")
    issue, item = inbox_with_every_kind_of_card(editor)
    context = track_requests(browser.new_context(base_url=live_server.url, color_scheme=scheme))
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    try:
        page = context.new_page()
        _log_in(page, "rev")
        problems = []
        for url in [
            "/editorial/inbox/",
            "/editorial/inbox/?state=used",
            "/editorial/inbox/?state=dismissed",
            "/editorial/inbox/save/?url=https://example.com/x&title=X",
            f"/editorial/inbox/{item.pk}/",
            f"/editorial/issues/{issue.year}/{issue.number}/links/",
        ]:
            problems += violations(page, url)
        page.goto(f"/editorial/review/{issue.year}/{issue.number}/")
        page.locator("[data-link-check]").first.wait_for()
        problems += violations(page, f"/editorial/review/{issue.year}/{issue.number}/")
    finally:
        close_quietly(context)
    assert problems == []
