"""axe-core (WCAG 2.1 A and AA, and best practice) finds nothing on the reader and editorial
pages, in the light and the dark colour scheme, in both interface languages."""

import pytest

from editorial.models import EntryStatus, IssueStatus
from tests.support.browser import _log_in, close_quietly, track_requests, violations
from tests.support.factories import make_issue, make_published_issue, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

READER_PAGES = [
    "/",
    "/issues/",
    "/issues/2024/32/",
    "/search/?q=条目",
    "/subscribe/",
    "/accounts/login/",
]
EDITORIAL_PAGES = [
    "/editorial/",
    "/editorial/issues/new/",
    "/editorial/issues/2024/33/",
    "/editorial/issues/2024/33/history/",
    "/editorial/issues/2024/33/wechat/",
    "/editorial/review/",
    "/editorial/review/2024/34/",
    "/issues/2024/33/preview/",
    "/en/issues/2024/33/preview/",
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_have_no_accessibility_violations(browser, live_server, scheme, language):
    make_published_issue(2024, 32)
    editor = make_user("editor", username="ed")
    make_issue(2024, 33, author=editor)
    make_issue(
        2024, 34, status=IssueStatus.IN_REVIEW, entry_status=EntryStatus.SUBMITTED, author=editor
    )
    make_user("reviewer", username="rev")
    context = track_requests(browser.new_context(base_url=live_server.url, color_scheme=scheme))
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    try:
        page = context.new_page()
        # Reader pages carry their language in the URL; the others read the cookie.
        prefix = "/en" if language == "en" else ""
        problems = [
            p
            for url in READER_PAGES
            for p in violations(page, url if url.startswith("/accounts/") else prefix + url)
        ]
        _log_in(page, "rev")
        problems += [p for url in EDITORIAL_PAGES for p in violations(page, url)]
    finally:
        close_quietly(context)
    assert problems == []
